/*
 * libmicrohttpd server and request plumbing; see tp_http.h. The access
 * handler follows libmicrohttpd's three-phase skeleton (the context itself
 * is made by the URI callback, which sees the raw target): the first call sets
 * up the request context (and refuses an announced oversized body at once),
 * upload calls feed the capped body buffer, the last call runs the daemon's
 * handler. The context is freed in the request-completed callback.
 */
#include "tp_http.h"
#include "tp_alloc.h"
#include "tp_log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

struct tp_http_server {
	struct MHD_Daemon *daemon;
	struct tp_http_config cfg;
	int port;
};

static int64_t tp_http_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void tp_http_request_free(struct tp_http_request *req)
{
	if (req->user && req->user_free)
		req->user_free(req->user);
	for (size_t i = 0; i < req->nparams; i++)
		free(req->params[i]);
	for (size_t i = 0; i < req->nheaders; i++) {
		free(req->header_names[i]);
		free(req->header_values[i]);
	}
	free(req->path);
	free(req->target);
	tp_buf_release(&req->body);
	free(req);
}

void tp_http_add_header(struct tp_http_request *req, const char *name,
			const char *value)
{
	if (req->nheaders == TP_HTTP_MAX_HEADERS) {
		tp_error("http: too many response headers, dropped %s", name);
		return;
	}
	req->header_names[req->nheaders] = tp_xstrdup(name);
	req->header_values[req->nheaders] = tp_xstrdup(value);
	req->nheaders++;
}

int tp_http_reply(struct tp_http_request *req, int status,
		  const char *content_type, const void *data, size_t len)
{
	if (req->replied) {
		tp_error("http: %s %s answered twice", req->method, req->path);
		return -EALREADY;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		len, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return -ENOMEM;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; "
				"frame-ancestors 'none'; form-action 'self'");
	bool cache_set = false;
	for (size_t i = 0; i < req->nheaders; i++) {
		MHD_add_response_header(resp, req->header_names[i], req->header_values[i]);
		if (strcasecmp(req->header_names[i], "Cache-Control") == 0)
			cache_set = true;
	}
	if (!cache_set)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(req->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	req->replied = true;
	req->status = status;
	return ret == MHD_YES ? 0 : -EIO;
}

int tp_http_reply_json(struct tp_http_request *req, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return tp_http_reply_error(req, 500, "internal", "cannot encode the reply");
	int r = tp_http_reply(req, status, "application/json; charset=utf-8", text,
			      strlen(text));
	free(text);
	return r;
}

static int tp_http_reply_error_json(struct tp_http_request *req, int status,
				    const char *code, const char *message,
				    const char *field)
{
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (field && *field)
		json_object_set_new(err, "field", json_string(field));
	return tp_http_reply_json(req, status, json_pack("{s:o}", "error", err));
}

int tp_http_reply_error(struct tp_http_request *req, int status,
			const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = tp_xvasprintf(fmt, ap);
	va_end(ap);
	int r = tp_http_reply_error_json(req, status, code, msg, NULL);
	free(msg);
	return r;
}

int tp_http_reply_tp_error(struct tp_http_request *req, const struct tp_error *e)
{
	int status = e->status ? e->status : 500;
	const char *code = e->code[0] ? e->code : "internal";
	const char *msg = e->message[0] ? e->message : "internal error";
	return tp_http_reply_error_json(req, status, code, msg, e->field);
}

const char *tp_http_header(struct tp_http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *tp_http_query(struct tp_http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *tp_http_cookie(struct tp_http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

struct tp_http_query_iter {
	void (*fn)(void *ctx, const char *key, const char *value);
	void *ctx;
};

static enum MHD_Result tp_http_query_one(void *cls, enum MHD_ValueKind kind,
					 const char *key, const char *value)
{
	(void)kind;
	struct tp_http_query_iter *it = cls;
	it->fn(it->ctx, key, value ? value : "");
	return MHD_YES;
}

void tp_http_query_foreach(struct tp_http_request *req,
			   void (*fn)(void *ctx, const char *key, const char *value),
			   void *ctx)
{
	struct tp_http_query_iter it = { fn, ctx };
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, tp_http_query_one, &it);
}

void tp_http_peer(struct tp_http_request *req, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(buf, len, "?");
	if (!info || !info->client_addr)
		return;
	const struct sockaddr *sa = info->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			  buf, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  buf, (socklen_t)len);
}

/* Matches one pattern against a path; fills params on success. */
static bool tp_http_match(const char *pattern, const char *path,
			  char **params, size_t *nparams)
{
	size_t n = 0;
	const char *p = pattern, *u = path;
	while (*p && *u) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t seg = strcspn(u, "/");
			if (!close || seg == 0 || n == TP_HTTP_MAX_PARAMS)
				goto fail;
			params[n++] = tp_xstrndup(u, seg);
			p = close + 1;
			u += seg;
		} else if (*p == *u) {
			p++;
			u++;
		} else {
			goto fail;
		}
	}
	if (*p || *u)
		goto fail;
	*nparams = n;
	return true;
fail:
	for (size_t i = 0; i < n; i++)
		free(params[i]);
	return false;
}

