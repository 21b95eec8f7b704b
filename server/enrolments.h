/* Enrolments: a participant's membership of a group. Archiving one is
 * leaving the group. */
#ifndef SRV_ENROLMENTS_H
#define SRV_ENROLMENTS_H

#include "resource.h"

extern const struct srv_resource srv_enrolments;

#endif
