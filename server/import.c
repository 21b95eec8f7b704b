/* CSV import; see import.h. */
#include "import.h"
#include "audit.h"
#include "indicators.h"
#include "checkins.h"
#include "enrolments.h"
#include "forms.h"
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
	{ "responses", NULL, NULL },   /* columns of its own: srv_import_responses */
};

const char *const srv_import_kinds[] = {
	"programmes", "participants", "groups", "sessions", "enrolments", "attendance",
	"targets", "responses", NULL,
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

/*
 * Responses: form,participant_ref?,session_ref?,phase?,submitted_at? and one
 * column per question key (of any of the forms the file fills). A cell is
 * read by its question's type; a cell in a column that is not a question
 * of the row's form is refused. The time is submitted_at, or the session's
 * start. A row already imported (same form, participant, session, phase
 * and time) is left unchanged.
 */
enum { RESP_FORM, RESP_PARTICIPANT, RESP_SESSION, RESP_PHASE, RESP_AT, RESP_FIXED };
static const char *const srv_resp_fixed[RESP_FIXED] = {
	"form", "participant_ref", "session_ref", "phase", "submitted_at",
};
/* Questions a file may carry: the built-in forms have 9 at most. */
#define SRV_IMPORT_MAX_QUESTIONS 64

static int srv_import_response_row(struct srv_import *im, const struct tp_csv_row *row,
				   const int fixed[RESP_FIXED], const int *qcol,
				   char **qname, int nq)
{
	const char *cell[RESP_FIXED];
	for (int c = 0; c < RESP_FIXED; c++) {
		int i = fixed[c];
		cell[c] = i >= 0 && (size_t)i < row->nfields && row->fields[i][0]
			? row->fields[i] : NULL;
	}
	if (!cell[RESP_FORM])
		return srv_import_fail(im, row->line, "form", "is required");
	const struct tp_form *form = srv_form_find(cell[RESP_FORM]);
	if (!form)
		return srv_import_fail(im, row->line, "form", "is not a form of this centre");
	int64_t pid = 0, sid = 0, at = 0;
	int r;
	if (cell[RESP_PARTICIPANT] &&
	    (r = srv_resource_find_ref(im->w, &srv_participants, cell[RESP_PARTICIPANT],
				       &pid)) < 0)
		return r == -ENOENT ? srv_import_fail(im, row->line, "participant_ref",
						      "no participant has this reference") : r;
	if (cell[RESP_SESSION] &&
	    (r = srv_resource_find_ref(im->w, &srv_sessions, cell[RESP_SESSION], &sid)) < 0)
		return r == -ENOENT ? srv_import_fail(im, row->line, "session_ref",
						      "no session has this reference") : r;
	const char *phase = cell[RESP_PHASE];
	if (phase && strcmp(phase, "pre") != 0 && strcmp(phase, "post") != 0)
		return srv_import_fail(im, row->line, "phase", "must be pre, post or empty");
	if (cell[RESP_AT]) {
		if (tp_time_parse(cell[RESP_AT], &at) < 0)
			return srv_import_fail(im, row->line, "submitted_at",
					       "must be an ISO 8601 time such as 2026-04-01T14:05");
	} else if (sid) {
		if ((r = tp_db_int(im->w, &at, "SELECT starts_at FROM sessions WHERE id = ?", "i",
				   sid)) < 0)
			return r;
	} else {
		/* No time and no session: nothing would make a second import of
		 * the row find the first. */
		return srv_import_fail(im, row->line, "submitted_at",
				       "is required when there is no session_ref");
	}
	if (form->anonymous)
		pid = 0;

	json_t *answers = json_object();
	for (int k = 0; k < nq; k++) {
		int i = qcol[k];
		const char *v = (size_t)i < row->nfields ? row->fields[i] : "";
		if (!v[0])
			continue;
		const struct tp_form_question *q = tp_form_question(form, qname[k]);
		json_t *jv = NULL;
		if (!q) {
			json_decref(answers);
			return srv_import_fail(im, row->line, qname[k], "is not a question of "
					       "this row's form");
		}
		if (q->type == TP_FORM_SCALE || q->type == TP_FORM_NUMBER) {
			char *end;
			long long n = strtoll(v, &end, 10);
			if (end != v && !*end)
				jv = json_integer(n);
		} else if (q->type == TP_FORM_YES_NO) {
			if (strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0 || strcmp(v, "是") == 0)
				jv = json_true();
			else if (strcasecmp(v, "no") == 0 || strcmp(v, "0") == 0 ||
				 strcmp(v, "否") == 0)
				jv = json_false();
		} else {
			jv = json_string(v);
		}
		if (!jv) {
			json_decref(answers);
			return srv_import_fail(im, row->line, qname[k], "is not an answer of "
					       "this question's type");
		}
		json_object_set_new(answers, qname[k], jv);
	}
	json_t *norm = NULL;
	struct tp_error qe;
	tp_error_clear(&qe);
	r = tp_form_check_answers(form, answers, &norm, &qe);
	json_decref(answers);
	if (r < 0) {
		const char *col = strncmp(qe.field, "answers.", 8) == 0 ? qe.field + 8 : qe.field;
		const char *what = qe.message;
		size_t n = strlen(qe.field);
		if (n && strncmp(what, qe.field, n) == 0 && what[n] == ':')
			what += n + 2;
		char c[sizeof qe.field];
		snprintf(c, sizeof c, "%.*s", (int)sizeof c - 1, col);
		return srv_import_fail(im, row->line, c, what);
	}
	if (json_object_size(norm) == 0) {
		json_decref(norm);
		return srv_import_fail(im, row->line, "form", "no question was answered");
	}
	/* Already imported? (0 stands for "none" and matches a NULL.) */
	int64_t dup = 0;
	sqlite3_stmt *st;
	r = tp_db_prepare(im->w, &st, "SELECT count(*) FROM responses"
			  " WHERE channel = 'import' AND form = ?1"
			  " AND participant_id IS (CASE WHEN ?2 = 0 THEN NULL ELSE ?2 END)"
			  " AND session_id IS (CASE WHEN ?3 = 0 THEN NULL ELSE ?3 END)"
			  " AND phase IS ?4 AND submitted_at = ?5", "tiiti", form->key,
			  pid, sid, phase, at);
	if (r >= 0) {
		r = tp_db_step(st);
		if (r == 1)
			dup = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (r < 0 || dup) {
		json_decref(norm);
		if (r >= 0)
			im->unchanged++;
		return r < 0 ? r : 0;
	}
	char *text = json_dumps(norm, JSON_COMPACT);
	json_decref(norm);
	int64_t user = im->actor->kind == SRV_ACTOR_STAFF ? im->actor->id : 0;
	r = tp_db_run(im->w, "INSERT INTO responses (form, form_version, participant_id,"
		      " session_id, phase, channel, user_id, submitted_at, recorded_at, answers)"
		      " VALUES (?1, ?2, CASE WHEN ?3 = 0 THEN NULL ELSE ?3 END,"
		      " CASE WHEN ?4 = 0 THEN NULL ELSE ?4 END, ?5, 'import',"
		      " CASE WHEN ?6 = 0 THEN NULL ELSE ?6 END, ?7, ?8, ?9)",
		      "tiiitiiit", form->key, form->version, pid, sid, phase, user, at,
		      tp_now(), text);
	free(text);
	if (r < 0)
		return r;
	im->created++;
	return 0;
}

static int srv_import_responses(struct srv_import *im)
{
	const struct tp_csv_row *h = &im->csv->rows[0];
	int fixed[RESP_FIXED];
	int qcol[SRV_IMPORT_MAX_QUESTIONS];
	char *qname[SRV_IMPORT_MAX_QUESTIONS];
	int nq = 0, r = 0;
	for (int c = 0; c < RESP_FIXED; c++)
		fixed[c] = -1;
	for (size_t i = 0; i < h->nfields && r == 0; i++) {
		const char *s = h->fields[i];
		while (*s == ' ')
			s++;
		size_t len = strlen(s);
		while (len && s[len - 1] == ' ')
			len--;
		char *name = tp_xstrndup(s, len);
		int found = -1;
		for (int c = 0; c < RESP_FIXED; c++)
			if (strcasecmp(srv_resp_fixed[c], name) == 0)
				found = c;
		bool twice = found >= 0 ? fixed[found] >= 0 : false;
		for (int k = 0; k < nq && !twice; k++)
			twice = strcmp(qname[k], name) == 0;
		if (twice) {
			r = tp_error_set(im->e, 400, "duplicate_column", name,
					 "line %zu: the column appears twice", h->line);
		} else if (found >= 0) {
			fixed[found] = (int)i;
		} else if (nq == SRV_IMPORT_MAX_QUESTIONS) {
			r = tp_error_set(im->e, 400, "unknown_column", name,
					 "line %zu: more than %d question columns", h->line,
					 SRV_IMPORT_MAX_QUESTIONS);
		} else {
			qcol[nq] = (int)i;
			qname[nq++] = name;
			name = NULL;
		}
		free(name);
	}
	if (r == 0 && fixed[RESP_FORM] < 0)
		r = tp_error_set(im->e, 400, "missing_column", "form",
				 "line %zu: the file has no form column", h->line);
	for (size_t i = 1; r == 0 && i < im->csv->nrows; i++)
		r = srv_import_response_row(im, &im->csv->rows[i], fixed, qcol, qname, nq);
	for (int k = 0; k < nq; k++)
		free(qname[k]);
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
				    "participants, groups, sessions, enrolments, attendance, targets or responses",
				    kind);
	struct tp_csv csv;
	char err[256] = "";
	int r = tp_csv_parse(data, len, &csv, err, sizeof err);
	if (r < 0)
		return tp_error_set(e, r == -E2BIG ? 413 : 400, "invalid_csv", NULL, "%s", err);
	struct srv_import im = { .kind = k, .actor = actor, .csv = &csv, .e = e };
	r = k->columns ? srv_import_header(&im) : 0;
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
	if (!k->columns)
		r = srv_import_responses(&im);
	for (size_t i = 1; k->columns && i < csv.nrows && r >= 0; i++)
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
