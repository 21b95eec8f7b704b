/*
 * The server side of the kiosk, through the real server: forms served to
 * the kiosk and staff, a group's feedback form, a malformed form file
 * stopping the server at start.
 */
#include "../support/testserver.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static struct ts_server srv;
static struct ts_client staff, kiosk;
static int64_t programme_id, group_id, session_id, kiki_id, walkin_id;

static int64_t created(const char *what, struct ts_response *r)
{
	if (r->status != 201)
		bail_out("creating %s: %ld %s", what, r->status, r->body);
	int64_t id = ts_int(r, "id");
	ts_response_release(r);
	return id;
}

static void iso_in(char *buf, size_t len, long minutes)
{
	time_t t = time(NULL) + minutes * 60;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void setup(void)
{
	struct ts_response r;
	char from[32], to[32];
	ts_requestf(&staff, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "Scheme");
	programme_id = created("programme", &r);
	ts_requestf(&staff, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme_id, "name", "媽媽支援小組", "kind", "peer_support");
	if (r.status != 201)
		bail_out("group: %s", r.body);
	is_str(ts_str(&r, "feedback_form"), "satisfaction",
	       "a new group offers the satisfaction form unless told otherwise");
	group_id = created("group", &r);
	iso_in(from, sizeof from, -10);
	iso_in(to, sizeof to, 110);
	ts_requestf(&staff, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s, s:s}",
		    "group_id", (json_int_t)group_id, "starts_at", from, "ends_at", to, "venue",
		    "Room 1", "title", "第3節");
	session_id = created("session", &r);
	ts_requestf(&staff, "POST", "/api/v1/participants", &r, "{s:s, s:s}", "alias", "KIKI",
		    "phone", "91234567");
	kiki_id = created("participant", &r);
	ts_requestf(&staff, "POST", "/api/v1/participants", &r, "{s:s}", "alias", "Walk In");
	walkin_id = created("participant", &r);
	ts_requestf(&staff, "POST", "/api/v1/enrolments", &r, "{s:I, s:I}", "group_id",
		    (json_int_t)group_id, "participant_id", (json_int_t)kiki_id);
	created("enrolment", &r);
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
	is_int(json_array_size(items), 3, "all three built-in forms");
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
	char *saved = strdup(assets ? assets : "assets");
	struct ts_server broken;
	ts_server_prepare(&broken);
	char dir[400], from[700], to[700];
	snprintf(dir, sizeof dir, "%s/assets", broken.dir);
	mkdir(dir, 0700);
	snprintf(to, sizeof to, "%s/forms", dir);
	mkdir(to, 0700);
	snprintf(from, sizeof from, "%s/forms/satisfaction.json", saved);
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
	/* serve, demo, import and the rest all start through the same opening
	 * of the program, which loads the forms; migrate shows it without
	 * leaving a server running should the check ever be lost. */
	char *out = NULL, *err = NULL;
	is_int(ts_cli(&broken, &out, &err, "migrate", NULL), 1,
	       "a malformed form file stops the program at start");
	ok(strstr(err, "phq9.json") && strstr(err, "duplicate question key \"q1\""),
	   "naming the file and why: %s", err);
	free(out);
	free(err);
	remove(to);
	snprintf(to, sizeof to, "%s/forms/satisfaction.json", dir);
	remove(to);
	is_int(ts_cli(&broken, &out, &err, "migrate", NULL), 1,
	       "so does a forms folder without the default satisfaction form");
	ok(strstr(err, "satisfaction.json") != NULL, "naming it: %s", err);
	free(out);
	free(err);
	setenv("TP_ASSETS", saved, 1);
	free(saved);
	ts_server_cleanup(&broken);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	char *password = ts_create_user(&srv, "amy", "worker");
	char *token = ts_create_token(&srv, "Kiosk 1", "kiosk", "Room 1");
	ts_server_start(&srv);
	ts_client_init(&staff, &srv);
	if (ts_client_login(&staff, "amy", password) != 200)
		bail_out("the worker cannot sign in");
	ts_client_init(&kiosk, &srv);
	snprintf(kiosk.bearer, sizeof kiosk.bearer, "%s", token);
	setup();

	test_forms();
	test_broken_forms();

	ts_client_release(&kiosk);
	ts_client_release(&staff);
	free(token);
	free(password);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
