/*
 * Planning a term through the real server: ten Tuesdays 14:00-16:00 with a
 * public holiday left out, in one request and one transaction; the
 * sessions it makes are ordinary sessions (numbered, with the group's
 * venue, a kiosk QR key, audited); every refusal names the field and writes
 * nothing; planning the same term twice is refused as an overlap; a
 * viewer may not plan. Also a participant's attendance history.
 */
#include "../support/testserver.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_int_t session_count(struct ts_client *c, json_int_t group)
{
	struct ts_response r;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/sessions?group_id=%lld&limit=500", (long long)group);
	ts_request(c, "GET", path, NULL, &r);
	json_int_t n = (json_int_t)json_array_size(json_object_get(r.json, "items"));
	ts_response_release(&r);
	return n;
}

/* Posts a plan and checks it is refused with status and field, writing nothing. */
static void refused(struct ts_client *c, const char *path, json_int_t group, long status,
		    const char *field, const char *body, const char *why)
{
	struct ts_response r;
	json_int_t before = session_count(c, group);
	ts_request(c, "POST", path, body, &r);
	is_int(r.status, status, "%s: refused with %ld", why, status);
	if (field)
		is_str(ts_error_field(&r), field, "%s: the error names %s", why, field);
	ts_response_release(&r);
	is_int(session_count(c, group), before, "%s: nothing is written", why);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct ts_server srv;
	ts_server_prepare(&srv);
	char *pw = ts_create_user(&srv, "amy", "worker");
	char *viewer_pw = ts_create_user(&srv, "vic", "viewer");
	char *admin_pw = ts_create_user(&srv, "ada", "admin");
	ts_server_start(&srv);
	struct ts_client amy, vic, ada;
	struct ts_response r;
	ts_client_init(&amy, &srv);
	ts_client_init(&vic, &srv);
	ts_client_init(&ada, &srv);
	if (ts_client_login(&amy, "amy", pw) != 200 || ts_client_login(&vic, "vic", viewer_pw) != 200 ||
	    ts_client_login(&ada, "ada", admin_pw) != 200)
		bail_out("cannot sign in");

	ts_requestf(&amy, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "Programme");
	json_int_t programme = ts_created("programme", &r);
	ts_requestf(&amy, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s, s:s}", "programme_id",
		    programme, "name", "媽媽支援小組", "kind", "peer_support", "venue", "Room 2");
	json_int_t group = ts_created("group", &r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/groups/%lld/term", (long long)group);

	/* Ten weeks of Tuesdays from 2 March 2027, 6 April (Easter) left out. */
	ts_request(&amy, "POST", path,
		   "{\"first_date\": \"2027-03-02\", \"weeks\": 10, \"starts\": \"14:00\","
		   " \"ends\": \"16:00\", \"skip\": [\"2027-04-06\"]}", &r);
	is_int(r.status, 201, "a term is planned in one request");
	json_t *items = json_object_get(r.json, "items");
	is_int((int64_t)json_array_size(items), 9, "ten weeks less the holiday: nine sessions");
	static const char *const want[] = { "2027-03-02", "2027-03-09", "2027-03-16",
					    "2027-03-23", "2027-03-30", "2027-04-13",
					    "2027-04-20", "2027-04-27", "2027-05-04" };
	int right = 0, numbered = 0, keyed_venue = 0;
	for (size_t i = 0; i < json_array_size(items) && i < 9; i++) {
		json_t *s = json_array_get(items, i);
		char from[40], to[40];
		snprintf(from, sizeof from, "%sT14:00:00+08:00", want[i]);
		snprintf(to, sizeof to, "%sT16:00:00+08:00", want[i]);
		right += strcmp(json_string_value(json_object_get(s, "starts_at")), from) == 0 &&
			 strcmp(json_string_value(json_object_get(s, "ends_at")), to) == 0;
		numbered += json_integer_value(json_object_get(s, "number")) == (json_int_t)i + 1;
		keyed_venue += json_is_string(json_object_get(s, "venue")) &&
			       strcmp(json_string_value(json_object_get(s, "venue")), "Room 2") == 0 &&
			       !json_object_get(s, "qr_key");
	}
	is_int(right, 9, "every Tuesday 14:00-16:00 Hong Kong time, the holiday left out");
	is_int(numbered, 9, "numbered 1 to 9 in the group");
	is_int(keyed_venue, 9, "at the group's venue (the kiosk's), the QR key kept secret");
	json_int_t first = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	json_t *skipped = json_object_get(r.json, "skipped");
	ok(json_array_size(skipped) == 1 &&
	   strcmp(json_string_value(json_array_get(skipped, 0)), "2027-04-06") == 0,
	   "the answer lists the date left out");
	ts_response_release(&r);
	is_int(session_count(&amy, group), 9, "the sessions are there for everyone");

	/* The session QR poster of a planned session works: it has its key. */
	char poster[96];
	snprintf(poster, sizeof poster, "/api/v1/sessions/%lld/qr.svg", (long long)first);
	ts_request(&amy, "GET", poster, NULL, &r);
	ok(r.status == 200 && strstr(r.body, "<svg"), "its poster prints");
	ts_response_release(&r);

	refused(&amy, path, group, 409, "first_date",
		"{\"first_date\": \"2027-03-16\", \"weeks\": 2, \"starts\": \"15:00\","
		" \"ends\": \"17:00\"}", "a term overlapping sessions already planned");
	refused(&amy, path, group, 400, "skip",
		"{\"first_date\": \"2027-06-01\", \"weeks\": 4, \"starts\": \"14:00\","
		" \"ends\": \"16:00\", \"skip\": [\"2027-06-03\"]}",
		"a skipped date that is not a Tuesday of the term");
	refused(&amy, path, group, 400, "skip",
		"{\"first_date\": \"2027-06-01\", \"weeks\": 2, \"starts\": \"14:00\","
		" \"ends\": \"16:00\", \"skip\": [\"2027-06-15\"]}", "a skipped date after the term");
	refused(&amy, path, group, 400, "skip",
		"{\"first_date\": \"2027-06-01\", \"weeks\": 1, \"starts\": \"14:00\","
		" \"ends\": \"16:00\", \"skip\": [\"2027-06-01\"]}", "a term with every date skipped");
	refused(&amy, path, group, 400, "ends",
		"{\"first_date\": \"2027-06-01\", \"weeks\": 4, \"starts\": \"16:00\","
		" \"ends\": \"14:00\"}", "an end before the start");
	refused(&amy, path, group, 400, "starts",
		"{\"first_date\": \"2027-06-01\", \"weeks\": 4, \"starts\": \"2pm\","
		" \"ends\": \"16:00\"}", "a start that is not HH:MM");
	refused(&amy, path, group, 400, "weeks",
		"{\"first_date\": \"2027-06-01\", \"weeks\": 105, \"starts\": \"14:00\","
		" \"ends\": \"16:00\"}", "more than two years of weeks");
	refused(&amy, path, group, 400, "first_date",
		"{\"first_date\": \"2027-02-30\", \"weeks\": 4, \"starts\": \"14:00\","
		" \"ends\": \"16:00\"}", "a first date that does not exist");
	refused(&amy, path, group, 400, "title",
		"{\"first_date\": \"2027-06-01\", \"weeks\": 4, \"starts\": \"14:00\","
		" \"ends\": \"16:00\", \"title\": \"x\"}", "an unknown field");
	refused(&vic, path, group, 403, NULL,
		"{\"first_date\": \"2027-06-01\", \"weeks\": 4, \"starts\": \"14:00\","
		" \"ends\": \"16:00\"}", "a viewer");

	/* A given venue wins over the group's; a second weekly slot is allowed. */
	ts_request(&amy, "POST", path,
		   "{\"first_date\": \"2027-03-04\", \"weeks\": 2, \"starts\": \"10:00\","
		   " \"ends\": \"11:30\", \"venue\": \"Room 5\"}", &r);
	is_int(r.status, 201, "a second slot (Thursdays) in another room");
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 1),
						 "venue")), "Room 5", "in the room given");
	ts_response_release(&r);
	is_int(session_count(&amy, group), 11, "eleven sessions in all");

	ts_request(&amy, "POST", "/api/v1/groups/999/term",
		   "{\"first_date\": \"2027-06-01\", \"weeks\": 4, \"starts\": \"14:00\","
		   " \"ends\": \"16:00\"}", &r);
	is_int(r.status, 404, "an unknown group: 404");
	ts_response_release(&r);
	char archive[96];
	snprintf(archive, sizeof archive, "/api/v1/groups/%lld/archive", (long long)group);
	ts_request(&amy, "POST", archive, "{}", &r);
	ts_response_release(&r);
	refused(&amy, path, group, 409, NULL,
		"{\"first_date\": \"2027-06-01\", \"weeks\": 4, \"starts\": \"14:00\","
		" \"ends\": \"16:00\"}", "an archived group");

	ts_request(&ada, "GET", "/api/v1/audit?entity=group", NULL, &r);
	int planned = 0;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(r.json, "items"), i, item)
		planned += strcmp(json_string_value(json_object_get(item, "action")), "plan_term") == 0;
	ts_response_release(&r);
	is_int(planned, 2, "each planned term is in the audit log");

	/* Her attendance: newest first, undone ones marked, reasons for staff. */
	snprintf(archive, sizeof archive, "/api/v1/groups/%lld/restore", (long long)group);
	ts_request(&amy, "POST", archive, "{}", &r);
	ts_response_release(&r);
	ts_requestf(&amy, "POST", "/api/v1/participants", &r, "{s:s}", "alias", "KIKI");
	json_int_t kiki = ts_created("participant", &r);
	for (json_int_t s = 1; s <= 2; s++) {
		ts_requestf(&amy, "POST", "/api/v1/checkins", &r, "{s:I, s:I}", "participant_id", kiki,
			    "session_id", first + s - 1);
		is_int(r.status, 201, "signed in by hand to session %lld", (long long)s);
		ts_response_release(&r);
	}
	ts_requestf(&amy, "POST", "/api/v1/checkins/undo", &r, "{s:I, s:I, s:s}", "session_id",
		    first, "participant_id", kiki, "reason", "wrong person");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/participants/%lld/attendance", (long long)kiki);
	ts_request(&amy, "GET", path, NULL, &r);
	is_int(r.status, 200, "her attendance");
	items = json_object_get(r.json, "items");
	is_int((int64_t)json_array_size(items), 2, "both sign-ins, the undone one too");
	is_int(json_integer_value(json_object_get(json_array_get(items, 0), "session_id")),
	       first + 1, "newest first");
	is_str(json_string_value(json_object_get(json_array_get(items, 0), "method")), "staff",
	       "with how she signed in");
	is_str(json_string_value(json_object_get(json_array_get(items, 0), "group_name")),
	       "媽媽支援小組", "and the group");
	ok(json_is_string(json_object_get(json_array_get(items, 1), "undone_at")),
	   "the undone one is marked");
	is_str(json_string_value(json_object_get(json_array_get(items, 1), "undo_reason")),
	       "wrong person", "with the reason, for staff");
	ts_response_release(&r);
	ts_request(&vic, "GET", path, NULL, &r);
	is_int(r.status, 200, "a viewer sees her attendance");
	ok(!json_object_get(json_array_get(json_object_get(r.json, "items"), 1), "undo_reason"),
	   "but not the reason, which is free text");
	ts_response_release(&r);
	ts_request(&amy, "GET", "/api/v1/participants/9999/attendance", NULL, &r);
	is_int(r.status, 404, "an unknown participant: 404");
	ts_response_release(&r);

	ts_client_release(&amy);
	ts_client_release(&vic);
	ts_client_release(&ada);
	free(pw);
	free(viewer_pw);
	free(admin_pw);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
