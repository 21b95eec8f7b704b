/*
 * Deciding a scan at the kiosk, from local data alone, at once: which
 * session is open here now, whose card it is, whether she is already
 * signed in, whether she is enrolled. The sign-in and its outbox event are
 * written in one transaction before the answer goes back to the screen.
 *
 * Results: "ok", "already", "walk_in" (not enrolled: signed in, staff will
 * follow up), "provisional" (a card this kiosk does not know yet: signed in,
 * for the server to confirm or flag), "unknown_card" (not a card of ours),
 * "revoked", "no_session", "choose_session" (two are open: pick one).
 */
#ifndef KIOSK_SCAN_H
#define KIOSK_SCAN_H

#include <jansson.h>
#include <sqlite3.h>

#include "kiosk.h"

/* The sessions open for sign-in at now (30 minutes before to 30 after). */
json_t *kiosk_open_sessions(sqlite3 *db, int64_t now);
/* A session as the screen shows it, or NULL when there is no such session. */
json_t *kiosk_session_json(sqlite3 *db, int64_t session_id);

/* A scanned code (what the scanner typed). session_id 0: the open one. */
int kiosk_scan(struct kiosk_app *app, const char *code, int64_t session_id, json_t **out);
/* Staff mode: sign a person in by hand, or undo with a reason. */
int kiosk_staff_checkin(struct kiosk_app *app, int64_t session_id, int64_t participant_id,
			json_t **out);
int kiosk_staff_undo(struct kiosk_app *app, int64_t session_id, int64_t participant_id,
		     const char *reason, json_t **out);
/* Staff mode: everyone enrolled in a session and who has arrived, with walk-ins. */
json_t *kiosk_roster(struct kiosk_app *app, int64_t session_id);

#endif
