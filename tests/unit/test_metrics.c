/* Tests for tp_metrics: what a Prometheus scrape of /metrics shows.
 * Counters with and without labels, one HELP/TYPE block per name however
 * the counters were registered, the request histogram's cumulative buckets,
 * _sum and _count, and a reset that frees everything (checked by ASan's
 * leak checker at exit). */
#include "tp_metrics.h"
#include "../tap.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *render(void)
{
	struct tp_buf b;
	tp_buf_init(&b, 1 << 20);
	tp_metrics_render(&b);
	return tp_buf_steal(&b);
}

/* The number of times line appears as a whole line in text. */
static int count_lines(const char *text, const char *line)
{
	int n = 0;
	size_t len = strlen(line);
	for (const char *p = text; (p = strstr(p, line)) != NULL; p += len)
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			n++;
	return n;
}

static int has_line(const char *text, const char *line)
{
	return count_lines(text, line) == 1;
}

static void test_counters(void)
{
	struct tp_counter *plain = tp_counter_get("touchpoint_logins_total", "Logins", NULL);
	struct tp_counter *ok_sent = tp_counter_get("touchpoint_messages_total", "Messages sent",
						    "status=\"ok\"");
	struct tp_counter *unrelated = tp_counter_get("touchpoint_checkins_total", "Check-ins", NULL);
	struct tp_counter *failed = tp_counter_get("touchpoint_messages_total", "Messages sent",
						   "status=\"failed\"");
	ok(plain && ok_sent && failed && unrelated, "counters are created");
	ok(ok_sent != failed, "different labels are different counters");
	ok(tp_counter_get("touchpoint_messages_total", "Messages sent", "status=\"ok\"") == ok_sent,
	   "the same name and labels give the same counter");
	ok(tp_counter_get("touchpoint_logins_total", "Logins", "") == plain,
	   "no labels and empty labels are the same counter");
	is_int(tp_counter_value(plain), 0, "a new counter is 0");

	tp_counter_add(plain, 1);
	tp_counter_add(plain, 2);
	tp_counter_add(ok_sent, 5);
	tp_counter_add(failed, 1);
	is_int(tp_counter_value(plain), 3, "adds accumulate");
	is_int(tp_counter_value(ok_sent), 5, "per label set");

	char *text = render();
	ok(has_line(text, "# HELP touchpoint_logins_total Logins"), "HELP line for a counter");
	ok(has_line(text, "# TYPE touchpoint_logins_total counter"), "TYPE counter");
	ok(has_line(text, "touchpoint_logins_total 3"), "an unlabelled counter has no braces");
	ok(has_line(text, "touchpoint_messages_total{status=\"ok\"} 5"), "a labelled counter");
	ok(has_line(text, "touchpoint_messages_total{status=\"failed\"} 1"), "the other label");
	ok(has_line(text, "touchpoint_checkins_total 0"), "a counter never bumped shows 0");
	is_int(count_lines(text, "# HELP touchpoint_messages_total Messages sent"), 1,
	       "one HELP for a name with two label sets registered apart");
	is_int(count_lines(text, "# TYPE touchpoint_messages_total counter"), 1, "and one TYPE");
	const char *type = strstr(text, "# TYPE touchpoint_messages_total counter\n");
	const char *a = strstr(text, "touchpoint_messages_total{status=\"ok\"}");
	const char *b = strstr(text, "touchpoint_messages_total{status=\"failed\"}");
	const char *other = strstr(text, "# TYPE touchpoint_checkins_total");
	ok(type && a && b && type < a && type < b, "the samples follow their TYPE line");
	ok(other && !(other > a && other < b) && !(other > b && other < a),
	   "and are not split by another metric's block");
	ok(text[strlen(text) - 1] == '\n', "the exposition ends with a newline");
	free(text);
}

struct bump_arg {
	struct tp_counter *c;
	int times;
};

static void *bump(void *p)
{
	struct bump_arg *arg = p;
	for (int i = 0; i < arg->times; i++)
		tp_counter_add(arg->c, 1);
	return NULL;
}

static void test_threads(void)
{
	struct tp_counter *c = tp_counter_get("touchpoint_threads_total", "Bumped by threads", NULL);
	struct bump_arg arg = { c, 20000 };
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, bump, &arg) != 0)
			bail_out("pthread_create failed");
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	is_int(tp_counter_value(c), 80000, "no add is lost between four threads");
}

