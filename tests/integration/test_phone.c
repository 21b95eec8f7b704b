/*
 * Signing in by phone through the real server, as a mother does: she scans
 * the rotating QR on the kiosk screen (links computed here with
 * tp_session_code, as the kiosk computes them offline), gives her phone
 * number, reads the code (from the server's log in development mode;
 * otherwise the code is a text the gateway claims) and is signed in; next
 * time this phone signs her in with one tap. A stale link, a link under another session's key, wrong codes and
 * unknown numbers are refused without telling anything away, and the kiosk
 * sees each phone sign-in's alias.
 */
#include "../support/testserver.h"
#include "../tap.h"
#include "tp_session_code.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct ts_server srv;
static struct ts_client staff, kiosk, phone;
static int64_t kiki_id, may_id, session1, session2;
static char key1[80], key2[80];

/* The link part of the QR the kiosk shows, windows_ago windows back. */
static void link_for(const char *key, int64_t session, int windows_ago, char *out, size_t len)
{
	int64_t window = tp_session_code_window(time(NULL)) - windows_ago;
	char code[TP_SESSION_CODE_LEN + 1];
	tp_session_code(key, session, window, code);
	snprintf(out, len, "%" PRId64 ".%" PRId64 ".%s", session, window, code);
}

static void setup(void)
{
	struct ts_response r;
	char from[32], to[32];
	ts_requestf(&staff, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "Scheme");
	int64_t programme = ts_created("programme", &r);
	ts_requestf(&staff, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme, "name", "媽媽支援小組", "kind", "peer_support");
	int64_t group = ts_created("group", &r);
	ts_iso_in(from, sizeof from, 1);
	ts_iso_in(to, sizeof to, 120);
	ts_requestf(&staff, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s}", "group_id",
		    (json_int_t)group, "starts_at", from, "ends_at", to, "venue", "Room 1");
	session1 = ts_created("session", &r);
	ts_iso_in(from, sizeof from, 2);
	ts_iso_in(to, sizeof to, 60);
	ts_requestf(&staff, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s}", "group_id",
		    (json_int_t)group, "starts_at", from, "ends_at", to, "venue", "Room 1");
	session2 = ts_created("session", &r);
	ts_requestf(&staff, "POST", "/api/v1/participants", &r, "{s:s, s:s}", "alias", "KIKI",
		    "phone", "91234567");
	kiki_id = ts_created("participant", &r);
	ts_requestf(&staff, "POST", "/api/v1/participants", &r, "{s:s, s:s}", "alias", "May",
		    "phone", "+852 9234 5678");
	may_id = ts_created("participant", &r);
	ts_requestf(&staff, "POST", "/api/v1/enrolments", &r, "{s:I, s:I}", "group_id",
		    (json_int_t)group, "participant_id", (json_int_t)kiki_id);
	ts_created("enrolment", &r);

	/* The sessions' keys, as the kiosk has them. */
	ts_request(&kiosk, "GET", "/api/v1/kiosk/roster", NULL, &r);
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(r.json, "sessions"), i, s) {
		int64_t id = json_integer_value(json_object_get(s, "id"));
		const char *key = json_string_value(json_object_get(s, "qr_key"));
		if (id == session1)
			snprintf(key1, sizeof key1, "%s", key);
		if (id == session2)
			snprintf(key2, sizeof key2, "%s", key);
	}
	ts_response_release(&r);
	if (!key1[0] || !key2[0])
		bail_out("the kiosk's roster has not both sessions' keys");
}

/* The last code the log shows for participant id, or "". */
static void code_from_log(struct ts_server *s, int64_t id, char out[7])
{
	char *log = ts_server_log(s);
	char needle[80];
	snprintf(needle, sizeof needle, "phone code for participant %lld: ", (long long)id);
	out[0] = '\0';
	for (char *p = strstr(log, needle); p; p = strstr(p + 1, needle)) {
		const char *digits = p + strlen(needle);
		if (strspn(digits, "0123456789") >= 6)
			snprintf(out, 7, "%.6s", digits);
	}
	free(log);
}

static int count_in_log(struct ts_server *s, const char *needle)
{
	char *log = ts_server_log(s);
	int n = 0;
	for (char *p = strstr(log, needle); p; p = strstr(p + 1, needle))
		n++;
	free(log);
	return n;
}

