/*
 * Makes an NGO-sized Touchpoint database for the benchmarks (DESIGN.md,
 * "Scale"; issue 5, "Speed"): ten centres, twelve programmes spread over
 * them, 50,000 participants, 2,000 groups of the six kinds, about 87,000
 * sessions, 5,000,000 attendances and 500,000 responses over five financial
 * years (1 April 2021 to 31 March 2026), and agreed levels. The schema is
 * the server's own, made by its migrations; the rows are written the way
 * the server writes them (dates YYYY-MM-DD Hong Kong, times Unix seconds,
 * answers as compact JSON in the form's question order).
 *
 * The shape follows a Hong Kong youth and family NGO: small closed groups
 * (counselling, family, parent-child) of a term of 6-12 weekly sessions,
 * talks and workshops of 1-4 sessions, peer-support groups meeting weekly
 * for most of a year, interest classes, and year-round drop-in groups that
 * carry most of the attendances, mostly walk-ins. Most sessions last 1.5-2
 * hours; some talks and parent-child sessions 45 minutes (they do not count
 * as delivered), family outings and camps a whole day. People register at
 * one centre and stay active for about two years; some are in two groups
 * at once. A few sessions are cancelled, a few groups and sessions archived,
 * some attendances undone, some enrolments ended early.
 *
 * Deterministic: one seed, and a generator per session so that the counting
 * pass and the writing pass draw the same people. Not a test and not part
 * of the server: it writes with its own prepared statements, in one
 * transaction, with the journal off (a failed run leaves only OUT.tmp),
 * and makes the migrations' indexes on attendance and responses again at
 * the end instead of keeping them up to date row by row.
 *
 *   gen_ngo OUT.db        writes OUT.db.tmp, then renames it to OUT.db
 */
#include "../server/schema.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_time.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SEED 20260401u
#define N_CENTRES 10
#define N_PROGRAMMES 12
#define N_PARTICIPANTS 50000
#define N_GROUPS 2000
#define N_ATTENDANCES 5000000
#define N_RESPONSES 500000
#define N_AWARENESS 120000
#define YEARS 5
#define ACTIVE_DAYS 730        /* how long a member keeps coming */
#define UNDONE_PER_MILLE 4

/* ---- random numbers: splitmix64, one stream per purpose ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static struct rng rng_of(uint64_t a, uint64_t b)
{
	struct rng r = { SEED ^ (a * 0xd1342543de82ef95u) ^ (b * 0x9e3779b97f4a7c15u) };
	rng_next(&r);
	return r;
}

/* Uniform in [0, 1). */
static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [lo, hi]. */
static int rng_range(struct rng *r, int lo, int hi)
{
	return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static bool rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* Roughly normal (sum of uniforms). */
static double rng_normal(struct rng *r, double mean, double sd)
{
	double s = 0;
	for (int i = 0; i < 6; i++)
		s += rng_unit(r);
	return mean + (s - 3.0) * sd * 1.4142;
}

static void rng_hex(struct rng *r, char *out, int n)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < n; i++)
		out[i] = hex[rng_next(r) & 15];
	out[n] = '\0';
}

/* ---- the organisation ---- */

static const char *const centre_code[N_CENTRES] = { "KT", "SSP", "TM", "YL", "ST",
						    "TP", "WTS", "KWT", "EST", "TW" };
static const char *const centre_name[N_CENTRES] = {
	"Kwun Tong Centre", "Sham Shui Po Centre", "Tuen Mun Centre", "Yuen Long Centre",
	"Sha Tin Centre", "Tai Po Centre", "Wong Tai Sin Centre", "Kwai Tsing Centre",
	"Eastern Centre", "Tsuen Wan Centre"
};
static const char *const outing_venue[] = { "Sai Kung Outdoor Centre", "Lantau Camp",
					    "Community Hall", "School Hall" };
static const char *const programme_name[N_PROGRAMMES] = {
	"Youth drug prevention", "Family support", "Parent education", "Counselling service",
	"Peer mentoring", "Community outreach", "After-school care", "Hidden youth",
	"Carers' support", "Healthy minds", "Ethnic minority youth", "Life skills"
};

enum kind { COUNSELLING, FAMILY, PARENT_CHILD, EDUCATION, PEER_SUPPORT, INTEREST, DROP_IN,
	    N_KINDS };
static const char *const kind_name[N_KINDS] = { "counselling", "family", "parent_child",
						"education", "peer_support", "other", "other" };
/* Groups of each kind, summing to N_GROUPS. */
static const int kind_groups[N_KINDS] = { 300, 250, 250, 400, 300, 250, 250 };

struct participant {
	int centre;
	int join_day;           /* days after day 0 (may be negative) */
};

struct group {
	int kind, programme, centre;
	int start_day;
	int retention_n;
	int first_session, nsessions;
	const char *form;       /* feedback form */
	bool phq9, archived;
	double popularity;      /* drop-in: how busy */
	char ref[16];
	int first_member, nmembers;
};

struct member {
	int participant;
	int enrolled_day, left_day;   /* left_day -1: still in */
	double turnout;
	bool archived;
};

struct session {
	int group;
	int day;
	int64_t starts_at, ends_at;
	const char *venue;
	bool cancelled, archived;
	int closed;             /* attendances before the drop-in fill */
	int fill;               /* drop-in walk-ins */
};

struct gen {
	int64_t day0;
	int days;
	struct participant *people;     /* index i has id i + 1 */
	int *pool[N_CENTRES];           /* a centre's people, by join day */
	int npool[N_CENTRES];
	int prog_centres[N_PROGRAMMES][4];
	int prog_ncentres[N_PROGRAMMES];
	struct group *groups;           /* index i has id i + 1, in start order */
	struct member *members;
	int nmembers, capmembers;
	struct session *sessions;       /* index i has id i + 1 */
	int nsessions, capsessions;
	int *mark;                      /* per participant: the last stamp that took them */
	int stamp;
	sqlite3 *db;
};

static int64_t day_start(const struct gen *g, int day)
{
	return g->day0 + (int64_t)day * 86400;
}

