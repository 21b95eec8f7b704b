/*
 * The server side of the kiosk, through the real server: forms served to
 * the kiosk and staff, a group's feedback form, a malformed form file
 * stopping the server at start; filled forms stored once however often a
 * kiosk resends them, anonymous ones naming no one, viewers seeing answers
 * but not whose; pairing a kiosk with a one-time code (and its QR), once,
 * the old token stopping, a used or expired code refused, guessing
 * rate-limited; the kiosk's roster (its venue's sessions, who is enrolled
 * and signed in, live and revoked cards, nothing private), the phone
 * sign-in feed, and undoing a check-in by session and participant, once.
 */
#include "../support/testserver.h"
#include "../tap.h"
#include "tp_dir.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static struct ts_server srv;
static struct ts_client staff, kiosk, viewer;
static char real_assets[512];
static int64_t programme_id, group_id, session_id, kiki_id, walkin_id;

static void setup(void)
{
	struct ts_response r;
	char from[32], to[32];
	ts_requestf(&staff, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "Scheme");
	programme_id = ts_created("programme", &r);
	ts_requestf(&staff, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme_id, "name", "媽媽支援小組", "kind", "peer_support");
	if (r.status != 201)
		bail_out("group: %s", r.body);
	is_str(ts_str(&r, "feedback_form"), "satisfaction",
	       "a new group offers the satisfaction form unless told otherwise");
	group_id = ts_created("group", &r);
	/* Starting in a minute: open for sign-in, and today's (in Hong Kong)
	 * unless the test runs in the day's last minute. */
	ts_iso_in(from, sizeof from, 1);
	ts_iso_in(to, sizeof to, 121);
	ts_requestf(&staff, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s, s:s}",
		    "group_id", (json_int_t)group_id, "starts_at", from, "ends_at", to, "venue",
		    "Room 1", "title", "第3節");
	session_id = ts_created("session", &r);
	ts_requestf(&staff, "POST", "/api/v1/participants", &r, "{s:s, s:s}", "alias", "KIKI",
		    "phone", "91234567");
	kiki_id = ts_created("participant", &r);
	ts_requestf(&staff, "POST", "/api/v1/participants", &r, "{s:s}", "alias", "Walk In");
	walkin_id = ts_created("participant", &r);
	ts_requestf(&staff, "POST", "/api/v1/enrolments", &r, "{s:I, s:I}", "group_id",
		    (json_int_t)group_id, "participant_id", (json_int_t)kiki_id);
	ts_created("enrolment", &r);
}

static json_t *find_form(json_t *items, const char *key)
{
	size_t i;
	json_t *f;
	json_array_foreach(items, i, f) {
		if (strcmp(json_string_value(json_object_get(f, "key")), key) == 0)
			return f;
	}
	return NULL;
}

static void test_forms(void)
{
	struct ts_response r;
	ts_request(&kiosk, "GET", "/api/v1/forms", NULL, &r);
	is_int(r.status, 200, "a kiosk reads the forms");
	json_t *items = json_object_get(r.json, "items");
	ok(find_form(items, "satisfaction") && find_form(items, "awareness") &&
	   find_form(items, "phq9"), "the three built-in forms are there");
	ok(find_form(items, "anon") != NULL, "and this test's anonymous one");
	json_t *s = find_form(items, "satisfaction");
	ok(s != NULL, "satisfaction among them");
	json_t *overall = json_array_get(json_object_get(s, "questions"), 0);
	is_str(json_string_value(json_object_get(overall, "key")), "overall",
	       "its first question is overall");
	is_int(json_array_size(json_object_get(json_object_get(overall, "labels"), "en")), 5,
	       "with five English labels for the buttons");
	ok(json_is_string(json_object_get(json_object_get(s, "title"), "zh-HK")),
	   "its title comes in zh-HK");
	ts_response_release(&r);

	ts_request(&staff, "GET", "/api/v1/forms/awareness", NULL, &r);
	is_int(r.status, 200, "a worker reads one form by key");
	is_str(json_string_value(json_object_get(json_object_get(r.json, "title"), "zh-HK")),
	       "活動後問卷", "the awareness form's title is neutral");
	ts_response_release(&r);
	ts_request(&staff, "GET", "/api/v1/forms/nosuch", NULL, &r);
	is_int(r.status, 404, "an unknown form is not found");
	ok(strstr(r.body, "satisfaction") != NULL, "and the answer lists the forms there are");
	ts_response_release(&r);
	struct ts_client anonymous;
	ts_client_init(&anonymous, &srv);
	ts_request(&anonymous, "GET", "/api/v1/forms", NULL, &r);
	is_int(r.status, 401, "forms are not public");
	ts_response_release(&r);
	ts_client_release(&anonymous);

	/* A group chooses its feedback form among those loaded. */
	char path[96];
	snprintf(path, sizeof path, "/api/v1/groups/%lld", (long long)group_id);
	ts_requestf(&staff, "PATCH", path, &r, "{s:s, s:s}", "feedback_form", "nosuch", "name",
		    "Renamed");
	is_int(r.status, 400, "a form that does not exist is refused");
	is_str(ts_error_field(&r), "feedback_form", "naming feedback_form");
	ok(strstr(r.body, "phq9"), "and listing the forms there are");
	ts_response_release(&r);
	ts_request(&staff, "GET", path, NULL, &r);
	is_str(ts_str(&r, "name"), "媽媽支援小組", "nothing of the refused change was written");
	ts_response_release(&r);
	ts_requestf(&staff, "PATCH", path, &r, "{s:s}", "feedback_form", "awareness");
	is_int(r.status, 200, "a worker sets the group's form to awareness");
	is_str(ts_str(&r, "feedback_form"), "awareness", "and it is kept");
	ts_response_release(&r);
	ts_requestf(&staff, "PATCH", path, &r, "{s:n}", "feedback_form");
	is_int(r.status, 400, "the form cannot be emptied");
	ts_response_release(&r);
	ts_requestf(&staff, "PATCH", path, &r, "{s:s}", "feedback_form", "satisfaction");
	ts_response_release(&r);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	if (!in || !out)
		bail_out("cannot copy %s to %s", from, to);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
}

