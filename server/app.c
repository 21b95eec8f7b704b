/* Request dispatch: route, authenticate, authorise, run; see app.h. */
#include "app.h"
#include "auth.h"
#include "routes.h"
#include "tp_alloc.h"
#include "tp_log.h"
#include "tp_metrics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int64_t srv_param_id(struct tp_http_request *req, size_t index)
{
	if (index >= req->nparams)
		return 0;
	const char *s = req->params[index];
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (errno || *end || end == s || n < 1)
		return 0;
	return n;
}

int srv_reply_error(struct tp_http_request *req, const struct tp_error *e)
{
	tp_http_reply_tp_error(req, e);
	return 0;
}

sqlite3 *srv_reader(struct tp_http_request *req)
{
	sqlite3 *db = srv_store_reader(&srv_app_of(req)->store);
	if (!db)
		tp_http_reply_error(req, 503, "unavailable",
				    "the database cannot be opened; try again shortly");
	return db;
}

int srv_dispatch(struct tp_http_request *req)
{
	struct srv_request *sr = tp_xcalloc(1, sizeof *sr);
	req->user = sr;
	req->user_free = free;
	struct tp_error e;
	tp_error_clear(&e);

	bool other_method = false;
	const struct tp_route *route = tp_http_route(req, srv_routes, srv_route_count,
						     &other_method);
	if (!route) {
		if (other_method)
			return tp_http_reply_error(req, 405, "method_not_allowed",
						   "%s is not allowed on %s", req->method, req->path);
		return tp_http_reply_error(req, 404, "not_found", "there is nothing at %s",
					   req->path);
	}
	sr->meta = route->data;
	unsigned allow = sr->meta->allow;
	int r = srv_authenticate(req, &sr->actor, &e);
	if (r < 0 && (allow & SRV_P_PUBLIC)) {
		/* An ended session or an old token does not stand in the way of
		 * what anyone may do: a browser holding yesterday's cookie must
		 * still reach the sign-in. */
		memset(&sr->actor, 0, sizeof sr->actor);
		tp_error_clear(&e);
		r = 0;
	}
	if (r < 0)
		return srv_reply_error(req, &e);
	if (!(allow & SRV_P_PUBLIC)) {
		if (sr->actor.kind == SRV_ACTOR_NONE)
			return tp_http_reply_error(req, 401, "unauthenticated",
						   "sign in, or send a bearer token");
		if (!(allow & sr->actor.perm))
			return tp_http_reply_error(req, 403, "forbidden",
						   "your role may not do this");
	}
	/* Public routes (sign-in, sign-out) do their own origin check, so a
	 * browser holding an old session can still sign in as someone else. */
	if (!(allow & SRV_P_PUBLIC) && srv_check_csrf(req, &sr->actor, &e) < 0)
		return srv_reply_error(req, &e);
	r = route->handler(req);
	if (r < 0 && !req->replied) {
		if (r == -EBUSY)
			return tp_http_reply_error(req, 503, "busy",
						   "the server is busy; try again");
		tp_error("%s %s failed: %s", req->method, req->path, strerror(-r));
		return tp_http_reply_error(req, 500, "internal",
					   "something went wrong on the server; nothing was saved");
	}
	return 0;
}

void srv_request_completed(struct tp_http_request *req, double seconds)
{
	tp_metrics_request(req->route_name, req->method, req->status, seconds);
	const struct srv_request *sr = req->user;
	/* Reads that went well are routine (a kiosk polls every few seconds,
	 * the gateway claims every two): they are logged at debug level;
	 * changes and failures at info (what a claim hands out shows in the
	 * results the gateway reports). */
	bool poll = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0 ||
		    strcmp(req->path, "/api/v1/gateway/claim") == 0;
	enum tp_log_level level = req->status < 400 && poll ? TP_LOG_DEBUG : TP_LOG_INFO;
	tp_log(level, "%s %s %d %.1fms %s", req->method, req->path, req->status,
	       seconds * 1000, sr ? sr->actor.label : "-");
}
