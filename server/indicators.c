/*
 * The indicator engine; see indicators.h. How the funder's counting notes
 * (seeds/004, DESIGN.md "Indicators") are read here:
 *
 * - A session is in the period when it starts in it; cancelled and
 *   archived sessions, archived groups and enrolments, and undone
 *   attendances (undone_at set) never count.
 * - attendances (人次): attendance records; participants (人數): distinct
 *   people who attended, walk-ins included (they need not be enrolled).
 * - sessions_delivered (節數): "每節最少持續一小時。如舉辦全日...活動，則
 *   最多可作三節計算". A session that has ended counts one when it lasted at
 *   least an hour and none when shorter (its attendances still count); a
 *   whole-day activity counts at most three. The schema has no whole-day
 *   mark, so a session of SRV_IND_WHOLE_DAY (6 hours) or more is taken as
 *   whole-day and counts three. We do not count floor(hours): a two-hour
 *   group meeting is one session in the agreement's sense, and counting it
 *   as two would overstate the output to the funder. `sessions` is the
 *   number held (ended or not), so a short session shows there.
 * - enrolled (招收): enrolments live at some time in the period
 *   (enrolled_on <= last day, left_on empty or >= first day); distinct
 *   people, so a participant enrolled in two groups is one at the kind and
 *   programme level and one in each group.
 * - retention: enrolments whose participant attended at least the group's
 *   retention_n sessions of that group in the period (any length: the rule
 *   is about attending, not about delivered sessions), over enrolments.
 *   Above a group it is summed over enrolments (group, person pairs).
 * - forms: a response belongs to a scope through its session's group; one
 *   without a session through the groups its participant is enrolled in.
 *   FORM.positive is over every form collected (the agreement counts
 *   outcome percentages over the forms collected), skipped answers
 *   included as not positive.
 * - scored forms (score and direction): a participant's pair is the
 *   earliest scored "pre" and the latest scored "post" response in the
 *   period; change = post - pre; improved follows the form's direction.
 */
#include "indicators.h"
#include "audit.h"
#include "forms.h"
#include "programmes.h"
#include "resource.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_log.h"
#include "tp_stats.h"
#include "tp_time.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* Rows a report may hold: scopes x figures stay far below this. */
#define SRV_IND_MAX_ROWS 1000000

void srv_ind_financial_year(int64_t t, int64_t *from, int64_t *to)
{
	char d[11];
	int y = 1970, m = 1, day;
	tp_date_format_hk(t, d);
	if (tp_date_parse(d, &y, &m, &day) < 0)   /* clamped dates are valid */
		y = 1970, m = 4;
	if (m < 4)
		y--;
	*from = tp_date_start_hk(y, 4, 1);
	*to = tp_date_start_hk(y + 1, 4, 1);
}

int srv_ind_period(const char *from, const char *to, int64_t now, int64_t *from_out,
		   int64_t *to_out, struct tp_error *e)
{
	int y, m, d;
	int64_t f = 0, t = 0;
	bool has_from = from && *from, has_to = to && *to;
	if (has_from) {
		if (tp_date_parse(from, &y, &m, &d) < 0)
			return tp_error_set(e, 400, "invalid_field", "from",
					    "must be a date YYYY-MM-DD");
		f = tp_date_start_hk(y, m, d);
	}
	if (has_to) {
		if (tp_date_parse(to, &y, &m, &d) < 0)
			return tp_error_set(e, 400, "invalid_field", "to",
					    "must be a date YYYY-MM-DD");
		t = tp_date_start_hk(y, m, d + 1);   /* the last day is included */
	}
	int64_t fy_from, fy_to;
	if (!has_from && !has_to) {
		srv_ind_financial_year(now, &f, &t);
	} else if (!has_from) {
		srv_ind_financial_year(t - 1, &fy_from, &fy_to);
		f = fy_from;
	} else if (!has_to) {
		srv_ind_financial_year(f, &fy_from, &fy_to);
		t = fy_to;
	}
	if (t <= f)
		return tp_error_set(e, 400, "invalid_field", "to", "is before from");
	*from_out = f;
	*to_out = t;
	return 0;
}