/* A malformed form file stops the program at start, naming it and why. */
static void test_broken_forms(void)
{
	const char *assets = getenv("TP_ASSETS");
	char *saved = strdup(assets);
	struct ts_server broken;
	ts_server_prepare(&broken);
	char dir[400], from[700], to[700];
	snprintf(dir, sizeof dir, "%s/assets", broken.dir);
	mkdir(dir, 0700);
	snprintf(to, sizeof to, "%s/forms", dir);
	mkdir(to, 0700);
	snprintf(from, sizeof from, "%s/forms/satisfaction.json", real_assets);
	snprintf(to, sizeof to, "%s/forms/satisfaction.json", dir);
	copy_file(from, to);
	snprintf(to, sizeof to, "%s/forms/phq9.json", dir);
	FILE *f = fopen(to, "w");
	fputs("{\"key\": \"phq9\", \"version\": 1, \"title\": {\"zh-HK\": \"問卷\", \"en\": \"Form\"},"
	      " \"questions\": [{\"key\": \"q1\", \"type\": \"yes_no\","
	      " \"text\": {\"zh-HK\": \"一\", \"en\": \"One\"}},"
	      " {\"key\": \"q1\", \"type\": \"yes_no\", \"text\": {\"zh-HK\": \"二\", \"en\": \"Two\"}}]}",
	      f);
	fclose(f);
	setenv("TP_ASSETS", dir, 1);
	/* On the running server's port: should the check ever be lost, this
	 * fails on the port in use instead of serving for ever. */
	char listen[32];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", srv.port);
	char *out = NULL, *err = NULL;
	is_int(ts_cli(&broken, &out, &err, "serve", "--listen", listen, NULL), 1,
	       "a malformed form file stops the server at start");
	ok(strstr(err, "phq9.json") && strstr(err, "duplicate question key \"q1\""),
	   "naming the file and why: %s", err);
	free(out);
	free(err);
	remove(to);
	snprintf(to, sizeof to, "%s/forms/satisfaction.json", dir);
	remove(to);
	is_int(ts_cli(&broken, &out, &err, "serve", "--listen", listen, NULL), 1,
	       "so does a forms folder without the default satisfaction form");
	ok(strstr(err, "satisfaction.json") != NULL, "naming it: %s", err);
	free(out);
	free(err);
	setenv("TP_ASSETS", saved, 1);
	free(saved);
	ts_server_cleanup(&broken);
}

/* Posts a response as client c; fills r. */
static void respond(struct ts_client *c, struct ts_response *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *body = json_vpack_ex(NULL, 0, fmt, ap);
	va_end(ap);
	if (!body)
		bail_out("bad json_pack format %s", fmt);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	ts_request(c, "POST", "/api/v1/responses", text, r);
	free(text);
}

static size_t responses_count(const char *query)
{
	struct ts_response r;
	char path[160];
	snprintf(path, sizeof path, "/api/v1/responses%s", query);
	ts_request(&staff, "GET", path, NULL, &r);
	size_t n = json_array_size(json_object_get(r.json, "items"));
	ts_response_release(&r);
	return n;
}

