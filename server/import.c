/* CSV import; see import.h. */
#include "import.h"
#include "audit.h"
#include "indicators.h"
#include "checkins.h"
#include "enrolments.h"
#include "groups.h"
#include "participants.h"
#include "programmes.h"
#include "resource.h"
#include "sessions.h"
#include "tp_alloc.h"
#include "tp_csv.h"
#include "tp_db.h"
#include "tp_log.h"
#include "tp_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct srv_import_column {
	const char *name;
	bool required;
	/* How the cell becomes a field: the resource field it fills, or the
	 * resource whose ref it names (then field is the id field to fill). */
	const char *field;
	const struct srv_resource *ref_of;
};

struct srv_import_kind {
	const char *name;
	const struct srv_resource *res;   /* rows become these; NULL: attendance */
	const struct srv_import_column *columns;
};

static const struct srv_import_column srv_cols_programmes[] = {
	{ "ref", true, "ref", NULL }, { "name", true, "name", NULL }, { NULL, 0, NULL, NULL },
};
static const struct srv_import_column srv_cols_participants[] = {
	{ "ref", true, "ref", NULL }, { "alias", true, "alias", NULL },
	{ "phone", false, "phone", NULL }, { "channel", false, "channel", NULL },
	{ "lang", false, "lang", NULL }, { "consent", false, "consent", NULL },
	{ NULL, 0, NULL, NULL },
};
static const struct srv_import_column srv_cols_groups[] = {
	{ "ref", true, "ref", NULL }, { "programme_ref", true, "programme_id", &srv_programmes },
	{ "name", true, "name", NULL }, { "kind", true, "kind", NULL },
	{ "retention_n", false, "retention_n", NULL }, { NULL, 0, NULL, NULL },
};
static const struct srv_import_column srv_cols_sessions[] = {
	{ "ref", true, "ref", NULL }, { "group_ref", true, "group_id", &srv_groups },
	{ "starts_at", true, "starts_at", NULL }, { "ends_at", true, "ends_at", NULL },
	{ "venue", false, "venue", NULL }, { NULL, 0, NULL, NULL },
};
static const struct srv_import_column srv_cols_enrolments[] = {
	{ "group_ref", true, "group_id", &srv_groups },
	{ "participant_ref", true, "participant_id", &srv_participants },
	{ "enrolled_on", false, "enrolled_on", NULL }, { NULL, 0, NULL, NULL },
};
static const struct srv_import_column srv_cols_attendance[] = {
	{ "session_ref", true, "session_id", &srv_sessions },
	{ "participant_ref", true, "participant_id", &srv_participants },
	{ "method", false, "method", NULL }, { "at", false, "at", NULL },
	{ NULL, 0, NULL, NULL },
};

static const struct srv_import_column srv_cols_targets[] = {
	{ "programme_ref", true, "programme_id", &srv_programmes },
	{ "scope", true, "scope", NULL }, { "indicator", true, "indicator", NULL },
	{ "level", true, "level", NULL }, { NULL, 0, NULL, NULL },
};

static const struct srv_import_kind srv_kinds[] = {
	{ "programmes", &srv_programmes, srv_cols_programmes },
	{ "participants", &srv_participants, srv_cols_participants },
	{ "groups", &srv_groups, srv_cols_groups },
	{ "sessions", &srv_sessions, srv_cols_sessions },
	{ "enrolments", &srv_enrolments, srv_cols_enrolments },
	{ "attendance", NULL, srv_cols_attendance },
	{ "targets", NULL, srv_cols_targets },
};

const char *const srv_import_kinds[] = {
	"programmes", "participants", "groups", "sessions", "enrolments", "attendance",
	"targets", NULL,
};

struct srv_import {
	sqlite3 *w;
	const struct srv_import_kind *kind;
	const struct srv_actor *actor;
	const struct tp_csv *csv;
	int index[16];          /* CSV column of each kind column, or -1 */
	int created, updated, unchanged;
	struct tp_error *e;
};

