/*
 * Planning a term: a group's sessions for several weeks in one request,
 * weekly on the first date's weekday from one time to another, leaving out
 * given dates (public holidays). It is not a calendar engine: one weekly
 * slot a request; a second slot is a second request.
 *
 * POST /api/v1/groups/{id}/term
 *   {"first_date": "2026-12-01", "weeks": 10, "starts": "14:00",
 *    "ends": "16:00", "skip": ["2026-12-29"], "venue": "Room 1"}
 * answers 201 {"items": [session, ...], "skipped": ["2026-12-29"]}.
 * The whole plan is checked first (every skipped date must be one of the
 * term's dates; no planned session may overlap one the group already has)
 * and written in one transaction through the session resource, so each
 * session is validated, keyed and audited as if created alone. A refused
 * plan writes nothing.
 */
#ifndef SRV_TERMS_H
#define SRV_TERMS_H

#include "app.h"

int srv_term_plan(struct tp_http_request *req); /* POST /api/v1/groups/{id}/term */

#endif
