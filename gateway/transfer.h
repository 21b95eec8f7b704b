/*
 * One HTTP call to a provider over libcurl: an easy handle set up from a
 * struct gw_request (every option checked, a timeout, the answer capped,
 * Retry-After read), run alone (lookups) or inside the sender's multi
 * handle, whose connection cache keeps the provider's connection alive
 * between messages. After the call, what failed is sorted into "never got
 * there" (safe to send again) and "may have got there" (the provider may
 * have taken it: never resent blindly).
 */
#ifndef GW_TRANSFER_H
#define GW_TRANSFER_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "adapter.h"
#include "tp_buf.h"

struct gw_transfer {
	CURL *easy;
	struct curl_slist *headers;
	struct gw_request rq;      /* owned */
	struct tp_buf answer;      /* the response body, capped */
	int64_t retry_after;       /* seconds from Retry-After, 0 if none */
	char errbuf[CURL_ERROR_SIZE];
	void *owner;               /* the caller's */
};

/* Sets t up for rq, whose strings it takes over (rq is emptied). Returns
 * 0, or -EIO when libcurl refuses an option (t is then released). */
int gw_transfer_init(struct gw_transfer *t, struct gw_request *rq, long timeout_ms);
void gw_transfer_release(struct gw_transfer *t);
/* Runs t to the end on its own; returns libcurl's code. */
CURLcode gw_transfer_run(struct gw_transfer *t);
/*
 * After t ended with rc: the HTTP status (0 when no answer came). When 0,
 * *maybe_sent says whether the whole request may have reached the provider
 * (connected and fully uploaded, then a timeout or a dropped connection)
 * and why says what happened, in words.
 */
long gw_transfer_status(struct gw_transfer *t, CURLcode rc, bool *maybe_sent, char *why,
			size_t whylen);

#endif
