/* Provider HTTP calls; see transfer.h. */
#include "transfer.h"
#include "tp_alloc.h"
#include "tp_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GW_ANSWER_CAP (1024 * 1024)

static size_t gw_transfer_write(char *ptr, size_t size, size_t n, void *userdata)
{
	struct gw_transfer *t = userdata;
	return tp_buf_append(&t->answer, ptr, size * n) < 0 ? 0 : size * n;
}

static size_t gw_transfer_header(char *ptr, size_t size, size_t n, void *userdata)
{
	struct gw_transfer *t = userdata;
	size_t len = size * n;
	/* A new response (after a 100 Continue or a redirect) starts afresh. */
	if (len > 5 && strncmp(ptr, "HTTP/", 5) == 0)
		t->retry_after = 0;
	if (len > 12 && strncasecmp(ptr, "Retry-After:", 12) == 0) {
		char *end;
		long v = strtol(ptr + 12, &end, 10);
		if (v > 0 && v <= 86400)
			t->retry_after = v;
	}
	return len;
}

#define GW_SETOPT(h, opt, val)                                                     \
	do {                                                                       \
		CURLcode rc_ = curl_easy_setopt((h), (opt), (val));                \
		if (rc_ != CURLE_OK) {                                             \
			tp_error("curl_easy_setopt(%s): %s", #opt,                 \
				 curl_easy_strerror(rc_));                         \
			goto fail;                                                 \
		}                                                                  \
	} while (0)

int gw_transfer_init(struct gw_transfer *t, struct gw_request *rq, long timeout_ms)
{
	memset(t, 0, sizeof *t);
	t->rq = *rq;
	memset(rq, 0, sizeof *rq);
	tp_buf_init(&t->answer, GW_ANSWER_CAP);
	t->easy = curl_easy_init();
	if (!t->easy) {
		tp_error("curl_easy_init failed");
		abort();
	}
	t->headers = curl_slist_append(NULL, "Accept: application/json");
	t->headers = curl_slist_append(t->headers, "Expect:");
	if (t->rq.body) {
		char *ct = tp_xasprintf("Content-Type: %s", t->rq.content_type);
		t->headers = curl_slist_append(t->headers, ct);
		free(ct);
	}
	if (t->rq.bearer) {
		char *auth = tp_xasprintf("Authorization: Bearer %s", t->rq.bearer);
		t->headers = curl_slist_append(t->headers, auth);
		free(auth);
	}
	CURL *h = t->easy;
	GW_SETOPT(h, CURLOPT_URL, t->rq.url);
	GW_SETOPT(h, CURLOPT_HTTPHEADER, t->headers);
	GW_SETOPT(h, CURLOPT_WRITEFUNCTION, gw_transfer_write);
	GW_SETOPT(h, CURLOPT_WRITEDATA, t);
	GW_SETOPT(h, CURLOPT_HEADERFUNCTION, gw_transfer_header);
	GW_SETOPT(h, CURLOPT_HEADERDATA, t);
	GW_SETOPT(h, CURLOPT_ERRORBUFFER, t->errbuf);
	GW_SETOPT(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	GW_SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 10000 ? timeout_ms : 10000L);
	GW_SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	GW_SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
	GW_SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);
	GW_SETOPT(h, CURLOPT_PRIVATE, t);
	if (t->rq.basic) {
		GW_SETOPT(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		GW_SETOPT(h, CURLOPT_USERPWD, t->rq.basic);
	}
	if (t->rq.body) {
		GW_SETOPT(h, CURLOPT_POST, 1L);
		GW_SETOPT(h, CURLOPT_POSTFIELDS, t->rq.body);
		GW_SETOPT(h, CURLOPT_POSTFIELDSIZE, (long)strlen(t->rq.body));
	}
	return 0;
fail:
	gw_transfer_release(t);
	return -EIO;
}

void gw_transfer_release(struct gw_transfer *t)
{
	if (t->easy)
		curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	gw_request_release(&t->rq);
	tp_buf_release(&t->answer);
	t->easy = NULL;
	t->headers = NULL;
}

CURLcode gw_transfer_run(struct gw_transfer *t)
{
	return curl_easy_perform(t->easy);
}

long gw_transfer_status(struct gw_transfer *t, CURLcode rc, bool *maybe_sent, char *why,
			size_t whylen)
{
	*maybe_sent = false;
	long status = 0;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status > 0)
			return status;
	}
	long request_bytes = 0;
	curl_off_t uploaded = 0;
	curl_easy_getinfo(t->easy, CURLINFO_REQUEST_SIZE, &request_bytes);
	curl_easy_getinfo(t->easy, CURLINFO_SIZE_UPLOAD_T, &uploaded);
	size_t len = t->rq.body ? strlen(t->rq.body) : 0;
	const char *words = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
	/* A request cut off before its last byte cannot have been acted on; a
	 * whole one can, whatever happened to the answer. */
	if (request_bytes > 0 && (size_t)uploaded >= len) {
		*maybe_sent = true;
		snprintf(why, whylen, "no answer from the provider after sending: %s", words);
	} else {
		snprintf(why, whylen, "cannot reach the provider: %s", words);
	}
	return 0;
}
