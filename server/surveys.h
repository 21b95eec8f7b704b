/*
 * Feedback by text: a form of assets/forms/ sent one question a message
 * (the survey_question template, with the choices written out and, where
 * they fit, WhatsApp reply buttons), answered as people type (tp_reply),
 * and stored when done as a response exactly like the kiosk's: the same
 * form, the same checks (tp_form_check_answers), channel sms or whatsapp.
 * A session's survey goes only to those who attended it, and only a form
 * whose every text is discreet may go by text at all.
 */
#ifndef SRV_SURVEYS_H
#define SRV_SURVEYS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"

/* Reads inbound message msg (text: its words or button id) as the answer
 * to survey conversation conv, moving it on; see conversation.h. */
int srv_survey_answer(sqlite3 *w, const struct srv_actor *actor, int64_t conv, int64_t msg,
		      const char *text, bool repeated);

/* POST /api/v1/sessions/{id}/survey {"form"?}: sends the session's
 * feedback form (default: its group's) to each who attended. */
int srv_session_survey(struct tp_http_request *req);

#endif