static void test_responses(void)
{
	struct ts_response r;
	respond(&kiosk, &r, "{s:s, s:I, s:I, s:s, s:{s:i, s:b, s:s}}", "form", "satisfaction",
		"session_id", (json_int_t)session_id, "participant_id", (json_int_t)kiki_id,
		"nonce", "k1-fb-1", "answers", "overall", 5, "again", 1, "comment", "  好開心  ");
	is_int(r.status, 201, "the kiosk stores her feedback");
	int64_t first = ts_int(&r, "id");
	is_str(ts_str(&r, "form"), "satisfaction", "for the satisfaction form");
	is_int(ts_int(&r, "form_version"), 1, "version 1");
	is_str(ts_str(&r, "channel"), "kiosk", "taken at the kiosk");
	is_int(ts_int(&r, "participant_id"), kiki_id, "tied to her");
	is_int(ts_int(&r, "session_id"), session_id, "and to the session");
	ok(json_is_string(json_object_get(r.json, "submitted_at")), "with when she answered");
	json_t *answers = json_object_get(r.json, "answers");
	is_int(json_integer_value(json_object_get(answers, "overall")), 5, "overall 5");
	is_str(json_string_value(json_object_get(answers, "comment")), "好開心",
	       "her comment, trimmed");
	ts_response_release(&r);

	respond(&kiosk, &r, "{s:s, s:I, s:I, s:s, s:{s:i}}", "form", "satisfaction",
		"session_id", (json_int_t)session_id, "participant_id", (json_int_t)kiki_id,
		"nonce", "k1-fb-1", "answers", "overall", 1);
	is_int(r.status, 201, "a resend with the same nonce is answered as the first");
	is_int(ts_int(&r, "id"), first, "with the same response");
	is_int(json_integer_value(json_object_get(json_object_get(r.json, "answers"), "overall")),
	       5, "keeping the first answers");
	ts_response_release(&r);
	char query[96];
	snprintf(query, sizeof query, "?session_id=%lld&form=satisfaction", (long long)session_id);
	is_int(responses_count(query), 1, "one response is stored, not two");

	/* Refusals name the field and store nothing. */
	respond(&kiosk, &r, "{s:s, s:I, s:{s:i}}", "form", "satisfaction", "session_id",
		(json_int_t)session_id, "answers", "overall", 4);
	is_int(r.status, 400, "a kiosk's response without a nonce is refused");
	is_str(ts_error_field(&r), "nonce", "naming the nonce");
	ts_response_release(&r);
	respond(&kiosk, &r, "{s:s, s:s, s:{s:i}}", "form", "mood", "nonce", "k1-fb-2", "answers",
		"overall", 4);
	is_int(r.status, 400, "an unknown form is refused");
	is_str(ts_error_field(&r), "form", "naming the form");
	ts_response_release(&r);
	respond(&kiosk, &r, "{s:s, s:s, s:{s:i}}", "form", "satisfaction", "nonce", "k1-fb-3",
		"answers", "overall", 6);
	is_int(r.status, 400, "an answer out of range is refused");
	is_str(ts_error_field(&r), "answers.overall", "naming the question");
	ts_response_release(&r);
	respond(&kiosk, &r, "{s:s, s:s, s:{s:i}}", "form", "satisfaction", "nonce", "k1-fb-4",
		"answers", "mood", 3);
	is_int(r.status, 400, "an answer to a question the form has not is refused");
	is_str(ts_error_field(&r), "answers.mood", "naming it");
	ts_response_release(&r);
	respond(&kiosk, &r, "{s:s, s:s, s:{s:n, s:s}}", "form", "satisfaction", "nonce",
		"k1-fb-5", "answers", "overall", "comment", " ");
	is_int(r.status, 400, "a form with every question skipped is refused");
	is_str(ts_error_field(&r), "answers", "naming the answers");
	ts_response_release(&r);
	respond(&kiosk, &r, "{s:s, s:I, s:s, s:{s:i}}", "form", "satisfaction", "session_id",
		(json_int_t)999999, "nonce", "k1-fb-6", "answers", "overall", 4);
	is_int(r.status, 400, "an unknown session is refused");
	is_str(ts_error_field(&r), "session_id", "naming it");
	ts_response_release(&r);
	respond(&kiosk, &r, "{s:s, s:s, s:s, s:{s:i}}", "form", "satisfaction", "phase", "during",
		"nonce", "k1-fb-7", "answers", "overall", 4);
	is_int(r.status, 400, "an unknown phase is refused");
	is_str(ts_error_field(&r), "phase", "naming it");
	ts_response_release(&r);
	is_int(responses_count(""), 1, "none of the refused responses was stored");
	/* A kiosk whose clock runs fast: the answer is kept, at the time it came. */
	respond(&kiosk, &r, "{s:s, s:s, s:s, s:{s:i}}", "form", "satisfaction", "submitted_at",
		"2099-01-01T00:00:00+08:00", "nonce", "k1-fb-8", "answers", "overall", 4);
	is_int(r.status, 201, "a kiosk's answer timed in the future is not thrown away");
	ok(ts_str(&r, "submitted_at") && strncmp(ts_str(&r, "submitted_at"), "2099", 4) != 0,
	   "it is kept at the time it reached the server");
	ts_response_release(&r);
	is_int(responses_count(""), 2, "and stored");

	/* She may not be enrolled: the kiosk let her in provisionally. */
	respond(&kiosk, &r, "{s:s, s:I, s:I, s:s, s:{s:i}}", "form", "awareness", "session_id",
		(json_int_t)session_id, "participant_id", (json_int_t)walkin_id, "nonce",
		"k1-fb-9", "answers", "understanding", 4);
	is_int(r.status, 201, "a walk-in's answers are kept too");
	ts_response_release(&r);

	/* An anonymous form names no one, whatever the kiosk sends. */
	respond(&kiosk, &r, "{s:s, s:I, s:I, s:s, s:{s:b}}", "form", "anon", "session_id",
		(json_int_t)session_id, "participant_id", (json_int_t)kiki_id, "nonce",
		"k1-fb-10", "answers", "liked", 1);
	is_int(r.status, 201, "an anonymous form is kept");
	ok(json_is_null(json_object_get(r.json, "participant_id")), "without her id");
	ts_response_release(&r);

	/* A worker enters a paper form, for the pre phase of a measure. */
	respond(&staff, &r, "{s:s, s:I, s:s, s:{s:i, s:i}}", "form", "phq9", "participant_id",
		(json_int_t)kiki_id, "phase", "pre", "answers", "q1", 2, "q2", 1);
	is_int(r.status, 201, "a worker stores a paper form without a nonce");
	is_str(ts_str(&r, "channel"), "staff", "as entered by staff");
	is_str(ts_str(&r, "phase"), "pre", "in the pre phase");
	ts_response_release(&r);

	/* Reading them back. */
	snprintf(query, sizeof query, "/api/v1/responses?session_id=%lld", (long long)session_id);
	ts_request(&staff, "GET", query, NULL, &r);
	is_int(r.status, 200, "a worker lists the session's responses");
	json_t *items = json_object_get(r.json, "items");
	is_int(json_array_size(items), 3, "all three of that session");
	is_str(json_string_value(json_object_get(json_array_get(items, 0), "alias")), "KIKI",
	       "with who answered");
	ts_response_release(&r);
	ts_request(&viewer, "GET", query, NULL, &r);
	is_int(r.status, 200, "a viewer lists them too");
	json_t *one = json_array_get(json_object_get(r.json, "items"), 0);
	ok(json_object_get(one, "answers") && !json_object_get(one, "participant_id") &&
	   !json_object_get(one, "alias") && !json_object_get(one, "device_id"),
	   "seeing the answers but not whose");
	ts_response_release(&r);
	snprintf(query, sizeof query, "/api/v1/responses?participant_id=%lld", (long long)kiki_id);
	ts_request(&viewer, "GET", query, NULL, &r);
	is_int(r.status, 403, "a viewer may not look up one person's answers");
	ts_response_release(&r);
	ts_request(&staff, "GET", query, NULL, &r);
	is_int(json_array_size(json_object_get(r.json, "items")), 2,
	       "a worker finds her two named responses");
	ts_response_release(&r);
	ts_request(&staff, "GET", "/api/v1/responses?form=nosuch", NULL, &r);
	is_int(r.status, 400, "listing an unknown form is refused");
	ts_response_release(&r);
	ts_request(&kiosk, "GET", "/api/v1/responses", NULL, &r);
	is_int(r.status, 403, "a kiosk cannot read responses back");
	ts_response_release(&r);
}

