/*
 * tp_client against a real tp_http server on loopback: the method, path,
 * bearer token and JSON body arrive; the status, body and Retry-After come
 * back; a port nobody listens on is a network error with libcurl's words;
 * a server slower than the timeout is one too.
 */
#include "../tap.h"
#include "tp_client.h"
#include "tp_http.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int handler(struct tp_http_request *req)
{
	if (strcmp(req->path, "/slow") == 0) {
		struct timespec ts = { 1, 0 };
		nanosleep(&ts, NULL);
	}
	if (strcmp(req->path, "/busy") == 0) {
		tp_http_add_header(req, "Retry-After", "7");
		return tp_http_reply_error(req, 503, "busy", "try later");
	}
	const char *auth = tp_http_header(req, "Authorization");
	const char *type = tp_http_header(req, "Content-Type");
	json_t *out = json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "method", req->method, "path",
				req->path, "auth", auth, "type", type, "body",
				tp_buf_str(&req->body));
	return tp_http_reply_json(req, 201, out);
}

int main(void)
{
	tp_client_global_init();
	struct tp_http_config cfg = { .listen = "127.0.0.1:0", .threads = 2,
				      .max_connections = 16, .timeout_seconds = 10,
				      .body_limit = 65536, .handler = handler };
	struct tp_http_server *http;
	char *err = NULL;
	if (tp_http_start(&cfg, &http, &err) < 0)
		bail_out("server: %s", err);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/", tp_http_port(http));

	struct tp_client c;
	tp_client_init(&c, base, "tpk_SECRET", 5000);
	struct tp_client_response r;
	is_int(tp_client_request(&c, "POST", "/api/v1/checkins", "{\"a\":1}", &r), 0,
	       "a request gets an answer");
	is_int(r.status, 201, "with its status");
	is_str(json_string_value(json_object_get(r.json, "method")), "POST", "the method arrived");
	is_str(json_string_value(json_object_get(r.json, "path")), "/api/v1/checkins",
	       "the path arrived (no doubled slash from the base)");
	is_str(json_string_value(json_object_get(r.json, "auth")), "Bearer tpk_SECRET",
	       "the bearer token arrived");
	is_str(json_string_value(json_object_get(r.json, "type")), "application/json",
	       "as JSON");
	is_str(json_string_value(json_object_get(r.json, "body")), "{\"a\":1}", "the body arrived");
	tp_client_response_release(&r);

	tp_client_set_bearer(&c, NULL);
	tp_client_request(&c, "GET", "/x", NULL, &r);
	ok(json_is_null(json_object_get(r.json, "auth")) || !json_object_get(r.json, "auth"),
	   "without a token no Authorization is sent");
	ok(json_is_null(json_object_get(r.json, "type")) || !json_object_get(r.json, "type"),
	   "and a GET has no body type");
	tp_client_response_release(&r);

	tp_client_request(&c, "GET", "/busy", NULL, &r);
	is_int(r.status, 503, "a 5xx is an answer too");
	is_int(r.retry_after, 7, "Retry-After is read");
	tp_client_response_release(&r);
	tp_client_release(&c);

	tp_client_init(&c, base, NULL, 300);
	is_int(tp_client_request(&c, "GET", "/slow", NULL, &r), -EIO,
	       "a server slower than the timeout is a network error");
	is_int(r.status, 0, "with no status");
	ok(strstr(r.error, "imeout") != NULL, "and says it timed out: %s", r.error);
	tp_client_response_release(&r);
	tp_client_release(&c);

	tp_http_stop(http);
	tp_client_init(&c, base, NULL, 2000);
	is_int(tp_client_request(&c, "GET", "/x", NULL, &r), -EIO,
	       "nobody listening is a network error");
	ok(r.error[0] != '\0', "with libcurl's words: %s", r.error);
	is_str(r.body, "", "and an empty body");
	tp_client_response_release(&r);
	tp_client_release(&c);
	tp_client_global_cleanup();
	return done_testing();
}
