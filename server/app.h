/*
 * The server's shared context and request dispatch: who may call a route
 * (permission bits on each route), who is calling (struct srv_actor, set by
 * auth.c), and the per-request state handlers reach through the request.
 */
#ifndef SRV_APP_H
#define SRV_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"
#include "tp_config.h"
#include "tp_http.h"

/* Who may call a route: one bit per kind of caller. */
#define SRV_P_PUBLIC  (1u << 0)   /* no authentication */
#define SRV_P_VIEWER  (1u << 1)
#define SRV_P_WORKER  (1u << 2)
#define SRV_P_ADMIN   (1u << 3)
#define SRV_P_KIOSK   (1u << 4)
#define SRV_P_GATEWAY (1u << 5)
#define SRV_P_STAFF_READ (SRV_P_VIEWER | SRV_P_WORKER | SRV_P_ADMIN)
#define SRV_P_STAFF_WRITE (SRV_P_WORKER | SRV_P_ADMIN)

struct srv_resource;

struct srv_route_meta {
	unsigned allow;                    /* SRV_P_* bits */
	const struct srv_resource *res;    /* for the generic resource handlers */
};

enum srv_actor_kind { SRV_ACTOR_NONE, SRV_ACTOR_STAFF, SRV_ACTOR_DEVICE, SRV_ACTOR_CLI };

struct srv_actor {
	enum srv_actor_kind kind;
	int64_t id;          /* staff user id or device id; 0 for the CLI */
	unsigned perm;       /* the SRV_P_* bit of this caller */
	bool via_cookie;     /* a browser session: CSRF rules apply */
	char label[96];      /* for the audit log: "user:3 (amy)", "device:2", "cli" */
	char csrf[64];       /* the browser session's CSRF token */
};

struct srv_app {
	struct srv_store store;
	struct tp_config config;
	char *assets;            /* folder of the web assets */
	char *public_url;        /* how people reach the server, for QR links */
	int64_t session_seconds; /* staff browser session lifetime */
	bool cookie_secure;      /* mark cookies Secure (behind HTTPS) */
	bool dev_mode;
	int quiet_start, quiet_end; /* quiet hours, minutes of the Hong Kong day
				     * (equal: none); see messages.h */
};

/* The per-request state, in req->user. */
struct srv_request {
	struct srv_actor actor;
	const struct srv_route_meta *meta;
};

/* The request's dispatcher for tp_http (routes, auth, permissions). */
int srv_dispatch(struct tp_http_request *req);
/* Logs the request and feeds the metrics; tp_http's completed hook. */
void srv_request_completed(struct tp_http_request *req, double seconds);

static inline struct srv_app *srv_app_of(struct tp_http_request *req)
{
	return req->app;
}

static inline struct srv_request *srv_request_of(struct tp_http_request *req)
{
	return req->user;
}

static inline const struct srv_actor *srv_actor_of(struct tp_http_request *req)
{
	return &srv_request_of(req)->actor;
}

/* Parses a path parameter as a positive id; 0 when it is not one. */
int64_t srv_param_id(struct tp_http_request *req, size_t index);
/* Answers with e (a refused request), returning 0 for the handler. */
int srv_reply_error(struct tp_http_request *req, const struct tp_error *e);
/* The reader connection, or a 503 reply and NULL. */
sqlite3 *srv_reader(struct tp_http_request *req);

#endif