/* The audit log records each stored response, never its answers. */
static void test_responses_audit(struct ts_client *admin)
{
	struct ts_response r;
	ts_request(admin, "GET", "/api/v1/audit?entity=response", NULL, &r);
	json_t *items = json_object_get(r.json, "items");
	is_int(json_array_size(items), 5, "each stored response is in the audit log");
	ok(!strstr(r.body, "好開心") && !strstr(r.body, "overall"),
	   "and the log holds no answers");
	ts_response_release(&r);
	ts_request(admin, "GET", "/api/v1/audit?entity=responses", NULL, &r);
	ok(json_array_size(json_object_get(r.json, "items")) >= 1,
	   "reading responses out is audited as an export");
	ts_response_release(&r);
}

/* Runs SQL on the server's database (to age a code instead of sleeping). */
static void sql(const char *text)
{
	sqlite3 *db;
	if (sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_exec(db, text, NULL, NULL, NULL) != SQLITE_OK)
		bail_out("sql: %s", sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* Renders an SVG and reads its QR code back, as a phone would. */
static char *decode_svg(const char *svg)
{
	char svg_path[400], png_path[400], cmd[1400];
	snprintf(svg_path, sizeof svg_path, "%s/qr.svg", srv.dir);
	snprintf(png_path, sizeof png_path, "%s/qr.png", srv.dir);
	FILE *f = fopen(svg_path, "w");
	fputs(svg, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "rsvg-convert -w 800 -b white -o '%s' '%s' && "
		 "zbarimg --raw -q '%s' 2>/dev/null", png_path, svg_path, png_path);
	FILE *p = popen(cmd, "r");
	char *out = calloc(1, 4096);
	size_t n = fread(out, 1, 4095, p);
	out[n] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static long pair(struct ts_client *anyone, const char *code, struct ts_response *r)
{
	ts_requestf(anyone, "POST", "/api/v1/pair", r, "{s:s}", "code", code);
	return r->status;
}

static long me(const char *token)
{
	struct ts_client c;
	ts_client_init(&c, &srv);
	snprintf(c.bearer, sizeof c.bearer, "%s", token);
	struct ts_response r;
	ts_request(&c, "GET", "/api/v1/auth/me", NULL, &r);
	long status = r.status;
	ts_response_release(&r);
	ts_client_release(&c);
	return status;
}

static void test_pairing(struct ts_client *admin)
{
	struct ts_response r;
	ts_requestf(admin, "POST", "/api/v1/devices", &r, "{s:s, s:s, s:s}", "name",
		    "Front desk", "kind", "kiosk", "venue", "Room 1");
	if (r.status != 201)
		bail_out("device: %s", r.body);
	int64_t device = ts_int(&r, "id");
	char old_token[128];
	snprintf(old_token, sizeof old_token, "%s", ts_str(&r, "token"));
	ts_response_release(&r);
	is_int(me(old_token), 200, "the device's first token works");

	char path[128];
	snprintf(path, sizeof path, "/api/v1/devices/%lld/pairing", (long long)device);
	ts_request(&staff, "POST", path, "{}", &r);
	is_int(r.status, 403, "a worker cannot make pairing codes");
	ts_response_release(&r);
	ts_request(admin, "POST", "/api/v1/devices/999999/pairing", "{}", &r);
	is_int(r.status, 404, "nor can anyone for a device that is not there");
	ts_response_release(&r);
	ts_request(admin, "POST", path, "{}", &r);
	is_int(r.status, 201, "an admin makes a pairing code");
	char code[32];
	snprintf(code, sizeof code, "%s", ts_str(&r, "code") ? ts_str(&r, "code") : "");
	ok(strlen(code) == 9 && code[4] == '-' &&
	   strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-") == 9,
	   "shown as XXXX-XXXX in base32 (%s)", code);
	ok(json_is_string(json_object_get(r.json, "expires_at")), "with its expiry");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/devices/%lld", (long long)device);
	ts_request(admin, "GET", path, NULL, &r);
	ok(json_is_string(json_object_get(r.json, "pairing_expires_at")) &&
	   !strstr(r.body, "pairing_hash"), "the device shows a code is pending, not the code");
	ts_response_release(&r);

	snprintf(path, sizeof path, "/api/v1/devices/%lld/pairing.svg?code=%s", (long long)device,
		 code);
	ts_request(admin, "GET", path, NULL, &r);
	is_int(r.status, 200, "the code is drawn as a QR");
	char *read = decode_svg(r.body);
	is_str(read, code, "which scans to the code alone");
	free(read);
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/devices/%lld/pairing.svg?code=AAAA-AAAA",
		 (long long)device);
	ts_request(admin, "GET", path, NULL, &r);
	is_int(r.status, 404, "a code that is not the pending one is not drawn");
	ts_response_release(&r);

	struct ts_client anyone;
	ts_client_init(&anyone, &srv);
	pair(&anyone, "ABC", &r);
	is_int(r.status, 400, "a code of the wrong shape is refused");
	is_str(ts_error_field(&r), "code", "naming the code");
	ts_response_release(&r);
	pair(&anyone, "AAAA-AAAA", &r);
	is_int(r.status, 401, "an unknown code is refused");
	is_str(ts_error_code(&r), "invalid_code", "as not known");
	ts_response_release(&r);
	/* Typed by hand: lowercase, no dash. */
	char typed[16];
	snprintf(typed, sizeof typed, "%.4s%.4s", code, code + 5);
	for (char *p = typed; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	is_int(pair(&anyone, typed, &r), 200, "the kiosk exchanges the code, typed as it may be");
	char token[128];
	snprintf(token, sizeof token, "%s", ts_str(&r, "token") ? ts_str(&r, "token") : "");
	ok(strncmp(token, "tpk_", 4) == 0, "for a kiosk token");
	is_int(ts_int(&r, "device_id"), device, "naming its device");
	is_str(ts_str(&r, "name"), "Front desk", "its name");
	is_str(ts_str(&r, "venue"), "Room 1", "and its venue");
	ts_response_release(&r);
	is_int(me(token), 200, "the new token works");
	is_int(me(old_token), 401, "and the old one stops at once");
	pair(&anyone, code, &r);
	is_int(r.status, 401, "the code works only once");
	is_str(ts_error_code(&r), "used_code", "and says it was used");
	ts_response_release(&r);

	/* A code left too long expires. */
	snprintf(path, sizeof path, "/api/v1/devices/%lld/pairing", (long long)device);
	ts_request(admin, "POST", path, "{}", &r);
	snprintf(code, sizeof code, "%s", ts_str(&r, "code") ? ts_str(&r, "code") : "");
	ts_response_release(&r);
	char text[160];
	snprintf(text, sizeof text, "UPDATE devices SET pairing_expires_at = pairing_expires_at"
		 " - 901 WHERE id = %lld", (long long)device);
	sql(text);
	pair(&anyone, code, &r);
	is_int(r.status, 401, "a code older than 15 minutes is refused");
	is_str(ts_error_code(&r), "expired_code", "as expired");
	ok(strstr(ts_str(&r, "message") ? ts_str(&r, "message") : r.body, "expired") != NULL,
	   "with a clear message");
	ts_response_release(&r);
	is_int(me(token), 200, "and the kiosk's token still works");

	/* Revoking the device stops it, and its pending code. */
	snprintf(path, sizeof path, "/api/v1/devices/%lld/pairing", (long long)device);
	ts_request(admin, "POST", path, "{}", &r);
	snprintf(code, sizeof code, "%s", ts_str(&r, "code") ? ts_str(&r, "code") : "");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/devices/%lld/archive", (long long)device);
	ts_request(admin, "POST", path, "{}", &r);
	is_int(r.status, 200, "an admin revokes the kiosk");
	ts_response_release(&r);
	is_int(me(token), 401, "which stops it at its next call");
	pair(&anyone, code, &r);
	is_int(r.status, 401, "and its pending code no longer pairs");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/devices/%lld/pairing", (long long)device);
	ts_request(admin, "POST", path, "{}", &r);
	is_int(r.status, 409, "a revoked device gets no new code");
	ts_response_release(&r);

	ts_request(admin, "GET", "/api/v1/audit?entity=device", NULL, &r);
	ok(strstr(r.body, "\"pairing_code\"") && strstr(r.body, "\"pair\""),
	   "making and using a code are audited");
	ts_response_release(&r);

	/* Guessing is slowed: at most 10 tries a minute from one address. */
	int refused_at = -1;
	for (int i = 0; i < 11 && refused_at < 0; i++) {
		if (pair(&anyone, "AAAA-AAAA", &r) == 429)
			refused_at = i;
		ts_response_release(&r);
	}
	ok(refused_at >= 0, "guessing codes is refused with 429 after 10 tries in a minute");
	pair(&anyone, "BBBB-BBBB", &r);
	is_int(r.status, 429, "and stays refused");
	ok(strstr(r.headers, "Retry-After") != NULL, "saying when to try again");
	ts_response_release(&r);
	ts_client_release(&anyone);
}

static json_t *find_id(json_t *items, const char *key, int64_t id)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		if (json_integer_value(json_object_get(o, key)) == id)
			return o;
	}
	return NULL;
}

static bool has_string(json_t *items, const char *s)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		if (json_is_string(o) && strcmp(json_string_value(o), s) == 0)
			return true;
	}
	return false;
}

