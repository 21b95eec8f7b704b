/* Staff sessions, device tokens, CSRF and sign-in; see auth.h. */
#include "auth.h"
#include "audit.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_password.h"
#include "tp_time.h"
#include "tp_token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SRV_COOKIE "tp_session"
#define SRV_MAX_FAILED_LOGINS 5
#define SRV_LOCKOUT_SECONDS (15 * 60)

void srv_token_hash(const char *token, char out[65])
{
	tp_sha256_hex(token, strlen(token), out);
}

static unsigned srv_role_perm(const char *role)
{
	if (strcmp(role, "admin") == 0)
		return SRV_P_ADMIN;
	if (strcmp(role, "worker") == 0)
		return SRV_P_WORKER;
	return SRV_P_VIEWER;
}

void srv_actor_cli(struct srv_actor *a, const char *label)
{
	memset(a, 0, sizeof *a);
	a->kind = SRV_ACTOR_CLI;
	a->perm = SRV_P_ADMIN;
	snprintf(a->label, sizeof a->label, "%s", label);
}

void srv_actor_staff(struct srv_actor *a, int64_t id, const char *username,
		     const char *role)
{
	memset(a, 0, sizeof *a);
	a->kind = SRV_ACTOR_STAFF;
	a->id = id;
	a->perm = srv_role_perm(role);
	snprintf(a->label, sizeof a->label, "user:%lld (%.60s)", (long long)id, username);
}

static int srv_auth_bearer(struct tp_http_request *req, const char *token,
			   struct srv_actor *actor, struct tp_error *e)
{
	sqlite3 *db = srv_store_reader(&srv_app_of(req)->store);
	if (!db)
		return tp_error_set(e, 503, "unavailable", NULL, "the database is unavailable");
	char hash[65];
	srv_token_hash(token, hash);
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT id, kind, name, archived_at, last_seen_at"
			      " FROM devices WHERE token_hash = ?",
			      "t", hash);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r != 1) {
		sqlite3_finalize(st);
		return tp_error_set(e, 401, "invalid_token", NULL,
				    "the bearer token is not known");
	}
	if (!tp_db_col_null(st, 3)) {
		sqlite3_finalize(st);
		return tp_error_set(e, 401, "revoked_token", NULL,
				    "this device's token has been revoked; pair it again");
	}
	actor->kind = SRV_ACTOR_DEVICE;
	actor->id = sqlite3_column_int64(st, 0);
	actor->perm = strcmp(tp_db_col_text(st, 1), "gateway") == 0 ? SRV_P_GATEWAY
								       : SRV_P_KIOSK;
	snprintf(actor->label, sizeof actor->label, "device:%lld (%.60s)",
		 (long long)actor->id, tp_db_col_text(st, 2));
	int64_t seen = sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	/* Last-seen is for staff to spot a silent kiosk: a minute's precision
	 * is enough, and it keeps the writer out of every device request. */
	int64_t now = tp_now();
	if (now - seen >= 60) {
		struct srv_store *store = &srv_app_of(req)->store;
		sqlite3 *w;
		if (srv_store_write_begin(store, &w) == 0)
			srv_store_write_end(store, tp_db_run(w,
				"UPDATE devices SET last_seen_at = ? WHERE id = ?", "ii",
				now, actor->id));
	}
	return 0;
}

static int srv_auth_cookie(struct tp_http_request *req, const char *token,
			   struct srv_actor *actor, struct tp_error *e)
{
	sqlite3 *db = srv_store_reader(&srv_app_of(req)->store);
	if (!db)
		return tp_error_set(e, 503, "unavailable", NULL, "the database is unavailable");
	char hash[65];
	srv_token_hash(token, hash);
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT u.id, u.username, u.role, s.csrf_token"
			      " FROM web_sessions s JOIN staff_users u ON u.id = s.user_id"
			      " WHERE s.token_hash = ? AND s.expires_at > ?"
			      "   AND u.archived_at IS NULL",
			      "ti", hash, tp_now());
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r != 1) {
		sqlite3_finalize(st);
		return tp_error_set(e, 401, "session_expired", NULL,
				    "your session has ended; please sign in again");
	}
	srv_actor_staff(actor, sqlite3_column_int64(st, 0), tp_db_col_text(st, 1),
			tp_db_col_text(st, 2));
	actor->via_cookie = true;
	snprintf(actor->csrf, sizeof actor->csrf, "%s", tp_db_col_text(st, 3));
	sqlite3_finalize(st);
	return 0;
}

