/* Tests for tp_http with a real server on 127.0.0.1 port 0, driven over
 * HTTP by libcurl as a browser or kiosk would: routing with a path
 * parameter, 404 versus 405, the body cap (413) whether the length is
 * announced or the body is chunked, the headers every reply carries, JSON
 * errors, extra headers, and the completed hook called once per request.
 * No sleeps: the test waits for the hook on a condition variable with a
 * deadline. */
#include "tp_http.h"
#include "../tap.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BODY_LIMIT 1000

/* ---- The server side: three routes and a completed hook. ---- */

static int app_marker;

static int h_hello(struct tp_http_request *req)
{
	char peer[64];
	tp_http_peer(req, peer, sizeof peer);
	tp_http_add_header(req, "X-Touchpoint-Test", "added");
	return tp_http_reply_json(req, 200, json_pack("{s:s, s:b, s:s, s:s?, s:s?}", "hello", "world",
						      "app", req->app == &app_marker, "peer", peer,
						      "client", tp_http_header(req, "x-client"),
						      "sid", tp_http_cookie(req, "sid")));
}

static int h_item(struct tp_http_request *req)
{
	const char *id = req->params[0];
	if (strcmp(id, "silent") == 0)
		return -EIO; /* forgets to reply: the plumbing must answer 500 */
	if (strcmp(id, "taken") == 0)
		return tp_http_reply_error(req, 409, "conflict", "item %s is in use", id);
	if (strcmp(id, "bad") == 0) {
		struct tp_error e;
		tp_error_set(&e, 400, "invalid_field", "id", "must be a number");
		return tp_http_reply_tp_error(req, &e);
	}
	if (strcmp(id, "cached") == 0)
		tp_http_add_header(req, "Cache-Control", "max-age=60");
	return tp_http_reply_json(req, 200, json_pack("{s:s, s:i, s:s?, s:s}", "id", id, "nparams",
						      (int)req->nparams, "lang",
						      tp_http_query(req, "lang"), "target",
						      req->target));
}

static int h_echo(struct tp_http_request *req)
{
	return tp_http_reply_json(req, 200, json_pack("{s:I, s:s}", "length",
						      (json_int_t)req->body.len, "body",
						      tp_buf_str(&req->body)));
}

static const struct tp_route routes[] = {
	{ "GET", "/hello", h_hello, NULL },
	{ "GET", "/items/{id}", h_item, NULL },
	{ "POST", "/echo", h_echo, NULL },
};

static int handler(struct tp_http_request *req)
{
	bool mismatch = false;
	const struct tp_route *r = tp_http_route(req, routes, sizeof routes / sizeof routes[0],
						 &mismatch);
	if (!r) {
		if (mismatch)
			return tp_http_reply_error(req, 405, "method_not_allowed",
						   "%s is not allowed here", req->method);
		return tp_http_reply_error(req, 404, "not_found", "no such page");
	}
	return r->handler(req);
}

#define MAX_DONE 128

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int count;
	int status[MAX_DONE];
	const char *route[MAX_DONE];
} done = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, { 0 }, { 0 } };

static void completed(struct tp_http_request *req, double seconds)
{
	pthread_mutex_lock(&done.lock);
	if (done.count < MAX_DONE) {
		done.status[done.count] = seconds >= 0 ? req->status : -1;
		done.route[done.count] = req->route_name;
	}
	done.count++;
	pthread_cond_broadcast(&done.cond);
	pthread_mutex_unlock(&done.lock);
}

/* Waits (10 s at most, no polling) until n requests have completed;
 * returns the count then. */
static int wait_done(int n)
{
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	pthread_mutex_lock(&done.lock);
	while (done.count < n &&
	       pthread_cond_timedwait(&done.cond, &done.lock, &deadline) != ETIMEDOUT)
		;
	int count = done.count;
	pthread_mutex_unlock(&done.lock);
	return count;
}

