/* The server's route table: every URL, its handler and who may call it. */
#ifndef SRV_ROUTES_H
#define SRV_ROUTES_H

#include <stddef.h>

#include "tp_http.h"

extern const struct tp_route srv_routes[];
extern const size_t srv_route_count;

#endif