int srv_authenticate(struct tp_http_request *req, struct srv_actor *actor,
		     struct tp_error *e)
{
	memset(actor, 0, sizeof *actor);
	snprintf(actor->label, sizeof actor->label, "anonymous");
	const char *authz = tp_http_header(req, "Authorization");
	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7) != 0 || !authz[7])
			return tp_error_set(e, 401, "invalid_token", NULL,
					    "the Authorization header must be \"Bearer <token>\"");
		return srv_auth_bearer(req, authz + 7, actor, e);
	}
	const char *cookie = tp_http_cookie(req, SRV_COOKIE);
	if (cookie && *cookie)
		return srv_auth_cookie(req, cookie, actor, e);
	return 0;
}

bool srv_same_origin(struct tp_http_request *req)
{
	const char *origin = tp_http_header(req, "Origin");
	if (!origin)
		origin = tp_http_header(req, "Referer");
	if (!origin)
		return true; /* not a browser, or an old one: the token decides */
	const char *host = tp_http_header(req, "Host");
	if (!host)
		return false;
	const char *p = strstr(origin, "://");
	if (!p)
		return false;
	p += 3;
	size_t n = strlen(host);
	return strncasecmp(p, host, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

int srv_check_csrf(struct tp_http_request *req, const struct srv_actor *actor,
		   struct tp_error *e)
{
	if (!actor->via_cookie)
		return 0;
	const char *m = req->method;
	if (!strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS"))
		return 0;
	const char *token = tp_http_header(req, "X-CSRF-Token");
	if (!token || strlen(token) != strlen(actor->csrf) ||
	    !tp_ct_equal(token, actor->csrf, strlen(token)))
		return tp_error_set(e, 403, "csrf", NULL,
				    "missing or wrong X-CSRF-Token header (reload the page)");
	if (!srv_same_origin(req))
		return tp_error_set(e, 403, "csrf", NULL,
				    "the request came from another site");
	return 0;
}

static json_t *srv_user_json(int64_t id, const char *username,
			     const char *display_name, const char *role)
{
	json_t *u = json_object();
	json_object_set_new(u, "id", json_integer(id));
	json_object_set_new(u, "username", json_string(username));
	tp_json_set_text(u, "display_name", display_name);
	json_object_set_new(u, "role", json_string(role));
	return u;
}

/* A hash of a password nobody has, verified when the username is unknown so
 * that the answer takes as long as for a real account. */
static char *srv_dummy_hash;
static pthread_once_t srv_dummy_once = PTHREAD_ONCE_INIT;
static void srv_dummy_init(void)
{
	char *pw = tp_password_generate();
	if (tp_password_hash(pw, &srv_dummy_hash) < 0)
		srv_dummy_hash = NULL;
	free(pw);
}

static void srv_dummy_free(void) __attribute__((destructor));
static void srv_dummy_free(void)
{
	free(srv_dummy_hash);
}

/* Reads a staff account by username through the reader. */
struct srv_account {
	int64_t id;
	char *username, *display_name, *role, *password_hash;
	int failed_logins;
	int64_t locked_until;
};

static void srv_account_release(struct srv_account *a)
{
	free(a->username);
	free(a->display_name);
	free(a->role);
	free(a->password_hash);
}

/* 1 when found, 0 when there is no such active account, or an error. */
static int srv_account_find(sqlite3 *db, const char *username, int64_t id,
			    struct srv_account *a)
{
	memset(a, 0, sizeof *a);
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT id, username, display_name, role, password_hash,"
			      " failed_logins, locked_until FROM staff_users"
			      " WHERE (username = ?1 OR id = ?2) AND archived_at IS NULL",
			      "ti", username, id);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 1) {
		a->id = sqlite3_column_int64(st, 0);
		a->username = tp_xstrdup(tp_db_col_text(st, 1));
		a->display_name = tp_xstrdup(tp_db_col_text(st, 2));
		a->role = tp_xstrdup(tp_db_col_text(st, 3));
		a->password_hash = tp_xstrdup(tp_db_col_text(st, 4));
		a->failed_logins = sqlite3_column_int(st, 5);
		a->locked_until = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return r;
}

/* Counts a wrong password; the fifth in a row locks the account. */
static int srv_login_failed(struct srv_app *app, const struct srv_account *a)
{
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		return r;
	r = tp_db_run(w, "UPDATE staff_users SET"
			 " failed_logins = CASE WHEN failed_logins + 1 >= ?1 THEN 0"
			 "                 ELSE failed_logins + 1 END,"
			 " locked_until = CASE WHEN failed_logins + 1 >= ?1 THEN ?2"
			 "                ELSE locked_until END"
			 " WHERE id = ?3",
		      "Iii", SRV_MAX_FAILED_LOGINS, tp_now() + SRV_LOCKOUT_SECONDS, a->id);
	return srv_store_write_end(&app->store, r);
}

/* Creates the browser session: sets the cookie, returns the CSRF token. */
static int srv_session_create(struct tp_http_request *req, const struct srv_account *a,
			      char **csrf_out)
{
	struct srv_app *app = srv_app_of(req);
	int64_t now = tp_now();
	char *token = tp_token_new("", 32);
	char *csrf = tp_token_new("", 20);
	char hash[65];
	srv_token_hash(token, hash);
	struct srv_actor actor;
	srv_actor_staff(&actor, a->id, a->username, a->role);
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r == 0) {
		r = tp_db_run(w, "DELETE FROM web_sessions WHERE expires_at <= ?", "i", now);
		if (r == 0)
			r = tp_db_run(w, "INSERT INTO web_sessions (token_hash, user_id,"
					 " csrf_token, created_at, expires_at)"
					 " VALUES (?, ?, ?, ?, ?)",
				      "titii", hash, a->id, csrf, now, now + app->session_seconds);
		if (r == 0)
			r = tp_db_run(w, "UPDATE staff_users SET failed_logins = 0,"
					 " locked_until = NULL WHERE id = ?", "i", a->id);
		if (r == 0)
			r = srv_audit(w, &actor, "login", "staff_user", a->id, NULL);
		r = srv_store_write_end(&app->store, r);
	}
	if (r == 0) {
		char *cookie = tp_xasprintf(SRV_COOKIE "=%s; Path=/; HttpOnly;"
					    " SameSite=Strict; Max-Age=%lld%s", token,
					    (long long)app->session_seconds,
					    app->cookie_secure ? "; Secure" : "");
		tp_http_add_header(req, "Set-Cookie", cookie);
		free(cookie);
		*csrf_out = csrf;
	} else {
		free(csrf);
	}
	free(token);
	return r;
}

/* The password check runs outside the write lock: the KDF is slow on
 * purpose, and must not hold up check-ins. */
int srv_auth_login(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	const char *username = NULL;
	static const char *const keys[] = { "username", "password", NULL };
	if (!srv_same_origin(req)) {
		tp_error_set(&e, 403, "csrf", NULL, "the request came from another site");
		return srv_reply_error(req, &e);
	}
	if (tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e) < 0 ||
	    tp_json_only_keys(in, keys, &e) < 0 ||
	    tp_json_text(in, "username", true, 64, false, &username, &e) < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	json_t *pw = json_object_get(in, "password");
	if (!json_is_string(pw) || json_string_length(pw) == 0 ||
	    json_string_length(pw) > 200) {
		json_decref(in);
		tp_error_set(&e, 400, "missing_field", "password", "is required");
		return srv_reply_error(req, &e);
	}
	const char *password = json_string_value(pw);
	sqlite3 *db = srv_reader(req);
	if (!db) {
		json_decref(in);
		return 0;
	}
	struct srv_account a;
	int r = srv_account_find(db, username, 0, &a);
	int64_t now = tp_now();
	if (r == 1 && a.locked_until > now) {
		tp_error_set(&e, 429, "locked", NULL,
			     "too many wrong passwords: try again in %lld minutes",
			     (long long)((a.locked_until - now + 59) / 60));
	} else if (r == 1 && tp_password_verify(password, a.password_hash) != 0) {
		r = srv_login_failed(app, &a);
		tp_error_set(&e, 401, "wrong_password", NULL, "wrong username or password");
	} else if (r == 0) {
		pthread_once(&srv_dummy_once, srv_dummy_init);
		if (srv_dummy_hash)
			tp_password_verify(password, srv_dummy_hash);
		tp_error_set(&e, 401, "wrong_password", NULL, "wrong username or password");
	}
	json_decref(in);
	char *csrf = NULL;
	if (r >= 0 && !e.status)
		r = srv_session_create(req, &a, &csrf);
	if (r < 0 || e.status) {
		srv_account_release(&a);
		return r < 0 ? r : srv_reply_error(req, &e);
	}
	json_t *out = json_pack("{s:o, s:s}", "user",
				srv_user_json(a.id, a.username, a.display_name, a.role),
				"csrf_token", csrf);
	free(csrf);
	srv_account_release(&a);
	return tp_http_reply_json(req, 200, out);
}

int srv_auth_logout(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	const struct srv_actor *actor = srv_actor_of(req);
	const char *cookie = tp_http_cookie(req, SRV_COOKIE);
	if (!srv_same_origin(req))
		return tp_http_reply_error(req, 403, "csrf", "the request came from another site");
	if (cookie && actor->kind == SRV_ACTOR_STAFF) {
		char hash[65];
		srv_token_hash(cookie, hash);
		sqlite3 *w;
		int r = srv_store_write_begin(&app->store, &w);
		if (r < 0)
			return r;
		r = tp_db_run(w, "DELETE FROM web_sessions WHERE token_hash = ?", "t", hash);
		if (r == 0)
			r = srv_audit(w, actor, "logout", "staff_user", actor->id, NULL);
		r = srv_store_write_end(&app->store, r);
		if (r < 0)
			return r;
	}
	tp_http_add_header(req, "Set-Cookie", SRV_COOKIE "=; Path=/; HttpOnly;"
			   " SameSite=Strict; Max-Age=0");
	return tp_http_reply_json(req, 200, json_pack("{s:b}", "signed_out", 1));
}

int srv_auth_me(struct tp_http_request *req)
{
	const struct srv_actor *actor = srv_actor_of(req);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	if (actor->kind == SRV_ACTOR_DEVICE) {
		json_t *d = json_object();
		json_object_set_new(d, "device_id", json_integer(actor->id));
		json_object_set_new(d, "role", json_string(actor->perm == SRV_P_KIOSK
								   ? "kiosk" : "gateway"));
		return tp_http_reply_json(req, 200, d);
	}
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, "SELECT username, display_name, role"
				      " FROM staff_users WHERE id = ?", "i", actor->id);
	if (r < 0)
		return r;
	if ((r = tp_db_step(st)) != 1) {
		sqlite3_finalize(st);
		return r < 0 ? r : tp_http_reply_error(req, 401, "session_expired",
						       "please sign in again");
	}
	json_t *user = srv_user_json(actor->id, tp_db_col_text(st, 0),
				     tp_db_col_text(st, 1), tp_db_col_text(st, 2));
	sqlite3_finalize(st);
	return tp_http_reply_json(req, 200, json_pack("{s:o, s:s}", "user", user,
						      "csrf_token", actor->csrf));
}

