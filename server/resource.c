/*
 * The generic resource engine; see resource.h. SQL here is assembled from
 * the resource descriptions' table and column names (compile-time constants,
 * never request data); every value is bound.
 */
#include "resource.h"
#include "audit.h"
#include "paging.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_password.h"
#include "tp_phone.h"
#include "tp_time.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV_SQL_CAP (64 * 1024)

const struct srv_field *srv_resource_field(const struct srv_resource *res,
					   const char *name)
{
	for (const struct srv_field *f = res->fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static const char *srv_column(const struct srv_field *f)
{
	return f->column ? f->column : f->name;
}

static bool srv_field_shown(const struct srv_field *f, const struct srv_actor *actor)
{
	if (f->flags & SRV_F_SECRET || f->type == SRV_F_PASSWORD)
		return false;
	if (f->flags & SRV_F_PRIVATE && actor && actor->perm == SRV_P_VIEWER)
		return false;
	return true;
}

/* Binds a normalised JSON value (integer, true/false, string or null). */
static int srv_bind_json(sqlite3_stmt *st, int index, json_t *v)
{
	if (!v || json_is_null(v))
		return sqlite3_bind_null(st, index);
	if (json_is_integer(v))
		return sqlite3_bind_int64(st, index, json_integer_value(v));
	if (json_is_boolean(v))
		return sqlite3_bind_int(st, index, json_is_true(v));
	if (json_is_real(v))
		return sqlite3_bind_double(st, index, json_real_value(v));
	return sqlite3_bind_text(st, index, json_string_value(v), -1, SQLITE_TRANSIENT);
}

/* One column as JSON: raw keeps stored forms (times as integers). */
static json_t *srv_column_json(sqlite3_stmt *st, int col, const struct srv_field *f,
			       bool raw)
{
	if (tp_db_col_null(st, col))
		return json_null();
	switch (f ? f->type : SRV_F_INT) {
	case SRV_F_INT:
	case SRV_F_REF:
		return json_integer(sqlite3_column_int64(st, col));
	case SRV_F_BOOL:
		return raw ? json_integer(sqlite3_column_int(st, col))
			   : json_boolean(sqlite3_column_int(st, col));
	case SRV_F_TIME:
		if (raw)
			return json_integer(sqlite3_column_int64(st, col));
		char buf[32];
		tp_time_format_hk(sqlite3_column_int64(st, col), buf);
		return json_string(buf);
	default:
		return json_string(tp_db_col_text(st, col));
	}
}

/* SELECT list: id, every stored field, then the bookkeeping columns. */
static void srv_select_list(const struct srv_resource *res, struct tp_buf *sql)
{
	tp_buf_puts(sql, "SELECT id");
	for (const struct srv_field *f = res->fields; f->name; f++) {
		tp_buf_puts(sql, ", ");
		tp_buf_puts(sql, srv_column(f));
	}
	tp_buf_puts(sql, ", archived_at, created_at, updated_at FROM ");
	tp_buf_puts(sql, res->table);
}

static json_t *srv_row_json(sqlite3_stmt *st, const struct srv_resource *res,
			    const struct srv_actor *actor, bool raw)
{
	json_t *o = json_object();
	int col = 0;
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, col++)));
	for (const struct srv_field *f = res->fields; f->name; f++, col++)
		if (raw || srv_field_shown(f, actor))
			json_object_set_new(o, f->name, srv_column_json(st, col, f, raw));
	static const struct srv_field time_field = { .type = SRV_F_TIME };
	json_object_set_new(o, "archived_at", srv_column_json(st, col++, &time_field, raw));
	json_object_set_new(o, "created_at", srv_column_json(st, col++, &time_field, raw));
	json_object_set_new(o, "updated_at", srv_column_json(st, col++, &time_field, raw));
	return o;
}