/* Rewrites a row's error as "line N, column C: what". */
static int srv_import_fail(struct srv_import *im, size_t line, const char *column,
			   const char *what)
{
	char msg[sizeof im->e->message];
	snprintf(msg, sizeof msg, "%s", what);
	return tp_error_set(im->e, 400, "invalid_row", column, "line %zu: %s", line, msg);
}

/* The error of a resource write, said in terms of the file's columns. */
static int srv_import_fail_from(struct srv_import *im, size_t line)
{
	const char *column = im->e->field;
	for (const struct srv_import_column *c = im->kind->columns; c->name; c++)
		if (strcmp(c->field, im->e->field) == 0)
			column = c->name;
	const char *what = im->e->message;
	size_t n = strlen(im->e->field);
	if (n && strncmp(what, im->e->field, n) == 0 && what[n] == ':')
		what += n + 2;
	char copy[sizeof im->e->message];
	snprintf(copy, sizeof copy, "%s", what);
	char col[sizeof im->e->field];
	snprintf(col, sizeof col, "%s", column);
	int status = im->e->status;
	tp_error_set(im->e, status >= 500 ? status : 400, "invalid_row", col[0] ? col : NULL,
		     "line %zu: %s", line, copy);
	return -im->e->status;
}

static int srv_import_header(struct srv_import *im)
{
	const struct tp_csv_row *h = &im->csv->rows[0];
	const struct srv_import_column *cols = im->kind->columns;
	int ncols = 0;
	for (; cols[ncols].name; ncols++)
		im->index[ncols] = -1;
	for (size_t i = 0; i < h->nfields; i++) {
		char *name = tp_xstrdup(h->fields[i]);
		/* Trim what spreadsheets add around header names. */
		char *s = name;
		while (*s == ' ')
			s++;
		size_t len = strlen(s);
		while (len && s[len - 1] == ' ')
			s[--len] = '\0';
		int found = -1;
		for (int c = 0; c < ncols; c++)
			if (strcasecmp(cols[c].name, s) == 0)
				found = c;
		if (found < 0) {
			char list[256] = "";
			for (int c = 0; c < ncols; c++) {
				size_t n = strlen(list);
				snprintf(list + n, sizeof list - n, "%s%s%s", n ? ", " : "",
					 cols[c].name, cols[c].required ? "" : "?");
			}
			tp_error_set(im->e, 400, "unknown_column", s,
				     "line %zu: unknown column; the columns of %s are: %s",
				     h->line, im->kind->name, list);
			free(name);
			return -400;
		}
		free(name);
		if (im->index[found] >= 0)
			return tp_error_set(im->e, 400, "duplicate_column", cols[found].name,
					    "line %zu: the column appears twice", h->line);
		im->index[found] = (int)i;
	}
	for (int c = 0; c < ncols; c++)
		if (cols[c].required && im->index[c] < 0)
			return tp_error_set(im->e, 400, "missing_column", cols[c].name,
					    "line %zu: the file has no %s column", h->line,
					    cols[c].name);
	return 0;
}

/* The cell of kind column c in a row, or NULL when empty or absent. */
static const char *srv_import_cell(struct srv_import *im, const struct tp_csv_row *row,
				   int c)
{
	int i = im->index[c];
	if (i < 0 || (size_t)i >= row->nfields || row->fields[i][0] == '\0')
		return NULL;
	return row->fields[i];
}