static void post_link(struct ts_client *c, const char *path, const char *field,
		      const char *value, struct ts_response *r)
{
	ts_requestf(c, "POST", path, r, "{s:s}", field, value);
}

static bool roster_has(int64_t session, int64_t participant)
{
	struct ts_response r;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/roster", (long long)session);
	ts_request(&staff, "GET", path, NULL, &r);
	bool found = false;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(r.json, "people"), i, p) {
		if (json_integer_value(json_object_get(p, "participant_id")) == participant &&
		    json_is_object(json_object_get(p, "attendance")))
			found = true;
	}
	ts_response_release(&r);
	return found;
}

static void test_links(void)
{
	struct ts_response r;
	char link[128], path[200];
	link_for(key1, session1, 0, link, sizeof link);
	snprintf(path, sizeof path, "/p/%s", link);
	ts_request(&phone, "GET", path, NULL, &r);
	is_int(r.status, 200, "the QR's current link opens the sign-in page");
	ok(strstr(r.body, "<title>Touchpoint</title>") != NULL, "titled Touchpoint");
	ok(strstr(r.body, "<script type=\"module\" src=\"/phone/phone.js\"></script>") &&
	   !strstr(r.body, "<script>") && !strstr(r.body, "style="),
	   "its script and style are files: nothing inline");
	ok(strstr(r.headers, "Content-Security-Policy: default-src 'self'") != NULL,
	   "under a strict content security policy");
	ok(!strstr(r.body, "媽媽") && !strstr(r.body, "藥"), "naming no group and no service");
	ts_response_release(&r);
	ts_request(&phone, "GET", "/phone/phone.js", NULL, &r);
	ok(r.status == 200 && strstr(r.headers, "text/javascript"), "its script is served");
	ts_response_release(&r);
	ts_request(&phone, "GET", "/phone/phone.css", NULL, &r);
	is_int(r.status, 200, "and its style sheet");
	ts_response_release(&r);

	link_for(key1, session1, 2, link, sizeof link);
	snprintf(path, sizeof path, "/p/%s", link);
	ts_request(&phone, "GET", path, NULL, &r);
	is_int(r.status, 410, "a link two windows old is refused");
	ok(strstr(r.body, "請再掃描螢幕上的二維碼") && strstr(r.body, "scan the code on the screen"),
	   "asking her kindly to scan the screen again");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/phone/link/%s", link);
	ts_request(&phone, "GET", path, NULL, &r);
	is_int(r.status, 410, "the API refuses it too");
	is_str(ts_error_code(&r), "link_expired", "as expired");
	ts_response_release(&r);
	post_link(&phone, "/api/v1/phone/code", "link", link, &r);
	is_int(r.status, 400, "asking for a code needs a phone number");
	ts_response_release(&r);
	ts_requestf(&phone, "POST", "/api/v1/phone/code", &r, "{s:s, s:s}", "link", link, "phone",
		    "91234567");
	is_int(r.status, 410, "and with a stale link it is refused as expired");
	ts_response_release(&r);

	/* A link made under another session's key. */
	int64_t window = tp_session_code_window(time(NULL));
	char code[TP_SESSION_CODE_LEN + 1];
	tp_session_code(key2, session1, window, code);
	snprintf(path, sizeof path, "/api/v1/phone/link/%lld.%lld.%s", (long long)session1,
		 (long long)window, code);
	ts_request(&phone, "GET", path, NULL, &r);
	is_int(r.status, 410, "a link under another session's key is refused");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/p/%lld.%lld.%s", (long long)session1, (long long)window, code);
	ts_request(&phone, "GET", path, NULL, &r);
	is_int(r.status, 410, "and its page says to scan again");
	ts_response_release(&r);
	ts_request(&phone, "GET", "/p/not-a-link", NULL, &r);
	is_int(r.status, 410, "so does anything that is not a link");
	ts_response_release(&r);
	ts_request(&phone, "GET", "/api/v1/phone/link/999.1.AAAAAAAAAA", NULL, &r);
	is_int(r.status, 410, "or names no session");
	ts_response_release(&r);
}

