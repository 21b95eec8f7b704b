/*
 * End-to-end support for the gateway's tests: the real server with a test
 * clock (shared with the gateway and the fakes), a worker signed in, a
 * gateway token, participants, one-off texts, and waiting for a message to
 * reach a status as staff see it.
 */
#ifndef GE_GWTEST_H
#define GE_GWTEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "fakeprovider.h"
#include "rungateway.h"
#include "testgateway.h"
#include "testserver.h"

struct ge_world {
	struct ts_server srv;
	struct tg_clock clk;
	struct ts_client staff;
	char *worker_pw;
	char *token;             /* the gateway's device token */
};

/* Starts the server at 10:00 Hong Kong time on 24 Nov 2026 (the test
 * process's own clock follows the same file). */
void ge_start(struct ge_world *w);
void ge_finish(struct ge_world *w);
/* Points g at the server, with the test clock and dev mode. */
void ge_gateway_for(struct ge_world *w, struct rg_gateway *g);

/* Starts the fakes of both providers, Meta keeping the 24-hour window
 * (refusing at once), and g on them: WhatsApp by Meta (verify token
 * "verify-me"), SMS by Twilio (from +85230001234); both call g's webhooks. */
void ge_start_both(struct ge_world *w, struct rg_gateway *g, struct fk_provider **meta,
		   struct fk_provider **tw);
/* Stops g (checking it stops cleanly) and removes its folder, unless
 * TP_KEEP is set (then says where it is, log and database). */
void ge_gateway_finish(struct rg_gateway *g);
/* The contract's example of a claimed message (GATEWAY-CONTRACT.md), with
 * a template and two reply buttons, the window closed. */
extern const char ge_claim_example[];

int64_t ge_participant(struct ge_world *w, const char *alias, const char *phone,
		       const char *channel);
/* A one-off text to her that ignores quiet hours; its message id. */
int64_t ge_notice(struct ge_world *w, int64_t pid, const char *body);
/* The message as staff see it (GET /messages/{id}; caller decrefs). */
json_t *ge_message(struct ge_world *w, int64_t id);
/* Its status now (static buffer). */
const char *ge_status(struct ge_world *w, int64_t id);
/*
 * Waits (real seconds) until the message's status is want; when
 * nudge_clock, each time it is "queued" again the clock moves 5 seconds
 * on, so retries come due. Returns whether it got there.
 */
bool ge_wait_status(struct ge_world *w, int64_t id, const char *want, int seconds,
		    bool nudge_clock);
/* Waits until its history has words in it. */
bool ge_wait_history(struct ge_world *w, int64_t id, const char *words, int seconds);
/* Its history joined by " | " (caller frees). */
char *ge_history(struct ge_world *w, int64_t id);
/* Inbound messages the server holds from a number. */
int ge_inbound_count(struct ge_world *w, const char *phone);
/* Waits until that many are there; returns the count. */
int ge_wait_inbound(struct ge_world *w, const char *phone, int n, int seconds);
/* Sleeps for ms milliseconds of real time. */
void ge_nap(int ms);

#endif