/* Turns the row into the JSON a resource write takes. */
static int srv_import_row_json(struct srv_import *im, const struct tp_csv_row *row,
			       json_t *input)
{
	const struct srv_import_column *cols = im->kind->columns;
	for (int c = 0; cols[c].name; c++) {
		const char *cell = srv_import_cell(im, row, c);
		if (!cell) {
			if (cols[c].required)
				return srv_import_fail(im, row->line, cols[c].name, "is required");
			continue;
		}
		if (cols[c].ref_of) {
			int64_t id;
			int r = srv_resource_find_ref(im->w, cols[c].ref_of, cell, &id);
			if (r == -ENOENT) {
				char what[200];
				snprintf(what, sizeof what, "no %s has the reference \"%.80s\"",
					 cols[c].ref_of->entity, cell);
				return srv_import_fail(im, row->line, cols[c].name, what);
			}
			if (r < 0)
				return r;
			json_object_set_new(input, cols[c].field, json_integer(id));
			continue;
		}
		const struct srv_field *f = im->kind->res
			? srv_resource_field(im->kind->res, cols[c].field) : NULL;
		json_t *v = NULL;
		if (f && (f->type == SRV_F_INT)) {
			char *end;
			long long n = strtoll(cell, &end, 10);
			if (*end || end == cell)
				return srv_import_fail(im, row->line, cols[c].name,
						       "must be a whole number");
			v = json_integer(n);
		} else if (f && f->type == SRV_F_BOOL) {
			static const char *const yes[] = { "1", "yes", "y", "true", "是", NULL };
			static const char *const no[] = { "0", "no", "n", "false", "否", NULL };
			for (const char *const *p = yes; *p && !v; p++)
				if (strcasecmp(cell, *p) == 0)
					v = json_true();
			for (const char *const *p = no; *p && !v; p++)
				if (strcasecmp(cell, *p) == 0)
					v = json_false();
			if (!v)
				return srv_import_fail(im, row->line, cols[c].name,
						       "must be yes or no");
		} else {
			v = json_string(cell);
			if (!v)
				return srv_import_fail(im, row->line, cols[c].name,
						       "is not valid UTF-8");
		}
		json_object_set_new(input, cols[c].field, v);
	}
	return 0;
}

static void srv_import_count(struct srv_import *im, int result)
{
	if (result == SRV_WRITE_CREATED)
		im->created++;
	else if (result == SRV_WRITE_UPDATED)
		im->updated++;
	else
		im->unchanged++;
}

static int srv_import_attendance(struct srv_import *im, const struct tp_csv_row *row,
				 json_t *input)
{
	int64_t session = json_integer_value(json_object_get(input, "session_id"));
	int64_t participant = json_integer_value(json_object_get(input, "participant_id"));
	const char *method = json_string_value(json_object_get(input, "method"));
	const char *at = json_string_value(json_object_get(input, "at"));
	if (!method)
		method = "import";
	bool known = false;
	for (const char *const *m = srv_checkin_methods; *m; m++)
		if (strcmp(*m, method) == 0)
			known = true;
	if (!known)
		return srv_import_fail(im, row->line, "method",
				       "must be one of: card, phone, staff, import");
	int64_t when = 0;
	if (at && tp_time_parse(at, &when) < 0)
		return srv_import_fail(im, row->line, "at",
				       "must be an ISO 8601 time such as 2026-04-01T14:05");
	if (!at) {
		int r = tp_db_int(im->w, &when, "SELECT starts_at FROM sessions WHERE id = ?",
				  "i", session);
		if (r < 0)
			return r;
	}
	int r = srv_attendance_record(im->w, session, participant, method, when, im->actor);
	if (r < 0)
		return r;
	srv_import_count(im, r == 1 ? SRV_WRITE_CREATED : SRV_WRITE_UNCHANGED);
	return 0;
}

/* An agreed level: set or changed by (programme, scope, indicator). */
static int srv_import_target(struct srv_import *im, const struct tp_csv_row *row,
			     json_t *input)
{
	int r = srv_ind_target_put(im->w,
				   json_integer_value(json_object_get(input, "programme_id")),
				   json_string_value(json_object_get(input, "scope")),
				   json_string_value(json_object_get(input, "indicator")),
				   json_string_value(json_object_get(input, "level")), im->e);
	if (r < 0)
		return im->e->status ? srv_import_fail_from(im, row->line) : r;
	srv_import_count(im, r == 0 ? SRV_WRITE_CREATED
			     : r == 1 ? SRV_WRITE_UPDATED : SRV_WRITE_UNCHANGED);
	return 0;
}