static int srv_read_row(sqlite3 *db, const struct srv_resource *res, int64_t id,
			const struct srv_actor *actor, bool raw, json_t **out)
{
	struct tp_buf sql;
	tp_buf_init(&sql, SRV_SQL_CAP);
	srv_select_list(res, &sql);
	tp_buf_puts(&sql, " WHERE id = ?");
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, tp_buf_str(&sql), "i", id);
	tp_buf_release(&sql);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 1)
		*out = srv_row_json(st, res, actor, raw);
	sqlite3_finalize(st);
	if (r == 0)
		return -ENOENT;
	if (r < 0)
		return r;
	if (!raw && res->decorate) {
		r = res->decorate(db, id, *out, actor);
		if (r < 0) {
			json_decref(*out);
			*out = NULL;
		}
	}
	return r < 0 ? r : 0;
}

int srv_resource_read(sqlite3 *db, const struct srv_resource *res, int64_t id,
		      const struct srv_actor *actor, json_t **out)
{
	return srv_read_row(db, res, id, actor, false, out);
}

int srv_resource_find_ref(sqlite3 *db, const struct srv_resource *res,
			  const char *ref, int64_t *id)
{
	struct tp_buf sql;
	tp_buf_init(&sql, SRV_SQL_CAP);
	tp_buf_printf(&sql, "SELECT id FROM %s WHERE ref = ?", res->table);
	int r = tp_db_int(db, id, tp_buf_str(&sql), "t", ref);
	tp_buf_release(&sql);
	return r;
}

/* Validates one field of input into vals (normalised), or fails through e. */
static int srv_field_validate(const struct srv_field *f, json_t *input,
			      bool creating, json_t *vals, struct tp_error *e)
{
	json_t *v = json_object_get(input, f->name);
	if (!v) {
		if (creating && f->flags & SRV_F_REQUIRED)
			return tp_error_set(e, 400, "missing_field", f->name, "is required");
		return 0;
	}
	if (f->flags & (SRV_F_READONLY | SRV_F_SECRET) && f->type != SRV_F_PASSWORD)
		return tp_error_set(e, 400, "read_only_field", f->name,
				    "is set by the server and cannot be given");
	if (json_is_null(v)) {
		if (f->flags & SRV_F_REQUIRED)
			return tp_error_set(e, 400, "missing_field", f->name,
					    "is required and cannot be emptied");
		if (f->flags & SRV_F_NONULL)
			return tp_error_set(e, 400, "invalid_field", f->name,
					    "always has a value and cannot be emptied; "
					    "leave it out to keep the current one");
		json_object_set_new(vals, f->name, json_null());
		return 0;
	}
	const char *s = NULL;
	int64_t n = 0;
	bool b = false;
	char text[32];
	int r = 0;
	switch (f->type) {
	case SRV_F_TEXT:
	case SRV_F_LONGTEXT:
		r = tp_json_text(input, f->name, false, (size_t)f->max,
				 f->type == SRV_F_LONGTEXT, &s, e);
		if (r > 0) {
			char *trimmed = tp_text_trim(s);
			json_object_set_new(vals, f->name, json_string(trimmed));
			free(trimmed);
		}
		break;
	case SRV_F_INT:
		r = tp_json_int(input, f->name, false, f->min, f->max, &n, e);
		if (r > 0)
			json_object_set_new(vals, f->name, json_integer(n));
		break;
	case SRV_F_REF:
		r = tp_json_int(input, f->name, false, 1, INT64_MAX, &n, e);
		if (r > 0)
			json_object_set_new(vals, f->name, json_integer(n));
		break;
	case SRV_F_BOOL:
		r = tp_json_bool(input, f->name, false, &b, e);
		if (r > 0)
			json_object_set_new(vals, f->name, json_integer(b));
		break;
	case SRV_F_ENUM:
		r = tp_json_enum(input, f->name, false, f->values, &s, e);
		if (r > 0)
			json_object_set_new(vals, f->name, json_string(s));
		break;
	case SRV_F_TIME:
		r = tp_json_time(input, f->name, false, &n, e);
		if (r > 0)
			json_object_set_new(vals, f->name, json_integer(n));
		break;
	case SRV_F_DATE:
		r = tp_json_date(input, f->name, false, text, e);
		if (r > 0)
			json_object_set_new(vals, f->name, json_string(text));
		break;
	case SRV_F_PHONE:
		r = tp_json_phone(input, f->name, false, text, e);
		if (r > 0)
			json_object_set_new(vals, f->name, json_string(text));
		break;
	case SRV_F_PASSWORD: {
		const char *why = "must be a string";
		if (!json_is_string(v) || !tp_password_acceptable(json_string_value(v), &why))
			return tp_error_set(e, 400, "invalid_field", f->name, "%s", why);
		char *hash = NULL;
		r = tp_password_hash(json_string_value(v), &hash);
		if (r < 0)
			return tp_error_set(e, 500, "internal", NULL, "cannot hash the password");
		json_object_set_new(vals, f->name, json_string(hash));
		free(hash);
		r = 1;
		break;
	}
	}
	return r < 0 ? r : 0;
}