static void day_text(const struct gen *g, int day, char out[11])
{
	tp_date_format_hk(day_start(g, day), out);
}

/* 0 Monday .. 6 Sunday; day 0 (1 April 2021) was a Thursday. */
static int weekday(int day)
{
	return ((day + 3) % 7 + 7) % 7;
}

static int cmp_join(const void *a, const void *b, void *ctx)
{
	const struct participant *p = ctx;
	int x = *(const int *)a, y = *(const int *)b;
	return p[x].join_day - p[y].join_day;
}

/* Active people of a centre on day: those who joined in the last ACTIVE_DAYS. */
static void active_range(const struct gen *g, int centre, int day, int *lo, int *hi)
{
	const int *pool = g->pool[centre];
	int n = g->npool[centre], a = 0, b = n;
	while (a < b) {       /* first with join_day > day - ACTIVE_DAYS */
		int m = (a + b) / 2;
		if (g->people[pool[m]].join_day <= day - ACTIVE_DAYS)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	b = n;
	while (a < b) {       /* first with join_day > day */
		int m = (a + b) / 2;
		if (g->people[pool[m]].join_day <= day)
			a = m + 1;
		else
			b = m;
	}
	*hi = a;
}

static void make_people(struct gen *g)
{
	struct rng r = rng_of(1, 0);
	g->people = tp_xcalloc(N_PARTICIPANTS, sizeof *g->people);
	for (int i = 0; i < N_PARTICIPANTS; i++) {
		g->people[i].centre = rng_range(&r, 0, N_CENTRES - 1);
		g->people[i].join_day = rng_range(&r, -365, g->days - 180);
	}
	/* Ids follow registration: sort everyone by join day. */
	int *order = tp_xmalloc(N_PARTICIPANTS * sizeof *order);
	for (int i = 0; i < N_PARTICIPANTS; i++)
		order[i] = i;
	qsort_r(order, N_PARTICIPANTS, sizeof *order, cmp_join, g->people);
	struct participant *sorted = tp_xmalloc(N_PARTICIPANTS * sizeof *sorted);
	for (int i = 0; i < N_PARTICIPANTS; i++)
		sorted[i] = g->people[order[i]];
	free(g->people);
	free(order);
	g->people = sorted;
	for (int i = 0; i < N_PARTICIPANTS; i++) {
		int c = g->people[i].centre;
		if (g->npool[c] % 1024 == 0)
			g->pool[c] = tp_xrealloc(g->pool[c],
						 (size_t)(g->npool[c] + 1024) * sizeof(int));
		g->pool[c][g->npool[c]++] = i;
	}
	g->mark = tp_xcalloc(N_PARTICIPANTS, sizeof *g->mark);
}

static void make_programmes(struct gen *g)
{
	struct rng r = rng_of(2, 0);
	for (int p = 0; p < N_PROGRAMMES; p++) {
		int n = p < 4 ? 4 : rng_range(&r, 1, 3);
		for (int i = 0; i < n; i++)
			g->prog_centres[p][i] = (p * 3 + i * 7) % N_CENTRES;
		g->prog_ncentres[p] = n;
	}
}

static struct session *add_session(struct gen *g, int group, int day, int start_min,
				   int minutes, const char *venue)
{
	if (g->nsessions == g->capsessions) {
		g->capsessions = g->capsessions ? g->capsessions * 2 : 65536;
		g->sessions = tp_xrealloc(g->sessions, (size_t)g->capsessions * sizeof *g->sessions);
	}
	struct session *s = &g->sessions[g->nsessions++];
	memset(s, 0, sizeof *s);
	s->group = group;
	s->day = day;
	s->starts_at = day_start(g, day) + start_min * 60;
	s->ends_at = s->starts_at + minutes * 60;
	s->venue = venue;
	return s;
}

/* The sessions of group gi, by its kind's habits, within the five years. */
static void make_sessions(struct gen *g, int gi, struct rng *r)
{
	struct group *gr = &g->groups[gi];
	gr->first_session = g->nsessions;
	int day = gr->start_day, n, every = 7, start_min = 19 * 60, minutes = 120;
	bool short_talks = false;
	switch (gr->kind) {
	case COUNSELLING:
		n = rng_range(r, 8, 12);
		start_min = rng_chance(r, 0.5) ? 19 * 60 : 14 * 60 + 30;
		minutes = rng_chance(r, 0.5) ? 90 : 120;
		break;
	case FAMILY:
		n = rng_range(r, 6, 10);
		every = rng_chance(r, 0.3) ? 14 : 7;
		start_min = 10 * 60;
		break;
	case PARENT_CHILD:
		n = rng_range(r, 6, 8);
		start_min = 10 * 60 + 30;
		minutes = 90;
		short_talks = rng_chance(r, 0.25);
		break;
	case EDUCATION:
		n = rng_range(r, 1, 4);
		minutes = rng_chance(r, 0.5) ? 90 : 120;
		short_talks = rng_chance(r, 0.2);
		break;
	case PEER_SUPPORT:
		n = rng_range(r, 40, 50);
		break;
	case INTEREST:
		n = rng_range(r, 8, 16);
		start_min = rng_chance(r, 0.5) ? 16 * 60 : 19 * 60 + 30;
		minutes = rng_chance(r, 0.5) ? 90 : 120;
		break;
	default:                      /* drop-in: Tuesday to Saturday for a year */
		n = 1 << 30;
		every = 1;
		start_min = 15 * 60;
		minutes = 180;
		break;
	}
	int end_day = gr->kind == DROP_IN ? gr->start_day + 365 : g->days;
	for (int i = 0; i < n && day < g->days && day < end_day; day += every) {
		if (gr->kind == DROP_IN && weekday(day) == 0)
			continue;
		if (gr->kind == DROP_IN && weekday(day) == 6)
			continue;
		int sm = start_min, len = minutes;
		const char *venue = NULL;
		double u = rng_unit(r);
		if (short_talks || (gr->kind == COUNSELLING && u < 0.04)) {
			len = 45;
		} else if (gr->kind == FAMILY && u < 0.15) {
			sm = 9 * 60 + 30, len = 450;         /* a whole-day outing */
			venue = outing_venue[rng_range(r, 0, 1)];
		} else if (gr->kind == DROP_IN && weekday(day) == 5 && u < 0.03) {
			sm = 9 * 60, len = 480;              /* a camp day */
			venue = outing_venue[1];
		} else if (gr->kind != DROP_IN) {
			len += rng_range(r, -1, 1) * 15;     /* 1.5-2 h, give or take */
			if (len < 75)
				len = 90;
		}
		if (!venue) {
			double v = rng_unit(r);
			if (v < 0.10)
				venue = centre_name[gr->centre];
			else if (v < 0.13)
				venue = outing_venue[2 + rng_range(r, 0, 1)];
		}
		struct session *s = add_session(g, gi, day, sm, len, venue);
		s->cancelled = rng_chance(r, 0.02);
		s->archived = !s->cancelled && rng_chance(r, 0.003);
		i++;
	}
	gr->nsessions = g->nsessions - gr->first_session;
}

static void add_member(struct gen *g, int participant, int enrolled_day, int left_day,
		       double turnout, bool archived)
{
	if (g->nmembers == g->capmembers) {
		g->capmembers = g->capmembers ? g->capmembers * 2 : 65536;
		g->members = tp_xrealloc(g->members, (size_t)g->capmembers * sizeof *g->members);
	}
	g->members[g->nmembers++] = (struct member){ participant, enrolled_day, left_day,
						     turnout, archived };
}

/* Enrols size people of the group's centre who are active at its start;
 * some come from the last group of the same kind there (people in two
 * groups). */
static void make_members(struct gen *g, int gi, int size, int *last_of, struct rng *r)
{
	struct group *gr = &g->groups[gi];
	gr->first_member = g->nmembers;
	int lo, hi;
	active_range(g, gr->centre, gr->start_day, &lo, &hi);
	int tag = ++g->stamp;         /* marks people already in this group */
	const struct group *prev = last_of[gr->centre * N_KINDS + gr->kind] >= 0
		? &g->groups[last_of[gr->centre * N_KINDS + gr->kind]] : NULL;
	int tries = 0;
	while (g->nmembers - gr->first_member < size && tries++ < size * 20 && hi > lo) {
		int p;
		if (prev && prev->nmembers && rng_chance(r, 0.15))
			p = g->members[prev->first_member + rng_range(r, 0, prev->nmembers - 1)]
				.participant;
		else
			p = g->pool[gr->centre][rng_range(r, lo, hi - 1)];
		if (g->mark[p] == tag)
			continue;
		g->mark[p] = tag;
		int enrolled = gr->start_day - (gr->kind == EDUCATION ? 0 : rng_range(r, 0, 14));
		int left = -1;
		if (gr->nsessions > 2 && rng_chance(r, 0.08)) {
			const struct session *mid = &g->sessions[gr->first_session +
						rng_range(r, 1, gr->nsessions - 1)];
			left = mid->day - 1;
		}
		add_member(g, p, enrolled, left, 0.35 + 0.63 * rng_unit(r), rng_chance(r, 0.01));
	}
	gr->nmembers = g->nmembers - gr->first_member;
	last_of[gr->centre * N_KINDS + gr->kind] = gi;
}

static int cmp_group_start(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	return x->start_day - y->start_day;
}

static void make_groups(struct gen *g)
{
	struct rng r = rng_of(3, 0);
	g->groups = tp_xcalloc(N_GROUPS, sizeof *g->groups);
	int n = 0;
	for (int k = 0; k < N_KINDS; k++)
		for (int i = 0; i < kind_groups[k]; i++) {
			struct group *gr = &g->groups[n++];
			gr->kind = k;
			gr->programme = rng_range(&r, 0, N_PROGRAMMES - 1);
			gr->centre = g->prog_centres[gr->programme]
				[rng_range(&r, 0, g->prog_ncentres[gr->programme] - 1)];
			gr->start_day = rng_range(&r, 0, g->days - 30);
		}
	qsort(g->groups, N_GROUPS, sizeof *g->groups, cmp_group_start);
	int last_of[N_CENTRES * N_KINDS];
	for (int i = 0; i < N_CENTRES * N_KINDS; i++)
		last_of[i] = -1;
	int serial[N_CENTRES] = { 0 };
	for (int gi = 0; gi < N_GROUPS; gi++) {
		struct group *gr = &g->groups[gi];
		snprintf(gr->ref, sizeof gr->ref, "%s-G%04d", centre_code[gr->centre],
			 ++serial[gr->centre]);
		make_sessions(g, gi, &r);
		static const int size_lo[N_KINDS] = { 6, 8, 10, 15, 15, 10, 10 };
		static const int size_hi[N_KINDS] = { 12, 16, 20, 60, 30, 25, 30 };
		make_members(g, gi, rng_range(&r, size_lo[gr->kind], size_hi[gr->kind]), last_of,
			     &r);
		gr->retention_n = gr->kind == EDUCATION ? (gr->nsessions >= 3 ? 2 : 1)
				: rng_chance(&r, 0.1) ? rng_range(&r, 4, 6) : 3;
		bool drugs = gr->programme == 0 || gr->programme == 7;
		gr->form = gr->kind == EDUCATION || (drugs && gr->kind != COUNSELLING) ||
			   ((gr->kind == PEER_SUPPORT || gr->kind == DROP_IN) && rng_chance(&r, 0.2))
			? "awareness" : "satisfaction";
		gr->phq9 = gr->kind == COUNSELLING ||
			   ((gr->kind == FAMILY || gr->kind == PEER_SUPPORT) && rng_chance(&r, 0.5));
		gr->archived = rng_chance(&r, 0.01);
		gr->popularity = 0.6 + 0.8 * rng_unit(&r);
	}
}

/* ---- who came to a session ---- */

/* Draws up to want walk-ins of the session's centre, active that day, not
 * taken yet; appends them to out. */
static int draw_walkins(struct gen *g, int si, const struct group *gr, int want, int *out,
			int n, struct rng *r)
{
	int lo, hi;
	active_range(g, gr->centre, g->sessions[si].day, &lo, &hi);
	for (int tries = 0, most = want * 50; want > 0 && hi > lo && tries < most; tries++) {
		int p = g->pool[gr->centre][rng_range(r, lo, hi - 1)];
		if (g->mark[p] == g->stamp)
			continue;
		g->mark[p] = g->stamp;
		out[n++] = p;
		want--;
	}
	return n;
}

/*
 * The people at session si (participant indices into out, enrolled ones
 * first; *enrolled says how many): the group's members who came, then
 * walk-ins, then fill more walk-ins. The same session always gives the same
 * people for the same fill.
 */
static int attendees(struct gen *g, int si, int fill, int *out, int *enrolled)
{
	const struct session *s = &g->sessions[si];
	const struct group *gr = &g->groups[s->group];
	struct rng r = rng_of(4, (uint64_t)si);
	int n = 0;
	*enrolled = 0;
	if (s->cancelled || s->archived)
		return 0;
	g->stamp++;
	for (int i = 0; i < gr->nmembers; i++) {
		const struct member *m = &g->members[gr->first_member + i];
		g->mark[m->participant] = g->stamp;    /* members are never walk-ins */
		bool live = m->enrolled_day <= s->day && (m->left_day < 0 || m->left_day >= s->day);
		if (rng_unit(&r) < m->turnout && live)
			out[n++] = m->participant;
	}
	*enrolled = n;
	double walkin_rate = gr->kind == EDUCATION ? 0.15 : gr->kind == PEER_SUPPORT ? 0.05 : 0;
	if (walkin_rate > 0)
		n = draw_walkins(g, si, gr, rng_range(&r, 0, (int)(gr->nmembers * walkin_rate * 2)),
				 out, n, &r);
	return draw_walkins(g, si, gr, fill, out, n, &r);
}

/* ---- writing ---- */

static void die(const char *what)
{
	fprintf(stderr, "gen_ngo: %s\n", what);
	exit(1);
}

static sqlite3_stmt *prep(struct gen *g, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(g->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "gen_ngo: %s in %s\n", sqlite3_errmsg(g->db), sql);
		exit(1);
	}
	return st;
}

