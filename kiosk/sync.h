/*
 * Keeping the kiosk's local copy fresh: the day's sessions at its venue,
 * their rosters and cards, refreshed at start, every few minutes and on
 * demand; and the phone sign-ins the server took for those sessions, polled
 * every few seconds so the screen can show each one's alias. Runs in its own
 * thread; a failed refresh keeps the last good copy.
 */
#ifndef KIOSK_SYNC_H
#define KIOSK_SYNC_H

#include <jansson.h>

#include "kiosk.h"

int kiosk_sync_start(struct kiosk_app *app);
void kiosk_sync_stop(struct kiosk_app *app);
/* Replaces the local roster with a server answer (exposed for tests). */
int kiosk_sync_apply(struct kiosk_app *app, json_t *roster);
/* Phone sign-ins with a local id above after, for the screen. */
json_t *kiosk_phone_signins(struct kiosk_app *app, int64_t after);

#endif
