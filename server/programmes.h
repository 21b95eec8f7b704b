/* Programmes: a funded project (e.g. a two-year scheme) that owns groups. */
#ifndef SRV_PROGRAMMES_H
#define SRV_PROGRAMMES_H

#include "resource.h"

extern const struct srv_resource srv_programmes;

#endif
