/* Groups: a recurring group of a programme (kind, retention threshold). */
#ifndef SRV_GROUPS_H
#define SRV_GROUPS_H

#include "resource.h"

extern const struct srv_resource srv_groups;
extern const char *const srv_group_kinds[];

#endif
