/*
 * CSV import of a centre's existing records (a contract: other tools depend
 * on the kinds and columns). The whole file is checked and imported in one
 * transaction: a bad row or an unknown column imports nothing, and the
 * error names the line and the column. Rows are matched on the centre's own
 * references, so importing the same file twice changes nothing.
 *   programmes:   ref,name
 *   participants: ref,alias,phone?,channel?,lang?,consent?
 *   groups:       ref,programme_ref,name,kind,retention_n?
 *   sessions:     ref,group_ref,starts_at,ends_at,venue?
 *   enrolments:   group_ref,participant_ref,enrolled_on?
 *   attendance:   session_ref,participant_ref,method?,at?
 *   targets:      programme_ref,scope,indicator,level (see indicators.h)
 *   responses:    form,participant_ref?,session_ref?,phase?,submitted_at?,
 *                 then one column per question key
 */
#ifndef SRV_IMPORT_H
#define SRV_IMPORT_H

#include <jansson.h>
#include <stddef.h>

#include "app.h"

/* Imports data as kind; *summary (caller owns) counts rows created,
 * updated and unchanged. */
int srv_import(struct srv_store *store, const char *kind, const char *data, size_t len,
	       const struct srv_actor *actor, json_t **summary, struct tp_error *e);
/* The kinds, NULL-terminated, for help texts. */
extern const char *const srv_import_kinds[];

int srv_import_post(struct tp_http_request *req);   /* POST /api/v1/import/{kind} */

#endif