const struct tp_route *tp_http_route(struct tp_http_request *req,
				     const struct tp_route *routes, size_t count,
				     bool *method_mismatch)
{
	*method_mismatch = false;
	for (size_t i = 0; i < count; i++) {
		char *params[TP_HTTP_MAX_PARAMS];
		size_t n = 0;
		if (!tp_http_match(routes[i].pattern, req->path, params, &n))
			continue;
		bool same = strcmp(routes[i].method, req->method) == 0 ||
			    (strcmp(req->method, "HEAD") == 0 &&
			     strcmp(routes[i].method, "GET") == 0);
		if (!same) {
			*method_mismatch = true;
			for (size_t j = 0; j < n; j++)
				free(params[j]);
			continue;
		}
		memcpy(req->params, params, n * sizeof params[0]);
		req->nparams = n;
		req->route_name = routes[i].pattern;
		return &routes[i];
	}
	return NULL;
}

/* libmicrohttpd's first look at a request, with the target as it came:
 * the request context starts here, so that it can keep it. */
static void *tp_http_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	struct tp_http_request *req = tp_xcalloc(1, sizeof *req);
	req->target = tp_xstrdup(uri ? uri : "");
	return req;
}

int tp_http_reply_unrouted(struct tp_http_request *req, bool method_mismatch)
{
	if (method_mismatch)
		return tp_http_reply_error(req, 405, "method_not_allowed",
					   "%s is not allowed on %s", req->method, req->path);
	return tp_http_reply_error(req, 404, "not_found", "there is nothing at %s", req->path);
}