/* Opens the current link; returns the ticket (caller frees). */
static char *open_link(const char *key, int64_t session, json_t **remembered)
{
	char link[128], path[200];
	link_for(key, session, 0, link, sizeof link);
	snprintf(path, sizeof path, "/api/v1/phone/link/%s", link);
	struct ts_response r;
	ts_request(&phone, "GET", path, NULL, &r);
	if (r.status != 200)
		bail_out("opening the link: %ld %s", r.status, r.body);
	char *ticket = strdup(ts_str(&r, "ticket"));
	if (remembered)
		*remembered = json_incref(json_object_get(r.json, "remembered"));
	ts_response_release(&r);
	return ticket;
}

static void test_code_flow(void)
{
	struct ts_response r;
	char link[128], path[200];
	link_for(key1, session1, 0, link, sizeof link);
	snprintf(path, sizeof path, "/api/v1/phone/link/%s", link);
	ts_request(&phone, "GET", path, NULL, &r);
	is_int(r.status, 200, "the page asks the server about the link");
	ok(json_is_null(json_object_get(r.json, "remembered")), "a new phone is not remembered");
	json_t *s = json_object_get(r.json, "session");
	ok(json_is_string(json_object_get(s, "starts_at")) &&
	   json_is_string(json_object_get(s, "ends_at")), "the page gets the session's times");
	ok(!strstr(r.body, "媽媽") && !strstr(r.body, "group") && !strstr(r.body, "title"),
	   "and nothing of what the group is");
	char *ticket = strdup(ts_str(&r, "ticket"));
	ts_response_release(&r);

	post_link(&phone, "/api/v1/phone/checkin", "link", link, &r);
	is_int(r.status, 401, "one tap does not work from a phone never seen");
	is_str(ts_error_code(&r), "unknown_phone", "it asks for her number instead");
	ts_response_release(&r);

	/* Known and unknown numbers get the very same answer. */
	ts_requestf(&phone, "POST", "/api/v1/phone/code", &r, "{s:s, s:s}", "ticket", ticket,
		    "phone", "9123 4567");
	is_int(r.status, 202, "she asks for a code");
	char *known = strdup(r.body);
	ts_response_release(&r);
	char code[7];
	code_from_log(&srv, kiki_id, code);
	is_int(strlen(code), 6, "the server logs a 6-digit code for her (development mode)");
	ts_requestf(&phone, "POST", "/api/v1/phone/code", &r, "{s:s, s:s}", "ticket", ticket,
		    "phone", "98887777");
	is_int(r.status, 202, "a number nobody has gets a code request accepted too");
	is_str(r.body, known, "with exactly the same answer, so numbers cannot be probed");
	ts_response_release(&r);
	free(known);
	is_int(count_in_log(&srv, "phone code for participant"), 1,
	       "but no code is made out for an unknown number");
	ts_requestf(&phone, "POST", "/api/v1/phone/code", &r, "{s:s, s:s}", "ticket", ticket,
		    "phone", "12");
	is_int(r.status, 400, "a number that is not one is refused");
	is_str(ts_error_field(&r), "phone", "naming the phone");
	ts_response_release(&r);
	ts_requestf(&phone, "POST", "/api/v1/phone/verify", &r, "{s:s, s:s, s:s}", "ticket",
		    ticket, "phone", "98887777", "code", "123456");
	is_int(r.status, 401, "an unknown number's code never verifies");
	is_str(ts_error_code(&r), "wrong_code", "it looks like a wrong code");
	ts_response_release(&r);

	/* Five wrong codes lock this code. */
	char wrong[16];
	snprintf(wrong, sizeof wrong, "%06u", (unsigned)(strtol(code, NULL, 10) + 1) % 1000000u);
	long statuses[5];
	for (int i = 0; i < 5; i++) {
		ts_requestf(&phone, "POST", "/api/v1/phone/verify", &r, "{s:s, s:s, s:s}", "ticket",
			    ticket, "phone", "91234567", "code", wrong);
		statuses[i] = r.status;
		if (i == 0) {
			is_str(ts_error_code(&r), "wrong_code", "a wrong code is refused");
			is_str(ts_error_field(&r), "code", "naming the code");
		}
		ts_response_release(&r);
	}
	ok(statuses[0] == 401 && statuses[3] == 401 && statuses[4] == 429,
	   "the fifth wrong code locks it (%ld %ld %ld %ld %ld)", statuses[0], statuses[1],
	   statuses[2], statuses[3], statuses[4]);
	ts_requestf(&phone, "POST", "/api/v1/phone/verify", &r, "{s:s, s:s, s:s}", "ticket",
		    ticket, "phone", "91234567", "code", code);
	is_int(r.status, 429, "then even the right code is refused");
	is_str(ts_error_code(&r), "locked", "as locked");
	ts_response_release(&r);
	ok(!roster_has(session1, kiki_id), "and she is not signed in");

	/* A new code, typed with a space, signs her in. */
	ts_requestf(&phone, "POST", "/api/v1/phone/code", &r, "{s:s, s:s}", "ticket", ticket,
		    "phone", "+85291234567");
	is_int(r.status, 202, "she asks for a new code");
	ts_response_release(&r);
	char code2[7];
	code_from_log(&srv, kiki_id, code2);
	ok(strlen(code2) == 6, "a second code is logged");
	char typed[8];
	snprintf(typed, sizeof typed, "%.3s %.3s", code2, code2 + 3);
	ts_requestf(&phone, "POST", "/api/v1/phone/verify", &r, "{s:s, s:s, s:s}", "ticket",
		    ticket, "phone", "91234567", "code", typed);
	is_int(r.status, 201, "the right code signs her in");
	is_str(ts_str(&r, "status"), "ok", "as ok");
	is_str(ts_str(&r, "alias"), "KIKI", "greeting her by alias");
	ok(!strstr(r.body, "媽媽") && !strstr(r.body, "group"), "naming no group");
	ok(strstr(r.headers, "Set-Cookie: tp_phone=") && strstr(r.headers, "HttpOnly") &&
	   strstr(r.headers, "SameSite=Lax") && strstr(r.headers, "Max-Age=15552000"),
	   "and the phone is remembered for 180 days in an HttpOnly, SameSite=Lax cookie");
	ts_response_release(&r);
	ok(roster_has(session1, kiki_id), "the worker's roster shows her");
	ts_requestf(&phone, "POST", "/api/v1/phone/verify", &r, "{s:s, s:s, s:s}", "ticket",
		    ticket, "phone", "91234567", "code", code2);
	is_int(r.status, 401, "a used code does not work twice");
	ts_response_release(&r);

	/* Three codes a number an hour. */
	ts_requestf(&phone, "POST", "/api/v1/phone/code", &r, "{s:s, s:s}", "ticket", ticket,
		    "phone", "91234567");
	is_int(r.status, 202, "a third code this hour is made");
	ts_response_release(&r);
	ts_requestf(&phone, "POST", "/api/v1/phone/code", &r, "{s:s, s:s}", "ticket", ticket,
		    "phone", "91234567");
	is_int(r.status, 429, "a fourth is refused");
	is_str(ts_error_code(&r), "too_many_codes", "as too many");
	ts_response_release(&r);

	/* A forged ticket. */
	char forged[200];
	snprintf(forged, sizeof forged, "%s", ticket);
	char *last = strrchr(forged, '.') + 1;
	last[0] = last[0] == 'A' ? 'B' : 'A';
	post_link(&phone, "/api/v1/phone/checkin", "ticket", forged, &r);
	is_int(r.status, 410, "a forged ticket is refused");
	ts_response_release(&r);
	free(ticket);
}