void srv_ind_report_release(struct srv_ind_report *rep)
{
	for (size_t i = 0; i < rep->count; i++) {
		free(rep->rows[i].scope);
		free(rep->rows[i].indicator);
	}
	free(rep->rows);
	rep->rows = NULL;
	rep->count = rep->cap = 0;
}

static struct srv_ind_row *add_row(struct srv_ind_report *rep, const char *scope,
				   const char *indicator)
{
	if (rep->count == rep->cap) {
		if (rep->cap >= SRV_IND_MAX_ROWS)
			return NULL;
		rep->cap = rep->cap ? rep->cap * 2 : 64;
		rep->rows = tp_xrealloc(rep->rows, rep->cap * sizeof *rep->rows);
	}
	struct srv_ind_row *row = &rep->rows[rep->count++];
	memset(row, 0, sizeof *row);
	row->scope = tp_xstrdup(scope);
	row->indicator = tp_xstrdup(indicator);
	return row;
}

/* A count: numerator and value, no denominator. */
static int add_count(struct srv_ind_report *rep, const char *scope, const char *ind,
		     double n)
{
	struct srv_ind_row *row = add_row(rep, scope, ind);
	if (!row)
		return -E2BIG;
	row->has_num = row->has_value = true;
	row->num = row->value = n;
	return 0;
}

/* A share: num of den, value in percent; no value when den is 0. */
static int add_share(struct srv_ind_report *rep, const char *scope, const char *ind,
		     double num, double den)
{
	struct srv_ind_row *row = add_row(rep, scope, ind);
	if (!row)
		return -E2BIG;
	row->has_num = row->has_den = true;
	row->num = num;
	row->den = den;
	if (den > 0) {
		row->has_value = true;
		row->value = num / den * 100.0;
	} else {
		row->status = "no_data";
	}
	return 0;
}

/* A statistic: a value, or a word saying why there is none. */
static int add_stat(struct srv_ind_report *rep, const char *scope, const char *ind,
		    bool defined, double value, const char *status)
{
	struct srv_ind_row *row = add_row(rep, scope, ind);
	if (!row)
		return -E2BIG;
	row->has_value = defined;
	row->value = defined ? value : 0.0;
	row->status = defined ? NULL : status;
	return 0;
}

/*
 * Every query of a scope starts with these tables, bound the same way:
 * ?1 programme id (0: all), ?2 group kind (NULL: all), ?3 group id (0: all),
 * ?4 from, ?5 to (Unix seconds, [from, to)), ?6 now, ?7 first day and
 * ?8 last day (YYYY-MM-DD, Hong Kong).
 */
#define SCOPE_CTE                                                                    \
	"WITH sg AS (SELECT g.id, g.retention_n FROM groups g"                         \
	"   WHERE g.archived_at IS NULL AND (?1 = 0 OR g.programme_id = ?1)"           \
	"     AND (?2 IS NULL OR g.kind = ?2) AND (?3 = 0 OR g.id = ?3)),"              \
	" ss AS (SELECT s.id, s.group_id, s.ends_at <= ?6 AS delivered,"                \
	"   CASE WHEN s.ends_at - s.starts_at < " STR(SRV_IND_SESSION_MIN) " THEN 0"    \
	"        WHEN s.ends_at - s.starts_at >= " STR(SRV_IND_WHOLE_DAY)               \
	"          THEN " STR(SRV_IND_WHOLE_DAY_COUNT) " ELSE 1 END AS units"           \
	"   FROM sessions s JOIN sg ON sg.id = s.group_id"                              \
	"   WHERE s.archived_at IS NULL AND s.status <> 'cancelled'"                    \
	"     AND s.starts_at >= ?4 AND s.starts_at < ?5),"                             \
	" att AS (SELECT a.participant_id, ss.group_id FROM attendance a"               \
	"   JOIN ss ON ss.id = a.session_id WHERE a.undone_at IS NULL),"                \
	" enr AS (SELECT e.group_id, e.participant_id FROM enrolments e"                \
	"   JOIN sg ON sg.id = e.group_id WHERE e.archived_at IS NULL"                  \
	"     AND e.enrolled_on <= ?8 AND (e.left_on IS NULL OR e.left_on >= ?7)) "