static void participant_card(int64_t id, char *out, size_t len)
{
	struct ts_response r;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/participants/%lld", (long long)id);
	ts_request(&staff, "GET", path, NULL, &r);
	snprintf(out, len, "%s", ts_str(&r, "card_token") ? ts_str(&r, "card_token") : "");
	ts_response_release(&r);
}

/* The session in the kiosk's roster (a new reference), or NULL. */
static json_t *roster_session(const char *query, int64_t id, json_t **whole)
{
	struct ts_response r;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/kiosk/roster%s", query);
	ts_request(&kiosk, "GET", path, NULL, &r);
	if (r.status != 200)
		bail_out("roster: %ld %s", r.status, r.body);
	json_t *s = find_id(json_object_get(r.json, "sessions"), "id", id);
	json_incref(s);
	if (whole)
		*whole = json_incref(r.json);
	ts_response_release(&r);
	return s;
}

static void test_roster(void)
{
	struct ts_response r;
	char from[32], to[32];
	/* Elsewhere, and tomorrow: not in today's roster of Room 1. */
	ts_iso_in(from, sizeof from, 5);
	ts_iso_in(to, sizeof to, 60);
	ts_requestf(&staff, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s}", "group_id",
		    (json_int_t)group_id, "starts_at", from, "ends_at", to, "venue", "Room 2");
	int64_t elsewhere = ts_created("session", &r);
	ts_iso_in(from, sizeof from, 24 * 60);
	ts_iso_in(to, sizeof to, 25 * 60);
	ts_requestf(&staff, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s}", "group_id",
		    (json_int_t)group_id, "starts_at", from, "ends_at", to, "venue", "Room 1");
	int64_t tomorrow = ts_created("session", &r);

	ts_request(&staff, "GET", "/api/v1/kiosk/roster", NULL, &r);
	is_int(r.status, 403, "the roster is for kiosks only");
	ts_response_release(&r);

	json_t *whole = NULL;
	json_t *s = roster_session("", session_id, &whole);
	ok(s != NULL, "the kiosk's roster has today's session at its venue");
	is_str(json_string_value(json_object_get(whole, "venue")), "Room 1", "its venue");
	ok(!find_id(json_object_get(whole, "sessions"), "id", elsewhere),
	   "not a session at another venue");
	ok(!find_id(json_object_get(whole, "sessions"), "id", tomorrow),
	   "nor tomorrow's, by default");
	is_str(json_string_value(json_object_get(s, "title")), "第3節", "with its title");
	is_str(json_string_value(json_object_get(s, "group_name")), "媽媽支援小組",
	       "its group's name");
	is_int(json_integer_value(json_object_get(s, "number")), 1, "which session of the term");
	is_str(json_string_value(json_object_get(s, "status")), "planned", "its status");
	is_str(json_string_value(json_object_get(s, "feedback_form")), "satisfaction",
	       "the feedback form it offers");
	ok(json_is_string(json_object_get(s, "starts_at")) &&
	   json_is_string(json_object_get(s, "ends_at")), "when it starts and ends");
	ok(json_string_length(json_object_get(s, "qr_key")) >= 20,
	   "and the key of its rotating phone QR");
	json_t *enrolled = json_object_get(s, "enrolled");
	is_int(json_array_size(enrolled), 1, "one person is enrolled");
	is_str(json_string_value(json_object_get(json_array_get(enrolled, 0), "alias")), "KIKI",
	       "KIKI, by alias");
	is_int(json_array_size(json_object_get(s, "signed_in")), 0, "no one is signed in yet");
	char kiki_card[64], walkin_card[64];
	participant_card(kiki_id, kiki_card, sizeof kiki_card);
	participant_card(walkin_id, walkin_card, sizeof walkin_card);
	json_t *card = NULL;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(whole, "cards"), i, c) {
		if (strcmp(json_string_value(json_object_get(c, "token")), kiki_card) == 0)
			card = c;
		ok(strcmp(json_string_value(json_object_get(c, "token")), walkin_card) != 0,
		   "no card of someone not enrolled");
	}
	ok(card && json_integer_value(json_object_get(card, "participant_id")) == kiki_id &&
	   strcmp(json_string_value(json_object_get(card, "alias")), "KIKI") == 0,
	   "her live card, with her id and alias");
	char *text = json_dumps(whole, 0);
	ok(!strstr(text, "91234567") && !strstr(text, "\"phone\"") && !strstr(text, "\"note") &&
	   !strstr(text, "\"ref\""), "nothing private: no phone, note or reference");
	free(text);
	ok(json_is_string(json_object_get(whole, "phone_link_base")) &&
	   strstr(json_string_value(json_object_get(whole, "phone_link_base")), "/p/"),
	   "and where phones go, for the QR link");
	json_decref(s);
	json_decref(whole);

	s = roster_session("?days=2", tomorrow, NULL);
	ok(s != NULL, "two days bring tomorrow's session");
	json_decref(s);
	ts_request(&kiosk, "GET", "/api/v1/kiosk/roster?days=0", NULL, &r);
	is_int(r.status, 400, "zero days is refused");
	is_str(ts_error_field(&r), "days", "naming days");
	ts_response_release(&r);
	ts_request(&kiosk, "GET", "/api/v1/kiosk/roster?from=2026-13-01", NULL, &r);
	is_int(r.status, 400, "a date that does not exist is refused");
	is_str(ts_error_field(&r), "from", "naming from");
	ts_response_release(&r);

	/* A check-in shows; a reissued card turns the old one revoked. */
	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card", kiki_card,
		    "session_id", (json_int_t)session_id, "nonce", "k1-in-1");
	is_int(r.status, 201, "KIKI signs in by card");
	ts_response_release(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/participants/%lld/card", (long long)kiki_id);
	ts_request(&staff, "POST", path, "{}", &r);
	ts_response_release(&r);
	char new_card[64];
	participant_card(kiki_id, new_card, sizeof new_card);
	s = roster_session("", session_id, &whole);
	json_t *in = json_array_get(json_object_get(s, "signed_in"), 0);
	is_int(json_integer_value(json_object_get(in, "participant_id")), kiki_id,
	       "the roster shows her signed in");
	is_str(json_string_value(json_object_get(in, "method")), "card", "by card");
	ok(json_is_string(json_object_get(in, "at")), "and when");
	ok(has_string(json_object_get(whole, "revoked"), kiki_card),
	   "her old card is listed as revoked, token only");
	ok(!has_string(json_object_get(whole, "revoked"), new_card), "not her new one");
	ok(find_id(json_object_get(whole, "cards"), "participant_id", kiki_id) &&
	   strcmp(json_string_value(json_object_get(find_id(json_object_get(whole, "cards"),
	   "participant_id", kiki_id), "token")), new_card) == 0, "which is the live card now");
	json_decref(s);
	json_decref(whole);

	/* The phone feed lists phone sign-ins only. */
	ts_request(&kiosk, "GET", "/api/v1/kiosk/signins?after=0", NULL, &r);
	is_int(r.status, 200, "the kiosk polls phone sign-ins");
	is_int(json_array_size(json_object_get(r.json, "items")), 0,
	       "a card sign-in is not among them");
	ok(json_is_integer(json_object_get(r.json, "last_id")), "the answer says where to go on");
	ts_response_release(&r);
	ts_request(&kiosk, "GET", "/api/v1/kiosk/signins?after=x", NULL, &r);
	is_int(r.status, 400, "a bad cursor is refused");
	ts_response_release(&r);
	ts_request(&staff, "GET", "/api/v1/kiosk/signins", NULL, &r);
	is_int(r.status, 403, "the feed is for kiosks only");
	ts_response_release(&r);
}

