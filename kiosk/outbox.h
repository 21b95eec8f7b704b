/*
 * The outbox: events for the server (check-ins, undos, feedback), written in
 * the same transaction as the local change they describe, before the screen
 * says yes. The sender thread posts them oldest first with libcurl and
 * deletes each only when the server acknowledges it (2xx), or marks it
 * rejected when the server says it can never be accepted (a 4xx other than
 * 408 and 429, and other than the 404/405 of a route an older server does
 * not have yet): rejected events stay for staff to see. Anything else (no
 * network, a timeout, 5xx, 429) is retried with exponential backoff and
 * jitter, honouring Retry-After. Each event carries a nonce, so a resend
 * after a crash counts once at the server.
 */
#ifndef KIOSK_OUTBOX_H
#define KIOSK_OUTBOX_H

#include <jansson.h>
#include <sqlite3.h>

#include "kiosk.h"

/* Queues an event on db (inside the caller's transaction). body gets a
 * "nonce"; summary is what staff see in the queue ("KIKI: check-in");
 * session_id and who name the local sign-in it is about (or 0 and NULL). */
int kiosk_outbox_add(sqlite3 *db, const struct kiosk_app *app, const char *kind,
		     json_t *body, const char *summary, int64_t session_id,
		     const char *who);
/* Counts of pending and rejected events. */
int kiosk_outbox_counts(struct kiosk_app *app, int64_t *pending, int64_t *rejected);
/* The queue for staff: pending and rejected events, oldest first. */
json_t *kiosk_outbox_list(struct kiosk_app *app);
/* Starts and stops the sender thread. */
int kiosk_sender_start(struct kiosk_app *app);
void kiosk_sender_stop(struct kiosk_app *app);

#endif