struct scope {
	const char *name;
	int64_t programme_id;
	const char *kind;
	int64_t group_id;
	const char *target_scope; /* its scope in targets ("*", kind, ref), or NULL */
};

static int scope_prepare(sqlite3 *db, sqlite3_stmt **st, const char *sql,
			 const struct srv_ind_query *q, const struct scope *sc)
{
	char first[11], last[11];
	tp_date_format_hk(q->from, first);
	tp_date_format_hk(q->to - 1, last);
	return tp_db_prepare(db, st, sql, "itiiiitt", sc->programme_id, sc->kind,
			     sc->group_id, q->from, q->to, q->now, first, last);
}

static int scope_counts(sqlite3 *db, const struct srv_ind_query *q, const struct scope *sc,
			struct srv_ind_report *rep)
{
	static const char sql[] = SCOPE_CTE
		"SELECT (SELECT count(DISTINCT participant_id) FROM enr),"
		" (SELECT count(DISTINCT participant_id) FROM att),"
		" (SELECT count(*) FROM att),"
		" (SELECT count(*) FROM ss),"
		" (SELECT coalesce(sum(units), 0) FROM ss WHERE delivered),"
		" (SELECT count(*) FROM enr),"
		" (SELECT count(*) FROM (SELECT 1 FROM enr JOIN sg ON sg.id = enr.group_id"
		"   JOIN att ON att.group_id = enr.group_id"
		"    AND att.participant_id = enr.participant_id"
		"   GROUP BY enr.group_id, enr.participant_id"
		"   HAVING count(*) >= max(sg.retention_n)))";
	sqlite3_stmt *st;
	int r = scope_prepare(db, &st, sql, q, sc);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 1) {
		double v[7];
		for (int i = 0; i < 7; i++)
			v[i] = (double)sqlite3_column_int64(st, i);
		if ((r = add_count(rep, sc->name, "enrolled", v[0])) >= 0 &&
		    (r = add_count(rep, sc->name, "participants", v[1])) >= 0 &&
		    (r = add_count(rep, sc->name, "attendances", v[2])) >= 0 &&
		    (r = add_count(rep, sc->name, "sessions", v[3])) >= 0 &&
		    (r = add_count(rep, sc->name, "sessions_delivered", v[4])) >= 0)
			r = add_share(rep, sc->name, "retention", v[6], v[5]);
	} else if (r == 0) {
		r = -EIO;
	}
	sqlite3_finalize(st);
	return r;
}

/* What the responses to one form in a scope add up to. */
struct form_acc {
	const struct tp_form *form;
	int64_t responses, positive;
	/* scored forms: the pairs */
	double *pre, *post;
	size_t pairs, cap;
	/* the participant being read */
	int64_t pid;
	bool has_pre, has_post;
	int64_t pre_score, post_score;
};

static void acc_flush(struct form_acc *a)
{
	if (a->pid && a->has_pre && a->has_post) {
		if (a->pairs == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 32;
			a->pre = tp_xrealloc(a->pre, a->cap * sizeof *a->pre);
			a->post = tp_xrealloc(a->post, a->cap * sizeof *a->post);
		}
		a->pre[a->pairs] = (double)a->pre_score;
		a->post[a->pairs] = (double)a->post_score;
		a->pairs++;
	}
	a->pid = 0;
	a->has_pre = a->has_post = false;
}