/* ---- The client side: libcurl, every option checked. ---- */

static int port;
static const char *host = "127.0.0.1";
static int requests_made;

struct reply {
	long status;
	struct tp_buf body;
	struct tp_buf headers;
	json_t *json;
};

struct upload {
	const char *data;
	size_t len;
	size_t off;
	size_t chunk; /* at most this much per read call */
};

static size_t on_data(char *p, size_t size, size_t n, void *userdata)
{
	struct tp_buf *b = userdata;
	return tp_buf_append(b, p, size * n) < 0 ? 0 : size * n;
}

static size_t on_read(char *p, size_t size, size_t n, void *userdata)
{
	struct upload *u = userdata;
	size_t want = size * n;
	if (want > u->chunk)
		want = u->chunk;
	if (want > u->len - u->off)
		want = u->len - u->off;
	memcpy(p, u->data + u->off, want);
	u->off += want;
	return want;
}

#define SETOPT(h, opt, val)                                                        \
	do {                                                                       \
		CURLcode rc_ = curl_easy_setopt((h), (opt), (val));                \
		if (rc_ != CURLE_OK)                                               \
			bail_out("curl_easy_setopt(%s): %s", #opt,                 \
				 curl_easy_strerror(rc_));                         \
	} while (0)

enum send_mode { NO_BODY, LENGTH, CHUNKED };