int srv_auth_password(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	const struct srv_actor *actor = srv_actor_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	static const char *const keys[] = { "current_password", "new_password", NULL };
	if (tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e) < 0 ||
	    tp_json_only_keys(in, keys, &e) < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	const char *current = json_string_value(json_object_get(in, "current_password"));
	const char *next = json_string_value(json_object_get(in, "new_password"));
	const char *why = "is required";
	if (!current) {
		tp_error_set(&e, 400, "missing_field", "current_password", "is required");
	} else if (!next || !tp_password_acceptable(next, &why)) {
		tp_error_set(&e, 400, "invalid_field", "new_password", "%s", why);
	}
	if (e.status) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	sqlite3 *db = srv_reader(req);
	if (!db) {
		json_decref(in);
		return 0;
	}
	struct srv_account a;
	char *hash = NULL;
	int r = srv_account_find(db, NULL, actor->id, &a);
	if (r == 1 && tp_password_verify(current, a.password_hash) != 0)
		tp_error_set(&e, 403, "wrong_password", "current_password",
			     "is not your current password");
	else if (r == 1)
		r = tp_password_hash(next, &hash);
	if (r >= 0 && !e.status) {
		sqlite3 *w;
		r = srv_store_write_begin(&app->store, &w);
		if (r == 0) {
			r = tp_db_run(w, "UPDATE staff_users SET password_hash = ?,"
					 " updated_at = ? WHERE id = ?",
				      "tii", hash, tp_now(), actor->id);
			/* Other browser sessions of this user end with the old password. */
			if (r == 0)
				r = tp_db_run(w, "DELETE FROM web_sessions WHERE user_id = ?"
						 " AND csrf_token <> ?", "it", actor->id, actor->csrf);
			if (r == 0)
				r = srv_audit(w, actor, "password_change", "staff_user",
					      actor->id, NULL);
			r = srv_store_write_end(&app->store, r);
		}
	}
	srv_account_release(&a);
	free(hash);
	json_decref(in);
	if (e.status)
		return srv_reply_error(req, &e);
	if (r < 0)
		return r;
	return tp_http_reply_json(req, 200, json_pack("{s:b}", "changed", 1));
}
