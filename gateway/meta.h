/*
 * The Meta WhatsApp Cloud API adapter: JSON sends with a bearer token to
 * /{version}/{phone-number-id}/messages (text, reply buttons, templates),
 * the GET verify-token handshake, and the webhook (messages and statuses)
 * checked by X-Hub-Signature-256. Meta offers no way to look a message up,
 * so a send whose answer never came stays unknown.
 */
#ifndef GW_META_H
#define GW_META_H

#include <jansson.h>

#include "adapter.h"

/* Turns a webhook body into contract events; -EINVAL with e filled when it
 * is not a WhatsApp Business Account notification. */
int gw_meta_events_from_json(json_t *body, json_t *events, struct tp_error *e);
/* GET /webhooks/meta: the subscription handshake. */
int gw_meta_handshake(struct tp_http_request *req);

#endif
