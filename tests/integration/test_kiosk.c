/*
 * The kiosk at work, against the real server: what each kind of scan
 * answers, choosing between two open sessions, staff mode behind a PIN
 * (sign in by hand, undo with a reason, refresh), feedback landing in the
 * server, the rotating phone QR that the server accepts, and a revoked
 * kiosk noticing.
 */
#include "../support/testkiosk.h"
#include "../support/testserver.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct ts_server srv;
static struct ts_client admin;

static int64_t make_session(int64_t group, const char *venue, const char *title)
{
	char from[32], to[32];
	ts_iso_in(from, sizeof from, -10);
	ts_iso_in(to, sizeof to, 120);
	struct ts_response r;
	ts_requestf(&admin, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s, s:s}",
		    "group_id", (json_int_t)group, "starts_at", from, "ends_at", to, "venue",
		    venue, "title", title);
	return ts_created("a row", &r);
}

static int64_t make_person(int64_t group, const char *alias, char *card)
{
	struct ts_response r;
	ts_requestf(&admin, "POST", "/api/v1/participants", &r, "{s:s}", "alias", alias);
	int64_t id = ts_int(&r, "id");
	snprintf(card, 64, "%s", ts_str(&r, "card_token"));
	ts_response_release(&r);
	if (group) {
		ts_requestf(&admin, "POST", "/api/v1/enrolments", &r, "{s:I, s:I}", "group_id",
			    (json_int_t)group, "participant_id", (json_int_t)id);
		ts_created("a row", &r);
	}
	return id;
}

