/*
 * Integration-test support for messaging: move the server's test clock
 * (its clock_file, README "Test clock") and call the server's gateway API
 * as the gateway daemon does (a device token of kind gateway): claim,
 * report a result, hand in status callbacks and inbound texts. Staff's view
 * of a message's history, joined into one string, for assertions.
 */
#ifndef TG_TESTGATEWAY_H
#define TG_TESTGATEWAY_H

#include <jansson.h>
#include <stdint.h>

#include "testserver.h"

struct tg_clock {
	char path[340];
	char env[400];      /* "TOUCHPOINT_CLOCK_FILE=..." for the server's env */
	int64_t now;
};

/* Puts the clock file in the server's folder at time t; add c->env and
 * "TOUCHPOINT_DEV_MODE=1" to s->env before starting the server. */
void tg_clock_init(struct tg_clock *c, const struct ts_server *s, int64_t t);
/* Moves the clock (the file is replaced atomically). */
void tg_clock_set(struct tg_clock *c, int64_t t);
void tg_clock_add(struct tg_clock *c, int64_t seconds);
/* A Hong Kong local time ("2026-11-24T10:00") as Unix time; bails if bad. */
int64_t tg_hk(const char *local);
/* t as ISO 8601 in Hong Kong time, into out. */
void tg_iso(int64_t t, char out[32]);

/* Claims (limit, lease 120 s, both channels); the "messages" array (owned)
 * or bails out on anything but 200. */
json_t *tg_claim(struct ts_client *gw, int limit);
/* The message of id in a claimed array (borrowed), or NULL. */
json_t *tg_find(json_t *messages, int64_t id);
/* Reports outcome for the message under lease (provider "console"; for
 * "sent", provider_id is required). Fills r (release it). */
void tg_result(struct ts_client *gw, int64_t id, const char *lease, const char *outcome,
	       const char *provider_id, struct ts_response *r);
/* Hands in one inbound text from `from` (button_id may be NULL). Fills r;
 * the per-event result is r->json "results"[0]. */
void tg_inbound(struct ts_client *gw, const char *provider_id, const char *channel,
		const char *from, const char *text, const char *button_id,
		struct ts_response *r);
/* Hands in one status callback for provider_id ("console"). Fills r. */
void tg_status(struct ts_client *gw, const char *provider_id, const char *status,
	       struct ts_response *r);
/* The first per-event result of an events answer (borrowed). */
json_t *tg_event_result(const struct ts_response *r);
/* Claims and reports "sent" for every due message, as a gateway whose
 * sends all succeed; returns the claimed array (owned). provider ids are
 * "console-<id>". */
json_t *tg_deliver_all(struct ts_client *gw);

/* A server in development mode whose clock starts at local (Hong Kong
 * time, "2026-11-24T10:00"), a worker "amy" signed in as staff, and a
 * device of kind gateway as gw. */
struct tg_env {
	struct ts_server srv;
	struct tg_clock clk;
	struct ts_client staff, gw;
	char *worker_pw;
	char *token;
};

void tg_env_start(struct tg_env *t, const char *local);
/* Signs the worker in again from a new browser: a staff session lasts
 * hours, the clock jumps days, and an expired session's cookie is refused
 * even by the sign-in route. */
void tg_env_login(struct tg_env *t);
/* Moves the clock to local and signs the worker in again. */
void tg_env_at(struct tg_env *t, const char *local);
/* Stops the server (its exit status: 0 for a clean stop) and cleans up. */
int tg_env_stop(struct tg_env *t);

/* Creates a participant as the worker does; her id. */
int64_t tg_participant(struct tg_env *t, const char *alias, const char *phone,
		       const char *channel, const char *lang, int consent);
/* Books an appointment (place may be NULL); its id. */
int64_t tg_appointment(struct tg_env *t, int64_t participant_id, const char *kind,
		       const char *starts_at, const char *place);
/* A string member of o, or "" (borrowed). */
const char *tg_str(json_t *o, const char *key);

/* Staff's GET /messages/{id}: its status (copied into status when not
 * NULL) and its history's texts joined by " | " (caller frees). */
char *tg_history(struct ts_client *staff, int64_t id, char status[32]);

#endif
