/*
 * Check-in: one call that scans, validates and records (the redeem shape of
 * pretix's check-in API). A participant counts once per session whatever is
 * sent twice: a repeated client nonce gets the first answer again, and a
 * second scan answers "already". A walk-in (not enrolled) is recorded and
 * flagged, never refused. Staff can undo a check-in, with a reason.
 */
#ifndef SRV_CHECKINS_H
#define SRV_CHECKINS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "app.h"

/* How a check-in came about. */
extern const char *const srv_checkin_methods[];

/*
 * Records that participant attended session, on the writer inside the
 * caller's transaction (used by import). Returns 1 when recorded, 0 when
 * the participant was already signed in, or an error.
 */
int srv_attendance_record(sqlite3 *w, int64_t session_id, int64_t participant_id,
			  const char *method, int64_t scanned_at,
			  const struct srv_actor *actor);

/*
 * The check-in decision for a participant already identified (by a phone,
 * say), on the writer inside the caller's transaction: the same rules,
 * answer and audit record as POST /api/v1/checkins. *reply (owned by the
 * caller) gets the answer; returns its HTTP status (201 recorded, 200
 * already, 4xx refused) or a negative error.
 */
int srv_checkin_record(sqlite3 *w, int64_t session_id, int64_t participant_id,
		       const char *method, int64_t at, const struct srv_actor *actor,
		       json_t **reply);

int srv_checkin_post(struct tp_http_request *req);     /* POST /api/v1/checkins */
int srv_attendance_undo(struct tp_http_request *req);  /* POST /api/v1/attendance/{id}/undo */
int srv_checkin_undo_post(struct tp_http_request *req); /* POST /api/v1/checkins/undo */
int srv_session_roster(struct tp_http_request *req);   /* GET  /api/v1/sessions/{id}/roster */
/* GET /api/v1/participants/{id}/attendance: her sign-ins, newest first. */
int srv_participant_attendance(struct tp_http_request *req);

#endif
