/*
 * What the dashboard's attendance chart reads, hand-checked: two weeks of a
 * programme's sessions counted per week (Monday to Sunday, Hong Kong time),
 * and one group's sessions one by one; a cancelled session, an undone
 * attendance and another programme's sessions never count; a walk-in counts
 * and is shown as one; a session not begun yet is not shown; a venue cut
 * takes a session's own venue, else its group's.
 */
#include "../support/testserver.h"
#include "../tap.h"
#include "tp_buf.h"
#include "tp_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ts_server srv;
static struct ts_client worker;

static json_t *point(json_t *body, size_t i)
{
	return json_array_get(json_object_get(body, "points"), i);
}

static json_int_t field(json_t *body, size_t i, const char *name)
{
	return json_integer_value(json_object_get(point(body, i), name));
}

static void group_venue(const char *ref, const char *venue)
{
	char path[80];
	snprintf(path, sizeof path, "/api/v1/groups/%lld", (long long)ts_id_of(&worker, "groups", ref));
	struct ts_response r;
	ts_requestf(&worker, "PATCH", path, &r, "{s:s}", "venue", venue);
	if (r.status != 200)
		bail_out("venue of %s: %ld %s", ref, r.status, r.body);
	ts_response_release(&r);
}

/*
 * Monday 2026-06-01 and the week after. P1's groups G1 (three enrolled) and
 * G2; P2's group H1.
 */
static void load(void)
{
	ts_import(&worker, "programmes", "ref,name\nP1,Programme one\nP2,Programme two\n");
	ts_import(&worker, "participants", "ref,alias\nA,Amy\nB,Bo\nC,Cat\nW,Walk-in\n");
	ts_import(&worker, "groups", "ref,programme_ref,name,kind\n"
			    "G1,P1,Mothers,counselling\nG2,P1,Talks,education\n"
			    "H1,P2,Other,family\n");
	group_venue("G1", "Room A");
	group_venue("G2", "Room B");
	group_venue("H1", "Room A");
	/* S2 is held in the hall, not in its group's room. */
	ts_import(&worker, "sessions", "ref,group_ref,starts_at,ends_at,venue\n"
			      "S1,G1,2026-06-02T14:00:00+08:00,2026-06-02T16:00:00+08:00,\n"
			      "S2,G1,2026-06-09T14:00:00+08:00,2026-06-09T16:00:00+08:00,Hall\n"
			      /* Sunday 23:30 HK is still the first week. */
			      "T1,G2,2026-06-07T23:30:00+08:00,2026-06-08T00:30:00+08:00,\n"
			      "T2,G2,2026-06-10T10:00:00+08:00,2026-06-10T12:00:00+08:00,\n"
			      "H,H1,2026-06-03T10:00:00+08:00,2026-06-03T12:00:00+08:00,\n"
			      /* Not begun yet: not shown. */
			      "F,G1,2099-06-02T14:00:00+08:00,2099-06-02T16:00:00+08:00,\n");
	ts_import(&worker, "enrolments", "group_ref,participant_ref\nG1,A\nG1,B\nG1,C\nG2,A\nH1,A\n");
	ts_import(&worker, "attendance", "session_ref,participant_ref\n"
				"S1,A\nS1,B\nS1,C\nS1,W\n"
				"S2,A\nS2,B\n"
				"T1,A\nT2,A\nT2,B\nH,A\n");
	/* T2 is cancelled (B's sign-in at S2 is undone by undo_b_at_s2). */
	struct ts_response r;
	json_int_t t2 = ts_id_of(&worker, "sessions", "T2");
	char path[80];
	snprintf(path, sizeof path, "/api/v1/sessions/%lld", (long long)t2);
	ts_requestf(&worker, "PATCH", path, &r, "{s:s}", "status", "cancelled");
	if (r.status != 200)
		bail_out("cancel T2: %ld %s", r.status, r.body);
	ts_response_release(&r);
}

static void undo_b_at_s2(void)
{
	struct ts_response r;
	json_int_t s2 = ts_id_of(&worker, "sessions", "S2");
	json_int_t b = ts_id_of(&worker, "participants", "B");
	ts_requestf(&worker, "POST", "/api/v1/checkins/undo", &r, "{s:I, s:I, s:s}",
		    "session_id", s2, "participant_id", b, "reason", "signed in by mistake");
	if (r.status != 200)
		bail_out("undo B at S2: %ld %s", r.status, r.body);
	ts_response_release(&r);
}