static enum MHD_Result tp_http_access(void *cls, struct MHD_Connection *conn,
				      const char *url, const char *method,
				      const char *version, const char *upload_data,
				      size_t *upload_size, void **con_cls)
{
	(void)version;
	struct tp_http_server *srv = cls;
	struct tp_http_request *req = *con_cls;

	if (!req)
		*con_cls = req = tp_http_uri(NULL, url, conn);
	if (!req->conn) {
		req->conn = conn;
		req->server = srv;
		req->method = method;
		req->path = tp_xstrdup(url);
		req->app = srv->cfg.app;
		req->started_ns = tp_http_now_ns();
		tp_buf_init(&req->body, srv->cfg.body_limit);
		const char *length = MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(length, &end, 10);
			if (errno || *end || n > srv->cfg.body_limit) {
				tp_http_reply_error(req, 413, "too_large",
						    "the request body is larger than %zu bytes",
						    srv->cfg.body_limit);
				return MHD_YES;
			}
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!req->too_big && !req->replied &&
		    tp_buf_append(&req->body, upload_data, *upload_size) < 0) {
			/* The rest is read and dropped (libmicrohttpd 0.9 sends no
			 * reply queued mid-upload); the connection timeout bounds a
			 * client that never stops. */
			req->too_big = true;
			tp_buf_release(&req->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (req->replied)
		return MHD_YES;
	if (req->too_big) {
		tp_http_reply_error(req, 413, "too_large",
				    "the request body is larger than %zu bytes",
				    srv->cfg.body_limit);
		return MHD_YES;
	}
	int r = srv->cfg.handler(req);
	if (r == -ECONNABORTED && !req->replied)
		return MHD_NO;
	if (!req->replied) {
		tp_error("http: %s %s: no reply (%d)", method, url, r);
		tp_http_reply_error(req, 500, "internal", "internal error");
	}
	return req->replied ? MHD_YES : MHD_NO;
}

static void tp_http_completed(void *cls, struct MHD_Connection *conn,
			      void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	struct tp_http_server *srv = cls;
	struct tp_http_request *req = *con_cls;
	if (!req)
		return;
	double seconds = (double)(tp_http_now_ns() - req->started_ns) / 1e9;
	/* A request that never reached the handler (a malformed header, a
	 * client gone early) is freed without being reported. */
	if (srv->cfg.completed && req->conn)
		srv->cfg.completed(req, seconds);
	tp_http_request_free(req);
	*con_cls = NULL;
}

static void tp_http_mhd_log(void *cls, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void tp_http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	tp_warn("http: %s", line);
}

/* Splits "HOST:PORT" or "[V6]:PORT" and resolves it numerically. */
static int tp_http_parse_listen(const char *listen, struct sockaddr_storage *ss,
				socklen_t *sslen, char **err)
{
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen) {
		*err = tp_xasprintf("listen address '%s' is not HOST:PORT", listen);
		return -EINVAL;
	}
	char *host = tp_xstrndup(listen, (size_t)(colon - listen));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host) - 2);
		host[strlen(host) - 2] = '\0';
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || port < 0 || port > 65535) {
		*err = tp_xasprintf("listen port in '%s' is not 0-65535", listen);
		free(host);
		return -EINVAL;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, colon + 1, &hints, &res);
	free(host);
	if (rc != 0 || !res) {
		*err = tp_xasprintf("cannot resolve listen address '%s': %s", listen,
				    gai_strerror(rc));
		return -EINVAL;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int tp_http_start(const struct tp_http_config *cfg, struct tp_http_server **out,
		  char **err)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	*err = NULL;
	int r = tp_http_parse_listen(cfg->listen, &ss, &sslen, err);
	if (r < 0)
		return r;
	struct tp_http_server *srv = tp_xcalloc(1, sizeof *srv);
	srv->cfg = *cfg;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
			 (cfg->thread_per_connection ? MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL
						     : MHD_USE_EPOLL);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* A pool only when asked for one (libmicrohttpd refuses it beside a
	 * thread per connection): an empty option array otherwise. */
	struct MHD_OptionItem pool[] = {
		{ cfg->threads > 1 && !cfg->thread_per_connection ? MHD_OPTION_THREAD_POOL_SIZE
								   : MHD_OPTION_END,
		  (intptr_t)cfg->threads, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	srv->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, &tp_http_access, srv,
		MHD_OPTION_EXTERNAL_LOGGER, &tp_http_mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_ARRAY, pool,
		MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_seconds,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024,
		MHD_OPTION_NOTIFY_COMPLETED, &tp_http_completed, srv,
		MHD_OPTION_URI_LOG_CALLBACK, &tp_http_uri, NULL,
		MHD_OPTION_END);
	if (!srv->daemon) {
		*err = tp_xasprintf("cannot listen on %s (in use, or not an address "
				    "of this machine?)", cfg->listen);
		free(srv);
		return -EADDRINUSE;
	}
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	*out = srv;
	return 0;
}

int tp_http_port(const struct tp_http_server *srv)
{
	return srv->port;
}

void tp_http_stop(struct tp_http_server *srv)
{
	if (!srv)
		return;
	MHD_stop_daemon(srv->daemon);
	free(srv);
}