static void test_kiosk_sees(void)
{
	struct ts_response r;
	ts_request(&kiosk, "GET", "/api/v1/kiosk/signins?after=0", NULL, &r);
	is_int(r.status, 200, "the kiosk polls for phone sign-ins");
	json_t *items = json_object_get(r.json, "items");
	is_int(json_array_size(items), 1, "one has come in");
	json_t *one = json_array_get(items, 0);
	is_str(json_string_value(json_object_get(one, "alias")), "KIKI",
	       "with her alias, for the screen");
	is_int(json_integer_value(json_object_get(one, "session_id")), session1, "and the session");
	is_int(json_integer_value(json_object_get(one, "participant_id")), kiki_id, "and her id");
	int64_t last = ts_int(&r, "last_id");
	ts_response_release(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/kiosk/signins?after=%lld", (long long)last);
	ts_request(&kiosk, "GET", path, NULL, &r);
	is_int(json_array_size(json_object_get(r.json, "items")), 0,
	       "polling on from the last id brings nothing new");
	ts_response_release(&r);
}

static void test_remembered(void)
{
	struct ts_response r;
	json_t *remembered = NULL;
	char *ticket = open_link(key2, session2, &remembered);
	is_str(json_string_value(json_object_get(remembered, "alias")), "KIKI",
	       "next time the page greets her: KIKI, sign in?");
	json_decref(remembered);
	post_link(&phone, "/api/v1/phone/checkin", "ticket", ticket, &r);
	is_int(r.status, 201, "one tap signs her in to the next session");
	is_str(ts_str(&r, "status"), "ok", "as ok");
	is_str(ts_str(&r, "alias"), "KIKI", "by name");
	ts_response_release(&r);
	ok(roster_has(session2, kiki_id), "she is on that session's roster");
	char link[128];
	link_for(key2, session2, 0, link, sizeof link);
	post_link(&phone, "/api/v1/phone/checkin", "link", link, &r);
	is_int(r.status, 200, "a second tap is no error");
	is_str(ts_str(&r, "status"), "already", "she is already signed in");
	ts_response_release(&r);
	free(ticket);

	/* Another person on a shared phone: "not me". */
	ts_request(&phone, "POST", "/api/v1/phone/forget", "{}", &r);
	is_int(r.status, 200, "the phone can be forgotten");
	ts_response_release(&r);
	ticket = open_link(key1, session1, &remembered);
	ok(json_is_null(remembered), "after which it greets no one");
	json_decref(remembered);
	post_link(&phone, "/api/v1/phone/checkin", "ticket", ticket, &r);
	is_int(r.status, 401, "and one tap no longer signs anyone in");
	ts_response_release(&r);

	/* May is not enrolled: her phone sign-in is a walk-in, never refused. */
	ts_requestf(&phone, "POST", "/api/v1/phone/code", &r, "{s:s, s:s}", "ticket", ticket,
		    "phone", "92345678");
	ts_response_release(&r);
	char code[7];
	code_from_log(&srv, may_id, code);
	ts_requestf(&phone, "POST", "/api/v1/phone/verify", &r, "{s:s, s:s, s:s}", "ticket",
		    ticket, "phone", "92345678", "code", code);
	is_int(r.status, 201, "a participant not enrolled signs in by phone");
	is_str(ts_str(&r, "status"), "not_enrolled", "as a walk-in, for staff to follow up");
	ts_response_release(&r);
	free(ticket);
}

static void test_audit(struct ts_client *admin)
{
	struct ts_response r;
	ts_request(admin, "GET", "/api/v1/audit?entity=participant", NULL, &r);
	ok(strstr(r.body, "\"phone_code\"") && strstr(r.body, "\"remember_phone\"") &&
	   strstr(r.body, "\"forget_phone\""), "codes and remembered phones are audited");
	ok(!strstr(r.body, "91234567"), "without the phone number");
	ts_response_release(&r);
	ts_request(admin, "GET", "/api/v1/audit?entity=attendance", NULL, &r);
	ok(strstr(r.body, "phone (participant") != NULL,
	   "a phone sign-in is audited as made from her phone");
	ts_response_release(&r);
}

/* Outside development mode the code is not logged: it is queued as a text
 * for the gateway, at once, and only until the code expires. */
static void test_production(void)
{
	struct ts_server prod;
	ts_server_prepare(&prod);
	prod.log_to_file = true;
	char *pw = ts_create_user(&prod, "amy", "worker");
	char *token = ts_create_token(&prod, "Kiosk", "kiosk", "Room 1");
	char *gw_token = ts_create_token(&prod, "Gateway", "gateway", NULL);
	ts_server_start(&prod);
	struct ts_client w, k, p, gw;
	ts_client_init(&gw, &prod);
	snprintf(gw.bearer, sizeof gw.bearer, "%s", gw_token);
	ts_client_init(&w, &prod);
	ts_client_login(&w, "amy", pw);
	ts_client_init(&k, &prod);
	snprintf(k.bearer, sizeof k.bearer, "%s", token);
	ts_client_init(&p, &prod);
	struct ts_response r;
	char from[32], to[32];
	ts_requestf(&w, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "Scheme");
	int64_t programme = ts_created("programme", &r);
	ts_requestf(&w, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme, "name", "Group", "kind", "other");
	int64_t group = ts_created("group", &r);
	ts_iso_in(from, sizeof from, 1);
	ts_iso_in(to, sizeof to, 60);
	ts_requestf(&w, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s}", "group_id",
		    (json_int_t)group, "starts_at", from, "ends_at", to, "venue", "Room 1");
	int64_t session = ts_created("session", &r);
	ts_requestf(&w, "POST", "/api/v1/participants", &r, "{s:s, s:s}", "alias", "Joey",
		    "phone", "93456789");
	int64_t joey = ts_created("participant", &r);
	ts_request(&k, "GET", "/api/v1/kiosk/roster", NULL, &r);
	char key[80];
	snprintf(key, sizeof key, "%s", json_string_value(json_object_get(
		json_array_get(json_object_get(r.json, "sessions"), 0), "qr_key")));
	ts_response_release(&r);
	char link[128];
	link_for(key, session, 0, link, sizeof link);
	ts_requestf(&p, "POST", "/api/v1/phone/code", &r, "{s:s, s:s}", "link", link, "phone",
		    "93456789");
	is_int(r.status, 202, "outside development mode a code can be asked for");
	ts_response_release(&r);
	char code[7];
	code_from_log(&prod, joey, code);
	is_str(code, "", "but it is not written to the log");
	ts_requestf(&gw, "POST", "/api/v1/gateway/claim", &r, "{}");
	json_t *m = json_array_get(json_object_get(r.json, "messages"), 0);
	is_int(json_array_size(json_object_get(r.json, "messages")), 1,
	       "the gateway has one text to send");
	is_str(json_string_value(json_object_get(m, "to")), "+85293456789", "to her number");
	const char *body = json_string_value(json_object_get(m, "body"));
	size_t digits = body ? strcspn(body, "0123456789") : 0;
	ok(body && strspn(body + digits, "0123456789") == 6, "carrying a 6-digit code (%s)", body ? body : "none");
	ok(body && !strstr(body, "Touchpoint") && !strstr(body, "藥"), "saying nothing of the service");
	int64_t left = json_integer_value(json_object_get(m, "deliver_by")) - (int64_t)time(NULL);
	ok(left > 500 && left <= 600, "and only while the code works (%lld s)", (long long)left);
	char msg_path[64];
	snprintf(msg_path, sizeof msg_path, "/api/v1/messages/%lld",
		 (long long)json_integer_value(json_object_get(m, "id")));
	ts_response_release(&r);
	ts_request(&w, "GET", msg_path, NULL, &r);
	is_str(ts_str(&r, "kind"), "code", "staff see a code message");
	ok(ts_str(&r, "body") && !strpbrk(ts_str(&r, "body"), "0123456789"),
	   "but not the code in it");
	ts_response_release(&r);
	ts_client_release(&gw);
	free(gw_token);
	ts_client_release(&w);
	ts_client_release(&k);
	ts_client_release(&p);
	free(pw);
	free(token);
	is_int(ts_server_stop(&prod), 0, "that server stops cleanly");
	ts_server_cleanup(&prod);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	srv.env[0] = "TOUCHPOINT_DEV_MODE=1";
	srv.log_to_file = true;
	char *password = ts_create_user(&srv, "amy", "worker");
	char *admin_pw = ts_create_user(&srv, "root", "admin");
	char *token = ts_create_token(&srv, "Kiosk 1", "kiosk", "Room 1");
	ts_server_start(&srv);
	ts_client_init(&staff, &srv);
	if (ts_client_login(&staff, "amy", password) != 200)
		bail_out("the worker cannot sign in");
	struct ts_client admin;
	ts_client_init(&admin, &srv);
	if (ts_client_login(&admin, "root", admin_pw) != 200)
		bail_out("the admin cannot sign in");
	ts_client_init(&kiosk, &srv);
	snprintf(kiosk.bearer, sizeof kiosk.bearer, "%s", token);
	ts_client_init(&phone, &srv);
	setup();

	test_links();
	test_code_flow();
	test_kiosk_sees();
	test_remembered();
	test_audit(&admin);
	test_production();

	ts_client_release(&phone);
	ts_client_release(&kiosk);
	ts_client_release(&admin);
	ts_client_release(&staff);
	free(token);
	free(admin_pw);
	free(password);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
