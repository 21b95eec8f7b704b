/*
 * The sender thread: claims due messages from the server, sends them, and
 * reports each one's outcome.
 *
 * Each call to a provider is preceded by a send-intent row, committed to
 * disk; the provider's answer is recorded on that row together with the
 * message's report. At start, an intent still without an answer (the
 * gateway died during the call) is resolved by the provider's lookup where
 * there is one, else reported "unknown" and never sent again. A message
 * the server hands out again is not resent when any intent of it was sent
 * or may have been: its known outcome is reported under the new lease.
 *
 * Calls run on one libcurl multi handle (connections kept alive), up to
 * `concurrency` at once, within each channel's rate and the least gap
 * between two messages to one number. Answers are sorted into sent, retry
 * (connection failures, 5xx, 429 and throttling codes: exponential backoff
 * with jitter, or Retry-After, which the server turns into the message's
 * next not-before, never past its deliver-by), failed, stopped (the person
 * opted out at the provider), and the WhatsApp window, which moves the
 * message to its template or to SMS.
 */
#ifndef GW_SENDER_H
#define GW_SENDER_H

#include "gateway.h"

/* Resolves intents left without an answer by a crash (called by the
 * sender thread before its first claim; exported for `status`). */
void gw_sender_recover(struct gw_app *app);
int gw_sender_start(struct gw_app *app);
void gw_sender_stop(struct gw_app *app);

#endif
