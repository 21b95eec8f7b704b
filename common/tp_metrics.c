/* Prometheus metrics; see tp_metrics.h. */
#include "tp_metrics.h"
#include "tp_alloc.h"
#include "tp_http.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tp_counter {
	char *name;
	char *help;
	char *labels;
	_Atomic uint64_t value;
	struct tp_counter *next;
};

static const double tp_buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				     0.1, 0.25, 0.5, 1, 2.5 };
#define TP_NBUCKETS (sizeof tp_buckets / sizeof tp_buckets[0])

struct tp_histogram {
	char *route;
	char *method;
	uint64_t buckets[TP_NBUCKETS];
	uint64_t count;
	double sum;
	struct tp_histogram *next;
};

static pthread_mutex_t tp_metrics_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tp_counter *tp_counters;
static struct tp_histogram *tp_histograms;

struct tp_counter *tp_counter_get(const char *name, const char *help,
				  const char *labels)
{
	pthread_mutex_lock(&tp_metrics_lock);
	struct tp_counter *c;
	for (c = tp_counters; c; c = c->next)
		if (strcmp(c->name, name) == 0 &&
		    strcmp(c->labels ? c->labels : "", labels ? labels : "") == 0)
			break;
	if (!c) {
		c = tp_xcalloc(1, sizeof *c);
		c->name = tp_xstrdup(name);
		c->help = tp_xstrdup(help);
		c->labels = tp_xstrdup(labels);
		/* Keep counters of one name together, for one HELP/TYPE block. */
		struct tp_counter **pp = &tp_counters;
		while (*pp && strcmp((*pp)->name, name) != 0)
			pp = &(*pp)->next;
		while (*pp && strcmp((*pp)->name, name) == 0)
			pp = &(*pp)->next;
		c->next = *pp;
		*pp = c;
	}
	pthread_mutex_unlock(&tp_metrics_lock);
	return c;
}

void tp_counter_add(struct tp_counter *c, uint64_t n)
{
	atomic_fetch_add_explicit(&c->value, n, memory_order_relaxed);
}

uint64_t tp_counter_value(const struct tp_counter *c)
{
	return atomic_load_explicit(&c->value, memory_order_relaxed);
}

/* Methods outside this list (a client may send any token) count as "other",
 * so that no request can add series without bound. */
static const char *tp_metrics_method(const char *method)
{
	static const char *const known[] = { "GET", "HEAD", "POST", "PUT", "PATCH",
					     "DELETE", "OPTIONS" };
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(method, known[i]) == 0)
			return known[i];
	return "other";
}

/* Appends a label value escaped as the text format requires. */
static void tp_metrics_put_label(struct tp_buf *out, const char *value)
{
	for (const char *p = value; *p; p++) {
		if (*p == '\\')
			tp_buf_puts(out, "\\\\");
		else if (*p == '"')
			tp_buf_puts(out, "\\\"");
		else if (*p == '\n')
			tp_buf_puts(out, "\\n");
		else
			tp_buf_append(out, p, 1);
	}
}

/* name_suffix{route="...",method="..."[,le="..."]} */
static void tp_metrics_put_series(struct tp_buf *out, const char *name, const char *suffix,
				  const struct tp_histogram *h, const char *le)
{
	tp_buf_printf(out, "%s%s{route=\"", name, suffix);
	tp_metrics_put_label(out, h->route);
	tp_buf_puts(out, "\",method=\"");
	tp_metrics_put_label(out, h->method);
	if (le)
		tp_buf_printf(out, "\",le=\"%s", le);
	tp_buf_puts(out, "\"} ");
}

void tp_metrics_request(const char *route, const char *method, int status,
			double seconds)
{
	method = tp_metrics_method(method);
	char labels[160];
	snprintf(labels, sizeof labels, "code=\"%d\"", status);
	tp_counter_add(tp_counter_get("touchpoint_http_requests_total",
				      "HTTP requests answered, by status code", labels), 1);
	if (!route)
		route = "unmatched";
	pthread_mutex_lock(&tp_metrics_lock);
	struct tp_histogram *h;
	for (h = tp_histograms; h; h = h->next)
		if (strcmp(h->route, route) == 0 && strcmp(h->method, method) == 0)
			break;
	if (!h) {
		h = tp_xcalloc(1, sizeof *h);
		h->route = tp_xstrdup(route);
		h->method = tp_xstrdup(method);
		h->next = tp_histograms;
		tp_histograms = h;
	}
	for (size_t i = 0; i < TP_NBUCKETS; i++)
		if (seconds <= tp_buckets[i])
			h->buckets[i]++;
	h->count++;
	h->sum += seconds;
	pthread_mutex_unlock(&tp_metrics_lock);
}

void tp_metrics_render(struct tp_buf *out)
{
	pthread_mutex_lock(&tp_metrics_lock);
	const char *last = "";
	for (struct tp_counter *c = tp_counters; c; c = c->next) {
		if (strcmp(last, c->name) != 0) {
			tp_buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n", c->name,
				      c->help, c->name);
			last = c->name;
		}
		tp_buf_printf(out, "%s%s%s%s %llu\n", c->name, c->labels ? "{" : "",
			      c->labels ? c->labels : "", c->labels ? "}" : "",
			      (unsigned long long)tp_counter_value(c));
	}
	const char *name = "touchpoint_http_request_duration_seconds";
	tp_buf_printf(out, "# HELP %s Time to answer HTTP requests, by route\n"
			   "# TYPE %s histogram\n", name, name);
	for (struct tp_histogram *h = tp_histograms; h; h = h->next) {
		for (size_t i = 0; i < TP_NBUCKETS; i++) {
			char le[32];
			snprintf(le, sizeof le, "%g", tp_buckets[i]);
			tp_metrics_put_series(out, name, "_bucket", h, le);
			tp_buf_printf(out, "%llu\n", (unsigned long long)h->buckets[i]);
		}
		tp_metrics_put_series(out, name, "_bucket", h, "+Inf");
		tp_buf_printf(out, "%llu\n", (unsigned long long)h->count);
		tp_metrics_put_series(out, name, "_sum", h, NULL);
		tp_buf_printf(out, "%.6f\n", h->sum);
		tp_metrics_put_series(out, name, "_count", h, NULL);
		tp_buf_printf(out, "%llu\n", (unsigned long long)h->count);
	}
	pthread_mutex_unlock(&tp_metrics_lock);
}

void tp_metrics_reset(void)
{
	pthread_mutex_lock(&tp_metrics_lock);
	while (tp_counters) {
		struct tp_counter *c = tp_counters;
		tp_counters = c->next;
		free(c->name);
		free(c->help);
		free(c->labels);
		free(c);
	}
	while (tp_histograms) {
		struct tp_histogram *h = tp_histograms;
		tp_histograms = h->next;
		free(h->route);
		free(h->method);
		free(h);
	}
	pthread_mutex_unlock(&tp_metrics_lock);
}

int tp_metrics_reply(struct tp_http_request *req)
{
	struct tp_buf out;
	tp_buf_init(&out, 4 * 1024 * 1024);
	tp_metrics_render(&out);
	int r = tp_http_reply(req, 200, "text/plain; version=0.0.4; charset=utf-8",
			      tp_buf_str(&out), out.len);
	tp_buf_release(&out);
	return r;
}
