/* Webhooks and the route table; see webhooks.h. */
#include "webhooks.h"
#include "adapter.h"
#include "meta.h"
#include "reports.h"
#include "simulator.h"
#include "spool.h"
#include "tp_alloc.h"
#include "tp_log.h"
#include "tp_metrics.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void gw_count_webhook(const char *provider, const char *result, int n)
{
	char labels[96];
	snprintf(labels, sizeof labels, "provider=\"%s\",result=\"%s\"", provider, result);
	tp_counter_add(tp_counter_get("touchpoint_gateway_webhook_events_total",
				      "Provider webhook events by outcome", labels),
		       (uint64_t)n);
}

static int gw_webhook(struct tp_http_request *req)
{
	struct gw_app *app = req->app;
	const struct gw_adapter *ad = gw_adapter_named(req->params[0]);
	if (!ad || !ad->verify || !gw_adapter_active(app, ad))
		return tp_http_reply_error(req, 404, "not_found", "there is nothing at %s",
					   req->path);
	char peer[64];
	tp_http_peer(req, peer, sizeof peer);
	if (!ad->verify(app, req)) {
		tp_warn("webhook %s from %s: bad signature, refused", req->path, peer);
		gw_count_webhook(ad->name, "bad_signature", 1);
		return tp_http_reply_error(req, 403, "bad_signature",
					   "the request's signature does not match");
	}
	json_t *events = json_array();
	struct tp_error e;
	tp_error_clear(&e);
	int r = ad->events(app, req, events, &e);
	if (r < 0) {
		json_decref(events);
		tp_warn("webhook %s from %s: %s", req->path, peer, e.message);
		gw_count_webhook(ad->name, "invalid", 1);
		return tp_http_reply_tp_error(req, &e);
	}
	int added = 0, dups = 0;
	r = gw_spool_add(app, events, &added, &dups);
	json_decref(events);
	if (r < 0) {
		/* Not kept: the provider must send it again. */
		tp_error("webhook %s: cannot keep its events (%d)", req->path, r);
		return tp_http_reply_error(req, 503, "unavailable", "try again later");
	}
	gw_count_webhook(ad->name, "spooled", added);
	if (dups) {
		gw_count_webhook(ad->name, "duplicate", dups);
		tp_info("webhook %s: %d event(s) seen before, recorded once", req->path, dups);
	}
	return tp_http_reply(req, 200, ad->ack_type, ad->ack_body, strlen(ad->ack_body));
}

static int gw_healthz(struct tp_http_request *req)
{
	struct gw_app *app = req->app;
	int64_t pending = 0, refused = 0, reports = 0;
	if (gw_spool_counts(app, &pending, &refused) < 0 || gw_reports_pending(app, &reports) < 0)
		return tp_http_reply_json(req, 503, json_pack("{s:s, s:s}", "status", "failing",
							      "database", "unreachable"));
	json_t *j = json_pack("{s:s, s:s, s:s?, s:s?, s:b, s:I, s:I, s:I, s:I}", "status", "ok",
			      "database", "ok", "sms", app->sms ? app->sms->name : NULL,
			      "whatsapp", app->whatsapp ? app->whatsapp->name : NULL,
			      "server_reachable", atomic_load(&app->server_reachable),
			      "last_claim", (json_int_t)atomic_load(&app->last_claim),
			      "events_waiting", (json_int_t)pending, "events_refused",
			      (json_int_t)refused, "reports_waiting", (json_int_t)reports);
	if (atomic_load(&app->token_refused))
		json_object_set_new(j, "problem",
				    json_string("the server refuses this gateway's token"));
	return tp_http_reply_json(req, 200, j);
}

static int gw_metrics(struct tp_http_request *req)
{
	return tp_metrics_reply(req);
}

static const struct tp_route gw_routes[] = {
	{ "GET", "/healthz", gw_healthz, NULL },
	{ "GET", "/metrics", gw_metrics, NULL },
	{ "GET", "/webhooks/meta", gw_meta_handshake, NULL },
	{ "POST", "/webhooks/{provider}", gw_webhook, NULL },
	{ "POST", "/webhooks/{provider}/status", gw_webhook, NULL },
	{ "GET", "/simulator", gw_sim_page, NULL },
	{ "GET", "/simulator/api/threads", gw_sim_threads, NULL },
	{ "GET", "/simulator/api/thread", gw_sim_thread, NULL },
	{ "POST", "/simulator/api/reply", gw_sim_reply, NULL },
	{ "GET", "/simulator/{file}", gw_sim_file, NULL },
};

int gw_http_dispatch(struct tp_http_request *req)
{
	bool other_method = false;
	const struct tp_route *route = tp_http_route(
		req, gw_routes, sizeof gw_routes / sizeof gw_routes[0], &other_method);
	/* A handler that fails without answering gets tp_http's 500. */
	return route ? route->handler(req) : tp_http_reply_unrouted(req, other_method);
}

void gw_http_completed(struct tp_http_request *req, double seconds)
{
	tp_metrics_request(req->route_name, req->method, req->status, seconds);
	tp_debug("%s %s %d %.1fms", req->method, req->path, req->status, seconds * 1000);
}
