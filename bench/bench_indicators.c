/*
 * How long the indicator report takes at NGO scale (issue 5, "Speed"), on
 * the database bench/gen_ngo.c makes: the full report of one financial year
 * for all programmes (target: under 1 s on a two-core machine), and the
 * report of one programme (target: under 100 ms), and the full report cut
 * to one venue (DESIGN.md: figures can be cut by venue), each run several times
 * on one reader connection as a server thread has, then the CLI's CSV end
 * to end. Prints the median and the worst, the rows of the report and the
 * size of the database; asserts nothing about speed.
 *   make bench         (BENCH_RUNS to change the number of runs)
 */
#include "../server/forms.h"
#include "../server/indicators.h"
#include "tp_db.h"
#include "tp_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The last whole financial year of the generated data. */
#define BENCH_FROM "2025-04-01"
#define BENCH_TO "2026-03-31"

static double clock_ms(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int64_t count_of(sqlite3 *db, const char *sql, const char *types, int64_t a, int64_t b)
{
	int64_t n = 0;
	if (tp_db_int(db, &n, sql, types, a, b) < 0)
		return -1;
	return n;
}

/* Wall-clock and processor times of the runs: on a machine shared with
 * other work the wall clock also counts the waits for a processor. */
struct timing {
	double *ms, *cpu_ms;
	int n;
	size_t rows;
};

/* Runs the report for q once, timed; exits on failure. */
static void time_once(sqlite3 *db, const struct srv_ind_query *q, struct timing *t)
{
	struct srv_ind_report rep;
	double t0 = now_ms(), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
	int r = srv_ind_compute(db, q, &rep);
	t->cpu_ms[t->n] = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
	t->ms[t->n++] = now_ms() - t0;
	if (r < 0) {
		fprintf(stderr, "bench_indicators: the report failed (%d)\n", r);
		exit(1);
	}
	if (rep.count > t->rows)
		t->rows = rep.count;
	srv_ind_report_release(&rep);
}

static void print(const char *label, struct timing *t, double target)
{
	double first = t->ms[0];
	qsort(t->ms, (size_t)t->n, sizeof *t->ms, cmp_double);
	qsort(t->cpu_ms, (size_t)t->n, sizeof *t->cpu_ms, cmp_double);
	printf("%-30s %3d runs  median %6.1f ms  worst %6.1f ms  first %6.1f ms  (processor:"
	       " median %6.1f ms, worst %6.1f ms)  %5zu rows  target < %.0f ms\n", label, t->n,
	       t->ms[t->n / 2], t->ms[t->n - 1], first, t->cpu_ms[t->n / 2],
	       t->cpu_ms[t->n - 1], t->rows, target);
}

int main(void)
{
	const char *path = getenv("TP_BENCH_DB"), *assets = getenv("TP_ASSETS");
	const char *server = getenv("TP_SERVER_BIN");
	const char *runs_text = getenv("BENCH_RUNS");
	char *end = NULL;
	long asked = runs_text ? strtol(runs_text, &end, 10) : 7;
	if (runs_text && (end == runs_text || *end))
		asked = 0;   /* not a number: refused below */
	if (!path || !assets || asked < 1 || asked > 1000) {
		fprintf(stderr, "bench_indicators: needs TP_BENCH_DB and TP_ASSETS (make bench);"
			" BENCH_RUNS 1-1000\n");
		return 2;
	}
	int runs = (int)asked;
	char *err = NULL;
	if (srv_forms_load(assets, &err) < 0) {
		fprintf(stderr, "bench_indicators: %s\n", err);
		return 1;
	}
	sqlite3 *db;
	struct stat sb;
	if (stat(path, &sb) != 0 || tp_db_open(path, TP_DB_READER, &db) < 0) {
		fprintf(stderr, "bench_indicators: cannot open %s\n", path);
		return 1;
	}
	struct srv_ind_query q = { .now = tp_now() };
	struct tp_error e;
	tp_error_clear(&e);
	if (srv_ind_period(BENCH_FROM, BENCH_TO, q.now, &q.from, &q.to, &e) < 0)
		return 1;

	printf("database %s: %.0f MB; %lld participants, %lld groups, %lld sessions,"
	       " %lld enrolments, %lld attendances, %lld responses\n", path,
	       (double)sb.st_size / (1024.0 * 1024.0),
	       (long long)count_of(db, "SELECT count(*) FROM participants", NULL, 0, 0),
	       (long long)count_of(db, "SELECT count(*) FROM groups", NULL, 0, 0),
	       (long long)count_of(db, "SELECT count(*) FROM sessions", NULL, 0, 0),
	       (long long)count_of(db, "SELECT count(*) FROM enrolments", NULL, 0, 0),
	       (long long)count_of(db, "SELECT count(*) FROM attendance", NULL, 0, 0),
	       (long long)count_of(db, "SELECT count(*) FROM responses", NULL, 0, 0));
	printf("financial year %s to %s: %lld sessions, %lld attendances, %lld responses\n",
	       BENCH_FROM, BENCH_TO,
	       (long long)count_of(db, "SELECT count(*) FROM sessions WHERE starts_at >= ?"
				   " AND starts_at < ?", "ii", q.from, q.to),
	       (long long)count_of(db, "SELECT count(*) FROM attendance a JOIN sessions s"
				   " ON s.id = a.session_id WHERE s.starts_at >= ?"
				   " AND s.starts_at < ?", "ii", q.from, q.to),
	       (long long)count_of(db, "SELECT count(*) FROM responses WHERE submitted_at >= ?"
				   " AND submitted_at < ?", "ii", q.from, q.to));

	struct timing all = { .ms = calloc((size_t)runs, sizeof(double)),
			      .cpu_ms = calloc((size_t)runs, sizeof(double)) };
	for (int i = 0; i < runs; i++)
		time_once(db, &q, &all);
	print("full report, all programmes", &all, 1000);

	int64_t nprog = count_of(db, "SELECT count(*) FROM programmes", NULL, 0, 0);
	struct timing one = { .ms = calloc((size_t)(runs * nprog), sizeof(double)),
			      .cpu_ms = calloc((size_t)(runs * nprog), sizeof(double)) };
	for (int i = 0; i < runs; i++)
		for (int64_t p = 1; p <= nprog; p++) {
			q.programme_id = p;
			time_once(db, &q, &one);
		}
	char label[64];
	snprintf(label, sizeof label, "one programme (each of %lld)", (long long)nprog);
	print(label, &one, 100);
	q.programme_id = 0;

	char *venues[64];
	int nvenues = 0;
	sqlite3_stmt *st;
	if (tp_db_prepare(db, &st, "SELECT DISTINCT venue FROM groups WHERE venue IS NOT NULL"
			  " ORDER BY venue", NULL) < 0)
		return 1;
	while (nvenues < 64 && tp_db_step(st) == 1)
		venues[nvenues++] = strdup(tp_db_col_text(st, 0));
	sqlite3_finalize(st);
	struct timing at = { .ms = calloc((size_t)(runs * nvenues) + 1, sizeof(double)),
			     .cpu_ms = calloc((size_t)(runs * nvenues) + 1, sizeof(double)) };
	for (int i = 0; i < runs; i++)
		for (int v = 0; v < nvenues; v++) {
			q.venue = venues[v];
			time_once(db, &q, &at);
		}
	q.venue = NULL;
	snprintf(label, sizeof label, "one venue (each of %d)", nvenues);
	if (nvenues)
		print(label, &at, 1000);
	for (int v = 0; v < nvenues; v++)
		free(venues[v]);
	free(at.ms);
	free(at.cpu_ms);

	if (server) {
		/* What a user waits for: process start, forms, the report and
		 * its CSV. The CLI opens the database as the writer (nothing to
		 * migrate here). */
		char cmd[1200];
		snprintf(cmd, sizeof cmd, "'%s' --db '%s' report --from %s --to %s --csv"
			 " > /dev/null", server, path, BENCH_FROM, BENCH_TO);
		double t0 = now_ms();
		int rc = system(cmd);
		printf("%-30s %6.1f ms (exit %d)\n", "touchpoint-server report --csv", now_ms() - t0,
		       rc);
	}
	free(all.ms);
	free(all.cpu_ms);
	free(one.ms);
	free(one.cpu_ms);
	sqlite3_close_v2(db);
	srv_forms_release();
	return 0;
}
