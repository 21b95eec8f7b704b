/* Agreed levels over the API; see targets.h. */
#include "targets.h"
#include "audit.h"
#include "groups.h"
#include "indicators.h"
#include "paging.h"
#include "tp_db.h"
#include "tp_json.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV_TARGET_SELECT                                                              \
	"SELECT t.id, t.programme_id, p.ref, t.scope, t.indicator, t.level, t.created_at," \
	" t.updated_at, (SELECT g.id FROM groups g WHERE g.programme_id = t.programme_id"  \
	"   AND g.ref = t.scope) FROM targets t JOIN programmes p ON p.id = t.programme_id"

/* What the level is measured in: "percent" for a share, else "number". */
static const char *srv_target_unit(const char *indicator)
{
	static const char *const shares[] = { "positive", "improved", "no_change", "worse",
					      NULL };
	if (strcmp(indicator, "retention") == 0)
		return "percent";
	const char *dot = strchr(indicator, '.');
	for (const char *const *s = shares; dot && *s; s++)
		if (strcmp(dot + 1, *s) == 0)
			return "percent";
	return "number";
}

/* "programme" (scope *), "kind" or "group". */
static const char *srv_target_scope_type(const char *scope)
{
	if (strcmp(scope, "*") == 0)
		return "programme";
	for (const char *const *k = srv_group_kinds; *k; k++)
		if (strcmp(scope, *k) == 0)
			return "kind";
	return "group";
}

/* One row of SRV_TARGET_SELECT. */
static json_t *srv_target_json(sqlite3_stmt *st)
{
	const char *scope = tp_db_col_text(st, 3);
	const char *indicator = tp_db_col_text(st, 4);
	const char *type = srv_target_scope_type(scope);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	json_object_set_new(o, "programme_id", json_integer(sqlite3_column_int64(st, 1)));
	tp_json_set_text(o, "programme_ref", tp_db_col_text(st, 2));
	json_object_set_new(o, "scope", json_string(scope));
	json_object_set_new(o, "scope_type", json_string(type));
	json_object_set_new(o, "group_id", strcmp(type, "group") == 0 && !tp_db_col_null(st, 8)
				? json_integer(sqlite3_column_int64(st, 8)) : json_null());
	json_object_set_new(o, "indicator", json_string(indicator));
	json_object_set_new(o, "level", json_real(sqlite3_column_double(st, 5)));
	json_object_set_new(o, "unit", json_string(srv_target_unit(indicator)));
	tp_json_set_time(o, "created_at", sqlite3_column_int64(st, 6));
	tp_json_set_time(o, "updated_at", sqlite3_column_int64(st, 7));
	return o;
}

static int srv_target_read(sqlite3 *db, int64_t id, json_t **out)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, SRV_TARGET_SELECT " WHERE t.id = ?", "i", id);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 1)
		*out = srv_target_json(st);
	sqlite3_finalize(st);
	return r < 0 ? r : r == 1 ? 0 : -ENOENT;
}

int srv_targets_list(struct tp_http_request *req)
{
	struct tp_error e;
	tp_error_clear(&e);
	int64_t programme_id = 0;
	if (srv_query_id(req, "programme_id", &programme_id, &e) < 0)
		return srv_reply_error(req, &e);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	/* The programme's own levels first, then its kinds', then its groups'. */
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, SRV_TARGET_SELECT
			      " WHERE (?1 = 0 AND p.archived_at IS NULL) OR t.programme_id = ?1"
			      " ORDER BY p.ref IS NULL, p.ref, p.id, t.scope <> '*', t.scope,"
			      " t.indicator", "i", programme_id);
	if (r < 0)
		return r;
	json_t *items = json_array();
	while ((r = tp_db_step(st)) == 1)
		json_array_append_new(items, srv_target_json(st));
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(items);
		return r;
	}
	return srv_page_reply(req, items, 0);
}

struct srv_target_in {
	int64_t programme_id;
	const char *scope, *indicator;
	char level[40];             /* as srv_ind_target_put reads it */
};

