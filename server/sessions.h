/*
 * Sessions: one meeting of a group (start, end, venue). Each has a random
 * QR key for its poster; the kiosk issue makes the phone QR rotate.
 */
#ifndef SRV_SESSIONS_H
#define SRV_SESSIONS_H

#include "resource.h"

extern const struct srv_resource srv_sessions;

/* Adds "group_name" and "number" (its place in the group's term) to obj. */
int srv_session_describe(sqlite3 *db, int64_t id, json_t *obj);

#endif
