/* The kiosk's local HTTP interface; see ui.h. */
#include "ui.h"
#include "kiosk.h"
#include "outbox.h"
#include "scan.h"
#include "sync.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_metrics.h"
#include "tp_qr.h"
#include "tp_session_code.h"
#include "tp_static.h"
#include "tp_time.h"
#include "tp_token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIOSK_STAFF_MINUTES 10
#define KIOSK_PIN_TRIES 5
#define KIOSK_PIN_LOCK_SECONDS 300

static struct kiosk_app *kiosk_app_of(struct tp_http_request *req)
{
	return req->app;
}

static int kiosk_reply_error(struct tp_http_request *req, const struct tp_error *e)
{
	tp_http_reply_tp_error(req, e);
	return 0;
}

/* Parses the body as a JSON object; replies 400 and returns NULL if not. */
static json_t *kiosk_body(struct tp_http_request *req)
{
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	if (tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e) < 0) {
		kiosk_reply_error(req, &e);
		return NULL;
	}
	return in;
}

static int64_t kiosk_query_id(struct tp_http_request *req, const char *name)
{
	const char *v = tp_http_query(req, name);
	return v ? strtoll(v, NULL, 10) : 0;
}

static int kiosk_state(struct tp_http_request *req)
{
	struct kiosk_app *app = kiosk_app_of(req);
	int64_t pending = 0, rejected = 0;
	kiosk_outbox_counts(app, &pending, &rejected);
	int64_t now = tp_now();
	int64_t contact = atomic_load(&app->last_contact);
	int64_t synced = atomic_load(&app->last_sync);
	sqlite3 *db;
	json_t *open = NULL;
	if (tp_db_writer_begin(&app->db, &db) == 0) {
		open = kiosk_open_sessions(db, now);
		tp_db_writer_end(&app->db, 0);
	}
	json_t *out = json_pack("{s:{s:s?, s:s?}, s:b, s:b, s:I, s:I, s:o}",
				"device", "name", app->creds.name, "venue", app->creds.venue,
				"online", contact && now - contact < 30,
				"revoked", atomic_load(&app->revoked),
				"pending", (json_int_t)pending, "rejected", (json_int_t)rejected,
				"sessions", open ? open : json_array());
	tp_json_set_time(out, "last_sync", synced);
	tp_json_set_time(out, "now", now);
	return tp_http_reply_json(req, 200, out);
}

static int kiosk_scan_post(struct tp_http_request *req)
{
	json_t *in = kiosk_body(req);
	if (!in)
		return 0;
	struct tp_error e;
	tp_error_clear(&e);
	const char *code = NULL;
	int64_t session = 0;
	json_t *out = NULL;
	if (tp_json_text(in, "code", true, 300, false, &code, &e) < 0 ||
	    tp_json_int(in, "session_id", false, 1, INT64_MAX, &session, &e) < 0) {
		json_decref(in);
		return kiosk_reply_error(req, &e);
	}
	int r = kiosk_scan(kiosk_app_of(req), code, session, &out);
	json_decref(in);
	if (r < 0) {
		json_decref(out);
		return r;
	}
	char labels[64];
	snprintf(labels, sizeof labels, "result=\"%s\"",
		 json_string_value(json_object_get(out, "result")));
	tp_counter_add(tp_counter_get("touchpoint_kiosk_scans_total", "Scans at this kiosk",
				      labels), 1);
	return tp_http_reply_json(req, 200, out);
}

/* The rotating QR a phone scans: a link to the server, changing every window. */
static int kiosk_session_qr(struct tp_http_request *req)
{
	struct kiosk_app *app = kiosk_app_of(req);
	int64_t session = kiosk_query_id(req, "session_id");
	sqlite3 *db;
	char *key = NULL, *base = NULL;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	r = tp_db_text(db, &key, "SELECT qr_key FROM sessions WHERE id = ?", "i", session);
	if (tp_db_text(db, &base, "SELECT value FROM meta WHERE key = 'phone_link_base'",
		       NULL) < 0)
		base = NULL;
	tp_db_writer_end(&app->db, 0);
	if (r < 0 || !key) {
		free(key);
		free(base);
		return tp_http_reply_error(req, 404, "not_found", "no such session today");
	}
	int64_t now = tp_now();
	char path[128];
	tp_session_code_path(key, session, now, path, sizeof path);
	free(key);
	/* path is "/p/<link>"; the server's public base ends in "/p/". */
	char *url = base ? tp_xasprintf("%s%s", base, path + 3)
			 : tp_xasprintf("%s%s", app->creds.server, path);
	free(base);
	struct tp_buf svg;
	tp_buf_init(&svg, 1024 * 1024);
	r = tp_qr_svg(url, 480, &svg);
	free(url);
	if (r == 0) {
		char refresh[16];
		snprintf(refresh, sizeof refresh, "%lld",
			 (long long)(TP_SESSION_CODE_WINDOW - now % TP_SESSION_CODE_WINDOW));
		tp_http_add_header(req, "X-Refresh-In", refresh);
		r = tp_http_reply(req, 200, "image/svg+xml", tp_buf_str(&svg), svg.len);
	}
	tp_buf_release(&svg);
	return r;
}