static int srv_target_parse(json_t *in, struct srv_target_in *t, struct tp_error *e)
{
	static const char *const keys[] = { "programme_id", "scope", "indicator", "level", NULL };
	int r;
	if ((r = tp_json_only_keys(in, keys, e)) < 0 ||
	    (r = tp_json_int(in, "programme_id", true, 1, INT64_MAX, &t->programme_id, e)) < 0 ||
	    (r = tp_json_text(in, "scope", true, 64, false, &t->scope, e)) < 0 ||
	    (r = tp_json_text(in, "indicator", true, 80, false, &t->indicator, e)) < 0)
		return r;
	json_t *level = json_object_get(in, "level");
	if (!level || json_is_null(level))
		return tp_error_set(e, 400, "missing_field", "level", "is required");
	if (!json_is_number(level))
		return tp_error_set(e, 400, "invalid_field", "level", "must be a number");
	snprintf(t->level, sizeof t->level, "%.17g", json_number_value(level));
	return 0;
}

/* The programme must be there and not archived. */
static int srv_target_programme(sqlite3 *w, int64_t id, struct tp_error *e)
{
	int64_t archived = 0;
	int r = tp_db_int(w, &archived, "SELECT archived_at IS NOT NULL FROM programmes"
			  " WHERE id = ?", "i", id);
	if (r == -ENOENT || (r == 0 && archived))
		return tp_error_set(e, 400, "unknown_reference", "programme_id",
				    r == 0 ? "programme %lld is archived"
					   : "there is no programme with id %lld", (long long)id);
	return r;
}

int srv_target_put(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	struct srv_target_in t = { 0 };
	if (tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e) < 0 ||
	    srv_target_parse(in, &t, &e) < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	sqlite3 *w;
	sqlite3_stmt *st;
	json_t *out = NULL;
	int put = 0;
	int64_t id = 0;
	double old = 0;   /* the level before, for the audit log */
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		goto done;
	if ((r = srv_target_programme(w, t.programme_id, &e)) < 0 ||
	    (r = tp_db_prepare(w, &st, "SELECT level FROM targets WHERE programme_id = ?"
			       " AND scope = ? AND indicator = ?", "itt", t.programme_id,
			       t.scope, t.indicator)) < 0)
		goto end;
	if ((r = tp_db_step(st)) == 1)
		old = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	if (r < 0)
		goto end;
	put = r = srv_ind_target_put(w, t.programme_id, t.scope, t.indicator, t.level, &e);
	if (r < 0)
		goto end;
	if ((r = tp_db_int(w, &id, "SELECT id FROM targets WHERE programme_id = ? AND scope = ?"
			   " AND indicator = ?", "itt", t.programme_id, t.scope, t.indicator)) < 0)
		goto end;
	if (put != 2) {
		json_t *detail = json_pack("{s:I, s:s, s:s, s:f}", "programme_id",
					   (json_int_t)t.programme_id, "scope", t.scope,
					   "indicator", t.indicator, "level", strtod(t.level, NULL));
		if (put == 1)
			json_object_set_new(detail, "level_before", json_real(old));
		r = srv_audit(w, srv_actor_of(req), put == 0 ? "create" : "update", "target", id,
			      detail);
		json_decref(detail);
	}
	if (r >= 0)
		r = srv_target_read(w, id, &out);
end:
	r = srv_store_write_end(&app->store, r);
done:
	json_decref(in);
	if (r < 0) {
		json_decref(out);
		return e.status ? srv_reply_error(req, &e) : r;
	}
	json_object_set_new(out, "result", json_string(put == 0 ? "created" : put == 1
						       ? "updated" : "unchanged"));
	return tp_http_reply_json(req, put == 0 ? 201 : 200, out);
}

int srv_target_delete(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	int64_t id = srv_param_id(req, 0);
	sqlite3 *w;
	json_t *gone = NULL;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		return r;
	r = srv_target_read(w, id, &gone);
	if (r == 0)
		r = tp_db_run(w, "DELETE FROM targets WHERE id = ?", "i", id);
	if (r == 0) {
		/* The audit keeps the whole level: nothing entered is lost. */
		json_t *detail = json_pack("{s:O, s:O, s:O, s:O}", "programme_id",
					   json_object_get(gone, "programme_id"), "scope",
					   json_object_get(gone, "scope"), "indicator",
					   json_object_get(gone, "indicator"), "level",
					   json_object_get(gone, "level"));
		r = srv_audit(w, srv_actor_of(req), "delete", "target", id, detail);
		json_decref(detail);
	}
	r = srv_store_write_end(&app->store, r);
	if (r == -ENOENT)
		return tp_http_reply_error(req, 404, "not_found", "there is no target with id %lld",
					   (long long)id);
	if (r < 0) {
		json_decref(gone);
		return r;
	}
	json_object_set_new(gone, "result", json_string("deleted"));
	return tp_http_reply_json(req, 200, gone);
}