static int srv_import_row(struct srv_import *im, const struct tp_csv_row *row)
{
	json_t *input = json_object();
	int r = srv_import_row_json(im, row, input);
	if (r < 0)
		goto out;
	if (!im->kind->res) {
		r = strcmp(im->kind->name, "targets") == 0 ? srv_import_target(im, row, input)
							    : srv_import_attendance(im, row, input);
		goto out;
	}
	int64_t id = 0;
	if (im->kind->res == &srv_enrolments) {
		r = tp_db_int(im->w, &id, "SELECT id FROM enrolments WHERE group_id = ?"
					  " AND participant_id = ?", "ii",
			      json_integer_value(json_object_get(input, "group_id")),
			      json_integer_value(json_object_get(input, "participant_id")));
		if (r == 0) {
			/* Already enrolled: the sheet adds nothing new. */
			im->unchanged++;
			goto out;
		}
	} else {
		r = srv_resource_find_ref(im->w, im->kind->res,
					  json_string_value(json_object_get(input, "ref")), &id);
	}
	if (r < 0 && r != -ENOENT)
		goto out;
	int64_t written;
	r = srv_resource_write(im->w, im->kind->res, input, r == 0 ? id : 0, im->actor,
			       &written, NULL, im->e);
	if (r < 0) {
		r = im->e->status ? srv_import_fail_from(im, row->line) : r;
		goto out;
	}
	srv_import_count(im, r);
	r = 0;
out:
	json_decref(input);
	return r;
}

int srv_import(struct srv_store *store, const char *kind, const char *data, size_t len,
	       const struct srv_actor *actor, json_t **summary, struct tp_error *e)
{
	const struct srv_import_kind *k = NULL;
	for (size_t i = 0; i < sizeof srv_kinds / sizeof srv_kinds[0]; i++)
		if (strcmp(srv_kinds[i].name, kind) == 0)
			k = &srv_kinds[i];
	if (!k)
		return tp_error_set(e, 404, "unknown_kind", "kind",
				    "\"%.40s\" is not an import kind; use programmes, "
				    "participants, groups, sessions, enrolments, attendance or targets",
				    kind);
	struct tp_csv csv;
	char err[256] = "";
	int r = tp_csv_parse(data, len, &csv, err, sizeof err);
	if (r < 0)
		return tp_error_set(e, r == -E2BIG ? 413 : 400, "invalid_csv", NULL, "%s", err);
	struct srv_import im = { .kind = k, .actor = actor, .csv = &csv, .e = e };
	r = srv_import_header(&im);
	if (r == 0 && csv.nrows < 2)
		r = tp_error_set(e, 400, "empty_file", NULL, "the file has a header but no rows");
	if (r < 0) {
		tp_csv_release(&csv);
		return r;
	}
	r = srv_store_write_begin(store, &im.w);
	if (r < 0) {
		tp_csv_release(&csv);
		return r;
	}
	for (size_t i = 1; i < csv.nrows && r >= 0; i++)
		r = srv_import_row(&im, &csv.rows[i]);
	json_t *counts = json_pack("{s:s, s:i, s:i, s:i, s:i}", "kind", k->name,
				   "rows", (int)(csv.nrows - 1), "created", im.created,
				   "updated", im.updated, "unchanged", im.unchanged);
	if (r >= 0)
		r = srv_audit(im.w, actor, "import", k->name, 0, counts);
	r = srv_store_write_end(store, r);
	tp_csv_release(&csv);
	if (r < 0) {
		json_decref(counts);
		return r;
	}
	*summary = counts;
	return 0;
}

int srv_import_post(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	json_t *summary = NULL;
	int r = srv_import(&app->store, req->params[0], tp_buf_str(&req->body), req->body.len,
			   srv_actor_of(req), &summary, &e);
	if (r < 0)
		return e.status ? srv_reply_error(req, &e) : r;
	return tp_http_reply_json(req, 200, summary);
}
