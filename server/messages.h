/*
 * Messages: the outbox that the gateway claims from, the inbound texts it
 * hands in, each message's history in plain words, quiet hours, and who
 * may be sent anything (consent, opt-out). The gateway's own API is in
 * gateway.c; what turns appointments and replies into messages lives in
 * the scheduler and the conversation engine. Staff read messages here:
 * GET /api/v1/messages, GET /api/v1/messages/{id},
 * GET /api/v1/participants/{id}/messages, and send a one-off text with
 * POST /api/v1/messages.
 */
#ifndef SRV_MESSAGES_H
#define SRV_MESSAGES_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"

/* A message to queue. Strings and JSON are borrowed. */
struct srv_message_new {
	int64_t participant_id;     /* required */
	const char *kind;           /* reminder, survey, reply, code, notice */
	const char *body;
	const char *template_key;   /* may be NULL */
	json_t *vars;               /* the template's variables, may be NULL */
	json_t *wa_template;        /* {"name", "language", "params"}, may be NULL */
	json_t *buttons;            /* [{"id", "title"}], may be NULL */
	int64_t not_before;
	int64_t deliver_by;         /* after not_before */
	bool quiet_hours;           /* held back during quiet hours */
	int64_t session_id;         /* 0: none */
	int64_t appointment_id;     /* 0: none */
	const char *reminder_slot;  /* a reminder: its slot ("-2h"), else NULL */
	int64_t reminder_for;       /* a reminder: the start time it is for */
	int64_t conversation_id;    /* the question it asks or answers, 0: none */
};

/*
 * Queues m on the writer, inside the caller's transaction, as created by
 * `by` (an actor's label). A participant who may not be sent it (opted
 * out, no consent, no phone, channel none) still gets the row, as failed
 * with the reason, so that staff see why nothing went. *id gets the row;
 * *why (when not NULL) the reason it failed (static), or NULL when queued.
 */
int srv_message_queue(sqlite3 *w, const struct srv_message_new *m, const char *by,
		      int64_t *id, const char **why);

/*
 * Queues m with its body made from template key in her language with vars
 * (borrowed): m's body, template and WhatsApp fields are filled here. As
 * srv_message_queue otherwise; -ENOENT when there is no such template.
 */
int srv_message_queue_template(sqlite3 *w, struct srv_message_new *m, const char *key,
			       json_t *vars, const char *by, int64_t *id, const char **why);

/* Her language ("zh-HK" or "en") into out. */
int srv_participant_lang(sqlite3 *db, int64_t participant_id, char out[8]);

/* Appends an event to a message's history: event is a word (queued,
 * claimed, sent, ...), detail the plain words after it (may be NULL). */
int srv_message_event(sqlite3 *w, int64_t id, const char *event, const char *detail);
int srv_message_eventf(sqlite3 *w, int64_t id, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The first column of every row sql yields, as a new JSON array of
 * integers (values bound as in tp_db.h). */
int srv_message_ids(sqlite3 *db, json_t **ids, const char *sql, const char *types, ...);
/* Withdraws message id (it will not be sent), with why in its reason and
 * its history. */
int srv_message_withdraw(sqlite3 *w, int64_t id, const char *why);

/*
 * Why participant may not be sent a message of kind now, or NULL when she
 * may. channel (sms or whatsapp, when she may) is the channel to use.
 * Returns 0 (with *why set or NULL), or an error.
 */
int srv_message_check(sqlite3 *db, int64_t participant_id, const char *kind,
		      const char **channel, const char **why);

/*
 * Opts participant out of messages (how: "replied STOP", "the provider
 * says she replied STOP (21610)") and withdraws what waits for her. A
 * participant already opted out stays as she was. Audited as `actor`.
 */
int srv_participant_opt_out(sqlite3 *w, int64_t participant_id, const char *how,
			    const struct srv_actor *actor);

/*
 * Quiet hours: "HH:MM-HH:MM" in Hong Kong time (the end may be past
 * midnight), or "" / "none" for none. Parsed into minutes of the day.
 */
int srv_quiet_parse(const char *text, int *start, int *end);
/* The end of the quiet hours t falls in, or 0 when t is outside them. */
int64_t srv_quiet_until(const struct srv_app *app, int64_t t);

/* A message as staff see it, with its history when history is true. */
int srv_message_json(sqlite3 *db, int64_t id, bool history, json_t **out);

int srv_messages_list(struct tp_http_request *req);       /* GET /messages */
int srv_message_get(struct tp_http_request *req);         /* GET /messages/{id} */
int srv_message_post(struct tp_http_request *req);        /* POST /messages */
int srv_participant_messages(struct tp_http_request *req); /* GET /participants/{id}/messages */

#endif
