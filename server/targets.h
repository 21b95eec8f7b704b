/*
 * Agreed levels over the API: the levels of a programme's service agreement
 * that the indicator report sets its figures against (indicators.h; the
 * table is `targets`, migration 3). Listing is for all staff; workers and
 * admins set a level (created or changed by programme, scope and
 * indicator, checked by srv_ind_target_put, so the API and `import
 * targets` accept the same) and remove one. Every change is in the audit
 * log with the level before and after, so a removed level is not lost.
 *
 *   GET /api/v1/targets?programme_id=
 *   PUT /api/v1/targets {"programme_id", "scope", "indicator", "level"}
 *   DELETE /api/v1/targets/{id}
 */
#ifndef SRV_TARGETS_H
#define SRV_TARGETS_H

#include "app.h"

int srv_targets_list(struct tp_http_request *req);
int srv_target_put(struct tp_http_request *req);
int srv_target_delete(struct tp_http_request *req);

#endif