static int acc_emit(const struct form_acc *a, const char *scope, struct srv_ind_report *rep)
{
	const char *k = a->form->key;
	char name[TP_FORM_KEY_MAX + 32];
	int r;
#define NAME(suffix) (snprintf(name, sizeof name, "%s.%s", k, suffix), name)
	if ((r = add_count(rep, scope, NAME("responses"), (double)a->responses)) < 0)
		return r;
	if (a->form->counting == TP_FORM_COUNT_POSITIVE)
		return add_share(rep, scope, NAME("positive"), (double)a->positive,
				 (double)a->responses);
	if (a->form->counting != TP_FORM_COUNT_SCORE)
		return 0;
	int64_t better = 0, same = 0, worse = 0;
	double sum = 0;
	for (size_t i = 0; i < a->pairs; i++) {
		double d = a->post[i] - a->pre[i];
		sum += d;
		if (d == 0)
			same++;
		else if ((d < 0) == a->form->lower_better)
			better++;
		else
			worse++;
	}
	double n = (double)a->pairs;
	struct tp_ttest tt;
	tp_stats_paired_t(a->pre, a->post, a->pairs, &tt);
	const char *why = tp_ttest_status_name(tt.status);
	struct srv_ind_row *row;
	if ((r = add_count(rep, scope, NAME("pairs"), n)) < 0 ||
	    (r = add_share(rep, scope, NAME("improved"), (double)better, n)) < 0 ||
	    (r = add_share(rep, scope, NAME("no_change"), (double)same, n)) < 0 ||
	    (r = add_share(rep, scope, NAME("worse"), (double)worse, n)) < 0)
		return r;
	if (!(row = add_row(rep, scope, NAME("mean_change"))))
		return -E2BIG;
	row->has_num = row->has_den = true;
	row->num = sum;
	row->den = n;
	row->has_value = a->pairs > 0;
	row->value = a->pairs ? tt.mean_diff : 0;
	row->status = a->pairs ? NULL : "no_data";
	bool ok = tt.status == TP_TTEST_OK;
	if ((r = add_stat(rep, scope, NAME("t"), ok, tt.t, why)) < 0 ||
	    (r = add_stat(rep, scope, NAME("df"), a->pairs >= 2, tt.df, why)) < 0)
		return r;
	return add_stat(rep, scope, NAME("p"), ok, tt.p, why);
#undef NAME
}

/* The built-in forms come first in every scope, in this order. */
static const char *const srv_ind_builtin_forms[] = { "satisfaction", "awareness", "phq9" };
#define SRV_IND_MAX_FORMS 64

static int scope_forms(sqlite3 *db, const struct srv_ind_query *q, const struct scope *sc,
		       struct srv_ind_report *rep)
{
	static const char sql[] = SCOPE_CTE
		"SELECT r.form, r.participant_id, r.phase, r.answers FROM responses r"
		" WHERE r.submitted_at >= ?4 AND r.submitted_at < ?5"
		"   AND (r.session_id IN (SELECT s.id FROM sessions s JOIN sg ON sg.id = s.group_id)"
		"        OR (r.session_id IS NULL"
		"            AND r.participant_id IN (SELECT participant_id FROM enr)))"
		" ORDER BY r.form, r.participant_id, r.submitted_at, r.id";
	struct form_acc acc[SRV_IND_MAX_FORMS];
	size_t nacc = 0;
	memset(acc, 0, sizeof acc);
	for (size_t i = 0; i < sizeof srv_ind_builtin_forms / sizeof *srv_ind_builtin_forms; i++) {
		const struct tp_form *f = srv_form_find(srv_ind_builtin_forms[i]);
		if (f)
			acc[nacc++].form = f;
	}
	sqlite3_stmt *st;
	int r = scope_prepare(db, &st, sql, q, sc);
	if (r < 0)
		return r;
	struct form_acc *a = NULL;
	char skipped[TP_FORM_KEY_MAX + 1] = "";
	while ((r = tp_db_step(st)) == 1) {
		const char *key = tp_db_col_text(st, 0);
		if (strcmp(key, skipped) == 0)
			continue;
		if (!a || strcmp(a->form->key, key) != 0) {
			if (a)
				acc_flush(a);
			a = NULL;
			for (size_t i = 0; i < nacc && !a; i++)
				if (strcmp(acc[i].form->key, key) == 0)
					a = &acc[i];
			const struct tp_form *f = a ? NULL : srv_form_find(key);
			if (!a && f && nacc < SRV_IND_MAX_FORMS) {
				a = &acc[nacc++];
				a->form = f;
			}
			if (!a) {
				/* A form no longer installed (or past the
				 * SRV_IND_MAX_FORMS-th): its answers cannot be read,
				 * so it is left out, and logged once. */
				tp_warn("indicators: responses to form \"%s\" left out", key);
				snprintf(skipped, sizeof skipped, "%s", key);
				continue;
			}
		}
		int64_t pid = sqlite3_column_int64(st, 1);
		if (pid != a->pid)
			acc_flush(a);
		a->pid = pid;
		a->responses++;
		const char *text = tp_db_col_text(st, 3);
		json_t *answers = text ? json_loads(text, 0, NULL) : NULL;
		if (a->form->counting == TP_FORM_COUNT_POSITIVE) {
			if (answers && tp_form_positive(a->form, answers) == 1)
				a->positive++;
		} else if (a->form->counting == TP_FORM_COUNT_SCORE && pid) {
			const char *phase = tp_db_col_text(st, 2);
			int64_t score;
			if (phase && answers && tp_form_score(a->form, answers, &score) == 0) {
				if (strcmp(phase, "pre") == 0 && !a->has_pre) {
					a->has_pre = true;
					a->pre_score = score;
				} else if (strcmp(phase, "post") == 0) {
					a->has_post = true;    /* the latest wins */
					a->post_score = score;
				}
			}
		}
		json_decref(answers);
	}
	sqlite3_finalize(st);
	if (a)
		acc_flush(a);
	for (size_t i = 0; i < nacc; i++) {
		if (r >= 0)
			r = acc_emit(&acc[i], sc->name, rep);
		free(acc[i].pre);
		free(acc[i].post);
	}
	return r < 0 ? r : 0;
}

