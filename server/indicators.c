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
 *   (enrolled_on <= last day, left_on empty or after the first day: left_on
 *   is the day she left, from which she is not a member); distinct
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
 * - a venue cut (DESIGN.md: figures can be cut by venue) keeps what
 *   happened there: sessions whose venue is it, or whose group's is when
 *   the session names none, with their attendances and the responses
 *   through them; and the groups "at" the venue (their own venue is it, or
 *   they held such a session in the period, or a response of the period
 *   came through one), with their enrolments and the responses without a
 *   session of the people enrolled in them. Retention counts the sessions
 *   attended there. Only those groups, and their kinds, are listed;
 *   programmes are all listed, as without a cut, and agreed levels are
 *   shown as they are (they are the whole scope's).
 */
#include "indicators.h"
#include "audit.h"
#include "forms.h"
#include "programmes.h"
#include "resource.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_idmap.h"
#include "tp_log.h"
#include "tp_stats.h"
#include "tp_time.h"
#include "tp_utf8.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int srv_ind_venue(const char *text, char **out, struct tp_error *e)
{
	*out = NULL;
	char *venue = tp_text_trim(text);
	const char *why;
	if (!venue || !*venue) {
		free(venue);
		return 0;
	}
	/* As long as a group's or a session's venue may be. */
	if (tp_text_check(venue, 100, false, &why) < 0) {
		free(venue);
		return tp_error_set(e, 400, "invalid_field", "venue", "%s", why);
	}
	*out = venue;
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
	free(rep->venue);
	rep->venue = NULL;
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

/*
 * The engine. A report is a list of units, the scopes in the order they are
 * printed: "*" (every programme, when no programme is asked for), then
 * each programme, its group kinds and its groups. Each table is read once
 * for the whole report, its rows naming their group; a group's figures
 * are tallied from them, and a kind's, a programme's and "*"'s are built
 * from their groups': sums for attendances, sessions and retention, and
 * distinct people for enrolled and participants (the (person, group) pairs
 * sorted by person, each person counted once per unit),
 * so that someone in two groups of a kind is one person there. Responses
 * are read once, each answer parsed once, and streamed in the order
 * (form, participant, time) into every unit they belong to, so that a
 * participant's pre/post pair is found afresh at each level.
 *
 * The queries name the groups table first and join with CROSS JOIN, which
 * makes sqlite walk groups, then each group's sessions (sessions_group),
 * then each session's live attendances (attendance_live, schema v6): the
 * plan does not depend on statistics the database may not have.
 *
 * Binds of every query: ?1 programme id (0: all), ?2 from, ?3 to (Unix
 * seconds, [from, to)), ?4 now, ?5 first day, ?6 last day (YYYY-MM-DD,
 * Hong Kong), ?7 venue (NULL: all); each query binds up to the highest it
 * names.
 */
#define IN_SCOPE " g.archived_at IS NULL AND (?1 = 0 OR g.programme_id = ?1)"
#define HELD                                                                         \
	" s.group_id = g.id AND s.starts_at >= ?2 AND s.starts_at < ?3"               \
	" AND s.archived_at IS NULL AND s.status <> 'cancelled'"                      \
	" AND (?7 IS NULL OR coalesce(s.venue, g.venue) = ?7)"

static const char sql_programmes[] =
	"SELECT id, ref FROM programmes WHERE (?1 = 0 AND archived_at IS NULL) OR id = ?1"
	" ORDER BY ref IS NULL, ref, id";
static const char sql_groups[] =
	"SELECT g.id, g.programme_id, g.ref, g.kind, g.retention_n, g.venue FROM groups g"
	" WHERE" IN_SCOPE " ORDER BY g.ref IS NULL, g.ref, g.id";
static const char sql_sessions[] =
	"SELECT s.group_id, s.ends_at - s.starts_at, s.ends_at <= ?4"
	" FROM groups g CROSS JOIN sessions s WHERE" IN_SCOPE " AND" HELD;
static const char sql_attendance[] =
	"SELECT s.group_id, a.participant_id"
	" FROM groups g CROSS JOIN sessions s CROSS JOIN attendance a"
	" WHERE" IN_SCOPE " AND" HELD " AND a.session_id = s.id AND a.undone_at IS NULL";
static const char sql_enrolments[] =
	"SELECT e.group_id, e.participant_id FROM groups g CROSS JOIN enrolments e"
	" WHERE" IN_SCOPE " AND e.group_id = g.id AND e.archived_at IS NULL"
	" AND e.enrolled_on <= ?6 AND (e.left_on IS NULL OR e.left_on > ?5)";
/* Responses: group id (NULL without a session), form, participant, phase,
 * answers, time, id, whether it has no session, and the session's venue
 * (the venue cut is made on them in read_responses). Every programme: the
 * period's responses (responses_time), each with its session's group. One
 * programme: those through any session of its groups
 * (responses_session_time), then those without a session. */
#define RESPONSE_COLUMNS "r.form, r.participant_id, r.phase, r.answers, r.submitted_at, r.id"
static const char sql_responses_all[] =
	"SELECT s.group_id, " RESPONSE_COLUMNS ", r.session_id IS NULL, s.venue"
	" FROM responses r LEFT JOIN sessions s ON s.id = r.session_id"
	" WHERE r.submitted_at >= ?2 AND r.submitted_at < ?3";
static const char sql_responses_one[] =
	"SELECT s.group_id, " RESPONSE_COLUMNS ", 0, s.venue"
	" FROM groups g CROSS JOIN sessions s CROSS JOIN responses r"
	" WHERE" IN_SCOPE " AND s.group_id = g.id AND r.session_id = s.id"
	" AND r.submitted_at >= ?2 AND r.submitted_at < ?3"
	" UNION ALL SELECT NULL, " RESPONSE_COLUMNS ", 1, NULL FROM responses r"
	" WHERE r.submitted_at >= ?2 AND r.submitted_at < ?3 AND r.session_id IS NULL";

/* A scope of the report and its counts. */
struct unit {
	char *name;               /* "*", "P1", "P1/kind:family", "P1/group:G7" */
	char *target;             /* its scope in targets ("*", kind, ref), or NULL */
	int64_t programme_id;
	int64_t enrolled, participants, attendances, sessions, delivered;
	int64_t kept, enrolments; /* retention: enrolments that came often enough, of all */
};

#define UNITS_PER_GROUP 4     /* its group, kind, programme and "*" */

struct group {
	int64_t id, programme_id, retention_n;
	char *ref, *kind, *venue; /* ref and venue are NULL when the group has none */
	bool listed;              /* in the report: always without a venue cut */
	int64_t sessions, delivered;
	int unit[UNITS_PER_GROUP];/* the units it counts in */
	int nunits;
	size_t first_enrolment, nenrolments; /* in engine.by_group */
	bool tallied;             /* its attendances are counted */
};

/* One response, its answers read. */
struct response {
	int64_t pid;              /* 0: anonymous */
	int64_t at, id;
	int form;                 /* index into engine.forms */
	int group;                /* index into engine.groups; -1: no session */
	int phase;                /* 1 pre, 2 post, 0 neither */
	bool positive, scored;
	int64_t score;
};

/* A person in a group: enrolled there, or came there. */
struct membership {
	int64_t pid;
	int group;
};

struct engine {
	sqlite3 *db;
	const struct srv_ind_query *q;
	char first[11], last[11];
	struct group *groups;
	size_t ngroups;
	struct tp_idmap group_index;    /* (0, group id) -> index */
	struct unit *units;
	size_t nunits, capunits;
	struct membership *enrolments;   /* by participant, after enrolments_pass */
	struct membership *by_group;     /* the same by group */
	size_t nenrolments, capenrolments;
	struct membership *attended;     /* each (person, group) with attendances */
	size_t nattended, capattended;
	int64_t *seen, stamp;           /* per unit: the last person counted there */
	const struct tp_form **forms;   /* the built-in ones first */
	size_t nforms, nbuiltin;
	char **unknown;                 /* form keys not installed, logged once */
	size_t nunknown;
	struct response *responses;
	size_t nresponses, capresponses;
	struct form_acc *acc;           /* acc[form * nunits + unit] */
};

/* Prepares sql with the binds ?1 to ?nbind (the highest it names). */
static int engine_prepare(struct engine *e, sqlite3_stmt **st, const char *sql, int nbind)
{
	char types[] = "iiiittt";
	types[nbind] = '\0';
	return tp_db_prepare(e->db, st, sql, types, e->q->programme_id, e->q->from, e->q->to,
			     e->q->now, e->first, e->last, e->q->venue);
}

/* Whether venue (NULL: none) is the venue of the report's cut. */
static bool at_venue(const struct engine *e, const char *venue)
{
	return venue && strcmp(venue, e->q->venue) == 0;
}

static int engine_group(const struct engine *e, int64_t id)
{
	const int64_t *i = tp_idmap_find(&e->group_index, 0, id);
	return i ? (int)*i : -1;
}

/* Reads the scope's groups, in the order the report lists them. */
static int load_groups(struct engine *e)
{
	sqlite3_stmt *st;
	int r = engine_prepare(e, &st, sql_groups, 1);
	if (r < 0)
		return r;
	size_t cap = 0;
	while ((r = tp_db_step(st)) == 1) {
		if (e->ngroups == cap) {
			cap = cap ? cap * 2 : 64;
			e->groups = tp_xrealloc(e->groups, cap * sizeof *e->groups);
		}
		struct group *g = &e->groups[e->ngroups];
		memset(g, 0, sizeof *g);
		g->id = sqlite3_column_int64(st, 0);
		g->programme_id = sqlite3_column_int64(st, 1);
		g->ref = tp_xstrdup(tp_db_col_text(st, 2));
		g->kind = tp_xstrdup(tp_db_col_text(st, 3));
		g->retention_n = sqlite3_column_int64(st, 4);
		g->venue = tp_xstrdup(tp_db_col_text(st, 5));
		g->listed = !e->q->venue || at_venue(e, g->venue);
		*tp_idmap_add(&e->group_index, 0, g->id, NULL) = (int64_t)e->ngroups++;
	}
	sqlite3_finalize(st);
	return r;
}

/* Runs sql (binds ?1 to ?nbind) and hands each row whose first column is
 * one of the report's groups to fn, with the group's index. */
static int group_rows(struct engine *e, const char *sql, int nbind,
		      void (*fn)(struct engine *e, int gi, sqlite3_stmt *st))
{
	sqlite3_stmt *st;
	int r = engine_prepare(e, &st, sql, nbind);
	if (r < 0)
		return r;
	while ((r = tp_db_step(st)) == 1) {
		int gi = engine_group(e, sqlite3_column_int64(st, 0));
		if (gi >= 0)
			fn(e, gi, st);
	}
	sqlite3_finalize(st);
	return r;
}

/* A session held in the period: one more, and what it counts as delivered
 * (SRV_IND_SESSION_MIN, SRV_IND_WHOLE_DAY). */
static void count_session(struct engine *e, int gi, sqlite3_stmt *st)
{
	int64_t length = sqlite3_column_int64(st, 1);
	struct group *g = &e->groups[gi];
	g->listed = true;         /* it held a session at the venue */
	g->sessions++;
	if (sqlite3_column_int(st, 2))
		g->delivered += length < SRV_IND_SESSION_MIN ? 0
			      : length >= SRV_IND_WHOLE_DAY ? SRV_IND_WHOLE_DAY_COUNT : 1;
}

static int add_unit(struct engine *e, char *name, const char *target, int64_t programme_id)
{
	if (e->nunits == e->capunits) {
		e->capunits = e->capunits ? e->capunits * 2 : 64;
		e->units = tp_xrealloc(e->units, e->capunits * sizeof *e->units);
	}
	struct unit *u = &e->units[e->nunits];
	memset(u, 0, sizeof *u);
	u->name = name;
	u->target = tp_xstrdup(target);
	u->programme_id = programme_id;
	return (int)e->nunits++;
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* qsort, for arrays that may be empty (and then NULL). */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* A programme's units: itself, its groups' kinds (by name), its groups. */
static void programme_units(struct engine *e, int64_t pid, const char *pname)
{
	int pu = add_unit(e, tp_xstrdup(pname), "*", pid);
	const char *kinds[16];
	int kind_unit[16];
	size_t nkinds = 0;
	for (size_t i = 0; i < e->ngroups; i++) {
		const struct group *g = &e->groups[i];
		size_t k = 0;
		while (k < nkinds && strcmp(kinds[k], g->kind) != 0)
			k++;
		if (g->listed && g->programme_id == pid && k == nkinds && nkinds < 16)   /* 6 */
			kinds[nkinds++] = g->kind;
	}
	sort(kinds, nkinds, sizeof *kinds, cmp_text);
	for (size_t k = 0; k < nkinds; k++)
		kind_unit[k] = add_unit(e, tp_xasprintf("%s/kind:%s", pname, kinds[k]), kinds[k],
					pid);
	for (size_t i = 0; i < e->ngroups; i++) {
		struct group *g = &e->groups[i];
		if (!g->listed || g->programme_id != pid)
			continue;
		/* A group without a ref shows as #id and can have no target. */
		char *part = g->ref && *g->ref ? tp_xstrdup(g->ref)
					       : tp_xasprintf("#%lld", (long long)g->id);
		int gu = add_unit(e, tp_xasprintf("%s/group:%s", pname, part),
				  g->ref ? part : NULL, pid);
		free(part);
		size_t k = 0;
		while (k < nkinds && strcmp(kinds[k], g->kind) != 0)
			k++;
		g->unit[g->nunits++] = gu;
		if (k < nkinds)
			g->unit[g->nunits++] = kind_unit[k];
		g->unit[g->nunits++] = pu;
	}
}

/* The report's units: "*" when every programme is asked for, then each
 * programme's; every group learns the units it counts in. */
static int build_units(struct engine *e)
{
	if (!e->q->programme_id)
		add_unit(e, tp_xstrdup("*"), NULL, 0);
	sqlite3_stmt *st;
	int r = engine_prepare(e, &st, sql_programmes, 1);
	if (r < 0)
		return r;
	while ((r = tp_db_step(st)) == 1) {
		int64_t pid = sqlite3_column_int64(st, 0);
		const char *ref = tp_db_col_text(st, 1);
		char *pname = ref && *ref ? tp_xstrdup(ref) : tp_xasprintf("#%lld", (long long)pid);
		programme_units(e, pid, pname);
		free(pname);
	}
	sqlite3_finalize(st);
	if (!e->q->programme_id)
		for (size_t i = 0; i < e->ngroups; i++)
			if (e->groups[i].listed)
				e->groups[i].unit[e->groups[i].nunits++] = 0;
	e->seen = tp_xcalloc(e->nunits + 1, sizeof *e->seen);
	for (size_t i = 0; i < e->ngroups; i++) {
		const struct group *g = &e->groups[i];
		for (int k = 0; k < g->nunits; k++) {
			e->units[g->unit[k]].sessions += g->sessions;
			e->units[g->unit[k]].delivered += g->delivered;
		}
	}
	return r;
}

static int cmp_membership(const void *a, const void *b)
{
	const struct membership *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->group - y->group;
}

/* Counts each person once in every unit of the groups they are in, given
 * (person, group) pairs sorted by person: enrolled (what 0) or
 * participants (what 1). */
static void count_people(struct engine *e, const struct membership *pairs, size_t n, int what)
{
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || pairs[i].pid != pairs[i - 1].pid)
			e->stamp++;
		const struct group *g = &e->groups[pairs[i].group];
		for (int k = 0; k < g->nunits; k++) {
			int u = g->unit[k];
			if (e->seen[u] == e->stamp)
				continue;
			e->seen[u] = e->stamp;
			if (what == 0)
				e->units[u].enrolled++;
			else
				e->units[u].participants++;
		}
	}
}

static void add_pair(struct membership **list, size_t *n, size_t *cap, int64_t pid, int group)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*list = tp_xrealloc(*list, *cap * sizeof **list);
	}
	(*list)[(*n)++] = (struct membership){ pid, group };
}

