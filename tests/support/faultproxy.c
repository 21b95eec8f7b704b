/* The fault-injecting proxy; see faultproxy.h. */
#include "faultproxy.h"
#include "../tap.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_client.h"
#include "tp_http.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct fp_proxy {
	struct tp_http_server *http;
	char *target;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	enum fp_mode mode;
	int hold_countdown;     /* -1: no hold planned */
	bool holding;
	bool released;
	int forwarded;
};

struct fp_sink {
	struct tp_buf body;
	char content_type[128];
};

static size_t fp_write(char *ptr, size_t size, size_t n, void *userdata)
{
	struct fp_sink *s = userdata;
	return tp_buf_append(&s->body, ptr, size * n) < 0 ? 0 : size * n;
}

/* Rebuilds the query string, encoding each part again. */
struct fp_query {
	CURL *curl;
	struct tp_buf url;
	bool first;
};

static void fp_add_query(void *ctx, const char *key, const char *value)
{
	struct fp_query *q = ctx;
	char *k = curl_easy_escape(q->curl, key, 0);
	char *v = curl_easy_escape(q->curl, value, 0);
	tp_buf_printf(&q->url, "%c%s=%s", q->first ? '?' : '&', k, v);
	q->first = false;
	curl_free(k);
	curl_free(v);
}

/* Forwards the request with its method, path, query, body and the headers
 * that matter; fills status and the sink. */
static long fp_forward(struct fp_proxy *p, struct tp_http_request *req, struct fp_sink *sink)
{
	CURL *h = curl_easy_init();
	struct fp_query q = { .curl = h, .first = true };
	tp_buf_init(&q.url, 8192);
	tp_buf_printf(&q.url, "%s%s", p->target, req->path);
	tp_http_query_foreach(req, fp_add_query, &q);
	struct curl_slist *headers = NULL;
	const char *keep[] = { "Authorization", "Content-Type", "Accept", NULL };
	for (const char **k = keep; *k; k++) {
		const char *v = tp_http_header(req, *k);
		if (v) {
			char *line = tp_xasprintf("%s: %s", *k, v);
			headers = curl_slist_append(headers, line);
			free(line);
		}
	}
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, tp_buf_str(&q.url));
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fp_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
	if (req->body.len) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, tp_buf_str(&req->body));
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)req->body.len);
	}
	long status = 0;
	if (curl_easy_perform(h) == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		char *type = NULL;
		curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
		snprintf(sink->content_type, sizeof sink->content_type, "%s",
			 type ? type : "application/json");
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	tp_buf_release(&q.url);
	return status;
}

static int fp_handle(struct tp_http_request *req)
{
	struct fp_proxy *p = req->app;
	pthread_mutex_lock(&p->lock);
	enum fp_mode mode = p->mode;
	pthread_mutex_unlock(&p->lock);
	if (mode == FP_FAIL_500)
		return tp_http_reply_error(req, 500, "injected", "the proxy failed this request");
	if (mode == FP_DROP)
		return -ECONNABORTED;
	struct fp_sink sink;
	tp_buf_init(&sink.body, 16 * 1024 * 1024);
	long status = fp_forward(p, req, &sink);
	pthread_mutex_lock(&p->lock);
	p->forwarded++;
	bool hold = false;
	if (p->hold_countdown == 0) {
		hold = true;
		p->hold_countdown = -1;
	} else if (p->hold_countdown > 0) {
		p->hold_countdown--;
	}
	if (hold) {
		p->holding = true;
		p->released = false;
		pthread_cond_broadcast(&p->changed);
		while (!p->released)
			pthread_cond_wait(&p->changed, &p->lock);
		p->holding = false;
	}
	pthread_mutex_unlock(&p->lock);
	int r = status ? tp_http_reply(req, (int)status, sink.content_type,
				       tp_buf_str(&sink.body), sink.body.len)
		       : tp_http_reply_error(req, 502, "bad_gateway", "the server did not answer");
	tp_buf_release(&sink.body);
	return r;
}

struct fp_proxy *fp_start(const char *target)
{
	struct fp_proxy *p = tp_xcalloc(1, sizeof *p);
	p->target = tp_xstrdup(target);
	p->hold_countdown = -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	struct tp_http_config cfg = {
		.listen = "127.0.0.1:0", .threads = 4, .max_connections = 64,
		.timeout_seconds = 30, .body_limit = 16 * 1024 * 1024,
		.handler = fp_handle, .app = p,
	};
	char *err = NULL;
	if (tp_http_start(&cfg, &p->http, &err) < 0)
		bail_out("fault proxy: %s", err);
	return p;
}

void fp_stop(struct fp_proxy *p)
{
	fp_release(p);
	tp_http_stop(p->http);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
	free(p->target);
	free(p);
}

int fp_port(const struct fp_proxy *p)
{
	return tp_http_port(p->http);
}

void fp_set_mode(struct fp_proxy *p, enum fp_mode mode)
{
	pthread_mutex_lock(&p->lock);
	p->mode = mode;
	pthread_mutex_unlock(&p->lock);
}

void fp_hold_after(struct fp_proxy *p, int n)
{
	pthread_mutex_lock(&p->lock);
	p->hold_countdown = n;
	pthread_mutex_unlock(&p->lock);
}

bool fp_wait_holding(struct fp_proxy *p, int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&p->lock);
	while (!p->holding) {
		if (pthread_cond_timedwait(&p->changed, &p->lock, &until) != 0)
			break;
	}
	bool holding = p->holding;
	pthread_mutex_unlock(&p->lock);
	return holding;
}

void fp_release(struct fp_proxy *p)
{
	pthread_mutex_lock(&p->lock);
	p->released = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

int fp_forwarded(struct fp_proxy *p)
{
	pthread_mutex_lock(&p->lock);
	int n = p->forwarded;
	pthread_mutex_unlock(&p->lock);
	return n;
}
