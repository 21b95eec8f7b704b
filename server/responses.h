/*
 * Filled forms (responses): a kiosk, a worker or the text conversation
 * engine (srv_response_store) stores one with POST /api/v1/responses, checked
 * against the form's definition; staff read them back by session and form.
 * A response names its participant unless the form is anonymous; viewers
 * see the answers but never who gave them. A device's resent nonce finds
 * the response it stored the first time, so a kiosk's queue may resend.
 * The indicator figures over many responses are not computed here.
 */
#ifndef SRV_RESPONSES_H
#define SRV_RESPONSES_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "app.h"
#include "tp_form.h"

/* A filled form to keep; everything borrowed. answers are normalised
 * (tp_form_check_answers). */
struct srv_response_new {
	const struct tp_form *form;
	int64_t participant_id;     /* 0: anonymous (and always for anonymous forms) */
	int64_t session_id;         /* 0: none */
	const char *phase;          /* "pre", "post" or NULL */
	const char *channel;        /* kiosk, staff, sms, whatsapp */
	int64_t submitted_at;
	json_t *answers;
	const char *client, *nonce; /* both or neither: a resend finds it */
};

/* Stores a response on the writer inside the caller's transaction, with
 * its audit record (as actor; a device or staff user is named on the
 * row). *id gets its id. */
int srv_response_store(sqlite3 *w, const struct srv_response_new *n,
		       const struct srv_actor *actor, int64_t *id);

int srv_response_post(struct tp_http_request *req);   /* POST /api/v1/responses */
int srv_responses_list(struct tp_http_request *req);  /* GET  /api/v1/responses */

#endif