static void test_roster_no_venue(void)
{
	char *token = ts_create_token(&srv, "Kiosk nowhere", "kiosk", NULL);
	struct ts_client c;
	ts_client_init(&c, &srv);
	snprintf(c.bearer, sizeof c.bearer, "%s", token);
	struct ts_response r;
	ts_request(&c, "GET", "/api/v1/kiosk/roster", NULL, &r);
	is_int(r.status, 409, "a kiosk without a venue gets no roster");
	is_str(ts_error_code(&r), "no_venue", "and is told why");
	ts_response_release(&r);
	ts_client_release(&c);
	free(token);
}

static int64_t signed_in_count(void)
{
	json_t *s = roster_session("", session_id, NULL);
	int64_t n = (int64_t)json_array_size(json_object_get(s, "signed_in"));
	json_decref(s);
	return n;
}

static void undo(struct ts_client *c, const char *nonce, int64_t participant,
		 struct ts_response *r)
{
	if (nonce)
		ts_requestf(c, "POST", "/api/v1/checkins/undo", r, "{s:I, s:I, s:s, s:s}",
			    "session_id", (json_int_t)session_id, "participant_id",
			    (json_int_t)participant, "reason", "scanned by mistake", "nonce", nonce);
	else
		ts_requestf(c, "POST", "/api/v1/checkins/undo", r, "{s:I, s:I, s:s}",
			    "session_id", (json_int_t)session_id, "participant_id",
			    (json_int_t)participant, "reason", "scanned by mistake");
}

