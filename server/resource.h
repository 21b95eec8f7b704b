/*
 * The generic resource engine: one description of a table's fields (type,
 * limits, who may see them) drives validation, create, read, update, list
 * (paged, filtered, searched) and archive for every plain resource, so that
 * each rule is written once. Resource files (participants.c, groups.c, ...)
 * hold the description and their own hooks; the routes are in routes.c.
 *
 * Writes validate the whole input first, then run in one transaction with
 * the audit record; a refused request writes nothing.
 */
#ifndef SRV_RESOURCE_H
#define SRV_RESOURCE_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"

enum srv_field_type {
	SRV_F_TEXT,      /* one line; max = characters */
	SRV_F_LONGTEXT,  /* several lines; max = characters */
	SRV_F_INT,       /* min..max */
	SRV_F_BOOL,
	SRV_F_ENUM,      /* one of values */
	SRV_F_TIME,      /* ISO 8601 in, stored as Unix seconds */
	SRV_F_DATE,      /* YYYY-MM-DD */
	SRV_F_PHONE,     /* normalised to E.164 */
	SRV_F_REF,       /* id of a live row of table ref */
	SRV_F_PASSWORD,  /* stored as a KDF hash in column, never shown */
};

#define SRV_F_REQUIRED (1u << 0) /* must be given on create */
#define SRV_F_READONLY (1u << 1) /* shown, never accepted */
#define SRV_F_FIXED    (1u << 2) /* given on create, not changed after */
#define SRV_F_PRIVATE  (1u << 3) /* hidden from viewers */
#define SRV_F_SECRET   (1u << 4) /* never shown */
#define SRV_F_FILTER   (1u << 5) /* lists accept ?name=value */
#define SRV_F_RANGE    (1u << 6) /* lists accept ?name_from= and ?name_to= */
#define SRV_F_NONULL   (1u << 7) /* has a default, so it can be left out but not emptied */

struct srv_field {
	const char *name;           /* JSON name and, unless column is set, column */
	enum srv_field_type type;
	unsigned flags;
	int64_t min, max;           /* SRV_F_INT range; text length in characters */
	const char *const *values;  /* SRV_F_ENUM, NULL-terminated */
	const char *ref;            /* SRV_F_REF: the table referred to */
	const char *column;
};

/* What a hook sees while a write is under way. */
struct srv_write {
	sqlite3 *w;                 /* the writer, inside the transaction */
	const struct srv_resource *res;
	const struct srv_actor *actor;
	int64_t id;                 /* 0 while creating, until inserted */
	json_t *vals;               /* normalised values to write, by field name */
	json_t *row;                /* create: vals; update: stored row + vals */
	json_t *extra;              /* added to the reply (e.g. a new token) */
	struct tp_error *e;
};

struct srv_resource {
	const char *path;           /* "participants" */
	const char *entity;         /* "participant", for the audit log */
	const char *table;
	const struct srv_field *fields; /* terminated by {NULL} */
	/* SQL condition for ?q=, with :q bound to '%text%' and :qend to
	 * '%text' (or NULL for viewers, so private columns are not searched). */
	const char *search;
	/* Defaults and cross-field rules, before the row is written. */
	int (*before_write)(struct srv_write *wr);
	/* After a new row is inserted (wr->id is set). */
	int (*after_create)(struct srv_write *wr);
	/* After a row is inserted or changed (not when nothing changed). */
	int (*after_write)(struct srv_write *wr);
	/* Adds computed fields to an object being shown. */
	int (*decorate)(sqlite3 *db, int64_t id, json_t *obj,
			const struct srv_actor *actor);
	bool no_restore;            /* archiving is final (revoked tokens) */
	/* Names decorate adds to what is shown: refused as read-only input. */
	const char *const *computed;
};

/* What a write did. */
enum srv_write_result { SRV_WRITE_CREATED, SRV_WRITE_UPDATED, SRV_WRITE_UNCHANGED };

/*
 * Validates input against the resource (create when id is 0, else update)
 * and writes it on w, inside the caller's transaction, with its audit
 * record. *id_out gets the row id. extra (may be NULL) receives reply-only
 * values from hooks. Returns a srv_write_result or -status with e filled.
 */
int srv_resource_write(sqlite3 *w, const struct srv_resource *res, json_t *input,
		       int64_t id, const struct srv_actor *actor, int64_t *id_out,
		       json_t *extra, struct tp_error *e);
/* srv_resource_write of a new row in a transaction of its own (for the CLI
 * and the demo); *id_out may be NULL. */
int srv_resource_create_in(struct srv_store *store, const struct srv_resource *res,
			   json_t *input, const struct srv_actor *actor, int64_t *id_out,
			   json_t *extra, struct tp_error *e);
/* Reads one row as the actor may see it; -ENOENT when there is none. */
int srv_resource_read(sqlite3 *db, const struct srv_resource *res, int64_t id,
		      const struct srv_actor *actor, json_t **out);
/* The id of the row with this ref, or -ENOENT. */
int srv_resource_find_ref(sqlite3 *db, const struct srv_resource *res,
			  const char *ref, int64_t *id);
const struct srv_field *srv_resource_field(const struct srv_resource *res,
					   const char *name);

/* The generic handlers; the route's meta names the resource. */
int srv_resource_list(struct tp_http_request *req);
int srv_resource_get(struct tp_http_request *req);
int srv_resource_create(struct tp_http_request *req);
int srv_resource_update(struct tp_http_request *req);
int srv_resource_archive(struct tp_http_request *req);
int srv_resource_restore(struct tp_http_request *req);

#endif