/* Validates the whole input; *vals (owned by the caller) gets normalised values. */
static int srv_resource_validate(const struct srv_resource *res, json_t *input,
				 bool creating, json_t **vals, struct tp_error *e)
{
	const char *key;
	json_t *value;
	static const char *const bookkeeping[] = { "id", "created_at", "updated_at",
						   "archived_at", NULL };
	json_object_foreach(input, key, value) {
		if (srv_resource_field(res, key))
			continue;
		for (const char *const *p = bookkeeping; *p; p++)
			if (strcmp(*p, key) == 0)
				goto read_only;
		for (const char *const *p = res->computed; p && *p; p++)
			if (strcmp(*p, key) == 0)
				goto read_only;
		return tp_error_set(e, 400, "unknown_field", key,
				    "is not a field of a %s", res->entity);
read_only:
		return tp_error_set(e, 400, "read_only_field", key,
				    "is set by the server and cannot be given");
	}
	*vals = json_object();
	for (const struct srv_field *f = res->fields; f->name; f++) {
		int r = srv_field_validate(f, input, creating, *vals, e);
		if (r < 0) {
			json_decref(*vals);
			*vals = NULL;
			return r;
		}
	}
	return 0;
}

/* Every referenced row must exist and be live. */
static int srv_check_refs(sqlite3 *w, const struct srv_resource *res, json_t *vals,
			  struct tp_error *e)
{
	for (const struct srv_field *f = res->fields; f->name; f++) {
		json_t *v = json_object_get(vals, f->name);
		if (f->type != SRV_F_REF || !json_is_integer(v))
			continue;
		struct tp_buf sql;
		tp_buf_init(&sql, SRV_SQL_CAP);
		tp_buf_printf(&sql, "SELECT archived_at IS NOT NULL FROM %s WHERE id = ?", f->ref);
		int64_t archived = 0;
		int r = tp_db_int(w, &archived, tp_buf_str(&sql), "i", json_integer_value(v));
		tp_buf_release(&sql);
		if (r == -ENOENT)
			return tp_error_set(e, 400, "unknown_reference", f->name,
					    "there is no %s with id %lld", f->ref,
					    (long long)json_integer_value(v));
		if (r < 0)
			return r;
		if (archived)
			return tp_error_set(e, 409, "archived_reference", f->name,
					    "%s %lld is archived", f->ref,
					    (long long)json_integer_value(v));
	}
	return 0;
}

/* Turns "UNIQUE constraint failed: participants.ref" into a field error. */
static int srv_unique_error(sqlite3 *w, const struct srv_resource *res,
			    json_t *vals, struct tp_error *e)
{
	const char *msg = sqlite3_errmsg(w);
	const char *dot = strrchr(msg, '.');
	const char *column = dot ? dot + 1 : "";
	for (const struct srv_field *f = res->fields; f->name; f++) {
		if (strcmp(srv_column(f), column) == 0) {
			json_t *v = json_object_get(vals, f->name);
			if (json_is_string(v))
				return tp_error_set(e, 409, "conflict", f->name,
						    "\"%s\" is already used by another %s",
						    json_string_value(v), res->entity);
			return tp_error_set(e, 409, "conflict", f->name,
					    "is already used by another %s", res->entity);
		}
	}
	return tp_error_set(e, 409, "conflict", NULL, "this %s already exists", res->entity);
}

