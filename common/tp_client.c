/* libcurl client; see tp_client.h. */
#include "tp_client.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_log.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TP_CLIENT_BODY_CAP (16 * 1024 * 1024)

void tp_client_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void tp_client_global_cleanup(void)
{
	curl_global_cleanup();
}

void tp_client_init(struct tp_client *c, const char *base, const char *bearer,
		    long timeout_ms)
{
	c->curl = curl_easy_init();
	if (!c->curl) {
		tp_error("curl_easy_init failed");
		abort();
	}
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	c->base = tp_xstrndup(base, n);
	c->bearer = tp_xstrdup(bearer);
	c->timeout_ms = timeout_ms;
}

void tp_client_release(struct tp_client *c)
{
	curl_easy_cleanup(c->curl);
	free(c->base);
	free(c->bearer);
	c->curl = NULL;
	c->base = c->bearer = NULL;
}

void tp_client_set_bearer(struct tp_client *c, const char *bearer)
{
	free(c->bearer);
	c->bearer = tp_xstrdup(bearer);
}

static size_t tp_client_write(char *ptr, size_t size, size_t n, void *userdata)
{
	struct tp_buf *b = userdata;
	/* Returning less than given makes libcurl stop: the cap is enforced. */
	return tp_buf_append(b, ptr, size * n) < 0 ? 0 : size * n;
}

static size_t tp_client_header(char *ptr, size_t size, size_t n, void *userdata)
{
	struct tp_client_response *r = userdata;
	size_t len = size * n;
	if (len > 12 && strncasecmp(ptr, "Retry-After:", 12) == 0) {
		long v = strtol(ptr + 12, NULL, 10);
		if (v > 0 && v < 86400)
			r->retry_after = v;
	}
	return len;
}

#define TP_SETOPT(c, opt, val)                                                     \
	do {                                                                       \
		CURLcode rc_ = curl_easy_setopt((c), (opt), (val));                \
		if (rc_ != CURLE_OK) {                                             \
			snprintf(r->error, sizeof r->error, "curl_easy_setopt(%s): %s", \
				 #opt, curl_easy_strerror(rc_));                   \
			goto fail;                                                 \
		}                                                                  \
	} while (0)

int tp_client_request(struct tp_client *c, const char *method, const char *path,
		      const char *body, struct tp_client_response *r)
{
	memset(r, 0, sizeof *r);
	CURL *h = c->curl;
	struct tp_buf data;
	tp_buf_init(&data, TP_CLIENT_BODY_CAP);
	struct curl_slist *headers = NULL;
	char *url = tp_xasprintf("%s%s", c->base, path);
	char *auth = c->bearer ? tp_xasprintf("Authorization: Bearer %s", c->bearer) : NULL;
	headers = curl_slist_append(headers, "Accept: application/json");
	if (body)
		headers = curl_slist_append(headers, "Content-Type: application/json");
	if (auth)
		headers = curl_slist_append(headers, auth);
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_reset(h);
	TP_SETOPT(h, CURLOPT_URL, url);
	TP_SETOPT(h, CURLOPT_CUSTOMREQUEST, method);
	TP_SETOPT(h, CURLOPT_HTTPHEADER, headers);
	TP_SETOPT(h, CURLOPT_WRITEFUNCTION, tp_client_write);
	TP_SETOPT(h, CURLOPT_WRITEDATA, &data);
	TP_SETOPT(h, CURLOPT_HEADERFUNCTION, tp_client_header);
	TP_SETOPT(h, CURLOPT_HEADERDATA, r);
	TP_SETOPT(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	TP_SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms < 5000 ? c->timeout_ms : 5000L);
	TP_SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	TP_SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (body) {
		TP_SETOPT(h, CURLOPT_POSTFIELDS, body);
		TP_SETOPT(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	CURLcode rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(rc));
		goto fail;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(headers);
	free(url);
	free(auth);
	r->body = tp_buf_steal(&data);
	r->json = json_loads(r->body, 0, NULL);
	return 0;
fail:
	curl_slist_free_all(headers);
	free(url);
	free(auth);
	tp_buf_release(&data);
	r->status = 0;
	r->body = tp_xstrdup("");
	return -EIO;
}

void tp_client_response_release(struct tp_client_response *r)
{
	free(r->body);
	json_decref(r->json);
	r->body = NULL;
	r->json = NULL;
}

void tp_client_why(const struct tp_client_response *r, char *out, size_t len)
{
	if (r->status)
		snprintf(out, len, "the server answered %ld", r->status);
	else
		snprintf(out, len, "no answer: %s", r->error);
}
