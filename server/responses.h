/*
 * Filled forms (responses): a kiosk, a worker or (later) the text
 * conversation engine stores one with POST /api/v1/responses, checked
 * against the form's definition; staff read them back by session and form.
 * A response names its participant unless the form is anonymous; viewers
 * see the answers but never who gave them. A device's resent nonce finds
 * the response it stored the first time, so a kiosk's queue may resend.
 * The indicator figures over many responses are not computed here.
 */
#ifndef SRV_RESPONSES_H
#define SRV_RESPONSES_H

#include "app.h"

int srv_response_post(struct tp_http_request *req);   /* POST /api/v1/responses */
int srv_responses_list(struct tp_http_request *req);  /* GET  /api/v1/responses */

#endif
