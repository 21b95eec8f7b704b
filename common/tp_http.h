/*
 * HTTP plumbing over libmicrohttpd, shared by the daemons: a server with a
 * bounded epoll thread pool, connection limits, timeouts and a request body
 * cap (413 past it); a per-request context that lives from libmicrohttpd's
 * first call to its request-completed callback; a route table with {name}
 * path parameters; and one-line replies (JSON, JSON errors, other types).
 *
 * It is not an application framework: what a route needs (auth, roles) is
 * the daemon's business, through the route's data pointer.
 */
#ifndef TP_HTTP_H
#define TP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tp_buf.h"
#include "tp_error.h"

struct MHD_Connection;
struct tp_http_server;

#define TP_HTTP_MAX_PARAMS 4
#define TP_HTTP_MAX_HEADERS 8

struct tp_http_request {
	struct MHD_Connection *conn;
	struct tp_http_server *server;
	const char *method;          /* borrowed from libmicrohttpd */
	char *path;                  /* the URL path, without the query */
	char *target;                /* the request target as received: path and
					query, not decoded (for webhook signatures) */
	struct tp_buf body;          /* the upload, capped; NUL-terminated */
	bool too_big;
	bool replied;
	int status;                  /* what was answered, for logs and metrics */
	int64_t started_ns;
	const char *route_name;      /* the matched route's pattern, or NULL */
	char *params[TP_HTTP_MAX_PARAMS]; /* path parameters, owned */
	size_t nparams;
	char *header_names[TP_HTTP_MAX_HEADERS];   /* extra response headers */
	char *header_values[TP_HTTP_MAX_HEADERS];
	size_t nheaders;
	void *app;                   /* the daemon's context, from the config */
	void *user;                  /* per-request data of the daemon's */
	void (*user_free)(void *user);
};

/* A handler answers through the reply functions. One that returns
 * -ECONNABORTED without answering has the connection closed unanswered (as
 * a dropped network would); any other unanswered return gets a 500. */
typedef int (*tp_http_handler)(struct tp_http_request *req);

struct tp_http_config {
	const char *listen;          /* "HOST:PORT"; port 0 picks a free one */
	unsigned threads;            /* worker threads in the pool */
	bool thread_per_connection;  /* instead: a thread per connection, so one
					handler may block without holding up
					others (the tests' fake providers) */
	unsigned max_connections;
	unsigned per_ip_connections; /* 0: no per-address limit */
	unsigned timeout_seconds;    /* idle connection timeout */
	size_t body_limit;           /* bytes; larger uploads get 413 */
	tp_http_handler handler;     /* called once a request is complete */
	void *app;                   /* copied into every request */
	/* Called for every request once answered (logs, metrics); may be NULL. */
	void (*completed)(struct tp_http_request *req, double seconds);
};

/* Starts the server; on failure *err gets a message (caller frees). */
int tp_http_start(const struct tp_http_config *cfg, struct tp_http_server **out,
		  char **err);
/* The port bound (useful after asking for port 0). */
int tp_http_port(const struct tp_http_server *srv);
/* Stops accepting, finishes requests under way, frees the server. */
void tp_http_stop(struct tp_http_server *srv);

/* Request accessors: values are borrowed for the request's lifetime. */
const char *tp_http_header(struct tp_http_request *req, const char *name);
const char *tp_http_query(struct tp_http_request *req, const char *name);
const char *tp_http_cookie(struct tp_http_request *req, const char *name);
/* Calls fn for each query parameter (decoded), in order. */
void tp_http_query_foreach(struct tp_http_request *req,
			   void (*fn)(void *ctx, const char *key, const char *value),
			   void *ctx);
/* The peer's address as text ("127.0.0.1"), into buf. */
void tp_http_peer(struct tp_http_request *req, char *buf, size_t len);

/* Adds a header to the response this request will get (copied). */
void tp_http_add_header(struct tp_http_request *req, const char *name,
			const char *value);

/* Replies with a copy of data. Each request is answered once. */
int tp_http_reply(struct tp_http_request *req, int status,
		  const char *content_type, const void *data, size_t len);
/* Replies with body serialised as JSON; takes ownership of body. */
int tp_http_reply_json(struct tp_http_request *req, int status, json_t *body);
/* {"error": {"code": code, "message": ...}} with the given status. */
int tp_http_reply_error(struct tp_http_request *req, int status,
			const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same from a filled struct tp_error (adds "field" when set). */
int tp_http_reply_tp_error(struct tp_http_request *req, const struct tp_error *e);

/* A route: pattern segments of the form {name} match one path segment. */
struct tp_route {
	const char *method;
	const char *pattern;
	tp_http_handler handler;
	const void *data;            /* the daemon's, e.g. who may call it */
};

/*
 * Finds the route for the request. Fills req->params and req->route_name.
 * Returns the route, or NULL with *method_mismatch set when the path exists
 * under another method (answer 405) and clear when it does not (404).
 */
const struct tp_route *tp_http_route(struct tp_http_request *req,
				     const struct tp_route *routes, size_t count,
				     bool *method_mismatch);

/* Answers a request no route took: 405 when the path exists under another
 * method (method_mismatch from tp_http_route), else 404. */
int tp_http_reply_unrouted(struct tp_http_request *req, bool method_mismatch);

#endif
