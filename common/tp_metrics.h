/*
 * Process metrics in the Prometheus text format: counters registered by
 * name (with an optional fixed label set) and a request-latency histogram
 * per route. Counters are lock-free to bump; registration and rendering take
 * a lock. Metric names follow Prometheus conventions (touchpoint_*_total).
 */
#ifndef TP_METRICS_H
#define TP_METRICS_H

#include <stdint.h>

#include "tp_buf.h"

struct tp_counter;

/*
 * Returns the counter for name and labels (e.g. "status=\"ok\"", or NULL),
 * creating it on first use. The pointer lives as long as the process.
 */
struct tp_counter *tp_counter_get(const char *name, const char *help,
				  const char *labels);
void tp_counter_add(struct tp_counter *c, uint64_t n);
uint64_t tp_counter_value(const struct tp_counter *c);
/* Records one HTTP request: route pattern (or "unmatched"), method, status. */
void tp_metrics_request(const char *route, const char *method, int status,
			double seconds);
/* Appends every metric in the text exposition format. */
void tp_metrics_render(struct tp_buf *out);
struct tp_http_request;
/* Answers a request with every metric (a daemon's GET /metrics). */
int tp_metrics_reply(struct tp_http_request *req);
/* Frees everything (at exit, so leak checkers stay quiet). */
void tp_metrics_reset(void);

#endif