static void test_undo(struct ts_client *admin)
{
	struct ts_response r;
	is_int(signed_in_count(), 1, "KIKI is signed in");
	undo(&kiosk, "k1-undo-1", kiki_id, &r);
	is_int(r.status, 200, "the kiosk undoes her sign-in by session and participant");
	is_str(ts_str(&r, "status"), "undone", "undone");
	ok(ts_int(&r, "attendance_id") > 0, "naming the server's attendance");
	char *first = strdup(r.body);
	ts_response_release(&r);
	is_int(signed_in_count(), 0, "she is off the roster");

	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:I, s:I, s:s, s:s}",
		    "participant_id", (json_int_t)kiki_id, "session_id", (json_int_t)session_id,
		    "method", "staff", "nonce", "k1-in-2");
	is_int(r.status, 201, "she is signed in again by hand");
	ts_response_release(&r);
	undo(&kiosk, "k1-undo-1", kiki_id, &r);
	is_int(r.status, 200, "a resent undo is answered");
	is_str(r.body, first, "with the first answer");
	ts_response_release(&r);
	free(first);
	is_int(signed_in_count(), 1, "and does not undo the new sign-in");

	undo(&kiosk, NULL, kiki_id, &r);
	is_int(r.status, 400, "a kiosk's undo without a nonce is refused");
	is_str(ts_error_field(&r), "nonce", "naming the nonce");
	ts_response_release(&r);
	ts_requestf(&kiosk, "POST", "/api/v1/checkins/undo", &r, "{s:I, s:I, s:s}", "session_id",
		    (json_int_t)session_id, "participant_id", (json_int_t)kiki_id, "nonce", "x");
	is_int(r.status, 400, "an undo without a reason is refused");
	is_str(ts_error_field(&r), "reason", "naming the reason");
	ts_response_release(&r);
	undo(&kiosk, "k1-undo-2", walkin_id, &r);
	is_int(r.status, 404, "undoing someone who is not signed in is refused");
	is_str(ts_error_code(&r), "not_signed_in", "as not signed in");
	ts_response_release(&r);
	is_int(signed_in_count(), 1, "nothing changed");

	undo(&staff, NULL, kiki_id, &r);
	is_int(r.status, 200, "a worker undoes by session and participant too");
	ts_response_release(&r);
	undo(&kiosk, "k1-undo-3", kiki_id, &r);
	is_int(r.status, 200, "an undo of an undone sign-in is no error");
	is_str(ts_str(&r, "status"), "already_undone", "it says already undone");
	ts_response_release(&r);

	ts_request(admin, "GET", "/api/v1/audit?entity=attendance", NULL, &r);
	int undos = 0;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(r.json, "items"), i, item) {
		if (strcmp(json_string_value(json_object_get(item, "action")), "undo_checkin") == 0 &&
		    json_is_string(json_object_get(json_object_get(item, "detail"), "reason")))
			undos++;
	}
	is_int(undos, 2, "both undos are audited with their reason");
	ts_response_release(&r);
}