/* Puts the agreed levels on the rows from first on, all of scope sc. */
static int scope_targets(sqlite3 *db, const struct scope *sc, struct srv_ind_report *rep,
			 size_t first)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, "SELECT indicator, level FROM targets"
			      " WHERE programme_id = ? AND scope = ?", "it",
			      sc->programme_id, sc->target_scope);
	if (r < 0)
		return r;
	while ((r = tp_db_step(st)) == 1) {
		const char *ind = tp_db_col_text(st, 0);
		double level = sqlite3_column_double(st, 1);
		for (size_t i = first; i < rep->count; i++) {
			struct srv_ind_row *row = &rep->rows[i];
			if (strcmp(row->indicator, ind) != 0 || !(level > 0))
				continue;
			row->has_target = true;
			row->target = level;
			if (row->has_value)
				row->achievement = row->value * 100.0 / level;
		}
	}
	sqlite3_finalize(st);
	return r;
}

static int scope_all(sqlite3 *db, const struct srv_ind_query *q, const struct scope *sc,
		     struct srv_ind_report *rep)
{
	size_t first = rep->count;
	int r = scope_counts(db, q, sc, rep);
	if (r >= 0)
		r = scope_forms(db, q, sc, rep);
	if (r >= 0 && sc->target_scope)
		r = scope_targets(db, sc, rep, first);
	return r;
}

/* The name of a programme's or group's scope: its ref, or "#id". */
static char *ref_name(sqlite3_stmt *st, int col, int64_t id)
{
	const char *ref = tp_db_col_text(st, col);
	return ref && *ref ? tp_xstrdup(ref) : tp_xasprintf("#%lld", (long long)id);
}

/* The kinds of a programme's groups, then its groups, each a scope. */
static int programme_parts(sqlite3 *db, const struct srv_ind_query *q, int64_t pid,
			   const char *pname, bool kinds, struct srv_ind_report *rep)
{
	sqlite3_stmt *st;
	int r = kinds ? tp_db_prepare(db, &st, "SELECT DISTINCT kind FROM groups"
				      " WHERE programme_id = ? AND archived_at IS NULL"
				      " ORDER BY kind", "i", pid)
		      : tp_db_prepare(db, &st, "SELECT id, ref FROM groups"
				      " WHERE programme_id = ? AND archived_at IS NULL"
				      " ORDER BY ref IS NULL, ref, id", "i", pid);
	if (r < 0)
		return r;
	while ((r = tp_db_step(st)) == 1) {
		int64_t gid = kinds ? 0 : sqlite3_column_int64(st, 0);
		char *part = kinds ? tp_xstrdup(tp_db_col_text(st, 0)) : ref_name(st, 1, gid);
		char *name = tp_xasprintf("%s/%s:%s", pname, kinds ? "kind" : "group", part);
		/* A group without a ref can have no target. */
		const char *tscope = kinds || tp_db_col_text(st, 1) ? part : NULL;
		struct scope sc = { name, pid, kinds ? part : NULL, gid, tscope };
		r = scope_all(db, q, &sc, rep);
		free(name);
		free(part);
		if (r < 0)
			break;
	}
	sqlite3_finalize(st);
	return r;
}