/* Makes one request; the reply's parts are owned by r (reply_free). */
static CURLcode request(const char *method, const char *path, enum send_mode mode,
			const char *data, size_t len, struct reply *r)
{
	char url[256];
	struct upload up = { data, len, 0, 300 };
	struct curl_slist *hdrs = NULL;
	CURL *h = curl_easy_init();
	if (!h)
		bail_out("curl_easy_init failed");
	memset(r, 0, sizeof *r);
	tp_buf_init(&r->body, 1 << 20);
	tp_buf_init(&r->headers, 1 << 16);
	snprintf(url, sizeof url, "http://%s:%d%s", host, port, path);
	SETOPT(h, CURLOPT_URL, url);
	SETOPT(h, CURLOPT_NOPROXY, "*");
	SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	SETOPT(h, CURLOPT_TIMEOUT_MS, 10000L);
	SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	SETOPT(h, CURLOPT_WRITEFUNCTION, on_data);
	SETOPT(h, CURLOPT_WRITEDATA, &r->body);
	SETOPT(h, CURLOPT_HEADERFUNCTION, on_data);
	SETOPT(h, CURLOPT_HEADERDATA, &r->headers);
	SETOPT(h, CURLOPT_COOKIE, "lang=en; sid=s3cr3t");
	hdrs = curl_slist_append(hdrs, "X-Client: kiosk-7");
	if (strcmp(method, "HEAD") == 0)
		SETOPT(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		SETOPT(h, CURLOPT_CUSTOMREQUEST, method);
	/* No "Expect: 100-continue": the body goes out with the headers, so
	 * the server must cope with a body it will not read. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (mode == LENGTH) {
		SETOPT(h, CURLOPT_POSTFIELDS, data);
		SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else if (mode == CHUNKED) {
		SETOPT(h, CURLOPT_POST, 1L);
		SETOPT(h, CURLOPT_READFUNCTION, on_read);
		SETOPT(h, CURLOPT_READDATA, &up);
		hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
	}
	if (!hdrs)
		bail_out("curl_slist_append failed");
	SETOPT(h, CURLOPT_HTTPHEADER, hdrs);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK &&
	    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status) != CURLE_OK)
		r->status = -1;
	if (rc != CURLE_OK)
		diag("%s %s: %s", method, path, curl_easy_strerror(rc));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	requests_made++;
	if (r->body.len)
		r->json = json_loads(tp_buf_str(&r->body), 0, NULL);
	return rc;
}

static void reply_free(struct reply *r)
{
	tp_buf_release(&r->body);
	tp_buf_release(&r->headers);
	json_decref(r->json);
	r->json = NULL;
}

/* The value of the last response header called name (case-insensitive),
 * copied into out; NULL when absent. Counts the headers in *count. */
static const char *header(const struct reply *r, const char *name, char *out, size_t len,
			  int *count)
{
	const char *p = tp_buf_str(&r->headers);
	size_t nlen = strlen(name);
	const char *found = NULL;
	int n = 0;
	while (*p) {
		const char *eol = strstr(p, "\r\n");
		if (!eol)
			break;
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			const char *v = p + nlen + 1;
			while (*v == ' ')
				v++;
			snprintf(out, len, "%.*s", (int)(eol - v), v);
			found = out;
			n++;
		}
		p = eol + 2;
	}
	if (count)
		*count = n;
	return found;
}

static const char *jstr(json_t *j, const char *path1, const char *path2)
{
	json_t *v = json_object_get(j, path1);
	if (path2)
		v = json_object_get(v, path2);
	return json_string_value(v);
}

/* Checks that the n-th completed request (1-based) ended with status. */
static void check_done(int n, int status, const char *what)
{
	is_int(wait_done(n), n, "%s: the completed hook ran once for the request", what);
	pthread_mutex_lock(&done.lock);
	int got = n <= MAX_DONE ? done.status[n - 1] : -2;
	pthread_mutex_unlock(&done.lock);
	is_int(got, status, "%s: the hook saw status %d", what, status);
}

static void check_error(struct reply *r, int status, const char *code, const char *what)
{
	is_int(r->status, status, "%s: status %d", what, status);
	ok(r->json && json_object_size(r->json) == 1 && json_is_object(json_object_get(r->json, "error")),
	   "%s: the body is {\"error\": {...}}", what);
	is_str(jstr(r->json, "error", "code"), code, "%s: error code", what);
	const char *msg = jstr(r->json, "error", "message");
	ok(msg && *msg, "%s: with a message (%s)", what, msg ? msg : "none");
}

static void test_routes(void)
{
	struct reply r;
	char v[256];
	int n;

	is_int(request("GET", "/hello", NO_BODY, NULL, 0, &r), CURLE_OK, "GET /hello");
	is_int(r.status, 200, "200");
	is_str(header(&r, "Content-Type", v, sizeof v, NULL), "application/json; charset=utf-8",
	       "JSON content type");
	ok(json_is_object(r.json), "the body is a JSON object");
	is_str(jstr(r.json, "hello", NULL), "world", "with the handler's content");
	ok(json_is_true(json_object_get(r.json, "app")), "the handler saw the config's app pointer");
	is_str(jstr(r.json, "peer", NULL), "127.0.0.1", "tp_http_peer gives the client's address");
	is_str(jstr(r.json, "client", NULL), "kiosk-7", "tp_http_header finds a request header");
	is_str(jstr(r.json, "sid", NULL), "s3cr3t", "tp_http_cookie finds a cookie");
	is_str(header(&r, "X-Content-Type-Options", v, sizeof v, NULL), "nosniff",
	       "X-Content-Type-Options: nosniff");
	is_str(header(&r, "Cache-Control", v, sizeof v, &n), "no-store", "Cache-Control: no-store");
	is_int(n, 1, "once");
	is_str(header(&r, "X-Frame-Options", v, sizeof v, NULL), "DENY", "X-Frame-Options: DENY");
	is_str(header(&r, "Referrer-Policy", v, sizeof v, NULL), "no-referrer",
	       "Referrer-Policy: no-referrer");
	ok(header(&r, "Content-Security-Policy", v, sizeof v, NULL) &&
	   strstr(v, "frame-ancestors 'none'"), "a Content-Security-Policy");
	is_str(header(&r, "X-Touchpoint-Test", v, sizeof v, NULL), "added",
	       "a header added with tp_http_add_header arrives");
	reply_free(&r);
	check_done(requests_made, 200, "GET /hello");
	pthread_mutex_lock(&done.lock);
	is_str(done.route[0], "/hello", "the hook sees the matched route's pattern");
	pthread_mutex_unlock(&done.lock);

	is_int(request("GET", "/items/42?lang=zh-HK", NO_BODY, NULL, 0, &r), CURLE_OK,
	       "GET /items/42?lang=zh-HK");
	is_int(r.status, 200, "200");
	is_str(jstr(r.json, "id", NULL), "42", "the path parameter reaches the handler");
	is_int(json_integer_value(json_object_get(r.json, "nparams")), 1, "as the only one");
	is_str(jstr(r.json, "lang", NULL), "zh-HK", "and the query is not part of it");
	is_str(jstr(r.json, "target", NULL), "/items/42?lang=zh-HK",
	       "the target is kept as it came, query included");
	reply_free(&r);
	check_done(requests_made, 200, "GET /items/42");
	pthread_mutex_lock(&done.lock);
	is_str(done.route[requests_made - 1], "/items/{id}", "the hook sees the pattern, not the path");
	pthread_mutex_unlock(&done.lock);

	request("GET", "/items/caf%C3%A9", NO_BODY, NULL, 0, &r);
	is_int(r.status, 200, "a percent-encoded path parameter");
	is_str(jstr(r.json, "id", NULL), "café", "arrives decoded");
	is_str(jstr(r.json, "target", NULL), "/items/caf%C3%A9", "while the target stays encoded");
	reply_free(&r);
	check_done(requests_made, 200, "GET /items/caf%C3%A9");

	request("HEAD", "/items/7", NO_BODY, NULL, 0, &r);
	is_int(r.status, 200, "HEAD is answered by the GET route");
	is_int(r.body.len, 0, "with no body");
	reply_free(&r);
	check_done(requests_made, 200, "HEAD /items/7");

	static const char *const not_found[] = { "/nope", "/items/", "/items/42/extra",
						 "/hello/", "/HELLO", "/" };
	for (size_t i = 0; i < sizeof not_found / sizeof not_found[0]; i++) {
		request("GET", not_found[i], NO_BODY, NULL, 0, &r);
		check_error(&r, 404, "not_found", not_found[i]);
		reply_free(&r);
		check_done(requests_made, 404, not_found[i]);
		pthread_mutex_lock(&done.lock);
		is_str(done.route[requests_made - 1], NULL, "%s: no route in the hook", not_found[i]);
		pthread_mutex_unlock(&done.lock);
	}

	static const char *const wrong_method[][2] = {
		{ "DELETE", "/hello" }, { "POST", "/items/1" }, { "GET", "/echo" }, { "PUT", "/echo" },
	};
	for (size_t i = 0; i < sizeof wrong_method / sizeof wrong_method[0]; i++) {
		char what[64];
		snprintf(what, sizeof what, "%s %s", wrong_method[i][0], wrong_method[i][1]);
		request(wrong_method[i][0], wrong_method[i][1], NO_BODY, NULL, 0, &r);
		check_error(&r, 405, "method_not_allowed", what);
		reply_free(&r);
		check_done(requests_made, 405, what);
	}
}

static void test_replies(void)
{
	struct reply r;
	char v[256];
	int n;

	request("GET", "/items/taken", NO_BODY, NULL, 0, &r);
	check_error(&r, 409, "conflict", "tp_http_reply_error");
	is_str(jstr(r.json, "error", "message"), "item taken is in use", "the formatted message");
	ok(json_object_size(json_object_get(r.json, "error")) == 2,
	   "code and message, no field");
	is_str(header(&r, "X-Content-Type-Options", v, sizeof v, NULL), "nosniff",
	       "errors carry the security headers too");
	is_str(header(&r, "Content-Type", v, sizeof v, NULL), "application/json; charset=utf-8",
	       "and are JSON");
	reply_free(&r);
	check_done(requests_made, 409, "409");

	request("GET", "/items/bad", NO_BODY, NULL, 0, &r);
	check_error(&r, 400, "invalid_field", "tp_http_reply_tp_error");
	is_str(jstr(r.json, "error", "field"), "id", "names the field");
	is_str(jstr(r.json, "error", "message"), "id: must be a number", "and says what is wrong");
	reply_free(&r);
	check_done(requests_made, 400, "400");

	request("GET", "/items/silent", NO_BODY, NULL, 0, &r);
	check_error(&r, 500, "internal", "a handler that does not reply");
	reply_free(&r);
	check_done(requests_made, 500, "500");

	request("GET", "/items/cached", NO_BODY, NULL, 0, &r);
	is_int(r.status, 200, "a reply with its own Cache-Control");
	is_str(header(&r, "Cache-Control", v, sizeof v, &n), "max-age=60", "keeps it");
	is_int(n, 1, "without adding no-store");
	reply_free(&r);
	check_done(requests_made, 200, "cached");
}

static char *filled(size_t len)
{
	char *s = malloc(len + 1);
	for (size_t i = 0; i < len; i++)
		s[i] = (char)('a' + i % 26);
	s[len] = '\0';
	return s;
}

static void test_body_limit(void)
{
	struct reply r;
	char *at_limit = filled(BODY_LIMIT);
	char *over = filled(BODY_LIMIT + 1);
	char *far_over = filled(BODY_LIMIT * 20);

	is_int(request("POST", "/echo", LENGTH, "hello", 5, &r), CURLE_OK, "POST /echo");
	is_int(r.status, 200, "200");
	is_int(json_integer_value(json_object_get(r.json, "length")), 5, "the body arrived");
	is_str(jstr(r.json, "body", NULL), "hello", "whole");
	reply_free(&r);
	check_done(requests_made, 200, "POST /echo");

	static const enum send_mode modes[] = { LENGTH, CHUNKED };
	static const char *const names[] = { "Content-Length", "chunked" };
	for (int m = 0; m < 2; m++) {
		const char *mn = names[m];
		is_int(request("POST", "/echo", modes[m], at_limit, BODY_LIMIT, &r), CURLE_OK,
		       "%s: a body of exactly body_limit bytes", mn);
		is_int(r.status, 200, "%s: is accepted", mn);
		is_int(json_integer_value(json_object_get(r.json, "length")), BODY_LIMIT,
		       "%s: all of it", mn);
		is_str(jstr(r.json, "body", NULL), at_limit, "%s: unchanged", mn);
		reply_free(&r);
		check_done(requests_made, 200, mn);

		is_int(request("POST", "/echo", modes[m], over, BODY_LIMIT + 1, &r), CURLE_OK,
		       "%s: one byte more", mn);
		check_error(&r, 413, "too_large", mn);
		reply_free(&r);
		check_done(requests_made, 413, mn);

		is_int(request("POST", "/echo", modes[m], far_over, BODY_LIMIT * 20, &r), CURLE_OK,
		       "%s: twenty times the limit", mn);
		check_error(&r, 413, "too_large", mn);
		reply_free(&r);
		check_done(requests_made, 413, mn);

		is_int(request("POST", "/items/1", modes[m], over, BODY_LIMIT + 1, &r), CURLE_OK,
		       "%s: too large for a route of another method", mn);
		is_int(r.status, 413, "%s: the size is checked first", mn);
		reply_free(&r);
		check_done(requests_made, 413, mn);
	}

	request("GET", "/hello", NO_BODY, NULL, 0, &r);
	is_int(r.status, 200, "the server still answers after refusing bodies");
	reply_free(&r);
	check_done(requests_made, 200, "after 413");
	free(at_limit);
	free(over);
	free(far_over);
}

static struct tp_http_config config(const char *listen)
{
	struct tp_http_config cfg = {
		.listen = listen,
		.threads = 2,
		.max_connections = 16,
		.per_ip_connections = 0,
		.timeout_seconds = 10,
		.body_limit = BODY_LIMIT,
		.handler = handler,
		.app = &app_marker,
		.completed = completed,
	};
	return cfg;
}

static void test_listen(int used_port)
{
	static const char *const bad[][2] = {
		{ "nohost", "nohost" },
		{ "127.0.0.1:99999", "0-65535" },
		{ "127.0.0.1:", "0-65535" },
		{ "127.0.0.1:http", "0-65535" },
		{ ":8080", "HOST:PORT" },
		{ "999.1.1.1:0", "cannot resolve" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tp_http_config cfg = config(bad[i][0]);
		struct tp_http_server *srv = NULL;
		char *err = NULL;
		ok(tp_http_start(&cfg, &srv, &err) < 0, "listen '%s' is refused", bad[i][0]);
		ok(srv == NULL, "'%s': no server", bad[i][0]);
		ok(err && strstr(err, bad[i][0]) && strstr(err, bad[i][1]),
		   "'%s': the message says so (%s)", bad[i][0], err ? err : "no message");
		free(err);
		tp_http_stop(srv);
	}

	/* A port another server already listens on. */
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", used_port);
	struct tp_http_config cfg = config(listen);
	struct tp_http_server *srv = NULL;
	char *err = NULL;
	int r = tp_http_start(&cfg, &srv, &err);
	/* BUG (tp_http.c, tp_http_start): MHD_OPTION_LISTENING_ADDRESS_REUSE 1
	 * sets SO_REUSEPORT, so a second server binds the same port and the
	 * kernel shares connections between the two. */
	ok(r < 0, "a port already in use is refused");
	ok(err && strstr(err, listen), "naming the address (%s)", err ? err : "no message");
	free(err);
	tp_http_stop(srv);
}

/* True when this machine can listen on [::1]. */
static bool have_ipv6_loopback(void)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0)
		return false;
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	bool yes = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return yes;
}