static void test_weeks(void)
{
	struct ts_response r;
	ts_request(&worker, "GET",
		   "/api/v1/indicators/attendance?from=2026-06-01&to=2026-06-30&programme=P1",
		   NULL, &r);
	is_int(r.status, 200, "a programme's attendance by week");
	is_str(json_string_value(json_object_get(r.json, "by")), "week", "counted by week");
	is_int(json_array_size(json_object_get(r.json, "points")), 2, "two weeks");
	is_str(json_string_value(json_object_get(point(r.json, 0), "week")), "2026-06-01",
	       "the first week starts on Monday 1 June");
	is_int(field(r.json, 0, "sessions"), 2, "week 1: S1 and T1 (Sunday night)");
	is_int(field(r.json, 0, "attendances"), 5, "week 1: four at S1, one at T1");
	is_int(field(r.json, 0, "participants"), 4, "week 1: four people");
	is_int(field(r.json, 0, "walk_ins"), 1, "week 1: one walk-in");
	is_str(json_string_value(json_object_get(point(r.json, 1), "week")), "2026-06-08",
	       "the second week starts on Monday 8 June");
	is_int(field(r.json, 1, "sessions"), 1, "week 2: S2 only (T2 is cancelled)");
	is_int(field(r.json, 1, "attendances"), 1, "week 2: A (B's sign-in was undone)");
	ts_response_release(&r);

	ts_request(&worker, "GET", "/api/v1/indicators/attendance?from=2026-06-01&to=2026-06-30",
		   NULL, &r);
	is_int(field(r.json, 0, "sessions"), 3, "all programmes: P2's session counts too");
	is_int(field(r.json, 0, "attendances"), 6, "all programmes: six in week 1");
	ts_response_release(&r);
}

static void test_venue(void)
{
	struct ts_response r;
	ts_request(&worker, "GET",
		   "/api/v1/indicators/attendance?from=2026-06-01&to=2026-06-30&programme=P1"
		   "&venue=Room%20A", NULL, &r);
	is_int(r.status, 200, "a programme's attendance at one venue");
	is_int(json_array_size(json_object_get(r.json, "points")), 1,
	       "Room A: only the first week (S2 was in the hall)");
	is_int(field(r.json, 0, "sessions"), 1, "Room A, week 1: S1 (T1 was in Room B)");
	is_int(field(r.json, 0, "attendances"), 4, "Room A, week 1: four at S1");
	ts_response_release(&r);
	ts_request(&worker, "GET", "/api/v1/indicators/attendance?from=2026-06-01&to=2026-06-30"
				   "&venue=Hall", NULL, &r);
	is_int(json_array_size(json_object_get(r.json, "points")), 1, "the hall: one week");
	is_str(json_string_value(json_object_get(point(r.json, 0), "week")), "2026-06-08",
	       "the hall was used in the second week");
	is_int(field(r.json, 0, "attendances"), 1, "the hall: A at S2");
	ts_response_release(&r);
}

static void test_group(void)
{
	struct ts_response r;
	ts_request(&worker, "GET",
		   "/api/v1/indicators/attendance?from=2026-06-01&to=2099-12-31&group=G1", NULL,
		   &r);
	is_int(r.status, 200, "one group's attendance by session");
	is_str(json_string_value(json_object_get(r.json, "by")), "session", "counted by session");
	is_int(json_array_size(json_object_get(r.json, "points")), 2,
	       "G1 held two sessions (the one in 2099 has not begun)");
	is_str(json_string_value(json_object_get(point(r.json, 0), "ref")), "S1", "S1 first");
	is_str(json_string_value(json_object_get(point(r.json, 0), "starts_at")),
	       "2026-06-02T14:00:00+08:00", "with its start in Hong Kong time");
	is_int(field(r.json, 0, "attendances"), 4, "S1: four");
	is_int(field(r.json, 0, "walk_ins"), 1, "S1: one walk-in");
	is_int(field(r.json, 1, "attendances"), 1, "S2: one");
	ts_response_release(&r);

	ts_request(&worker, "GET", "/api/v1/indicators/attendance?group=NOPE", NULL, &r);
	is_int(r.status, 400, "an unknown group is refused");
	ok(r.body && strstr(r.body, "group") && strstr(r.body, "NOPE"),
	   "and the error names the group asked for");
	ts_response_release(&r);
	ts_request(&worker, "GET", "/api/v1/indicators/attendance?from=2026-13-01", NULL, &r);
	is_int(r.status, 400, "a date that is not one is refused");
	ok(r.body && strstr(r.body, "from"), "and the error names from");
	ts_response_release(&r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	char *pw = ts_create_user(&srv, "amy", "worker");
	ts_server_start(&srv);
	ts_client_init(&worker, &srv);
	if (ts_client_login(&worker, "amy", pw) != 200)
		bail_out("cannot sign in");
	free(pw);

	load();
	undo_b_at_s2();
	test_weeks();
	test_venue();
	test_group();

	ts_client_release(&worker);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly on SIGTERM");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