static int programme_scopes(sqlite3 *db, const struct srv_ind_query *q, int64_t pid,
			    const char *pname, struct srv_ind_report *rep)
{
	struct scope sc = { pname, pid, NULL, 0, "*" };
	int r = scope_all(db, q, &sc, rep);
	if (r >= 0)
		r = programme_parts(db, q, pid, pname, true, rep);
	if (r >= 0)
		r = programme_parts(db, q, pid, pname, false, rep);
	return r;
}

int srv_ind_compute(sqlite3 *db, const struct srv_ind_query *q, struct srv_ind_report *out)
{
	memset(out, 0, sizeof *out);
	out->from = q->from;
	out->to = q->to;
	int r = 0;
	if (!q->programme_id) {
		struct scope all = { "*", 0, NULL, 0, NULL };
		r = scope_all(db, q, &all, out);
	}
	if (r < 0)
		return r;
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st, "SELECT id, ref FROM programmes"
			  " WHERE (?1 = 0 AND archived_at IS NULL) OR id = ?1"
			  " ORDER BY ref IS NULL, ref, id", "i", q->programme_id);
	if (r < 0)
		return r;
	int step;
	while ((step = tp_db_step(st)) == 1) {
		int64_t pid = sqlite3_column_int64(st, 0);
		char *pname = ref_name(st, 1, pid);
		/* Nested statements on one connection are fine in sqlite. */
		r = programme_scopes(db, q, pid, pname, out);
		free(pname);
		if (r < 0)
			break;
	}
	sqlite3_finalize(st);
	if (r >= 0 && step < 0)
		r = step;
	return r < 0 ? r : 0;
}

/* A number as shown in CSV: integers without a point, others to 15
 * significant digits (all a double holds reliably, without the binary
 * noise of a 17th: 122.5, not 122.50000000000001). */
static void fmt_num(double v, char out[40])
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(out, 40, "%.0f", v);
	else
		snprintf(out, 40, "%.15g", v);
}

/* A CSV text field: quoted when needed; a leading = + - @ is defused with
 * a quote mark, so a spreadsheet never runs a ref as a formula. */
static int csv_text(struct tp_buf *b, const char *s)
{
	bool formula = strchr("=+-@", s[0]) && s[0];
	bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (!quote)
		return tp_buf_puts(b, s);
	int r = tp_buf_puts(b, formula ? "\"'" : "\"");
	for (const char *p = s; r >= 0 && *p; p++)
		r = *p == '"' ? tp_buf_puts(b, "\"\"") : tp_buf_append(b, p, 1);
	return r < 0 ? r : tp_buf_puts(b, "\"");
}

int srv_ind_report_csv(const struct srv_ind_report *rep, struct tp_buf *out)
{
	int r = tp_buf_puts(out, "scope,indicator,numerator,denominator,value,target,"
			    "achievement_pct\r\n");
	for (size_t i = 0; r >= 0 && i < rep->count; i++) {
		const struct srv_ind_row *row = &rep->rows[i];
		char num[40] = "", den[40] = "", val[40] = "", tgt[40] = "", ach[40] = "";
		if (row->has_target)
			fmt_num(row->target, tgt);
		if (row->has_target && row->has_value)
			fmt_num(row->achievement, ach);
		if (row->has_num)
			fmt_num(row->num, num);
		if (row->has_den)
			fmt_num(row->den, den);
		if (row->has_value)
			fmt_num(row->value, val);
		else if (row->status)
			snprintf(val, sizeof val, "%s", row->status);
		if ((r = csv_text(out, row->scope)) >= 0 && (r = tp_buf_puts(out, ",")) >= 0 &&
		    (r = csv_text(out, row->indicator)) >= 0)
			r = tp_buf_printf(out, ",%s,%s,%s,%s,%s\r\n", num, den, val, tgt, ach);
	}
	return r;
}

