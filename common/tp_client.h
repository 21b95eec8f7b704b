/*
 * An HTTP client over libcurl for the daemons that call the server (the
 * kiosk, the gateway): JSON requests with a bearer token, every option
 * checked, a timeout on every transfer, the response body capped, and the
 * Retry-After header read for backoff. One struct tp_client per thread.
 */
#ifndef TP_CLIENT_H
#define TP_CLIENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct tp_client {
	void *curl;          /* CURL *, reused for keep-alive */
	char *base;          /* "http://host:port", owned */
	char *bearer;        /* token, owned, may be NULL */
	long timeout_ms;
};

struct tp_client_response {
	long status;         /* 0 when no HTTP answer came (network error) */
	char *body;          /* owned, NUL-terminated, "" when none */
	json_t *json;        /* parsed body or NULL */
	int64_t retry_after; /* seconds, 0 when absent */
	char error[256];     /* libcurl's words when status is 0 */
};

/* Call once per process before threads start, and once at the end. */
void tp_client_global_init(void);
void tp_client_global_cleanup(void);

void tp_client_init(struct tp_client *c, const char *base, const char *bearer,
		    long timeout_ms);
void tp_client_release(struct tp_client *c);
void tp_client_set_bearer(struct tp_client *c, const char *bearer);
/*
 * Sends method base+path with body (JSON text, or NULL). Returns 0 when an
 * HTTP answer came (whatever its status), -EIO on a network error or
 * timeout (r->error says which). *r is always filled; release it.
 */
int tp_client_request(struct tp_client *c, const char *method, const char *path,
		      const char *body, struct tp_client_response *r);
void tp_client_response_release(struct tp_client_response *r);
/* Why a request did not work, in words for a log or a queue: "the server
 * answered 503" or "no answer: <libcurl's words>". */
void tp_client_why(const struct tp_client_response *r, char *out, size_t len);

#endif