static int srv_resource_store(struct srv_write *wr, int64_t id, int64_t *id_out)
{
	const struct srv_resource *res = wr->res;
	struct tp_error *e = wr->e;
	int r;
	json_t *changed = json_array();
	if (id) {
		r = srv_read_row(wr->w, res, id, NULL, true, &wr->row);
		if (r == -ENOENT) {
			r = tp_error_set(e, 404, "not_found", NULL, "there is no %s with id %lld",
					 res->entity, (long long)id);
			goto out;
		}
		if (r < 0)
			goto out;
		if (!json_is_null(json_object_get(wr->row, "archived_at"))) {
			r = tp_error_set(e, 409, "archived", NULL,
					 "%s %lld is archived; restore it before changing it",
					 res->entity, (long long)id);
			goto out;
		}
		/* Keep only what differs from the stored row. */
		const char *key;
		json_t *value, *tmp;
		json_object_foreach_safe(wr->vals, tmp, key, value) {
			json_t *old = json_object_get(wr->row, key);
			if (old && json_equal(old, value)) {
				json_object_del(wr->vals, key);
				continue;
			}
			const struct srv_field *f = srv_resource_field(res, key);
			if (f && f->flags & SRV_F_FIXED) {
				r = tp_error_set(e, 400, "fixed_field", key,
						 "cannot be changed once the %s exists",
						 res->entity);
				goto out;
			}
		}
		json_object_update(wr->row, wr->vals);
		wr->id = id;
	} else {
		wr->row = json_deep_copy(wr->vals);
	}
	r = srv_check_refs(wr->w, res, wr->vals, e);
	if (r < 0)
		goto out;
	if (res->before_write) {
		r = res->before_write(wr);
		if (r < 0)
			goto out;
	}
	if (id && json_object_size(wr->vals) == 0) {
		*id_out = id;
		r = SRV_WRITE_UNCHANGED;
		goto out;
	}

	struct tp_buf sql;
	tp_buf_init(&sql, SRV_SQL_CAP);
	const char *key;
	json_t *value;
	if (id) {
		tp_buf_printf(&sql, "UPDATE %s SET ", res->table);
		json_object_foreach(wr->vals, key, value) {
			const struct srv_field *f = srv_resource_field(res, key);
			tp_buf_printf(&sql, "%s = ?, ", srv_column(f));
		}
		tp_buf_puts(&sql, "updated_at = ? WHERE id = ?");
	} else {
		tp_buf_printf(&sql, "INSERT INTO %s (", res->table);
		json_object_foreach(wr->vals, key, value) {
			const struct srv_field *f = srv_resource_field(res, key);
			tp_buf_printf(&sql, "%s, ", srv_column(f));
		}
		tp_buf_puts(&sql, "created_at, updated_at) VALUES (");
		for (size_t i = 0; i < json_object_size(wr->vals); i++)
			tp_buf_puts(&sql, "?, ");
		tp_buf_puts(&sql, "?, ?)");
	}
	sqlite3_stmt *st;
	r = tp_db_prepare(wr->w, &st, tp_buf_str(&sql), NULL);
	tp_buf_release(&sql);
	if (r < 0)
		goto out;
	int index = 1;
	json_object_foreach(wr->vals, key, value) {
		srv_bind_json(st, index++, value);
		json_array_append_new(changed, json_string(key));
	}
	int64_t now = tp_now();
	if (id) {
		sqlite3_bind_int64(st, index++, now);
		sqlite3_bind_int64(st, index++, id);
	} else {
		sqlite3_bind_int64(st, index++, now);
		sqlite3_bind_int64(st, index++, now);
	}
	r = tp_db_step(st);
	sqlite3_finalize(st);
	if (r == -EEXIST) {
		r = srv_unique_error(wr->w, res, wr->vals, e);
		goto out;
	}
	if (r == -EINVAL) {
		r = tp_error_set(e, 400, "invalid", NULL, "the %s breaks a rule: %s",
				 res->entity, sqlite3_errmsg(wr->w));
		goto out;
	}
	if (r < 0)
		goto out;
	if (!id)
		wr->id = sqlite3_last_insert_rowid(wr->w);
	*id_out = wr->id;
	/* Only field names go to the audit log, never the values. */
	json_t *detail = json_pack("{s:O}", "fields", changed);
	r = srv_audit(wr->w, wr->actor, id ? "update" : "create", res->entity, wr->id,
		      detail);
	json_decref(detail);
	if (r < 0)
		goto out;
	if (!id && res->after_create) {
		r = res->after_create(wr);
		if (r < 0)
			goto out;
	}
	if (res->after_write) {
		r = res->after_write(wr);
		if (r < 0)
			goto out;
	}
	r = id ? SRV_WRITE_UPDATED : SRV_WRITE_CREATED;
out:
	json_decref(changed);
	return r;
}