static void run(struct gen *g, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "gen_ngo: %s\n", sqlite3_errmsg(g->db));
		exit(1);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static void bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	if (id)
		sqlite3_bind_int64(st, i, id);
}

static void write_org(struct gen *g)
{
	int64_t t0 = day_start(g, -400);
	sqlite3_stmt *st = prep(g, "INSERT INTO staff_users (id, username, display_name, role,"
				" password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, '!', ?, ?)");
	for (int c = 0; c <= N_CENTRES; c++) {
		char user[32], name[64];
		snprintf(user, sizeof user, c < N_CENTRES ? "worker_%s" : "admin",
			 c < N_CENTRES ? centre_code[c] : "");
		snprintf(name, sizeof name, "%s", c < N_CENTRES ? centre_name[c] : "Administrator");
		sqlite3_bind_int(st, 1, c + 1);
		bind_text(st, 2, user);
		bind_text(st, 3, name);
		bind_text(st, 4, c < N_CENTRES ? "worker" : "admin");
		sqlite3_bind_int64(st, 5, t0);
		sqlite3_bind_int64(st, 6, t0);
		run(g, st);
	}
	sqlite3_finalize(st);
	struct rng r = rng_of(5, 0);
	st = prep(g, "INSERT INTO devices (id, name, kind, venue, token_hash, last_seen_at,"
		  " created_at, updated_at) VALUES (?, ?, 'kiosk', ?, ?, ?, ?, ?)");
	for (int c = 0; c < N_CENTRES; c++) {
		char name[64], hash[65];
		snprintf(name, sizeof name, "Kiosk, %s", centre_name[c]);
		rng_hex(&r, hash, 64);
		sqlite3_bind_int(st, 1, c + 1);
		bind_text(st, 2, name);
		bind_text(st, 3, centre_name[c]);
		bind_text(st, 4, hash);
		sqlite3_bind_int64(st, 5, day_start(g, g->days));
		sqlite3_bind_int64(st, 6, t0);
		sqlite3_bind_int64(st, 7, t0);
		run(g, st);
	}
	sqlite3_finalize(st);
	st = prep(g, "INSERT INTO programmes (id, ref, name, starts_on, ends_on, created_at,"
		  " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
	for (int p = 0; p < N_PROGRAMMES; p++) {
		char ref[16], from[11], to[11];
		snprintf(ref, sizeof ref, "PRG%02d", p + 1);
		day_text(g, 0, from);
		day_text(g, g->days - 1, to);
		sqlite3_bind_int(st, 1, p + 1);
		bind_text(st, 2, ref);
		bind_text(st, 3, programme_name[p]);
		bind_text(st, 4, from);
		bind_text(st, 5, to);
		sqlite3_bind_int64(st, 6, t0);
		sqlite3_bind_int64(st, 7, t0);
		run(g, st);
	}
	sqlite3_finalize(st);
}

static void write_people(struct gen *g)
{
	struct rng r = rng_of(6, 0);
	sqlite3_stmt *st = prep(g, "INSERT INTO participants (id, ref, alias, phone, channel, lang,"
				" consent, consent_on, consent_how, created_at, updated_at)"
				" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *card = prep(g, "INSERT INTO cards (participant_id, token, issued_at)"
				  " VALUES (?, ?, ?)");
	int serial[N_CENTRES] = { 0 };
	for (int i = 0; i < N_PARTICIPANTS; i++) {
		const struct participant *p = &g->people[i];
		char ref[16], alias[32], phone[16], on[11], token[33];
		snprintf(ref, sizeof ref, "%s-%05d", centre_code[p->centre], ++serial[p->centre]);
		snprintf(alias, sizeof alias, "Member %d", i + 1);
		int64_t at = day_start(g, p->join_day) + 10 * 3600 + rng_range(&r, 0, 8 * 3600);
		day_text(g, p->join_day, on);
		bool has_phone = rng_chance(&r, 0.85);
		snprintf(phone, sizeof phone, "+852%d%07d", rng_chance(&r, 0.5) ? 9 : 6,
			 rng_range(&r, 0, 9999999));
		double u = rng_unit(&r);
		sqlite3_bind_int(st, 1, i + 1);
		bind_text(st, 2, ref);
		bind_text(st, 3, alias);
		bind_text(st, 4, has_phone ? phone : NULL);
		bind_text(st, 5, !has_phone ? "none" : u < 0.6 ? "whatsapp" : "sms");
		bind_text(st, 6, rng_chance(&r, 0.85) ? "zh-HK" : "en");
		sqlite3_bind_int(st, 7, 1);
		bind_text(st, 8, on);
		bind_text(st, 9, "paper form");
		sqlite3_bind_int64(st, 10, at);
		sqlite3_bind_int64(st, 11, at);
		run(g, st);
		rng_hex(&r, token, 32);
		sqlite3_bind_int(card, 1, i + 1);
		bind_text(card, 2, token);
		sqlite3_bind_int64(card, 3, at);
		run(g, card);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(card);
}

static void write_groups(struct gen *g)
{
	struct rng r = rng_of(7, 0);
	sqlite3_stmt *st = prep(g, "INSERT INTO groups (id, ref, programme_id, name, kind,"
				" retention_n, venue, feedback_form, archived_at, created_at,"
				" updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *ss = prep(g, "INSERT INTO sessions (id, group_id, title, starts_at, ends_at,"
				" venue, status, qr_key, archived_at, created_at, updated_at)"
				" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *en = prep(g, "INSERT INTO enrolments (group_id, participant_id,"
				" enrolled_on, left_on, archived_at, created_at, updated_at)"
				" VALUES (?, ?, ?, ?, ?, ?, ?)");
	static const char *const what[N_KINDS] = { "Counselling group", "Family group",
						   "Parent-child group", "Talk", "Peer support",
						   "Interest class", "Drop-in" };
	for (int gi = 0; gi < N_GROUPS; gi++) {
		const struct group *gr = &g->groups[gi];
		char name[96];
		snprintf(name, sizeof name, "%s %s (%s)", what[gr->kind], gr->ref,
			 programme_name[gr->programme]);
		int64_t created = day_start(g, gr->start_day - 21) + 11 * 3600;
		int64_t end = gr->nsessions
			? g->sessions[gr->first_session + gr->nsessions - 1].ends_at : created;
		sqlite3_bind_int(st, 1, gi + 1);
		bind_text(st, 2, gr->ref);
		sqlite3_bind_int(st, 3, gr->programme + 1);
		bind_text(st, 4, name);
		bind_text(st, 5, kind_name[gr->kind]);
		sqlite3_bind_int(st, 6, gr->retention_n);
		bind_text(st, 7, centre_name[gr->centre]);
		bind_text(st, 8, gr->form);
		if (gr->archived)
			sqlite3_bind_int64(st, 9, end + 86400);
		sqlite3_bind_int64(st, 10, created);
		sqlite3_bind_int64(st, 11, created);
		run(g, st);
		for (int i = 0; i < gr->nsessions; i++) {
			int si = gr->first_session + i;
			const struct session *s = &g->sessions[si];
			char title[32], qr[33];
			snprintf(title, sizeof title, "Session %d", i + 1);
			rng_hex(&r, qr, 32);
			sqlite3_bind_int(ss, 1, si + 1);
			sqlite3_bind_int(ss, 2, gi + 1);
			bind_text(ss, 3, title);
			sqlite3_bind_int64(ss, 4, s->starts_at);
			sqlite3_bind_int64(ss, 5, s->ends_at);
			bind_text(ss, 6, s->venue);
			bind_text(ss, 7, s->cancelled ? "cancelled" : "planned");
			bind_text(ss, 8, qr);
			if (s->archived)
				sqlite3_bind_int64(ss, 9, created + 3600);
			sqlite3_bind_int64(ss, 10, created);
			sqlite3_bind_int64(ss, 11, s->cancelled ? s->starts_at - 86400 : created);
			run(g, ss);
		}
		for (int i = 0; i < gr->nmembers; i++) {
			const struct member *m = &g->members[gr->first_member + i];
			char on[11], left[11];
			day_text(g, m->enrolled_day, on);
			if (m->left_day >= 0)
				day_text(g, m->left_day, left);
			int64_t at = day_start(g, m->enrolled_day) + 12 * 3600;
			sqlite3_bind_int(en, 1, gi + 1);
			sqlite3_bind_int(en, 2, m->participant + 1);
			bind_text(en, 3, on);
			bind_text(en, 4, m->left_day >= 0 ? left : NULL);
			if (m->archived)
				sqlite3_bind_int64(en, 5, at + 86400);
			sqlite3_bind_int64(en, 6, at);
			sqlite3_bind_int64(en, 7, m->left_day >= 0 ? day_start(g, m->left_day) : at);
			run(g, en);
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ss);
	sqlite3_finalize(en);
}

/* ---- responses ---- */

struct responses {
	sqlite3_stmt *st;
	int64_t next_id;
	int64_t written;
	int64_t nonce;
};

static void write_response(struct gen *g, struct responses *rs, const char *form,
			   int participant, int session, const char *phase, const char *channel,
			   int device, int user, int64_t at, const char *answers)
{
	sqlite3_stmt *st = rs->st;
	char client[24], nonce[24];
	sqlite3_bind_int64(st, 1, ++rs->next_id);
	bind_text(st, 2, form);
	sqlite3_bind_int(st, 3, 1);
	bind_id(st, 4, participant + 1);
	bind_id(st, 5, session >= 0 ? session + 1 : 0);
	bind_text(st, 6, phase);
	bind_text(st, 7, channel);
	bind_id(st, 8, device);
	bind_id(st, 9, user);
	sqlite3_bind_int64(st, 10, at);
	sqlite3_bind_int64(st, 11, at + (strcmp(channel, "import") == 0 ? 7 * 86400 : 2));
	bind_text(st, 12, answers);
	if (device) {
		snprintf(client, sizeof client, "device:%d", device);
		snprintf(nonce, sizeof nonce, "r%lld", (long long)++rs->nonce);
		bind_text(st, 13, client);
		bind_text(st, 14, nonce);
	}
	run(g, st);
	rs->written++;
}

/* A PHQ-9 with the given total (0-27), its points spread over the nine
 * items; skip leaves q9 unanswered (no score). */
static void phq9_answers(int total, bool skip, struct rng *r, char *out, size_t cap)
{
	int q[9] = { 0 };
	while (total > 0) {
		int i = rng_range(r, 0, 8);
		if (q[i] < 3) {
			q[i]++;
			total--;
		}
	}
	int n = snprintf(out, cap, "{");
	for (int i = 0; i < (skip ? 8 : 9); i++)
		n += snprintf(out + n, cap - (size_t)n, "%s\"q%d\":%d", i ? "," : "", i + 1, q[i]);
	snprintf(out + n, cap - (size_t)n, "}");
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The first and last sessions of a group that took place, or -1. */
static void held_ends(const struct gen *g, const struct group *gr, int *first, int *last)
{
	*first = *last = -1;
	for (int i = 0; i < gr->nsessions; i++) {
		const struct session *s = &g->sessions[gr->first_session + i];
		if (s->cancelled || s->archived)
			continue;
		if (*first < 0)
			*first = gr->first_session + i;
		*last = gr->first_session + i;
	}
}

/* PHQ-9 before and after, for the members of the groups that use it; with
 * rs NULL only counts them. */
static int64_t phq9_pairs(struct gen *g, struct responses *rs)
{
	int64_t n = 0;
	for (int gi = 0; gi < N_GROUPS; gi++) {
		const struct group *gr = &g->groups[gi];
		struct rng r = rng_of(8, (uint64_t)gi), ra = rng_of(11, (uint64_t)gi);
		int first, last;
		held_ends(g, gr, &first, &last);
		if (!gr->phq9 || first < 0 || first == last)
			continue;
		for (int i = 0; i < gr->nmembers; i++) {
			const struct member *m = &g->members[gr->first_member + i];
			bool pre = rng_chance(&r, 0.85);
			bool post = rng_chance(&r, pre ? 0.75 : 0.05);
			int before = clamp((int)lround(rng_normal(&r, 13, 5)), 0, 27);
			int after = clamp(before + (int)lround(rng_normal(&r, -3.5, 4)), 0, 27);
			bool paper = rng_chance(&r, 0.06), skip = rng_chance(&r, 0.02);
			n += pre + post;
			if (!rs)
				continue;
			char answers[160];
			int user = gr->centre + 1;
			if (pre) {
				phq9_answers(before, skip, &ra, answers, sizeof answers);
				write_response(g, rs, "phq9", m->participant, paper ? -1 : first, "pre",
					       paper ? "import" : "staff", 0, user,
					       g->sessions[first].starts_at + 600, answers);
			}
			if (post) {
				phq9_answers(after, false, &ra, answers, sizeof answers);
				write_response(g, rs, "phq9", m->participant, paper ? -1 : last, "post",
					       paper ? "import" : "staff", 0, user,
					       g->sessions[last].ends_at - 900, answers);
			}
		}
	}
	return n;
}

/* A feedback form's answers, mostly satisfied, some skipped. */
static void feedback_answers(const char *form, struct rng *r, char *out, size_t cap)
{
	double u = rng_unit(r);
	int score = u < 0.03 ? 0 : u < 0.06 ? 2 : u < 0.14 ? 3 : u < 0.55 ? 4 : 5;
	if (rng_chance(r, 0.02))
		score = 1;
	if (strcmp(form, "awareness") == 0) {
		if (score)
			snprintf(out, cap, "{\"understanding\":%d}", score);
		else
			snprintf(out, cap, "{}");
	} else if (score) {
		snprintf(out, cap, "{\"overall\":%d,\"again\":%s}", score,
			 score >= 3 ? "true" : "false");
	} else {
		snprintf(out, cap, "{\"again\":true}");
	}
}

/* ---- the two passes over the sessions ---- */

static int cmp_session_time(const void *a, const void *b, void *ctx)
{
	const struct session *s = ctx;
	int x = *(const int *)a, y = *(const int *)b;
	if (s[x].starts_at != s[y].starts_at)
		return s[x].starts_at < s[y].starts_at ? -1 : 1;
	return x - y;
}

/* How busy a drop-in session is (0 for other sessions): more on Saturdays,
 * in the summer holidays and in popular groups. */
static double fill_weight(const struct gen *g, int si)
{
	const struct session *s = &g->sessions[si];
	const struct group *gr = &g->groups[s->group];
	if (gr->kind != DROP_IN || s->cancelled || s->archived)
		return 0;
	char d[11];
	tp_date_format_hk(s->starts_at, d);
	bool summer = strncmp(d + 5, "07", 2) == 0 || strncmp(d + 5, "08", 2) == 0;
	return gr->popularity * (weekday(s->day) == 5 ? 1.4 : 1.0) * (summer ? 1.3 : 1.0);
}

/* Counts the attendances without the drop-in fill, then spreads what is
 * left of N_ATTENDANCES over the drop-in sessions by their weight, rounded
 * so that the fills sum exactly. */
static void plan_fill(struct gen *g, int *buf)
{
	int64_t closed = 0;
	double weight = 0;
	for (int si = 0; si < g->nsessions; si++) {
		int enrolled;
		g->sessions[si].closed = attendees(g, si, 0, buf, &enrolled);
		closed += g->sessions[si].closed;
		weight += fill_weight(g, si);
	}
	int64_t left = N_ATTENDANCES - closed, given = 0;
	if (left < 0)
		die("the closed groups alone pass N_ATTENDANCES");
	double cum = 0;
	for (int si = 0; si < g->nsessions; si++) {
		double w = fill_weight(g, si);
		if (w == 0)
			continue;
		cum += w;
		int64_t upto = (int64_t)floor(cum / weight * (double)left + 0.5);
		g->sessions[si].fill = (int)(upto - given);
		given = upto;
	}
}

/* Selection sampling (Knuth's algorithm S): takes exactly need of the
 * eligible items met one after the other. */
struct sample {
	int64_t need, left;
};

static bool sample_take(struct sample *s, struct rng *r)
{
	if (s->left <= 0)
		return false;
	bool take = (double)s->need > rng_unit(r) * (double)s->left;
	s->left--;
	if (take)
		s->need--;
	return take;
}

/*
 * Writes every session's attendances in time order (ids follow the clock,
 * as sign-ins do), some undone by staff, and the feedback forms filled
 * after them: awareness and satisfaction, exactly n_aware and n_satis.
 */
static int64_t write_attendance(struct gen *g, struct responses *rs, int64_t n_aware,
				int64_t n_satis, int *buf)
{
	struct sample aware = { n_aware, 0 }, satis = { n_satis, 0 };
	for (int si = 0; si < g->nsessions; si++) {
		const struct session *s = &g->sessions[si];
		bool a = strcmp(g->groups[s->group].form, "awareness") == 0;
		(a ? &aware : &satis)->left += s->closed + s->fill;
	}
	if (aware.left < n_aware || satis.left < n_satis)
		die("too few attendances for the responses asked");
	int *order = tp_xmalloc((size_t)g->nsessions * sizeof *order);
	for (int i = 0; i < g->nsessions; i++)
		order[i] = i;
	qsort_r(order, (size_t)g->nsessions, sizeof *order, cmp_session_time, g->sessions);
	sqlite3_stmt *st = prep(g, "INSERT INTO attendance (session_id, participant_id, method,"
				" walk_in, scanned_at, recorded_at, device_id, user_id, undone_at,"
				" undone_by, undo_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int64_t written = 0;
	for (int k = 0; k < g->nsessions; k++) {
		int si = order[k], enrolled;
		const struct session *s = &g->sessions[si];
		const struct group *gr = &g->groups[s->group];
		int n = attendees(g, si, s->fill, buf, &enrolled);
		struct rng r = rng_of(9, (uint64_t)si);
		bool a = strcmp(gr->form, "awareness") == 0;
		int device = gr->centre + 1, user = gr->centre + 1;
		for (int i = 0; i < n; i++) {
			double u = rng_unit(&r);
			const char *method = u < 0.70 ? "card" : u < 0.85 ? "phone"
					   : u < 0.95 ? "staff" : "import";
			bool kiosk = u < 0.85;
			int64_t at = s->starts_at + rng_range(&r, -900, 1200);
			sqlite3_bind_int(st, 1, si + 1);
			sqlite3_bind_int(st, 2, buf[i] + 1);
			bind_text(st, 3, method);
			sqlite3_bind_int(st, 4, i >= enrolled);
			sqlite3_bind_int64(st, 5, at);
			sqlite3_bind_int64(st, 6, u < 0.95 ? at : s->ends_at + 86400);
			bind_id(st, 7, kiosk ? device : 0);
			bind_id(st, 8, kiosk ? 0 : user);
			if (rng_range(&r, 0, 999) < UNDONE_PER_MILLE) {
				sqlite3_bind_int64(st, 9, at + rng_range(&r, 60, 1800));
				sqlite3_bind_int(st, 10, user);
				bind_text(st, 11, rng_chance(&r, 0.5) ? "signed in by mistake"
								    : "wrong session");
			}
			run(g, st);
			written++;
			if (!sample_take(a ? &aware : &satis, &r))
				continue;
			char answers[64];
			feedback_answers(gr->form, &r, answers, sizeof answers);
			double c = rng_unit(&r);
			const char *channel = c < 0.80 ? "kiosk" : c < 0.90 ? "sms"
					    : c < 0.95 ? "whatsapp" : "staff";
			write_response(g, rs, gr->form, buf[i], si, NULL, channel,
				       c < 0.80 ? device : 0, c >= 0.95 ? user : 0,
				       s->ends_at - 600 + rng_range(&r, 0, 7200), answers);
		}
	}
	sqlite3_finalize(st);
	free(order);
	return written;
}

struct level {
	const char *scope, *indicator;
	double level;
};

/* Agreed levels: each programme's yearly figures, a little under what its
 * groups do, for the programme, its kinds and a third of its groups. */
static int64_t write_targets(struct gen *g)
{
	struct rng r = rng_of(10, 0);
	sqlite3_stmt *st = prep(g, "INSERT OR IGNORE INTO targets (programme_id, scope,"
				" indicator, level, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
	int64_t at = day_start(g, -30), n = 0;
	for (int p = 0; p < N_PROGRAMMES; p++) {
		double enrolled = 0, sessions = 0, attendances = 0;
		double kind_enrolled[N_KINDS] = { 0 };
		for (int gi = 0; gi < N_GROUPS; gi++) {
			const struct group *gr = &g->groups[gi];
			if (gr->programme != p)
				continue;
			enrolled += gr->nmembers;
			sessions += gr->nsessions;
			kind_enrolled[gr->kind] += gr->nmembers;
			for (int i = 0; i < gr->nsessions; i++) {
				const struct session *s = &g->sessions[gr->first_session + i];
				attendances += s->closed + s->fill;
			}
			if (rng_chance(&r, 0.33)) {
				const char *ind[2] = { "enrolled", "sessions_delivered" };
				double level[2] = { floor(gr->nmembers * 0.9) + 1, gr->nsessions };
				for (int i = 0; i < 2; i++) {
					sqlite3_bind_int(st, 1, p + 1);
					bind_text(st, 2, gr->ref);
					bind_text(st, 3, ind[i]);
					sqlite3_bind_double(st, 4, level[i]);
					sqlite3_bind_int64(st, 5, at);
					sqlite3_bind_int64(st, 6, at);
					run(g, st);
					n++;
				}
			}
		}
		struct level t[16] = {
			{ "*", "enrolled", floor(enrolled / YEARS * 0.9) + 1 },
			{ "*", "attendances", floor(attendances / YEARS * 0.9) + 1 },
			{ "*", "sessions_delivered", floor(sessions / YEARS * 0.9) + 1 },
			{ "*", "retention", 60 },
			{ "*", "satisfaction.positive", 85 },
			{ "*", "awareness.positive", 80 },
			{ "*", "phq9.improved", 60 },
		};
		int nt = 7;
		for (int k = 0; k < N_KINDS; k++)
			if (kind_enrolled[k] > 0 && k != DROP_IN)
				t[nt++] = (struct level){ kind_name[k], "enrolled",
							  floor(kind_enrolled[k] / YEARS * 0.9) + 1 };
		for (int i = 0; i < nt; i++) {
			sqlite3_bind_int(st, 1, p + 1);
			bind_text(st, 2, t[i].scope);
			bind_text(st, 3, t[i].indicator);
			sqlite3_bind_double(st, 4, t[i].level);
			sqlite3_bind_int64(st, 5, at);
			sqlite3_bind_int64(st, 6, at);
			run(g, st);
			n++;
		}
	}
	sqlite3_finalize(st);
	return n;
}

static void exec_or_die(sqlite3 *db, const char *sql)
{
	if (tp_db_exec(db, sql) < 0)
		die(sqlite3_errmsg(db));
}

/*
 * The migrations' own indexes on the two big tables, set aside during the
 * load and made again after it from the same SQL (one sort each is much
 * faster than keeping them up to date row by row): the schema ends as the
 * migrations left it. Returns the statements, a NULL-terminated list.
 */
static char **indexes_set_aside(sqlite3 *db)
{
	sqlite3_stmt *st;
	if (tp_db_prepare(db, &st, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
			  " AND tbl_name IN ('attendance', 'responses') AND sql IS NOT NULL",
			  NULL) < 0)
		die("cannot read the schema");
	char **sql = tp_xcalloc(64, sizeof *sql), **names = tp_xcalloc(64, sizeof *names);
	int n = 0;
	while (tp_db_step(st) == 1 && n < 63) {
		names[n] = tp_xstrdup(tp_db_col_text(st, 0));
		sql[n++] = tp_xstrdup(tp_db_col_text(st, 1));
	}
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++) {
		char *drop = tp_xasprintf("DROP INDEX \"%s\"", names[i]);
		exec_or_die(db, drop);
		free(drop);
		free(names[i]);
	}
	free(names);
	return sql;
}

static void indexes_restore(sqlite3 *db, char **sql)
{
	for (int i = 0; sql[i]; i++) {
		exec_or_die(db, sql[i]);
		free(sql[i]);
	}
	free(sql);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}


int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_ngo OUT.db\n");
		return 2;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *tmp = tp_xasprintf("%s.tmp", argv[1]);
	unlink(tmp);
	struct gen g = { .day0 = tp_date_start_hk(2021, 4, 1) };
	g.days = (int)((tp_date_start_hk(2021 + YEARS, 4, 1) - g.day0) / 86400);
	if (sqlite3_open_v2(tmp, &g.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		die("cannot create the database");
	/* A bulk load into a new file: no journal, no syncing, a large cache
	 * (the indexes of 5 million rows stay in memory). */
	exec_or_die(g.db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
		    " PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY;"
		    " PRAGMA locking_mode = EXCLUSIVE");
	char *err = NULL;
	if (tp_db_migrate(g.db, srv_migrations, srv_migration_count, &err) < 0)
		die(err);

	make_people(&g);
	make_programmes(&g);
	make_groups(&g);
	int *buf = tp_xmalloc(N_PARTICIPANTS * sizeof *buf);
	plan_fill(&g, buf);
	int64_t n_phq9 = phq9_pairs(&g, NULL);
	int64_t n_satis = N_RESPONSES - N_AWARENESS - n_phq9;

	exec_or_die(g.db, "BEGIN");
	char **indexes = indexes_set_aside(g.db);
	write_org(&g);
	write_people(&g);
	write_groups(&g);
	struct responses rs = { .st = prep(&g, "INSERT INTO responses (id, form, form_version,"
					   " participant_id, session_id, phase, channel, device_id,"
					   " user_id, submitted_at, recorded_at, answers, client, nonce)"
					   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") };
	int64_t attendances = write_attendance(&g, &rs, N_AWARENESS, n_satis, buf);
	phq9_pairs(&g, &rs);
	sqlite3_finalize(rs.st);
	int64_t targets = write_targets(&g);
	if (attendances != N_ATTENDANCES || rs.written != N_RESPONSES) {
		fprintf(stderr, "gen_ngo: made %lld attendances and %lld responses, not %d and %d\n",
			(long long)attendances, (long long)rs.written, N_ATTENDANCES, N_RESPONSES);
		return 1;
	}
	indexes_restore(g.db, indexes);
	exec_or_die(g.db, "COMMIT");
	exec_or_die(g.db, "PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL");
	if (sqlite3_close(g.db) != SQLITE_OK)
		die("cannot close the database");
	if (rename(tmp, argv[1]) != 0)
		die("cannot rename the database into place");

	printf("gen_ngo: %s in %.1f s: %d centres, %d programmes, %d participants, %d groups,"
	       " %d sessions, %d enrolments, %lld attendances, %lld responses (%lld phq9),"
	       " %lld targets\n", argv[1], seconds_since(&t0), N_CENTRES, N_PROGRAMMES,
	       N_PARTICIPANTS, N_GROUPS, g.nsessions, g.nmembers, (long long)attendances,
	       (long long)rs.written, (long long)n_phq9, (long long)targets);
	free(buf);
	free(tmp);
	free(g.people);
	for (int c = 0; c < N_CENTRES; c++)
		free(g.pool[c]);
	free(g.groups);
	free(g.members);
	free(g.sessions);
	free(g.mark);
	return 0;
}
