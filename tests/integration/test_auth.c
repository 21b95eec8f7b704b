/*
 * Who may do what: staff sign-in (wrong password, lockout, cookie flags,
 * sign-out), CSRF on browser writes, roles (viewer, worker, admin), device
 * tokens (unknown, revoked, wrong role), and the public routes.
 */
#include "../support/testserver.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct ts_server srv;
	ts_server_prepare(&srv);
	char *admin_pw = ts_create_user(&srv, "admin", "admin");
	char *worker_pw = ts_create_user(&srv, "amy", "worker");
	char *viewer_pw = ts_create_user(&srv, "vic", "viewer");
	char *kiosk = ts_create_token(&srv, "Kiosk", "kiosk", "Room 1");
	char *gateway = ts_create_token(&srv, "Gateway", "gateway", NULL);
	ok(strncmp(kiosk, "tpk_", 4) == 0 && strlen(kiosk) > 30, "a kiosk token is long and typed");
	ok(strncmp(gateway, "tpg_", 4) == 0, "a gateway token says so");
	ts_server_start(&srv);

	struct ts_client anon, admin, worker, viewer, device;
	struct ts_response r;
	ts_client_init(&anon, &srv);
	ts_client_init(&admin, &srv);
	ts_client_init(&worker, &srv);
	ts_client_init(&viewer, &srv);
	ts_client_init(&device, &srv);

	ts_request(&anon, "GET", "/healthz", NULL, &r);
	is_int(r.status, 200, "health needs no sign-in");
	is_str(ts_str(&r, "status"), "ok", "and says ok");
	ts_response_release(&r);
	ts_request(&anon, "GET", "/metrics", NULL, &r);
	ok(r.status == 200 && strstr(r.body, "touchpoint_http_requests_total"),
	   "metrics are in the Prometheus format");
	ts_response_release(&r);

	ts_request(&anon, "GET", "/api/v1/participants", NULL, &r);
	is_int(r.status, 401, "no credentials: 401");
	is_str(ts_error_code(&r), "unauthenticated", "with a code that says so");
	ts_response_release(&r);

	is_int(ts_client_login(&anon, "amy", "not her password"), 401, "a wrong password is refused");
	is_int(ts_client_login(&anon, "nobody", "whatever-password"), 401,
	       "an unknown user gets the same answer");
	ts_requestf(&anon, "POST", "/api/v1/auth/login", &r, "{s:s}", "username", "amy");
	is_int(r.status, 400, "a sign-in without a password is a bad request");
	is_str(ts_error_field(&r), "password", "naming the password");
	ts_response_release(&r);

	/* The session cookie is HttpOnly and SameSite. */
	ts_requestf(&worker, "POST", "/api/v1/auth/login", &r, "{s:s, s:s}", "username", "amy",
		    "password", worker_pw);
	is_int(r.status, 200, "the worker signs in");
	ok(strstr(r.headers, "Set-Cookie: tp_session=") && strstr(r.headers, "HttpOnly") &&
	   strstr(r.headers, "SameSite=Strict"), "with an HttpOnly, SameSite=Strict cookie");
	is_str(json_string_value(json_object_get(json_object_get(r.json, "user"), "role")),
	       "worker", "and learns her role");
	snprintf(worker.csrf, sizeof worker.csrf, "%s", ts_str(&r, "csrf_token"));
	ts_response_release(&r);
	is_int(ts_client_login(&admin, "admin", admin_pw), 200, "the admin signs in");
	is_int(ts_client_login(&viewer, "vic", viewer_pw), 200, "the viewer signs in");

	ts_request(&worker, "GET", "/api/v1/auth/me", NULL, &r);
	is_str(json_string_value(json_object_get(json_object_get(r.json, "user"), "username")),
	       "amy", "auth/me tells who is signed in");
	ts_response_release(&r);

	/* CSRF: a browser write without the token is refused, and writes nothing. */
	char saved[80];
	snprintf(saved, sizeof saved, "%s", worker.csrf);
	worker.csrf[0] = '\0';
	ts_requestf(&worker, "POST", "/api/v1/participants", &r, "{s:s}", "alias", "Mei");
	is_int(r.status, 403, "a browser write without X-CSRF-Token is refused");
	is_str(ts_error_code(&r), "csrf", "as a CSRF failure");
	ts_response_release(&r);
	snprintf(worker.csrf, sizeof worker.csrf, "WRONGWRONGWRONGWRONGWRONGWRONGWR");
	ts_requestf(&worker, "POST", "/api/v1/participants", &r, "{s:s}", "alias", "Mei");
	is_int(r.status, 403, "a wrong CSRF token is refused too");
	ts_response_release(&r);
	snprintf(worker.csrf, sizeof worker.csrf, "%s", saved);
	ts_request(&worker, "GET", "/api/v1/participants", NULL, &r);
	is_int(json_array_size(json_object_get(r.json, "items")), 0, "nothing was written");
	ts_response_release(&r);
	ts_requestf(&worker, "POST", "/api/v1/participants", &r, "{s:s, s:s}", "alias", "Mei",
		    "phone", "61234567");
	is_int(r.status, 201, "with the token the worker enrols a participant");
	int64_t mei = ts_int(&r, "id");
	ts_response_release(&r);

	/* Roles. */
	ts_requestf(&viewer, "POST", "/api/v1/participants", &r, "{s:s}", "alias", "X");
	is_int(r.status, 403, "a viewer cannot enrol anyone");
	is_str(ts_error_code(&r), "forbidden", "forbidden");
	ts_response_release(&r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/participants/%lld", (long long)mei);
	ts_request(&viewer, "GET", path, NULL, &r);
	is_int(r.status, 200, "a viewer can read a participant");
	ok(!json_object_get(r.json, "phone"), "but not her phone number");
	ok(!json_object_get(r.json, "card_token"), "nor her card token");
	ts_response_release(&r);
	ts_request(&worker, "GET", path, NULL, &r);
	is_str(ts_str(&r, "phone"), "+85261234567", "a worker sees the phone");
	ts_response_release(&r);
	ts_request(&worker, "GET", "/api/v1/users", NULL, &r);
	is_int(r.status, 403, "a worker cannot list staff accounts");
	ts_response_release(&r);
	ts_request(&admin, "GET", "/api/v1/users", NULL, &r);
	is_int(json_array_size(json_object_get(r.json, "items")), 3, "an admin lists the three accounts");
	ok(!strstr(r.body, "password") && !strstr(r.body, "scrypt"),
	   "and no password or hash is ever shown");
	ts_response_release(&r);

	/* Devices. */
	snprintf(device.bearer, sizeof device.bearer, "%s", "tpk_NOTATOKEN");
	ts_request(&device, "GET", "/api/v1/sessions", NULL, &r);
	is_int(r.status, 401, "an unknown bearer token is refused");
	is_str(ts_error_code(&r), "invalid_token", "as invalid_token");
	ts_response_release(&r);
	snprintf(device.bearer, sizeof device.bearer, "%s", kiosk);
	ts_request(&device, "GET", "/api/v1/sessions", NULL, &r);
	is_int(r.status, 200, "the kiosk reads the sessions");
	ts_response_release(&r);
	ts_request(&device, "GET", "/api/v1/participants", NULL, &r);
	is_int(r.status, 403, "but not the participants list");
	ts_response_release(&r);
	ts_requestf(&device, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "X");
	is_int(r.status, 403, "nor can it create programmes");
	ts_response_release(&r);
	struct ts_client gw;
	ts_client_init(&gw, &srv);
	snprintf(gw.bearer, sizeof gw.bearer, "%s", gateway);
	ts_requestf(&gw, "POST", "/api/v1/checkins", &r, "{s:s, s:s}", "card", "X", "nonce", "1");
	is_int(r.status, 403, "a gateway token cannot check anyone in");
	ts_response_release(&r);
	ts_client_release(&gw);

	/* An admin revokes the kiosk: it stops at its next call. */
	ts_request(&admin, "GET", "/api/v1/devices?kind=kiosk", NULL, &r);
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	int64_t kiosk_id = json_integer_value(json_object_get(first, "id"));
	ok(json_is_string(json_object_get(first, "last_seen_at")), "the kiosk's last call is shown");
	ok(!json_object_get(first, "token_hash") && !json_object_get(first, "token"),
	   "its token is not");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/devices/%lld/archive", (long long)kiosk_id);
	ts_request(&admin, "POST", path, "{}", &r);
	is_int(r.status, 200, "the admin revokes the kiosk");
	ts_response_release(&r);
	ts_request(&device, "GET", "/api/v1/sessions", NULL, &r);
	is_int(r.status, 401, "the revoked kiosk is refused at once");
	is_str(ts_error_code(&r), "revoked_token", "and told it was revoked");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/devices/%lld/restore", (long long)kiosk_id);
	ts_request(&admin, "POST", path, "{}", &r);
	is_int(r.status, 409, "a revoked token cannot be brought back");
	ts_response_release(&r);
	ts_requestf(&admin, "POST", "/api/v1/devices", &r, "{s:s, s:s, s:s}", "name", "Kiosk 2",
		    "kind", "kiosk", "venue", "Room 2");
	is_int(r.status, 201, "an admin creates a kiosk through the API");
	ok(ts_str(&r, "token") && strncmp(ts_str(&r, "token"), "tpk_", 4) == 0,
	   "and sees its token once");
	int64_t k2 = ts_int(&r, "id");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/devices/%lld", (long long)k2);
	ts_request(&admin, "GET", path, NULL, &r);
	ok(r.status == 200 && !json_object_get(r.json, "token"), "never again");
	ts_response_release(&r);

	/* Password change ends the other sessions; sign-out ends this one. */
	ts_requestf(&worker, "POST", "/api/v1/auth/password", &r, "{s:s, s:s}",
		    "current_password", "wrong-password", "new_password", "a-new-long-password");
	is_int(r.status, 403, "changing the password needs the current one");
	ts_response_release(&r);
	ts_requestf(&worker, "POST", "/api/v1/auth/password", &r, "{s:s, s:s}",
		    "current_password", worker_pw, "new_password", "short");
	is_int(r.status, 400, "a short new password is refused");
	is_str(ts_error_field(&r), "new_password", "naming new_password");
	ts_response_release(&r);
	struct ts_client second;
	ts_client_init(&second, &srv);
	ts_client_login(&second, "amy", worker_pw);
	ts_requestf(&worker, "POST", "/api/v1/auth/password", &r, "{s:s, s:s}",
		    "current_password", worker_pw, "new_password", "a-new-long-password");
	is_int(r.status, 200, "the worker changes her password");
	ts_response_release(&r);
	ts_request(&second, "GET", "/api/v1/auth/me", NULL, &r);
	is_int(r.status, 401, "her other browser is signed out");
	is_str(ts_error_code(&r), "session_expired", "and asked to sign in again");
	ts_response_release(&r);
	is_int(ts_client_login(&second, "amy", "a-new-long-password"), 200,
	       "that browser, still sending its ended session, signs in again");
	ts_request(&second, "GET", "/api/v1/auth/me", NULL, &r);
	is_int(r.status, 200, "and is signed in");
	ts_response_release(&r);
	ts_client_release(&second);
	ts_request(&worker, "POST", "/api/v1/auth/logout", "{}", &r);
	is_int(r.status, 200, "she signs out");
	ts_response_release(&r);
	ts_request(&worker, "GET", "/api/v1/auth/me", NULL, &r);
	is_int(r.status, 401, "and the session is gone");
	ts_response_release(&r);

	/* Five wrong passwords lock the account for a while. */
	for (int i = 0; i < 5; i++)
		ts_client_login(&anon, "vic", "wrong-password-again");
	is_int(ts_client_login(&anon, "vic", viewer_pw), 429,
	       "after five wrong passwords even the right one waits");

	ts_client_release(&anon);
	ts_client_release(&admin);
	ts_client_release(&worker);
	ts_client_release(&viewer);
	ts_client_release(&device);
	free(admin_pw);
	free(worker_pw);
	free(viewer_pw);
	free(kiosk);
	free(gateway);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