json_t *srv_ind_report_json(const struct srv_ind_report *rep)
{
	char from[11], to[11];
	tp_date_format_hk(rep->from, from);
	tp_date_format_hk(rep->to - 1, to);
	json_t *rows = json_array();
	for (size_t i = 0; i < rep->count; i++) {
		const struct srv_ind_row *row = &rep->rows[i];
		json_t *o = json_pack("{s:s, s:s}", "scope", row->scope, "indicator",
				      row->indicator);
		json_object_set_new(o, "numerator", row->has_num ? json_real(row->num) : json_null());
		json_object_set_new(o, "denominator", row->has_den ? json_real(row->den)
								   : json_null());
		json_object_set_new(o, "value", row->has_value ? json_real(row->value)
							       : json_null());
		if (row->status)
			json_object_set_new(o, "status", json_string(row->status));
		json_object_set_new(o, "target", row->has_target ? json_real(row->target)
								 : json_null());
		json_object_set_new(o, "achievement_pct", row->has_target && row->has_value
					  ? json_real(row->achievement) : json_null());
		json_array_append_new(rows, o);
	}
	return json_pack("{s:s, s:s, s:o}", "from", from, "to", to, "rows", rows);
}

int srv_ind_request(struct tp_http_request *req, struct srv_ind_report *rep,
			   int64_t *programme_id)
{
	struct tp_error e;
	tp_error_clear(&e);
	struct srv_ind_query q = { .now = tp_now() };
	if (srv_ind_period(tp_http_query(req, "from"), tp_http_query(req, "to"), q.now,
			   &q.from, &q.to, &e) < 0) {
		srv_reply_error(req, &e);
		return 1;
	}
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 1;
	const char *prog = tp_http_query(req, "programme");
	if (prog && *prog) {
		int r = srv_resource_find_ref(db, &srv_programmes, prog, &q.programme_id);
		if (r == -ENOENT) {
			tp_error_set(&e, 400, "unknown_reference", "programme",
				     "there is no programme \"%s\"", prog);
			srv_reply_error(req, &e);
			return 1;
		}
		if (r < 0)
			return r;
	}
	*programme_id = q.programme_id;
	return srv_ind_compute(db, &q, rep);
}

int srv_indicators_get(struct tp_http_request *req)
{
	struct srv_ind_report rep = { 0 };
	int64_t pid = 0;
	int r = srv_ind_request(req, &rep, &pid);
	if (r == 0)
		tp_http_reply_json(req, 200, srv_ind_report_json(&rep));
	srv_ind_report_release(&rep);
	return r < 0 ? r : 0;
}

int srv_ind_audit_export(struct tp_http_request *req, const struct srv_ind_report *rep,
			 int64_t programme_id, const char *format)
{
	char from[11], to[11];
	tp_date_format_hk(rep->from, from);
	tp_date_format_hk(rep->to - 1, to);
	json_t *detail = json_pack("{s:s, s:s, s:s, s:i}", "format", format, "from", from,
				   "to", to, "rows", (json_int_t)rep->count);
	int r = srv_audit_now(srv_app_of(req), srv_actor_of(req), "export_indicators",
			      "programme", programme_id, detail);
	json_decref(detail);
	return r;
}