static void test_ipv6(void)
{
	if (!have_ipv6_loopback()) {
		diag("no IPv6 loopback here: [::1] not tried");
		return;
	}
	struct tp_http_config cfg = config("[::1]:0");
	struct tp_http_server *srv = NULL;
	char *err = NULL;
	if (!is_int(tp_http_start(&cfg, &srv, &err), 0, "listen on [::1]:0 (%s)", err ? err : "")) {
		free(err);
		return;
	}
	int saved_port = port;
	const char *saved_host = host;
	port = tp_http_port(srv);
	host = "[::1]";
	struct reply r;
	request("GET", "/hello", NO_BODY, NULL, 0, &r);
	is_int(r.status, 200, "a request over IPv6 is answered");
	reply_free(&r);
	check_done(requests_made, 200, "IPv6");
	tp_http_stop(srv);
	port = saved_port;
	host = saved_host;
}

int main(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		bail_out("curl_global_init failed");
	struct tp_http_config cfg = config("127.0.0.1:0");
	struct tp_http_server *srv = NULL;
	char *err = NULL;
	if (!is_int(tp_http_start(&cfg, &srv, &err), 0, "start on 127.0.0.1:0"))
		bail_out("cannot start: %s", err ? err : "?");
	is_str(err, NULL, "no error message");
	port = tp_http_port(srv);
	ok(port > 0 && port <= 65535, "a port was picked (%d)", port);

	test_routes();
	test_replies();
	test_body_limit();
	test_listen(port);

	tp_http_stop(srv);
	is_int(wait_done(0), requests_made,
	       "after stop, the hook ran exactly once for each of the %d requests", requests_made);

	test_ipv6();
	is_int(wait_done(0), requests_made, "and once for the IPv6 request");
	curl_global_cleanup();
	return done_testing();
}