static int cmp_membership_group(const void *a, const void *b)
{
	const struct membership *x = a, *y = b;
	if (x->group != y->group)
		return x->group - y->group;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void keep_enrolment(struct engine *e, int gi, sqlite3_stmt *st)
{
	if (e->groups[gi].listed)
		add_pair(&e->enrolments, &e->nenrolments, &e->capenrolments,
		 sqlite3_column_int64(st, 1), gi);
}

/* Enrolments live in the period: enrolled (distinct people per unit), and
 * kept by group for retention and by participant for the responses
 * without a session. */
static int enrolments_pass(struct engine *e)
{
	int r = group_rows(e, sql_enrolments, 6, keep_enrolment);
	if (r < 0)
		return r;
	size_t n = e->nenrolments, size = n * sizeof *e->enrolments;
	e->by_group = tp_xmalloc(size + 1);
	if (n)
		memcpy(e->by_group, e->enrolments, size);
	sort(e->by_group, n, sizeof *e->by_group, cmp_membership_group);
	for (size_t i = n; i-- > 0;) {
		struct group *g = &e->groups[e->by_group[i].group];
		g->first_enrolment = i;
		g->nenrolments++;
	}
	sort(e->enrolments, n, sizeof *e->enrolments, cmp_membership);
	count_people(e, e->enrolments, n, 0);
	return 0;
}

/* Counts group gi's attendances, given tally (person -> attendances at
 * the group's sessions of the period): attendances, participants, and
 * retention over its enrolments (those whose person came to at least the
 * group's retention_n sessions). */
static void tally_group(struct engine *e, int gi, const struct tp_idmap *tally)
{
	struct group *g = &e->groups[gi];
	g->tallied = true;
	size_t i = 0;
	const struct tp_idmap_entry *en;
	while ((en = tp_idmap_next(tally, &i))) {
		add_pair(&e->attended, &e->nattended, &e->capattended, en->b, gi);
		for (int k = 0; k < g->nunits; k++)
			e->units[g->unit[k]].attendances += en->value;
	}
	for (size_t j = 0; j < g->nenrolments; j++) {
		const int64_t *n = tp_idmap_find(tally, 0, e->by_group[g->first_enrolment + j].pid);
		bool kept = n && *n >= g->retention_n;
		for (int k = 0; k < g->nunits; k++) {
			e->units[g->unit[k]].enrolments++;
			e->units[g->unit[k]].kept += kept;
		}
	}
}

/*
 * Attendances at the period's sessions. The rows come group by group (the
 * plan walks groups, then their sessions), so one small tally per group
 * stays in the processor's cache; a group met twice would be counted
 * twice, and is refused instead.
 */
static int attendance_pass(struct engine *e)
{
	sqlite3_stmt *st;
	int r = engine_prepare(e, &st, sql_attendance, 7);
	if (r < 0)
		return r;
	struct tp_idmap tally;
	tp_idmap_init(&tally);
	int64_t last_id = 0;
	int gi = -1;
	while ((r = tp_db_step(st)) == 1) {
		int64_t gid = sqlite3_column_int64(st, 0);
		if (gi < 0 || gid != last_id) {
			if (gi >= 0)
				tally_group(e, gi, &tally);
			tp_idmap_clear(&tally);
			last_id = gid;
			if ((gi = engine_group(e, gid)) >= 0 && e->groups[gi].tallied) {
				tp_error("indicators: attendances of group %lld out of order",
					 (long long)gid);
				r = -EIO;
				break;
			}
		}
		if (gi >= 0)
			(*tp_idmap_add(&tally, 0, sqlite3_column_int64(st, 1), NULL))++;
	}
	sqlite3_finalize(st);
	if (r == 0 && gi >= 0)
		tally_group(e, gi, &tally);
	tp_idmap_clear(&tally);
	for (size_t i = 0; r == 0 && i < e->ngroups; i++)
		if (!e->groups[i].tallied)
			tally_group(e, (int)i, &tally);    /* no attendances */
	tp_idmap_release(&tally);
	sort(e->attended, e->nattended, sizeof *e->attended, cmp_membership);
	count_people(e, e->attended, e->nattended, 1);
	return r;
}

/* The index of form key in e->forms, adding it when installed; -1 for a
 * form no longer installed (its answers cannot be read, so it is left
 * out, and logged once). */
static int engine_form(struct engine *e, const char *key)
{
	for (size_t i = 0; i < e->nforms; i++)
		if (strcmp(e->forms[i]->key, key) == 0)
			return (int)i;
	for (size_t i = 0; i < e->nunknown; i++)
		if (strcmp(e->unknown[i], key) == 0)
			return -1;
	const struct tp_form *f = srv_form_find(key);
	if (!f) {
		tp_warn("indicators: responses to form \"%s\" left out", key);
		e->unknown = tp_xrealloc(e->unknown, (e->nunknown + 1) * sizeof *e->unknown);
		e->unknown[e->nunknown++] = tp_xstrdup(key);
		return -1;
	}
	e->forms = tp_xrealloc(e->forms, (e->nforms + 1) * sizeof *e->forms);
	e->forms[e->nforms] = f;
	return (int)e->nforms++;
}

/* Reads the period's responses that belong to some group of the scope,
 * each one's answers read once: positive or not, its score. */
static int read_responses(struct engine *e)
{
	for (size_t i = 0; i < sizeof srv_ind_builtin_forms / sizeof *srv_ind_builtin_forms; i++)
		if (srv_form_find(srv_ind_builtin_forms[i]))
			engine_form(e, srv_ind_builtin_forms[i]);
	e->nbuiltin = e->nforms;
	sqlite3_stmt *st;
	int r = engine_prepare(e, &st, e->q->programme_id ? sql_responses_one
							  : sql_responses_all, 3);
	if (r < 0)
		return r;
	while ((r = tp_db_step(st)) == 1) {
		struct response rs = { .pid = sqlite3_column_int64(st, 2), .group = -1 };
		if (!sqlite3_column_int(st, 7)) {
			/* Through a session: its group must be one of the scope's,
			 * and the session at the venue (or its group, when the
			 * session names none). */
			if ((rs.group = engine_group(e, sqlite3_column_int64(st, 0))) < 0)
				continue;
			struct group *g = &e->groups[rs.group];
			if (e->q->venue) {
				const char *venue = tp_db_col_text(st, 8);
				if (!at_venue(e, venue ? venue : g->venue))
					continue;
				g->listed = true;
			}
		} else if (!rs.pid) {
			continue;   /* anonymous and without a session: in no group */
		}
		if ((rs.form = engine_form(e, tp_db_col_text(st, 1))) < 0)
			continue;
		const struct tp_form *f = e->forms[rs.form];
		const char *phase = tp_db_col_text(st, 3);
		rs.phase = !phase ? 0 : strcmp(phase, "pre") == 0 ? 1
			 : strcmp(phase, "post") == 0 ? 2 : 0;
		rs.at = sqlite3_column_int64(st, 5);
		rs.id = sqlite3_column_int64(st, 6);
		bool read = f->counting == TP_FORM_COUNT_POSITIVE ||
			    (f->counting == TP_FORM_COUNT_SCORE && rs.pid && rs.phase);
		const char *text = read ? tp_db_col_text(st, 4) : NULL;
		json_t *answers = text ? json_loads(text, 0, NULL) : NULL;
		if (answers && f->counting == TP_FORM_COUNT_POSITIVE)
			rs.positive = tp_form_positive(f, answers) == 1;
		else if (answers)
			rs.scored = tp_form_score(f, answers, &rs.score) == 0;
		json_decref(answers);
		if (e->nresponses == e->capresponses) {
			e->capresponses = e->capresponses ? e->capresponses * 2 : 1024;
			e->responses = tp_xrealloc(e->responses,
						   e->capresponses * sizeof *e->responses);
		}
		e->responses[e->nresponses++] = rs;
	}
	sqlite3_finalize(st);
	return r;
}

static int cmp_response(const void *a, const void *b)
{
	const struct response *x = a, *y = b;
	if (x->form != y->form)
		return x->form - y->form;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The units a response counts in, each once: its session's group's, or
 * those of every group its participant is enrolled in. Returns how many. */
static size_t response_units(const struct engine *e, const struct response *rs,
			     int out[], size_t cap)
{
	if (rs->group >= 0) {
		const struct group *g = &e->groups[rs->group];
		memcpy(out, g->unit, (size_t)g->nunits * sizeof *out);
		return (size_t)g->nunits;
	}
	size_t lo = 0, hi = e->nenrolments, n = 0;
	while (lo < hi) {      /* the participant's first enrolment */
		size_t mid = (lo + hi) / 2;
		if (e->enrolments[mid].pid < rs->pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < e->nenrolments && e->enrolments[lo].pid == rs->pid; lo++) {
		const struct group *g = &e->groups[e->enrolments[lo].group];
		for (int k = 0; k < g->nunits; k++) {
			size_t j = 0;
			while (j < n && out[j] != g->unit[k])
				j++;
			if (j == n && n < cap)
				out[n++] = g->unit[k];
		}
	}
	return n;
}

/*
 * Streams the responses, in the order form, participant, time, into every
 * unit they count in: forms collected, positive ones, and per participant
 * the earliest scored pre and the latest scored post, a pair when both.
 */
static void tally_responses(struct engine *e)
{
	sort(e->responses, e->nresponses, sizeof *e->responses, cmp_response);
	e->acc = tp_xcalloc(e->nforms * e->nunits, sizeof *e->acc);
	for (size_t f = 0; f < e->nforms; f++)
		for (size_t u = 0; u < e->nunits; u++)
			e->acc[f * e->nunits + u].form = e->forms[f];
	int *units = tp_xmalloc(e->nunits * sizeof *units);
	for (size_t i = 0; i < e->nresponses; i++) {
		const struct response *rs = &e->responses[i];
		size_t n = response_units(e, rs, units, e->nunits);
		for (size_t k = 0; k < n; k++) {
			struct form_acc *a = &e->acc[(size_t)rs->form * e->nunits + (size_t)units[k]];
			if (rs->pid != a->pid)
				acc_flush(a);
			a->pid = rs->pid;
			a->responses++;
			a->positive += rs->positive;
			if (!rs->scored || !rs->pid)
				continue;
			if (rs->phase == 1 && !a->has_pre) {
				a->has_pre = true;
				a->pre_score = rs->score;
			} else if (rs->phase == 2) {
				a->has_post = true;     /* the latest wins */
				a->post_score = rs->score;
			}
		}
	}
	free(units);
	for (size_t i = 0; i < e->nforms * e->nunits; i++)
		acc_flush(&e->acc[i]);
}

/* A target: the agreed level of one indicator in one scope. */
struct target {
	int64_t programme_id;
	char *scope, *indicator;
	double level;
};

static int cmp_target(const void *a, const void *b)
{
	const struct target *x = a, *y = b;
	if (x->programme_id != y->programme_id)
		return x->programme_id < y->programme_id ? -1 : 1;
	return strcmp(x->scope, y->scope);
}

/* Puts the agreed levels of unit u on its rows (from first on). */
static void apply_targets(const struct unit *u, const struct target *t, size_t nt,
			  struct srv_ind_report *rep, size_t first)
{
	struct target key = { .programme_id = u->programme_id, .scope = u->target };
	size_t lo = 0, hi = nt;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cmp_target(&t[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nt && cmp_target(&t[lo], &key) == 0; lo++) {
		if (!(t[lo].level > 0))
			continue;
		for (size_t i = first; i < rep->count; i++) {
			struct srv_ind_row *row = &rep->rows[i];
			if (strcmp(row->indicator, t[lo].indicator) != 0)
				continue;
			row->has_target = true;
			row->target = t[lo].level;
			if (row->has_value)
				row->achievement = row->value * 100.0 / t[lo].level;
		}
	}
}

static int load_targets(struct engine *e, struct target **out, size_t *n)
{
	sqlite3_stmt *st;
	int r = engine_prepare(e, &st, "SELECT programme_id, scope, indicator, level FROM targets"
			       " WHERE ?1 = 0 OR programme_id = ?1", 1);
	if (r < 0)
		return r;
	size_t cap = 0;
	while ((r = tp_db_step(st)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = tp_xrealloc(*out, cap * sizeof **out);
		}
		(*out)[(*n)++] = (struct target){ sqlite3_column_int64(st, 0),
						  tp_xstrdup(tp_db_col_text(st, 1)),
						  tp_xstrdup(tp_db_col_text(st, 2)),
						  sqlite3_column_double(st, 3) };
	}
	sqlite3_finalize(st);
	sort(*out, *n, sizeof **out, cmp_target);
	return r;
}

static int cmp_form_key(const void *a, const void *b)
{
	return strcmp((*(const struct tp_form *const *)a)->key,
		      (*(const struct tp_form *const *)b)->key);
}

/* The rows of unit u: counts, forms (the built-in ones, then the others
 * it has responses to, by key), then its targets. */
static int emit_unit(struct engine *e, size_t u, const int *form_order, const struct target *t,
		     size_t nt, struct srv_ind_report *rep)
{
	const struct unit *un = &e->units[u];
	size_t first = rep->count;
	int r;
	if ((r = add_count(rep, un->name, "enrolled", (double)un->enrolled)) < 0 ||
	    (r = add_count(rep, un->name, "participants", (double)un->participants)) < 0 ||
	    (r = add_count(rep, un->name, "attendances", (double)un->attendances)) < 0 ||
	    (r = add_count(rep, un->name, "sessions", (double)un->sessions)) < 0 ||
	    (r = add_count(rep, un->name, "sessions_delivered", (double)un->delivered)) < 0 ||
	    (r = add_share(rep, un->name, "retention", (double)un->kept,
			   (double)un->enrolments)) < 0)
		return r;
	size_t shown = 0;
	for (size_t i = 0; i < e->nforms; i++) {
		const struct form_acc *a = &e->acc[(size_t)form_order[i] * e->nunits + u];
		if ((size_t)form_order[i] >= e->nbuiltin && !a->responses)
			continue;
		if (shown++ == SRV_IND_MAX_FORMS) {
			tp_warn("indicators: forms past the %d-th left out of %s",
				SRV_IND_MAX_FORMS, un->name);
			break;
		}
		if ((r = acc_emit(a, un->name, rep)) < 0)
			return r;
	}
	if (un->target)
		apply_targets(un, t, nt, rep, first);
	return 0;
}

static int emit(struct engine *e, struct srv_ind_report *rep)
{
	struct target *t = NULL;
	size_t nt = 0;
	int r = load_targets(e, &t, &nt);
	/* The forms in the order a scope shows them. */
	const struct tp_form **sorted = tp_xmalloc((e->nforms + 1) * sizeof *sorted);
	if (e->nforms)
		memcpy(sorted, e->forms, e->nforms * sizeof *sorted);
	sort(sorted + e->nbuiltin, e->nforms - e->nbuiltin, sizeof *sorted, cmp_form_key);
	int *order = tp_xmalloc((e->nforms + 1) * sizeof *order);
	for (size_t i = 0; i < e->nforms; i++)
		for (size_t j = 0; j < e->nforms; j++)
			if (e->forms[j] == sorted[i])
				order[i] = (int)j;
	for (size_t u = 0; r >= 0 && u < e->nunits; u++)
		r = emit_unit(e, u, order, t, nt, rep);
	for (size_t i = 0; i < nt; i++) {
		free(t[i].scope);
		free(t[i].indicator);
	}
	free(t);
	free(sorted);
	free(order);
	return r;
}

static void engine_release(struct engine *e)
{
	for (size_t i = 0; i < e->ngroups; i++) {
		free(e->groups[i].ref);
		free(e->groups[i].kind);
		free(e->groups[i].venue);
	}
	free(e->groups);
	for (size_t i = 0; i < e->nunits; i++) {
		free(e->units[i].name);
		free(e->units[i].target);
	}
	free(e->units);
	for (size_t i = 0; e->acc && i < e->nforms * e->nunits; i++) {
		free(e->acc[i].pre);
		free(e->acc[i].post);
	}
	free(e->acc);
	for (size_t i = 0; i < e->nunknown; i++)
		free(e->unknown[i]);
	free(e->unknown);
	free(e->forms);
	free(e->responses);
	free(e->enrolments);
	free(e->by_group);
	free(e->attended);
	free(e->seen);
	tp_idmap_release(&e->group_index);
}

int srv_ind_compute(sqlite3 *db, const struct srv_ind_query *q, struct srv_ind_report *out)
{
	memset(out, 0, sizeof *out);
	out->from = q->from;
	out->to = q->to;
	struct engine e = { .db = db, .q = q };
	tp_date_format_hk(q->from, e.first);
	tp_date_format_hk(q->to - 1, e.last);
	out->venue = tp_xstrdup(q->venue);
	/* Sessions and responses first: they tell which groups a venue cut
	 * lists, before the units are made. */
	int r = load_groups(&e);
	if (r >= 0)
		r = group_rows(&e, sql_sessions, 7, count_session);
	if (r >= 0)
		r = read_responses(&e);
	if (r >= 0)
		r = build_units(&e);
	if (r >= 0)
		r = enrolments_pass(&e);
	if (r >= 0)
		r = attendance_pass(&e);
	if (r >= 0) {
		tally_responses(&e);
		r = emit(&e, out);
	}
	engine_release(&e);
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
	return json_pack("{s:s, s:s, s:s?, s:o}", "from", from, "to", to, "venue", rep->venue,
			 "rows", rows);
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
	char *venue = NULL;
	if (srv_ind_venue(tp_http_query(req, "venue"), &venue, &e) < 0) {
		srv_reply_error(req, &e);
		return 1;
	}
	q.venue = venue;
	*programme_id = q.programme_id;
	int r = srv_ind_compute(db, &q, rep);
	free(venue);
	return r;
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
	json_t *detail = json_pack("{s:s, s:s, s:s, s:s?, s:i}", "format", format, "from", from,
				   "to", to, "venue", rep->venue, "rows", (json_int_t)rep->count);
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