int srv_resource_write(sqlite3 *w, const struct srv_resource *res, json_t *input,
		       int64_t id, const struct srv_actor *actor, int64_t *id_out,
		       json_t *extra, struct tp_error *e)
{
	json_t *vals = NULL;
	int r = srv_resource_validate(res, input, id == 0, &vals, e);
	if (r < 0)
		return r;
	json_t *own_extra = extra ? NULL : json_object();
	struct srv_write wr = { .w = w, .res = res, .actor = actor, .vals = vals,
				.extra = extra ? extra : own_extra, .e = e };
	r = srv_resource_store(&wr, id, id_out);
	json_decref(wr.row);
	json_decref(vals);
	json_decref(own_extra);
	return r;
}

int srv_resource_create_in(struct srv_store *store, const struct srv_resource *res,
			   json_t *input, const struct srv_actor *actor, int64_t *id_out,
			   json_t *extra, struct tp_error *e)
{
	sqlite3 *w;
	int64_t id;
	int r = srv_store_write_begin(store, &w);
	if (r < 0)
		return r;
	r = srv_resource_write(w, res, input, 0, actor, &id, extra, e);
	r = srv_store_write_end(store, r);
	if (r >= 0 && id_out)
		*id_out = id;
	return r < 0 ? r : 0;
}

/* Create and update share this: validate outside the lock (the password
 * KDF is slow), then write and read back in one transaction. */
static int srv_resource_save(struct tp_http_request *req, int64_t id)
{
	struct srv_app *app = srv_app_of(req);
	const struct srv_resource *res = srv_request_of(req)->meta->res;
	const struct srv_actor *actor = srv_actor_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	json_t *input = NULL, *vals = NULL;
	int r = tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &input, &e);
	if (r == 0)
		r = srv_resource_validate(res, input, id == 0, &vals, &e);
	json_decref(input);
	if (r < 0)
		return srv_reply_error(req, &e);

	json_t *extra = json_object();
	struct srv_write wr = { .res = res, .actor = actor, .vals = vals, .extra = extra,
				.e = &e };
	json_t *out = NULL;
	int64_t new_id = 0;
	r = srv_store_write_begin(&app->store, &wr.w);
	if (r == 0) {
		r = srv_resource_store(&wr, id, &new_id);
		if (r >= 0) {
			int rr = srv_resource_read(wr.w, res, new_id, actor, &out);
			if (rr < 0)
				r = rr;
		}
		r = srv_store_write_end(&app->store, r);
	}
	json_decref(wr.row);
	json_decref(vals);
	if (r < 0) {
		json_decref(extra);
		json_decref(out);
		return e.status ? srv_reply_error(req, &e) : r;
	}
	json_object_update(out, extra);
	json_decref(extra);
	return tp_http_reply_json(req, id ? 200 : 201, out);
}

int srv_resource_create(struct tp_http_request *req)
{
	return srv_resource_save(req, 0);
}

int srv_resource_update(struct tp_http_request *req)
{
	int64_t id = srv_param_id(req, 0);
	if (!id)
		return tp_http_reply_error(req, 404, "not_found", "no such %s",
					   srv_request_of(req)->meta->res->entity);
	return srv_resource_save(req, id);
}

int srv_resource_get(struct tp_http_request *req)
{
	const struct srv_resource *res = srv_request_of(req)->meta->res;
	int64_t id = srv_param_id(req, 0);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	json_t *out = NULL;
	int r = id ? srv_resource_read(db, res, id, srv_actor_of(req), &out) : -ENOENT;
	if (r == -ENOENT)
		return tp_http_reply_error(req, 404, "not_found", "there is no %s with id %s",
					   res->entity, req->params[0]);
	if (r < 0)
		return r;
	return tp_http_reply_json(req, 200, out);
}