static char *decode_svg(const char *svg)
{
	char svg_path[400], png_path[400], cmd[1400];
	snprintf(svg_path, sizeof svg_path, "%s/qr.svg", srv.dir);
	snprintf(png_path, sizeof png_path, "%s/qr.png", srv.dir);
	FILE *f = fopen(svg_path, "w");
	fputs(svg, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "rsvg-convert -w 600 -b white -o '%s' '%s' && "
		 "zbarimg --raw -q '%s' 2>/dev/null", png_path, svg_path, png_path);
	FILE *p = popen(cmd, "r");
	char *out = calloc(1, 4096);
	size_t n = fread(out, 1, 4095, p);
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	pclose(p);
	return out;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	char *pw = ts_create_user(&srv, "admin", "admin");
	ts_server_start(&srv);
	ts_client_init(&admin, &srv);
	ts_client_login(&admin, "admin", pw);
	struct ts_response r;

	ts_requestf(&admin, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "P");
	int64_t programme = ts_created("a row", &r);
	ts_requestf(&admin, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme, "name", "媽媽支援小組", "kind", "peer_support");
	int64_t mothers = ts_created("a row", &r);
	ts_requestf(&admin, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme, "name", "親子小組", "kind", "parent_child");
	int64_t parents = ts_created("a row", &r);
	int64_t s1 = make_session(mothers, "Room 1", "第3節");
	char kiki_card[64], may_card[64], other_card[64], joy_card[64];
	int64_t kiki = make_person(mothers, "KIKI", kiki_card);
	make_person(mothers, "May", may_card);
	int64_t joy = make_person(mothers, "Joy", joy_card);
	make_person(parents, "Ada", other_card);

	ts_requestf(&admin, "POST", "/api/v1/devices", &r, "{s:s, s:s, s:s}", "name", "Front desk",
		    "kind", "kiosk", "venue", "Room 1");
	int64_t device = ts_created("a row", &r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/devices/%lld/pairing", (long long)device);
	ts_request(&admin, "POST", path, "{}", &r);
	char code[32];
	snprintf(code, sizeof code, "%s", ts_str(&r, "code") ? ts_str(&r, "code") : "");
	ts_response_release(&r);
	struct tk_kiosk k;
	tk_prepare(&k);
	k.env[0] = "TOUCHPOINT_KIOSK_STAFF_PIN=2468";
	k.env[1] = "TOUCHPOINT_KIOSK_RETRY_MAX=1";
	char *out = NULL, *err = NULL;
	is_int(tk_pair(&k, "http://127.0.0.1:1", code, &out, &err), 1,
	       "pairing with a server that is not there fails");
	ok(strstr(err, "cannot reach") != NULL, "and says so: %s", err);
	free(out);
	free(err);
	is_int(tk_pair(&k, srv.base, "WRONG-CODE", &out, &err), 1, "a wrong pairing code fails");
	free(out);
	free(err);
	is_int(tk_pair(&k, srv.base, code, &out, &err), 0, "the kiosk pairs with the admin's code");
	ok(strstr(out, "Front desk") && strstr(out, "Room 1"), "and names itself: %s", out);
	free(out);
	free(err);
	struct tk_kiosk again;
	tk_prepare(&again);
	is_int(tk_pair(&again, srv.base, code, NULL, NULL), 1, "the code works only once");
	tk_cleanup(&again);
	tk_start(&k);
	ok(tk_wait_sessions(&k, 10), "the kiosk has today's session");

	json_t *reply = NULL;
	is_str(tk_scan(&k, kiki_card, 0, &reply), "ok", "her card signs her in");
	is_str(json_string_value(json_object_get(reply, "alias")), "KIKI", "welcomed by her alias");
	json_t *session = json_object_get(reply, "session");
	is_str(json_string_value(json_object_get(session, "group_name")), "媽媽支援小組",
	       "and told which group");
	is_str(json_string_value(json_object_get(session, "title")), "第3節", "and session");
	char *text = json_dumps(reply, 0);
	ok(!json_object_get(reply, "phone") && !strstr(text, "+852"),
	   "the answer carries no phone number");
	free(text);
	json_decref(reply);
	is_str(tk_scan(&k, kiki_card, 0, NULL), "already", "again: already signed in");
	is_str(tk_scan(&k, other_card, 0, NULL), "provisional",
	       "a card of another group's member is signed in provisionally");
	is_str(tk_scan(&k, "hello", 0, NULL), "unknown_card", "a QR that is no card: ask a worker");
	is_int(tk_wait_drained(&k, 20), 0, "the kiosk tells the server");
	const char *stray = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	is_str(tk_scan(&k, stray, 0, NULL), "provisional", "a card nobody has: in provisionally");
	is_int(tk_wait_drained(&k, 20), 0, "the server refuses it");
	is_str(tk_scan(&k, stray, 0, NULL), "unknown_card",
	       "and from then on the kiosk knows it is no card of ours");

	/* A lost card reissued: after a refresh the old one is refused offline. */
	snprintf(path, sizeof path, "/api/v1/participants/%lld/card", (long long)joy);
	ts_request(&admin, "POST", path, "{}", &r);
	ts_response_release(&r);
	json_t *login = NULL;
	is_int(tk_request(&k, "POST", "/api/staff/login", "{\"pin\":\"1111\"}", NULL, &login), 403,
	       "a wrong staff PIN is refused");
	json_decref(login);
	tk_request(&k, "POST", "/api/staff/login", "{\"pin\":\"2468\"}", NULL, &login);
	char staff[64];
	snprintf(staff, sizeof staff, "%s", json_string_value(json_object_get(login, "token")));
	json_decref(login);
	is_int(tk_request(&k, "POST", "/api/staff/refresh", "{}", staff, NULL), 202,
	       "staff force a roster refresh");
	const char *result = "";
	for (int i = 0; i < 50 && strcmp(result, "revoked") != 0; i++) {
		result = tk_scan(&k, joy_card, 0, NULL);
		struct timespec ts = { 0, 100000000 };
		nanosleep(&ts, NULL);
	}
	is_str(result, "revoked", "the old card is refused as revoked");

	/* Staff mode: roster, sign in by hand, undo with a reason. */
	json_t *roster = NULL;
	snprintf(path, sizeof path, "/api/staff/roster?session_id=%lld", (long long)s1);
	is_int(tk_request(&k, "GET", path, NULL, staff, &roster), 200, "staff see the roster");
	is_int(json_array_size(json_object_get(roster, "people")), 4,
	       "the three members and the walk-in");
	json_decref(roster);
	char body[256];
	int64_t may = kiki + 1;
	snprintf(body, sizeof body, "{\"session_id\":%lld,\"participant_id\":%lld}",
		 (long long)s1, (long long)may);
	json_t *done = NULL;
	tk_request(&k, "POST", "/api/staff/checkin", body, staff, &done);
	is_str(json_string_value(json_object_get(done, "result")), "ok", "staff sign May in by hand");
	json_decref(done);
	snprintf(body, sizeof body, "{\"session_id\":%lld,\"participant_id\":%lld,"
		 "\"reason\":\"wrong card\"}", (long long)s1, (long long)kiki);
	tk_request(&k, "POST", "/api/staff/undo", body, staff, &done);
	is_str(json_string_value(json_object_get(done, "result")), "undone",
	       "and undo KIKI's sign-in with a reason");
	json_decref(done);
	is_int(tk_wait_drained(&k, 20), 0, "everything reaches the server");
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/roster", (long long)s1);
	ts_request(&admin, "GET", path, NULL, &r);
	is_int(ts_int(&r, "arrived"), 2, "the server has May and the walk-in, not KIKI");
	ts_response_release(&r);
	/* After an undo, on the kiosk or in the console, she can sign in again. */
	tk_request(&k, "POST", "/api/staff/refresh", "{}", staff, NULL);
	const char *again_result = "";
	for (int i = 0; i < 50 && strcmp(again_result, "ok") != 0; i++) {
		again_result = tk_scan(&k, kiki_card, 0, NULL);
		struct timespec ts = { 0, 100000000 };
		nanosleep(&ts, NULL);
	}
	is_str(again_result, "ok", "KIKI, undone at the kiosk, signs in again after a refresh");
	is_int(tk_wait_drained(&k, 20), 0, "and that reaches the server");
	ts_request(&admin, "GET", path, NULL, &r);
	int64_t may_attendance = 0;
	size_t pi;
	json_t *person;
	json_array_foreach(json_object_get(r.json, "people"), pi, person)
		if (json_integer_value(json_object_get(person, "participant_id")) == may)
			may_attendance = json_integer_value(json_object_get(
				json_object_get(person, "attendance"), "id"));
	is_int(ts_int(&r, "arrived"), 3, "the server has her again");
	ts_response_release(&r);
	char undo_path[96];
	snprintf(undo_path, sizeof undo_path, "/api/v1/attendance/%lld/undo",
		 (long long)may_attendance);
	ts_requestf(&admin, "POST", undo_path, &r, "{s:s}", "reason", "signed in by mistake");
	is_int(r.status, 200, "a worker undoes May in the console");
	ts_response_release(&r);
	tk_request(&k, "POST", "/api/staff/refresh", "{}", staff, NULL);
	again_result = "";
	for (int i = 0; i < 50 && strcmp(again_result, "ok") != 0; i++) {
		again_result = tk_scan(&k, may_card, 0, NULL);
		struct timespec ts = { 0, 100000000 };
		nanosleep(&ts, NULL);
	}
	is_str(again_result, "ok", "after the refresh the kiosk knows, and May signs in again");
	is_int(tk_wait_drained(&k, 20), 0, "sent");
	ts_request(&admin, "GET", path, NULL, &r);
	is_int(ts_int(&r, "arrived"), 3, "the server counts May again, once");
	ts_response_release(&r);

	/* Feedback from the touch screen lands in the server. */
	snprintf(body, sizeof body, "{\"form\":\"satisfaction\",\"session_id\":%lld,"
		 "\"participant_id\":%lld,\"answers\":{\"overall\":5}}", (long long)s1,
		 (long long)may);
	is_int(tk_request(&k, "POST", "/api/feedback", body, NULL, NULL), 201,
	       "feedback is taken at once");
	is_int(tk_wait_drained(&k, 20), 0, "and sent");
	snprintf(path, sizeof path, "/api/v1/responses?session_id=%lld", (long long)s1);
	ts_request(&admin, "GET", path, NULL, &r);
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	ok(first && json_integer_value(json_object_get(json_object_get(first, "answers"),
						       "overall")) == 5,
	   "the server has her answer: %s", r.body);
	ts_response_release(&r);

	/* The phone QR on the screen is a link the server accepts now. */
	char qr_path[96];
	snprintf(qr_path, sizeof qr_path, "/api/session-qr.svg?session_id=%lld", (long long)s1);
	struct ts_server kiosk_as_server = { 0 };
	snprintf(kiosk_as_server.base, sizeof kiosk_as_server.base, "%s", k.base);
	struct ts_client screen;
	ts_client_init(&screen, &kiosk_as_server);
	ts_request(&screen, "GET", qr_path, NULL, &r);
	is_int(r.status, 200, "the kiosk shows the session's phone QR");
	char *link = decode_svg(r.body);
	ts_response_release(&r);
	ts_client_release(&screen);
	char prefix[96];
	snprintf(prefix, sizeof prefix, "%s/p/%lld.", srv.base, (long long)s1);
	ok(strncmp(link, prefix, strlen(prefix)) == 0, "it links to the server: %s", link);
	struct ts_client phone;
	ts_client_init(&phone, &srv);
	ts_request(&phone, "GET", link + strlen(srv.base), NULL, &r);
	is_int(r.status, 200, "the code the kiosk made offline is one the server accepts");
	ts_response_release(&r);
	ts_client_release(&phone);
	free(link);

	/* Revoked in the server, the kiosk notices at its next call. */
	snprintf(path, sizeof path, "/api/v1/devices/%lld/archive", (long long)device);
	ts_request(&admin, "POST", path, "{}", &r);
	ts_response_release(&r);
	tk_request(&k, "POST", "/api/staff/refresh", "{}", staff, NULL);
	bool revoked = false;
	for (int i = 0; i < 50 && !revoked; i++) {
		json_t *state = NULL;
		tk_request(&k, "GET", "/api/state", NULL, NULL, &state);
		revoked = json_is_true(json_object_get(state, "revoked"));
		json_decref(state);
		struct timespec ts = { 0, 100000000 };
		nanosleep(&ts, NULL);
	}
	ok(revoked, "a revoked kiosk says so on its screen");

	is_int(tk_stop(&k), 0, "the kiosk stops cleanly");
	tk_cleanup(&k);
	ts_client_release(&admin);
	free(pw);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
