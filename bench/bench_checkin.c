/*
 * Check-in throughput and latency against the real server on loopback: a
 * centre's term imported by CSV (timed), then every participant's card
 * scanned once from several kiosks at a time, then the same scans again
 * (the "already" path). Prints the figures; asserts nothing about speed.
 *   make bench            (BENCH_PARTICIPANTS, BENCH_THREADS to change)
 */
#include "../tests/support/testserver.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct ts_server srv;
static char kiosk_token[128];
static char (*cards)[40];
static int64_t session_id;
static int participants = 2000, threads = 4;

struct worker {
	int from, to;
	const char *nonce_prefix;
	double *latency_ms;
	int ok;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *scan(void *arg)
{
	struct worker *w = arg;
	struct ts_client c;
	ts_client_init(&c, &srv);
	snprintf(c.bearer, sizeof c.bearer, "%s", kiosk_token);
	for (int i = w->from; i < w->to; i++) {
		char nonce[64];
		snprintf(nonce, sizeof nonce, "%s-%d", w->nonce_prefix, i);
		struct ts_response r;
		double t0 = now_ms();
		ts_requestf(&c, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card", cards[i],
			    "session_id", (json_int_t)session_id, "nonce", nonce);
		w->latency_ms[i] = now_ms() - t0;
		w->ok += r.status == 200 || r.status == 201;
		ts_response_release(&r);
	}
	ts_client_release(&c);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void run(const char *label, const char *prefix)
{
	double *lat = calloc((size_t)participants, sizeof *lat);
	pthread_t tid[64];
	struct worker w[64];
	double t0 = now_ms();
	for (int t = 0; t < threads; t++) {
		w[t] = (struct worker){ .from = participants * t / threads,
					.to = participants * (t + 1) / threads,
					.nonce_prefix = prefix, .latency_ms = lat };
		pthread_create(&tid[t], NULL, scan, &w[t]);
	}
	int ok = 0;
	for (int t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		ok += w[t].ok;
	}
	double elapsed = now_ms() - t0;
	qsort(lat, (size_t)participants, sizeof *lat, cmp_double);
	printf("%-34s %6d scans %3d kiosks  %7.0f/s  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%d answered)\n",
	       label, participants, threads, participants / (elapsed / 1e3),
	       lat[participants / 2], lat[participants * 99 / 100], lat[participants - 1], ok);
	free(lat);
}

int main(void)
{
	if (getenv("BENCH_PARTICIPANTS"))
		participants = (int)strtol(getenv("BENCH_PARTICIPANTS"), NULL, 10);
	if (getenv("BENCH_THREADS"))
		threads = (int)strtol(getenv("BENCH_THREADS"), NULL, 10);
	if (participants < 10 || threads < 1 || threads > 64) {
		fprintf(stderr, "BENCH_PARTICIPANTS >= 10, BENCH_THREADS 1-64\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	char *password = ts_create_user(&srv, "bench", "worker");
	char *token = ts_create_token(&srv, "Kiosk", "kiosk", "Room 1");
	snprintf(kiosk_token, sizeof kiosk_token, "%s", token);
	free(token);

	/* A term's worth of people, brought in as a centre would: by CSV. */
	char path[400];
	const char *kinds[] = { "programmes", "participants", "groups", "sessions", "enrolments" };
	for (int k = 0; k < 5; k++) {
		snprintf(path, sizeof path, "%s/%s.csv", srv.dir, kinds[k]);
		FILE *f = fopen(path, "w");
		switch (k) {
		case 0: fputs("ref,name\nPRG,Bench programme\n", f); break;
		case 1:
			fputs("ref,alias,phone\n", f);
			for (int i = 0; i < participants; i++)
				fprintf(f, "P%05d,Mum %d,9%07d\n", i, i, i);
			break;
		case 2: fputs("ref,programme_ref,name,kind\nG1,PRG,Bench group,peer_support\n", f); break;
		case 3: {
			time_t t = time(NULL);
			struct tm tm;
			char from[32], to[32];
			time_t s = t - 600, e = t + 7200;
			gmtime_r(&s, &tm);
			strftime(from, sizeof from, "%Y-%m-%dT%H:%M:%SZ", &tm);
			gmtime_r(&e, &tm);
			strftime(to, sizeof to, "%Y-%m-%dT%H:%M:%SZ", &tm);
			fprintf(f, "ref,group_ref,starts_at,ends_at,venue\nS1,G1,%s,%s,Room 1\n", from, to);
			break;
		}
		case 4:
			fputs("group_ref,participant_ref\n", f);
			for (int i = 0; i < participants; i++)
				fprintf(f, "G1,P%05d\n", i);
			break;
		}
		fclose(f);
		double t0 = now_ms();
		char *out = NULL, *err = NULL;
		if (ts_cli(&srv, &out, &err, "import", kinds[k], path, NULL) != 0) {
			fprintf(stderr, "import %s failed: %s\n", kinds[k], err);
			return 1;
		}
		if (k == 1 || k == 4)
			printf("%-34s %6d rows in %7.0f ms (one transaction, includes process start)\n",
			       k == 1 ? "import participants (CSV, CLI)" : "import enrolments (CSV, CLI)",
			       participants, now_ms() - t0);
		free(out);
		free(err);
	}
	ts_server_start(&srv);
	struct ts_client staff;
	ts_client_init(&staff, &srv);
	ts_client_login(&staff, "bench", password);
	cards = calloc((size_t)participants, sizeof *cards);
	int n = 0;
	char next[64] = "";
	while (n < participants) {
		char url[128];
		snprintf(url, sizeof url, "/api/v1/participants?limit=500%s%s", next[0] ? "&after=" : "", next);
		struct ts_response r;
		ts_request(&staff, "GET", url, NULL, &r);
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(r.json, "items"), i, p)
			if (n < participants)
				snprintf(cards[n++], sizeof cards[0], "%s",
					 json_string_value(json_object_get(p, "card_token")));
		json_t *nx = json_object_get(r.json, "next");
		snprintf(next, sizeof next, "%lld", (long long)json_integer_value(nx));
		bool more = json_is_integer(nx);
		ts_response_release(&r);
		if (!more)
			break;
	}
	struct ts_response r;
	ts_request(&staff, "GET", "/api/v1/sessions?ref=S1", NULL, &r);
	session_id = json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id"));
	ts_response_release(&r);

	run("check-in, first scan (writes)", "first");
	run("check-in, second scan (already)", "second");
	run("check-in, resent nonce (replay)", "first");
	ts_client_release(&staff);
	free(cards);
	free(password);
	int rc = ts_server_stop(&srv);
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return rc;
}