int srv_resource_list(struct tp_http_request *req)
{
	const struct srv_resource *res = srv_request_of(req)->meta->res;
	const struct srv_actor *actor = srv_actor_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	struct srv_page page;
	if (srv_page_parse(req, &page, &e) < 0)
		return srv_reply_error(req, &e);
	json_t *binds = json_array();
	struct tp_buf sql;
	tp_buf_init(&sql, SRV_SQL_CAP);
	srv_select_list(res, &sql);
	tp_buf_puts(&sql, " WHERE id > ?");
	json_array_append_new(binds, json_integer(page.after));

	const char *archived = tp_http_query(req, "archived");
	if (!archived || strcmp(archived, "exclude") == 0) {
		tp_buf_puts(&sql, " AND archived_at IS NULL");
	} else if (strcmp(archived, "only") == 0) {
		tp_buf_puts(&sql, " AND archived_at IS NOT NULL");
	} else if (strcmp(archived, "include") != 0) {
		tp_error_set(&e, 400, "invalid_query", "archived",
			     "must be exclude, include or only");
		goto refuse;
	}
	for (const struct srv_field *f = res->fields; f->name; f++) {
		if (f->flags & SRV_F_FILTER) {
			const char *v = tp_http_query(req, f->name);
			if (!v)
				continue;
			/* Reuse the field's own validation on the query value. */
			json_t *probe = json_object();
			json_t *vals = json_object();
			char *end;
			long long n = strtoll(v, &end, 10);
			bool numeric = f->type == SRV_F_REF || f->type == SRV_F_INT;
			if (numeric && (*end || end == v)) {
				json_decref(probe);
				json_decref(vals);
				tp_error_set(&e, 400, "invalid_query", f->name, "must be a number");
				goto refuse;
			}
			json_object_set_new(probe, f->name, numeric ? json_integer(n)
				: f->type == SRV_F_BOOL ? json_boolean(strcmp(v, "true") == 0)
				: json_string(v));
			int r = srv_field_validate(f, probe, false, vals, &e);
			json_decref(probe);
			if (r < 0) {
				json_decref(vals);
				snprintf(e.code, sizeof e.code, "invalid_query");
				goto refuse;
			}
			tp_buf_printf(&sql, " AND %s = ?", srv_column(f));
			json_array_append(binds, json_object_get(vals, f->name));
			json_decref(vals);
		}
		if (f->flags & SRV_F_RANGE) {
			static const char *const ends[] = { "_from", "_to" };
			for (int i = 0; i < 2; i++) {
				char name[80];
				snprintf(name, sizeof name, "%s%s", f->name, ends[i]);
				const char *v = tp_http_query(req, name);
				if (!v)
					continue;
				int64_t t;
				if (tp_time_parse(v, &t) < 0) {
					int y, m, d;
					if (tp_date_parse(v, &y, &m, &d) < 0) {
						tp_error_set(&e, 400, "invalid_query", name,
							     "must be a date or an ISO 8601 time");
						goto refuse;
					}
					/* A date means the whole day, Hong Kong time. */
					t = tp_date_start_hk(y, m, d) + (i ? 86400 : 0);
				}
				tp_buf_printf(&sql, " AND %s %s ?", srv_column(f), i ? "<" : ">=");
				json_array_append_new(binds, json_integer(t));
			}
		}
	}
	const char *q = tp_http_query(req, "q");
	if (q && *q && res->search) {
		tp_buf_printf(&sql, " AND %s", res->search);
	}
	/* Named, because sqlite numbers :q after the ?s before it. */
	tp_buf_puts(&sql, " ORDER BY id LIMIT :limit");

	sqlite3 *db = srv_reader(req);
	if (!db)
		goto fail;
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, tp_buf_str(&sql), NULL);
	if (r < 0)
		goto fail;
	size_t i;
	json_t *v;
	json_array_foreach(binds, i, v)
		srv_bind_json(st, (int)i + 1, v);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), page.limit + 1);
	if (q && *q && res->search) {
		/* LIKE wildcards in what was typed are matched literally. */
		struct tp_buf pat;
		tp_buf_init(&pat, 1024);
		for (const char *c = q; *c; c++) {
			if (*c == '%' || *c == '_' || *c == '\\')
				tp_buf_append(&pat, "\\", 1);
			tp_buf_append(&pat, c, 1);
		}
		char *any = tp_xasprintf("%%%s%%", tp_buf_str(&pat));
		char *tail = tp_xasprintf("%%%s", tp_buf_str(&pat));
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":q"), any, -1,
				  SQLITE_TRANSIENT);
		if (actor->perm != SRV_P_VIEWER)
			sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":qend"), tail,
					  -1, SQLITE_TRANSIENT);
		free(any);
		free(tail);
		tp_buf_release(&pat);
	}
	json_t *items = json_array();
	int count = 0;
	int64_t last = 0;
	while ((r = tp_db_step(st)) == 1) {
		if (count++ == page.limit)
			break;
		json_t *o = srv_row_json(st, res, actor, false);
		last = json_integer_value(json_object_get(o, "id"));
		json_array_append_new(items, o);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(items);
		goto fail;
	}
	if (res->decorate) {
		json_array_foreach(items, i, v) {
			r = res->decorate(db, json_integer_value(json_object_get(v, "id")), v,
					  actor);
			if (r < 0) {
				json_decref(items);
				goto fail;
			}
		}
	}
	tp_buf_release(&sql);
	json_decref(binds);
	return srv_page_reply(req, items, count > page.limit ? last : 0);
