/*
 * The audit log: every change and every export, with who and when. Entries
 * are written in the same transaction as the change they describe, so a
 * change without its audit record cannot exist. Details name what changed
 * (field names, counts), never phone numbers or card tokens.
 */
#ifndef SRV_AUDIT_H
#define SRV_AUDIT_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "app.h"

/* Appends an entry; detail may be NULL and is not taken over. */
int srv_audit(sqlite3 *w, const struct srv_actor *actor, const char *action,
	      const char *entity, int64_t entity_id, json_t *detail);
/* As srv_audit inside its own write transaction (for exports). */
int srv_audit_now(struct srv_app *app, const struct srv_actor *actor,
		  const char *action, const char *entity, int64_t entity_id,
		  json_t *detail);
/* GET /api/v1/audit?entity=&entity_id=&after=&limit= (admins). */
int srv_audit_list(struct tp_http_request *req);

#endif
