/* Fake providers, the shared part; see fakeprovider.h. */
#include "fakeprovider_impl.h"
#include "../tap.h"
#include "tp_alloc.h"
#include "tp_token.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *fk_dup(const char *s)
{
	return s ? tp_xstrdup(s) : NULL;
}

static int fk_dispatch(struct tp_http_request *req)
{
	struct fk_provider *f = req->app;
	return f->cfg.kind == FK_TWILIO ? fk_twilio_handle(f, req) : fk_meta_handle(f, req);
}

static void *fk_callback_main(void *arg)
{
	struct fk_provider *f = arg;
	pthread_mutex_lock(&f->lock);
	for (;;) {
		while (!f->head && !f->stopping)
			pthread_cond_wait(&f->cond, &f->lock);
		if (f->stopping)
			break;
		struct fk_callback *cb = f->head;
		f->head = cb->next;
		if (!f->head)
			f->tail = NULL;
		f->busy = true;
		pthread_mutex_unlock(&f->lock);
		long status = fk_post(cb->post_url, cb->body, cb->content_type, cb->header);
		free(cb->post_url);
		free(cb->body);
		free(cb->content_type);
		free(cb->header);
		free(cb);
		pthread_mutex_lock(&f->lock);
		f->busy = false;
		f->posted++;
		f->last_status = status;
		pthread_cond_broadcast(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

struct fk_provider *fk_start(const struct fk_config *cfg)
{
	struct fk_provider *f = tp_xcalloc(1, sizeof *f);
	f->cfg.kind = cfg->kind;
	f->cfg.account_sid = fk_dup(cfg->account_sid);
	f->cfg.auth_token = fk_dup(cfg->auth_token);
	f->cfg.phone_number_id = fk_dup(cfg->phone_number_id);
	f->cfg.access_token = fk_dup(cfg->access_token);
	f->cfg.app_secret = fk_dup(cfg->app_secret);
	f->cfg.api_version = fk_dup(cfg->api_version ? cfg->api_version : "v21.0");
	f->cfg.own_number = fk_dup(cfg->own_number ? cfg->own_number : "+85230001234");
	f->sent = json_array();
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	struct tp_http_config hc = {
		.listen = "127.0.0.1:0", .thread_per_connection = true, .max_connections = 64,
		.timeout_seconds = 30, .body_limit = 1024 * 1024, .handler = fk_dispatch, .app = f,
	};
	char *err = NULL;
	if (tp_http_start(&hc, &f->http, &err) < 0)
		bail_out("fake provider: %s", err);
	snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", tp_http_port(f->http));
	if (pthread_create(&f->thread, NULL, fk_callback_main, f) != 0)
		bail_out("fake provider: cannot start its callback thread");
	return f;
}

void fk_stop(struct fk_provider *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->stopping = true;
	f->released = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	tp_http_stop(f->http);
	while (f->head) {
		struct fk_callback *cb = f->head;
		f->head = cb->next;
		free(cb->post_url);
		free(cb->body);
		free(cb->content_type);
		free(cb->header);
		free(cb);
	}
	json_decref(f->sent);
	free((char *)(uintptr_t)f->cfg.account_sid);
	free((char *)(uintptr_t)f->cfg.auth_token);
	free((char *)(uintptr_t)f->cfg.phone_number_id);
	free((char *)(uintptr_t)f->cfg.access_token);
	free((char *)(uintptr_t)f->cfg.app_secret);
	free((char *)(uintptr_t)f->cfg.api_version);
	free((char *)(uintptr_t)f->cfg.own_number);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

const char *fk_base(const struct fk_provider *f)
{
	return f->base;
}

void fk_set_gateway(struct fk_provider *f, const char *post_base, const char *sign_base)
{
	pthread_mutex_lock(&f->lock);
	snprintf(f->post_base, sizeof f->post_base, "%s", post_base);
	snprintf(f->sign_base, sizeof f->sign_base, "%s", sign_base ? sign_base : post_base);
	pthread_mutex_unlock(&f->lock);
}

static void fk_push(struct fk_provider *f, struct fk_step s)
{
	pthread_mutex_lock(&f->lock);
	if (f->nscript < FK_MAX_SCRIPT)
		f->script[f->nscript++] = s;
	pthread_mutex_unlock(&f->lock);
}

void fk_script_error(struct fk_provider *f, int http_status, long code, int retry_after)
{
	fk_push(f, (struct fk_step){ FK_STEP_ERROR, http_status, code, retry_after });
}

void fk_script_drop(struct fk_provider *f, bool taken)
{
	fk_push(f, (struct fk_step){ taken ? FK_STEP_TAKE_DROP : FK_STEP_DROP, 0, 0, 0 });
}

void fk_script_hold(struct fk_provider *f)
{
	fk_push(f, (struct fk_step){ FK_STEP_HOLD, 0, 0, 0 });
}

bool fk_next_step(struct fk_provider *f, struct fk_step *out)
{
	pthread_mutex_lock(&f->lock);
	bool any = f->script_pos < f->nscript;
	if (any)
		*out = f->script[f->script_pos++];
	pthread_mutex_unlock(&f->lock);
	return any;
}

void fk_hold(struct fk_provider *f)
{
	pthread_mutex_lock(&f->lock);
	f->holding = true;
	f->released = false;
	pthread_cond_broadcast(&f->cond);
	while (!f->released)
		pthread_cond_wait(&f->cond, &f->lock);
	f->holding = false;
	pthread_mutex_unlock(&f->lock);
}

bool fk_wait_holding(struct fk_provider *f, int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&f->lock);
	while (!f->holding)
		if (pthread_cond_timedwait(&f->cond, &f->lock, &until) == ETIMEDOUT)
			break;
	bool holding = f->holding;
	pthread_mutex_unlock(&f->lock);
	return holding;
}

void fk_release(struct fk_provider *f)
{
	pthread_mutex_lock(&f->lock);
	f->released = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

void fk_stop_number(struct fk_provider *f, const char *e164)
{
	pthread_mutex_lock(&f->lock);
	if (f->nstopped < FK_MAX_NUMBERS)
		snprintf(f->stopped[f->nstopped++], sizeof f->stopped[0], "%s", e164);
	pthread_mutex_unlock(&f->lock);
}

bool fk_is_stopped(struct fk_provider *f, const char *e164)
{
	pthread_mutex_lock(&f->lock);
	bool stopped = false;
	for (size_t i = 0; i < f->nstopped; i++)
		if (strcmp(f->stopped[i], e164) == 0)
			stopped = true;
	pthread_mutex_unlock(&f->lock);
	return stopped;
}

void fk_set_callbacks(struct fk_provider *f, int flags)
{
	pthread_mutex_lock(&f->lock);
	f->callbacks = flags;
	pthread_mutex_unlock(&f->lock);
}

void fk_set_window(struct fk_provider *f, enum fk_window w)
{
	pthread_mutex_lock(&f->lock);
	f->window = w;
	pthread_mutex_unlock(&f->lock);
}

void fk_set_pair_gap(struct fk_provider *f, int64_t ms)
{
	pthread_mutex_lock(&f->lock);
	f->pair_gap_ms = ms;
	pthread_mutex_unlock(&f->lock);
}

void fk_note_inbound(struct fk_provider *f, const char *e164, int64_t at)
{
	pthread_mutex_lock(&f->lock);
	size_t i = 0;
	while (i < f->ninbound && strcmp(f->inbound_from[i], e164) != 0)
		i++;
	if (i == f->ninbound && f->ninbound < FK_MAX_NUMBERS)
		snprintf(f->inbound_from[f->ninbound++], sizeof f->inbound_from[0], "%s", e164);
	if (i < FK_MAX_NUMBERS)
		f->inbound_at[i] = at;
	pthread_mutex_unlock(&f->lock);
}

int64_t fk_last_inbound(struct fk_provider *f, const char *e164)
{
	pthread_mutex_lock(&f->lock);
	int64_t at = 0;
	for (size_t i = 0; i < f->ninbound; i++)
		if (strcmp(f->inbound_from[i], e164) == 0)
			at = f->inbound_at[i];
	pthread_mutex_unlock(&f->lock);
	return at;
}

int64_t fk_last_send_ms(struct fk_provider *f, const char *to)
{
	pthread_mutex_lock(&f->lock);
	int64_t at = 0;
	size_t i;
	json_t *m;
	json_array_foreach(f->sent, i, m) {
		const char *t = json_string_value(json_object_get(m, "to"));
		if (t && strcmp(t, to) == 0)
			at = json_integer_value(json_object_get(m, "at_ms"));
	}
	pthread_mutex_unlock(&f->lock);
	return at;
}

void fk_rejected_note(struct fk_provider *f, const char *why)
{
	pthread_mutex_lock(&f->lock);
	f->rejected++;
	snprintf(f->last_rejection, sizeof f->last_rejection, "%s", why);
	pthread_mutex_unlock(&f->lock);
	diag("fake %s refused a request: %s", f->cfg.kind == FK_TWILIO ? "Twilio" : "Meta", why);
}

void fk_take(struct fk_provider *f, const char *id, const char *to, const char *type,
	     const char *body, json_t *request)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	json_t *m = json_pack("{s:s, s:s, s:s, s:s?, s:O, s:I}", "id", id, "to", to, "type", type,
			      "body", body, "request", request, "at_ms", (json_int_t)ms);
	pthread_mutex_lock(&f->lock);
	json_array_append_new(f->sent, m);
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

size_t fk_sent_count(struct fk_provider *f)
{
	pthread_mutex_lock(&f->lock);
	size_t n = json_array_size(f->sent);
	pthread_mutex_unlock(&f->lock);
	return n;
}

json_t *fk_sent(struct fk_provider *f, size_t i)
{
	pthread_mutex_lock(&f->lock);
	json_t *m = json_deep_copy(json_array_get(f->sent, i));
	pthread_mutex_unlock(&f->lock);
	return m;
}

size_t fk_wait_sent(struct fk_provider *f, size_t n, int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&f->lock);
	while (json_array_size(f->sent) < n)
		if (pthread_cond_timedwait(&f->cond, &f->lock, &until) == ETIMEDOUT)
			break;
	size_t got = json_array_size(f->sent);
	pthread_mutex_unlock(&f->lock);
	return got;
}

size_t fk_requests(struct fk_provider *f)
{
	pthread_mutex_lock(&f->lock);
	size_t n = f->requests;
	pthread_mutex_unlock(&f->lock);
	return n;
}

size_t fk_rejected(struct fk_provider *f, char *last, size_t len)
{
	pthread_mutex_lock(&f->lock);
	size_t n = f->rejected;
	if (last)
		snprintf(last, len, "%s", f->last_rejection);
	pthread_mutex_unlock(&f->lock);
	return n;
}

void fk_queue_callback(struct fk_provider *f, const char *post_url, const char *body,
		       const char *content_type, const char *header)
{
	struct fk_callback *cb = tp_xcalloc(1, sizeof *cb);
	cb->post_url = tp_xstrdup(post_url);
	cb->body = tp_xstrdup(body);
	cb->content_type = tp_xstrdup(content_type);
	cb->header = tp_xstrdup(header);
	pthread_mutex_lock(&f->lock);
	if (f->tail)
		f->tail->next = cb;
	else
		f->head = cb;
	f->tail = cb;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

int fk_wait_callbacks(struct fk_provider *f, int seconds, long *last_status)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&f->lock);
	while (f->head || f->busy)
		if (pthread_cond_timedwait(&f->cond, &f->lock, &until) == ETIMEDOUT)
			break;
	int n = f->posted;
	if (last_status)
		*last_status = f->last_status;
	pthread_mutex_unlock(&f->lock);
	return n;
}

static size_t fk_discard(char *ptr, size_t size, size_t n, void *userdata)
{
	(void)ptr;
	(void)userdata;
	return size * n;
}

long fk_post(const char *url, const char *body, const char *content_type, const char *header)
{
	CURL *h = curl_easy_init();
	struct curl_slist *headers = NULL;
	char ct[128];
	snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
	headers = curl_slist_append(headers, ct);
	headers = curl_slist_append(headers, "Expect:");
	if (header)
		headers = curl_slist_append(headers, header);
	long status = 0;
	if (curl_easy_setopt(h, CURLOPT_URL, url) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fk_discard) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L) == CURLE_OK &&
	    curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return status;
}

long fk_post_gateway(struct fk_provider *f, const char *path, const char *body,
		     const char *content_type, const char *header)
{
	pthread_mutex_lock(&f->lock);
	char *post = tp_xasprintf("%s%s", f->post_base, path);
	pthread_mutex_unlock(&f->lock);
	long status = fk_post(post, body, content_type, header);
	free(post);
	return status;
}

void fk_new_id(char *out, size_t len, const char *prefix, size_t hexdigits)
{
	unsigned char raw[32];
	if (hexdigits > 2 * sizeof raw)
		hexdigits = 2 * sizeof raw;
	tp_random_bytes(raw, sizeof raw);
	size_t p = (size_t)snprintf(out, len, "%s", prefix);
	for (size_t i = 0; i < hexdigits && p + 1 < len; i++, p++)
		out[p] = "0123456789abcdef"[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 15];
	out[p < len ? p : len - 1] = '\0';
}

char *fk_rebase(const char *url, const char *base)
{
	const char *scheme = strstr(url, "://");
	const char *path = scheme ? strchr(scheme + 3, '/') : NULL;
	return tp_xasprintf("%s%s", base, path ? path : "/");
}

bool fk_is_e164(const char *s)
{
	if (!s || s[0] != '+' || s[1] == '0')
		return false;
	size_t n = strlen(s + 1);
	return n >= 8 && n <= 15 && strspn(s + 1, "0123456789") == n;
}

long fk_inbound(struct fk_provider *f, const char *from, const char *text, const char *button,
		bool whatsapp, const char *id, bool bad_signature, char out_id[96])
{
	char mid[96];
	bool twilio = f->cfg.kind == FK_TWILIO;
	if (id)
		snprintf(mid, sizeof mid, "%s", id);
	else
		fk_new_id(mid, sizeof mid, twilio ? "SM" : "wamid.HBgLin", twilio ? 32 : 40);
	if (out_id)
		snprintf(out_id, 96, "%s", mid);
	if (twilio)
		return fk_twilio_inbound(f, from, text, button, whatsapp, mid, bad_signature);
	return fk_meta_inbound(f, from, text, button, mid, bad_signature);
}