refuse:
	tp_buf_release(&sql);
	json_decref(binds);
	return srv_reply_error(req, &e);
fail:
	tp_buf_release(&sql);
	json_decref(binds);
	return req->replied ? 0 : -EIO;
}

static int srv_resource_set_archived(struct tp_http_request *req, bool archive)
{
	struct srv_app *app = srv_app_of(req);
	const struct srv_resource *res = srv_request_of(req)->meta->res;
	const struct srv_actor *actor = srv_actor_of(req);
	int64_t id = srv_param_id(req, 0);
	struct tp_error e;
	tp_error_clear(&e);
	if (!archive && res->no_restore) {
		tp_error_set(&e, 409, "final", NULL, "a revoked %s cannot be restored",
			     res->entity);
		return srv_reply_error(req, &e);
	}
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		return r;
	json_t *row = NULL, *out = NULL;
	r = id ? srv_read_row(w, res, id, NULL, true, &row) : -ENOENT;
	if (r == -ENOENT) {
		r = tp_error_set(&e, 404, "not_found", NULL, "there is no %s with id %s",
				 res->entity, req->params[0]);
	} else if (r == 0) {
		bool is_archived = !json_is_null(json_object_get(row, "archived_at"));
		if (is_archived == archive) {
			r = tp_error_set(&e, 409, archive ? "already_archived" : "not_archived",
					 NULL, "%s %lld is %s", res->entity, (long long)id,
					 archive ? "already archived" : "not archived");
		} else {
			struct tp_buf sql;
			tp_buf_init(&sql, SRV_SQL_CAP);
			tp_buf_printf(&sql, "UPDATE %s SET archived_at = ?, updated_at = ?"
					    " WHERE id = ?", res->table);
			int64_t now = tp_now();
			r = archive ? tp_db_run(w, tp_buf_str(&sql), "iii", now, now, id)
				    : tp_db_run(w, tp_buf_str(&sql), "nii", now, id);
			tp_buf_release(&sql);
			if (r == 0)
				r = srv_audit(w, actor, archive ? "archive" : "restore",
					      res->entity, id, NULL);
			if (r == 0)
				r = srv_resource_read(w, res, id, actor, &out);
		}
	}
	json_decref(row);
	r = srv_store_write_end(&app->store, r);
	if (r < 0) {
		json_decref(out);
		return e.status ? srv_reply_error(req, &e) : r;
	}
	return tp_http_reply_json(req, 200, out);
}

int srv_resource_archive(struct tp_http_request *req)
{
	return srv_resource_set_archived(req, true);
}

int srv_resource_restore(struct tp_http_request *req)
{
	return srv_resource_set_archived(req, false);
}