int srv_indicators_csv(struct tp_http_request *req)
{
	struct srv_ind_report rep = { 0 };
	int64_t pid = 0;
	int r = srv_ind_request(req, &rep, &pid);
	if (r != 0) {
		srv_ind_report_release(&rep);
		return r < 0 ? r : 0;
	}
	struct tp_buf csv;
	tp_buf_init(&csv, 64 * 1024 * 1024);
	r = srv_ind_report_csv(&rep, &csv);
	if (r >= 0)
		r = srv_ind_audit_export(req, &rep, pid, "csv");
	srv_ind_report_release(&rep);
	if (r >= 0) {
		tp_http_add_header(req, "Content-Disposition",
				   "attachment; filename=\"indicators.csv\"");
		tp_http_reply(req, 200, "text/csv; charset=utf-8", tp_buf_str(&csv), csv.len);
	}
	tp_buf_release(&csv);
	return r < 0 ? r : 0;
}

/* The names the report prints, for checking a target's indicator. */
static bool known_indicator(const char *name)
{
	static const char *const plain[] = { "enrolled", "participants", "attendances",
					     "sessions", "sessions_delivered", "retention",
					     NULL };
	static const char *const positive[] = { "responses", "positive", NULL };
	static const char *const score[] = { "responses", "pairs", "improved", "no_change",
					     "worse", "mean_change", "t", "df", "p", NULL };
	for (const char *const *p = plain; *p; p++)
		if (strcmp(name, *p) == 0)
			return true;
	const char *dot = strchr(name, '.');
	if (!dot || dot - name >= TP_FORM_KEY_MAX)
		return false;
	char key[TP_FORM_KEY_MAX];
	memcpy(key, name, (size_t)(dot - name));
	key[dot - name] = '\0';
	const struct tp_form *f = srv_form_find(key);
	if (!f)
		return false;
	const char *const *list = f->counting == TP_FORM_COUNT_POSITIVE ? positive
				: f->counting == TP_FORM_COUNT_SCORE ? score : NULL;
	if (!list)
		return strcmp(dot + 1, "responses") == 0;
	for (const char *const *p = list; *p; p++)
		if (strcmp(dot + 1, *p) == 0)
			return true;
	return false;
}

static const char *const srv_ind_kinds[] = { "counselling", "family", "parent_child",
					     "education", "peer_support", "other", NULL };

int srv_ind_target_put(sqlite3 *w, int64_t programme_id, const char *scope,
		       const char *indicator, const char *level, struct tp_error *e)
{
	bool is_kind = false;
	for (const char *const *k = srv_ind_kinds; *k; k++)
		if (strcmp(scope, *k) == 0)
			is_kind = true;
	int64_t n = 0;
	int r = tp_db_int(w, &n, "SELECT count(*) FROM groups WHERE programme_id = ?"
			  " AND ref = ?", "it", programme_id, scope);
	if (r < 0)
		return r;
	if (is_kind && n)
		return tp_error_set(e, 400, "invalid_field", "scope", "\"%.60s\" is both a "
				    "group kind and a group's ref; rename the group", scope);
	if (strcmp(scope, "*") != 0 && !is_kind && !n)
		return tp_error_set(e, 400, "invalid_field", "scope", "must be *, a group kind "
				    "or the ref of one of the programme's groups, not \"%.60s\"",
				    scope);
	if (!known_indicator(indicator))
		return tp_error_set(e, 400, "invalid_field", "indicator", "\"%.60s\" is not an "
				    "indicator of the report", indicator);
	char *end;
	double v = strtod(level, &end);
	if (end == level || *end || !isfinite(v) || !(v > 0) || v > 1e12)
		return tp_error_set(e, 400, "invalid_field", "level",
				    "must be a positive number");
	double old = 0;
	sqlite3_stmt *st;
	if ((r = tp_db_prepare(w, &st, "SELECT level FROM targets WHERE programme_id = ?"
			       " AND scope = ? AND indicator = ?", "itt", programme_id, scope,
			       indicator)) < 0)
		return r;
	int found = tp_db_step(st);
	if (found == 1)
		old = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	if (found < 0)
		return found;
	if (found == 1 && old == v)
		return 2;
	int64_t now = tp_now();
	r = tp_db_run(w, "INSERT INTO targets (programme_id, scope, indicator, level,"
		      " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
		      " ON CONFLICT (programme_id, scope, indicator)"
		      " DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at",
		      "ittdi", programme_id, scope, indicator, v, now);
	if (r < 0)
		return r;
	return found == 1 ? 1 : 0;
}