/* A copy of the forms with one anonymous form more, and the message
 * templates the server needs, as this test's assets. */
static void make_assets(const char *dir)
{
	char path[700], from[700];
	snprintf(path, sizeof path, "%s/forms", dir);
	mkdir(dir, 0700);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/templates", dir);
	mkdir(path, 0700);
	snprintf(from, sizeof from, "%s/templates", real_assets);
	char **names_t = NULL, *err = NULL;
	size_t count = 0;
	if (tp_dir_list(from, ".json", 100, &names_t, &count, &err) < 0)
		bail_out("%s", err);
	for (size_t i = 0; i < count; i++) {
		snprintf(from, sizeof from, "%s/templates/%s", real_assets, names_t[i]);
		snprintf(path, sizeof path, "%s/templates/%s", dir, names_t[i]);
		copy_file(from, path);
		free(names_t[i]);
	}
	free(names_t);
	static const char *const names[] = { "satisfaction", "awareness", "phq9" };
	for (int i = 0; i < 3; i++) {
		snprintf(from, sizeof from, "%s/forms/%s.json", real_assets, names[i]);
		snprintf(path, sizeof path, "%s/forms/%s.json", dir, names[i]);
		copy_file(from, path);
	}
	snprintf(path, sizeof path, "%s/forms/anon.json", dir);
	FILE *f = fopen(path, "w");
	fputs("{\"key\": \"anon\", \"version\": 1, \"anonymous\": true,"
	      " \"title\": {\"zh-HK\": \"問卷\", \"en\": \"Form\"},"
	      " \"questions\": [{\"key\": \"liked\", \"type\": \"yes_no\","
	      " \"text\": {\"zh-HK\": \"喜歡嗎？\", \"en\": \"Did you like it?\"}}]}", f);
	fclose(f);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const char *assets = getenv("TP_ASSETS");
	snprintf(real_assets, sizeof real_assets, "%s", assets ? assets : "assets");
	ts_server_prepare(&srv);
	char test_assets[400];
	snprintf(test_assets, sizeof test_assets, "%s/assets", srv.dir);
	make_assets(test_assets);
	setenv("TP_ASSETS", test_assets, 1);
	char *password = ts_create_user(&srv, "amy", "worker");
	char *viewer_pw = ts_create_user(&srv, "vic", "viewer");
	char *admin_pw = ts_create_user(&srv, "root", "admin");
	char *token = ts_create_token(&srv, "Kiosk 1", "kiosk", "Room 1");
	ts_server_start(&srv);
	ts_client_init(&staff, &srv);
	if (ts_client_login(&staff, "amy", password) != 200)
		bail_out("the worker cannot sign in");
	ts_client_init(&kiosk, &srv);
	snprintf(kiosk.bearer, sizeof kiosk.bearer, "%s", token);
	ts_client_init(&viewer, &srv);
	if (ts_client_login(&viewer, "vic", viewer_pw) != 200)
		bail_out("the viewer cannot sign in");
	struct ts_client admin;
	ts_client_init(&admin, &srv);
	if (ts_client_login(&admin, "root", admin_pw) != 200)
		bail_out("the admin cannot sign in");
	setup();

	test_forms();
	test_broken_forms();
	test_responses();
	test_responses_audit(&admin);
	test_roster();
	test_roster_no_venue();
	test_undo(&admin);
	test_pairing(&admin);

	ts_client_release(&kiosk);
	ts_client_release(&staff);
	ts_client_release(&viewer);
	ts_client_release(&admin);
	free(token);
	free(password);
	free(viewer_pw);
	free(admin_pw);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