static int kiosk_form(struct tp_http_request *req)
{
	struct kiosk_app *app = kiosk_app_of(req);
	char *dir = tp_xasprintf("%s/forms", app->assets);
	char *name = tp_xasprintf("%s.json", req->params[0]);
	int r = tp_static_reply(req, dir, name);
	free(dir);
	free(name);
	return r;
}

static int kiosk_feedback(struct tp_http_request *req)
{
	struct kiosk_app *app = kiosk_app_of(req);
	json_t *in = kiosk_body(req);
	if (!in)
		return 0;
	struct tp_error e;
	tp_error_clear(&e);
	const char *form = NULL;
	int64_t session = 0, participant = 0;
	json_t *answers = json_object_get(in, "answers");
	if (tp_json_text(in, "form", true, 64, false, &form, &e) < 0 ||
	    tp_json_int(in, "session_id", false, 1, INT64_MAX, &session, &e) < 0 ||
	    tp_json_int(in, "participant_id", false, 1, INT64_MAX, &participant, &e) < 0) {
		json_decref(in);
		return kiosk_reply_error(req, &e);
	}
	if (!json_is_object(answers)) {
		json_decref(in);
		tp_error_set(&e, 400, "invalid_field", "answers", "must be an object");
		return kiosk_reply_error(req, &e);
	}
	char when[32];
	tp_time_format_utc(tp_now(), when);
	json_t *event = json_pack("{s:s, s:O, s:s}", "form", form, "answers", answers,
				  "submitted_at", when);
	if (session)
		json_object_set_new(event, "session_id", json_integer(session));
	if (participant)
		json_object_set_new(event, "participant_id", json_integer(participant));
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r == 0) {
		char *summary = tp_xasprintf("feedback (%s)", form);
		r = kiosk_outbox_add(db, app, "response", event, summary, 0, NULL);
		free(summary);
		r = tp_db_writer_end(&app->db, r);
	}
	json_decref(event);
	json_decref(in);
	if (r < 0)
		return r;
	kiosk_wake(app, false);
	return tp_http_reply_json(req, 201, json_pack("{s:b}", "queued", 1));
}

