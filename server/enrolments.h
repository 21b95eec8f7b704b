/* Enrolments: a participant's membership of a group. She leaves the group
 * by her enrolment's left_on (the day she left; her history stays, and
 * clearing left_on takes her back); archiving an enrolment is for one made
 * by mistake. */
#ifndef SRV_ENROLMENTS_H
#define SRV_ENROLMENTS_H

#include "resource.h"

extern const struct srv_resource srv_enrolments;

/* SQL: the Hong Kong day (YYYY-MM-DD) of T, an SQL expression in Unix
 * seconds (28800 is Hong Kong's offset, TP_HK_OFFSET). */
#define SRV_SQL_HK_DAY(T) "date(" T " + 28800, 'unixepoch')"

/* SQL: enrolment E (a table alias) holds on DAY (an SQL expression giving a
 * YYYY-MM-DD day): it is not archived and she had not left by then. From
 * her left_on on she is no longer a member: off the rosters, the kiosk and
 * the reminders of that day's sessions. */
#define SRV_ENROLMENT_ON(E, DAY)                                                 \
	"(" E ".archived_at IS NULL AND (" E ".left_on IS NULL OR " E ".left_on > " \
	DAY "))"

#endif