static void test_histogram(void)
{
	const char *h = "touchpoint_http_request_duration_seconds";
	char line[256];

	tp_metrics_request("/api/v1/checkins", "POST", 201, 0.003);
	tp_metrics_request("/api/v1/checkins", "POST", 201, 0.2);
	tp_metrics_request("/api/v1/checkins", "POST", 409, 5.0);
	tp_metrics_request("/api/v1/checkins", "GET", 200, 0.001);
	tp_metrics_request(NULL, "GET", 404, 0.0005);

	char *text = render();
	is_int(count_lines(text, "# TYPE touchpoint_http_request_duration_seconds histogram"), 1,
	       "one TYPE histogram line");
	is_int(count_lines(text, "# TYPE touchpoint_http_requests_total counter"), 1,
	       "requests are also counted by status");
	ok(has_line(text, "touchpoint_http_requests_total{code=\"201\"} 2"), "two 201s");
	ok(has_line(text, "touchpoint_http_requests_total{code=\"409\"} 1"), "one 409");
	ok(has_line(text, "touchpoint_http_requests_total{code=\"404\"} 1"), "one 404");

	/* POST: 0.003, 0.2 and 5.0 seconds; buckets count everything at or below. */
	static const struct { const char *le; int n; } post[] = {
		{ "0.001", 0 }, { "0.0025", 0 }, { "0.005", 1 }, { "0.01", 1 }, { "0.025", 1 },
		{ "0.05", 1 }, { "0.1", 1 }, { "0.25", 2 }, { "0.5", 2 }, { "1", 2 },
		{ "2.5", 2 }, { "+Inf", 3 },
	};
	for (size_t i = 0; i < sizeof post / sizeof post[0]; i++) {
		snprintf(line, sizeof line,
			 "%s_bucket{route=\"/api/v1/checkins\",method=\"POST\",le=\"%s\"} %d", h,
			 post[i].le, post[i].n);
		ok(has_line(text, line), "POST bucket le=%s holds %d", post[i].le, post[i].n);
	}
	snprintf(line, sizeof line, "%s_count{route=\"/api/v1/checkins\",method=\"POST\"} 3", h);
	ok(has_line(text, line), "POST _count is 3");
	snprintf(line, sizeof line, "%s_sum{route=\"/api/v1/checkins\",method=\"POST\"} 5.203000", h);
	ok(has_line(text, line), "POST _sum is 5.203");

	snprintf(line, sizeof line,
		 "%s_bucket{route=\"/api/v1/checkins\",method=\"GET\",le=\"0.001\"} 1", h);
	ok(has_line(text, line), "a time equal to a bucket's bound falls in it");
	snprintf(line, sizeof line, "%s_count{route=\"/api/v1/checkins\",method=\"GET\"} 1", h);
	ok(has_line(text, line), "the same route under GET is its own series");
	snprintf(line, sizeof line, "%s_count{route=\"unmatched\",method=\"GET\"} 1", h);
	ok(has_line(text, line), "a request without a route is \"unmatched\"");
	free(text);

	tp_metrics_request("/api/v1/checkins", "POST", 201, 0.004);
	text = render();
	snprintf(line, sizeof line, "%s_count{route=\"/api/v1/checkins\",method=\"POST\"} 4", h);
	ok(has_line(text, line), "a fourth request is added to the same series");
	snprintf(line, sizeof line,
		 "%s_bucket{route=\"/api/v1/checkins\",method=\"POST\",le=\"0.005\"} 2", h);
	ok(has_line(text, line), "and to its bucket");
	ok(has_line(text, "touchpoint_http_requests_total{code=\"201\"} 3"), "and to the 201 count");
	free(text);
}

/* The method comes from the client (libmicrohttpd passes any token): an
 * unknown one counts as "other", so no client can add series at will. Label
 * values are escaped as the text format wants (\" and \\). */
static void test_label_escaping(void)
{
	tp_metrics_request(NULL, "A\"B\\", 404, 0.001);
	tp_metrics_request("/x\"y\\z", "GET", 404, 0.001);
	char *text = render();
	ok(has_line(text, "touchpoint_http_request_duration_seconds_count"
			  "{route=\"unmatched\",method=\"other\"} 1"),
	   "an unknown method is counted as other");
	ok(!strstr(text, "A\"B"), "and never appears in the output");
	ok(has_line(text, "touchpoint_http_request_duration_seconds_count"
			  "{route=\"/x\\\"y\\\\z\",method=\"GET\"} 1"),
	   "a quote and a backslash in a label value are escaped");
	free(text);
}

static void test_reset(void)
{
	tp_metrics_reset();
	char *text = render();
	ok(strstr(text, "touchpoint_logins_total") == NULL, "reset drops the counters");
	ok(strstr(text, "_bucket") == NULL && strstr(text, "_count") == NULL,
	   "and the histogram series");
	ok(has_line(text, "# TYPE touchpoint_http_request_duration_seconds histogram"),
	   "leaving the empty histogram's header");
	free(text);

	struct tp_counter *c = tp_counter_get("touchpoint_logins_total", "Logins", NULL);
	is_int(tp_counter_value(c), 0, "a counter made after reset starts at 0");
	tp_metrics_reset();
}

int main(void)
{
	test_counters();
	test_threads();
	test_histogram();
	test_label_escaping();
	test_reset();
	return done_testing();
}