static int kiosk_phone_signins_get(struct tp_http_request *req)
{
	json_t *items = kiosk_phone_signins(kiosk_app_of(req), kiosk_query_id(req, "after"));
	return tp_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* Staff mode. The PIN gives a token that lasts a few minutes. */
static int kiosk_pin_failures;
static int64_t kiosk_pin_locked_until;

static int kiosk_staff_login(struct tp_http_request *req)
{
	struct kiosk_app *app = kiosk_app_of(req);
	json_t *in = kiosk_body(req);
	if (!in)
		return 0;
	const char *pin = json_string_value(json_object_get(in, "pin"));
	int64_t now = tp_now();
	int r;
	pthread_mutex_lock(&app->lock);
	if (!app->staff_pin || !*app->staff_pin) {
		r = tp_http_reply_error(req, 403, "no_pin", "staff mode has no PIN set on this kiosk");
	} else if (kiosk_pin_locked_until > now) {
		r = tp_http_reply_error(req, 429, "locked", "too many wrong PINs: wait %lld minutes",
					(long long)((kiosk_pin_locked_until - now + 59) / 60));
	} else if (!pin || strlen(pin) != strlen(app->staff_pin) ||
		   !tp_ct_equal(pin, app->staff_pin, strlen(pin))) {
		if (++kiosk_pin_failures >= KIOSK_PIN_TRIES) {
			kiosk_pin_failures = 0;
			kiosk_pin_locked_until = now + KIOSK_PIN_LOCK_SECONDS;
		}
		r = tp_http_reply_error(req, 403, "wrong_pin", "wrong PIN");
	} else {
		kiosk_pin_failures = 0;
		char *token = tp_token_new("", 20);
		snprintf(app->staff_token, sizeof app->staff_token, "%s", token);
		free(token);
		app->staff_until = now + KIOSK_STAFF_MINUTES * 60;
		r = tp_http_reply_json(req, 200, json_pack("{s:s, s:i}", "token", app->staff_token,
							   "expires_in", KIOSK_STAFF_MINUTES * 60));
	}
	pthread_mutex_unlock(&app->lock);
	json_decref(in);
	return r;
}

static bool kiosk_is_staff(struct tp_http_request *req)
{
	struct kiosk_app *app = kiosk_app_of(req);
	const char *token = tp_http_header(req, "X-Staff-Token");
	pthread_mutex_lock(&app->lock);
	bool ok = token && app->staff_token[0] && app->staff_until > tp_now() &&
		  strlen(token) == strlen(app->staff_token) &&
		  tp_ct_equal(token, app->staff_token, strlen(token));
	if (ok)
		app->staff_until = tp_now() + KIOSK_STAFF_MINUTES * 60;
	pthread_mutex_unlock(&app->lock);
	return ok;
}

static int kiosk_staff_logout(struct tp_http_request *req)
{
	struct kiosk_app *app = kiosk_app_of(req);
	pthread_mutex_lock(&app->lock);
	app->staff_token[0] = '\0';
	app->staff_until = 0;
	pthread_mutex_unlock(&app->lock);
	return tp_http_reply_json(req, 200, json_pack("{s:b}", "signed_out", 1));
}

static int kiosk_staff_roster(struct tp_http_request *req)
{
	int64_t session = kiosk_query_id(req, "session_id");
	json_t *people = kiosk_roster(kiosk_app_of(req), session);
	return tp_http_reply_json(req, 200, json_pack("{s:I, s:o}", "session_id",
						      (json_int_t)session, "people", people));
}

static int kiosk_staff_checkin_post(struct tp_http_request *req)
{
	json_t *in = kiosk_body(req);
	if (!in)
		return 0;
	struct tp_error e;
	tp_error_clear(&e);
	int64_t session = 0, participant = 0;
	json_t *out = NULL;
	if (tp_json_int(in, "session_id", true, 1, INT64_MAX, &session, &e) < 0 ||
	    tp_json_int(in, "participant_id", true, 1, INT64_MAX, &participant, &e) < 0) {
		json_decref(in);
		return kiosk_reply_error(req, &e);
	}
	json_decref(in);
	int r = kiosk_staff_checkin(kiosk_app_of(req), session, participant, &out);
	if (r < 0) {
		json_decref(out);
		return r;
	}
	return tp_http_reply_json(req, 200, out);
}

static int kiosk_staff_undo_post(struct tp_http_request *req)
{
	json_t *in = kiosk_body(req);
	if (!in)
		return 0;
	struct tp_error e;
	tp_error_clear(&e);
	int64_t session = 0, participant = 0;
	const char *reason = NULL;
	json_t *out = NULL;
	if (tp_json_int(in, "session_id", true, 1, INT64_MAX, &session, &e) < 0 ||
	    tp_json_int(in, "participant_id", true, 1, INT64_MAX, &participant, &e) < 0 ||
	    tp_json_text(in, "reason", true, 500, false, &reason, &e) < 0) {
		json_decref(in);
		return kiosk_reply_error(req, &e);
	}
	int r = kiosk_staff_undo(kiosk_app_of(req), session, participant, reason, &out);
	json_decref(in);
	if (r < 0) {
		json_decref(out);
		return r;
	}
	return tp_http_reply_json(req, 200, out);
}

static int kiosk_staff_refresh(struct tp_http_request *req)
{
	kiosk_wake(kiosk_app_of(req), true);
	return tp_http_reply_json(req, 202, json_pack("{s:b}", "refreshing", 1));
}

static int kiosk_staff_events(struct tp_http_request *req)
{
	return tp_http_reply_json(req, 200, json_pack("{s:o}", "items",
						      kiosk_outbox_list(kiosk_app_of(req))));
}

static int kiosk_static(struct tp_http_request *req)
{
	struct kiosk_app *app = kiosk_app_of(req);
	char *dir = tp_xasprintf("%s/kiosk%s", app->assets,
				 strncmp(req->path, "/vendor/", 8) == 0 ? "/vendor" : "");
	int r = tp_static_reply(req, dir, req->nparams ? req->params[0] : "index.html");
	free(dir);
	return r;
}

#define K_PUBLIC 0
#define K_STAFF 1

static const struct tp_route kiosk_routes[] = {
	{ "GET", "/api/state", kiosk_state, (const void *)K_PUBLIC },
	{ "POST", "/api/scan", kiosk_scan_post, (const void *)K_PUBLIC },
	{ "GET", "/api/session-qr.svg", kiosk_session_qr, (const void *)K_PUBLIC },
	{ "GET", "/api/forms/{key}", kiosk_form, (const void *)K_PUBLIC },
	{ "POST", "/api/feedback", kiosk_feedback, (const void *)K_PUBLIC },
	{ "GET", "/api/phone-signins", kiosk_phone_signins_get, (const void *)K_PUBLIC },
	{ "POST", "/api/staff/login", kiosk_staff_login, (const void *)K_PUBLIC },
	{ "POST", "/api/staff/logout", kiosk_staff_logout, (const void *)K_STAFF },
	{ "GET", "/api/staff/roster", kiosk_staff_roster, (const void *)K_STAFF },
	{ "POST", "/api/staff/checkin", kiosk_staff_checkin_post, (const void *)K_STAFF },
	{ "POST", "/api/staff/undo", kiosk_staff_undo_post, (const void *)K_STAFF },
	{ "POST", "/api/staff/refresh", kiosk_staff_refresh, (const void *)K_STAFF },
	{ "GET", "/api/staff/events", kiosk_staff_events, (const void *)K_STAFF },
	{ "GET", "/metrics", tp_metrics_reply, (const void *)K_PUBLIC },
	{ "GET", "/", kiosk_static, (const void *)K_PUBLIC },
	{ "GET", "/vendor/{file}", kiosk_static, (const void *)K_PUBLIC },
	{ "GET", "/{file}", kiosk_static, (const void *)K_PUBLIC },
};

/* The touch screen reaches the kiosk by its own address. A page elsewhere
 * that rebinds a name of its own to 127.0.0.1 (DNS rebinding) sends that
 * name as Host, and is refused. */
static bool kiosk_host_allowed(struct tp_http_request *req)
{
	const char *host = tp_http_header(req, "Host");
	if (!host)
		return false;
	const char *colon = strrchr(host, ':');
	size_t n = colon && colon[1] != ']' && !strchr(colon, ']') ? (size_t)(colon - host)
								 : strlen(host);
	static const char *const local[] = { "127.0.0.1", "localhost", "[::1]", NULL };
	for (const char *const *l = local; *l; l++)
		if (strlen(*l) == n && strncmp(host, *l, n) == 0)
			return true;
	/* Or the address it was told to listen on. */
	const char *listen = tp_config_get(&kiosk_app_of(req)->config, "listen");
	const char *lc = listen ? strrchr(listen, ':') : NULL;
	return lc && (size_t)(lc - listen) == n && strncmp(host, listen, n) == 0;
}

int kiosk_ui_dispatch(struct tp_http_request *req)
{
	if (!kiosk_host_allowed(req))
		return tp_http_reply_error(req, 403, "forbidden",
					   "this kiosk answers only its own screen");
	bool other_method = false;
	const struct tp_route *route = tp_http_route(
		req, kiosk_routes, sizeof kiosk_routes / sizeof kiosk_routes[0], &other_method);
	if (!route)
		return tp_http_reply_unrouted(req, other_method);
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		const char *mark = tp_http_header(req, "X-Kiosk");
		if (!mark || strcmp(mark, "1") != 0)
			return tp_http_reply_error(req, 403, "forbidden",
						   "requests that change anything need X-Kiosk: 1");
	}
	if (route->data == (const void *)K_STAFF && !kiosk_is_staff(req))
		return tp_http_reply_error(req, 401, "staff_only",
					   "staff mode has ended: enter the PIN again");
	int r = route->handler(req);
	if (r < 0 && !req->replied) {
		tp_error("%s %s failed: %s", req->method, req->path, strerror(-r));
		return tp_http_reply_error(req, 500, "internal", "something went wrong");
	}
	return 0;
}

void kiosk_ui_completed(struct tp_http_request *req, double seconds)
{
	tp_metrics_request(req->route_name, req->method, req->status, seconds);
	tp_debug("%s %s %d %.1fms", req->method, req->path, req->status, seconds * 1000);
}
