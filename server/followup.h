/*
 * The follow-up list: enrolled participants who missed the last two
 * sessions of their group, so that a worker can call them. A group's last
 * two sessions are its two latest that ended, were not cancelled and are
 * not archived (a session under an hour counts here: she was expected
 * there); both must be held on or after the day she enrolled, and she must
 * have no sign-in at either (an undone sign-in is a missed session). Only
 * live enrolments (not archived, not left) of live participants, groups
 * and programmes are looked at; a walk-in who is not enrolled is never
 * listed.
 *
 * Viewers get the list without phone numbers (the roles' rule: viewers
 * never see them). Every list is an export and goes to the audit log.
 * Serves GET /api/v1/followup.
 */
#ifndef SRV_FOLLOWUP_H
#define SRV_FOLLOWUP_H

#include "app.h"

/* At most this many people in one list; "truncated" says when more. */
#define SRV_FOLLOWUP_MAX 2000

/* GET /api/v1/followup?programme_id=&group_id= */
int srv_followup_get(struct tp_http_request *req);

#endif
