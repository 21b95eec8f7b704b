/*
 * The follow-up list, hand-checked. G1 met 21, 14 and 7 days ago (S1, S2,
 * S3); a session 3 days ago was cancelled, one 2 days ago archived, one is
 * still to come: so G1's last two are S3 and S2. Listed: Ada (came to S1
 * only; has a phone), Eve (came to S1; her S2 sign-in was undone) and Hal
 * (enrolled on the day of S2, never came); Ivy in G2. Not listed: Bea
 * (missed S2, came to S3), Cat (enrolled after S2), Dot (a walk-in at S1,
 * not enrolled), Fay (came to S2, missed S3: the cancelled one does not
 * count), Gil (left the group). Viewers get the list without phone
 * numbers; each list is in the audit log.
 */
#include "../support/testserver.h"
#include "../tap.h"
#include "tp_buf.h"
#include "tp_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ts_server srv;
static struct ts_client admin, worker, viewer;
static int64_t day0;            /* 00:00 today, Hong Kong */
static char date_s1[11], date_s2[11], date_s3[11];

/* "YYYY-MM-DD" of day0 + days, into out. */
static const char *day(int days, char out[11])
{
	tp_date_format_hk(day0 + days * 86400 + 12 * 3600, out);
	return out;
}

/* A two-hour session line of the sessions import, at 10:00 HK. */
static void session_line(struct tp_buf *b, const char *ref, const char *group, int days)
{
	char from[32], to[32];
	tp_time_format_hk(day0 + days * 86400 + 10 * 3600, from);
	tp_time_format_hk(day0 + days * 86400 + 12 * 3600, to);
	tp_buf_printf(b, "%s,%s,%s,%s\n", ref, group, from, to);
}

static void request_ok(struct ts_client *c, const char *method, const char *path,
		       const char *body)
{
	struct ts_response r;
	ts_request(c, method, path, body, &r);
	if (r.status != 200)
		bail_out("%s %s: %ld %s", method, path, r.status, r.body);
	ts_response_release(&r);
}

static void load(void)
{
	int64_t now = tp_now();
	day0 = now - (now + 8 * 3600) % 86400;
	char d1[11], d2[11];
	ts_import(&worker, "programmes", "ref,name\nP1,Programme one\n");
	ts_import(&worker, "participants", "ref,alias,phone\nA01,Ada,91234567\nA02,Bea,\n"
		  "A03,Cat,\nA04,Dot,\nA05,Eve,\nA06,Fay,\nA07,Gil,\nA08,Hal,\nA09,Ivy,\n");
	ts_import(&worker, "groups", "ref,programme_ref,name,kind\n"
		  "G1,P1,Tuesday group,counselling\nG2,P1,Talks,education\n");
	struct tp_buf b;
	tp_buf_init(&b, 1 << 16);
	tp_buf_puts(&b, "ref,group_ref,starts_at,ends_at\n");
	session_line(&b, "S1", "G1", -21);
	session_line(&b, "S2", "G1", -14);
	session_line(&b, "S3", "G1", -7);
	session_line(&b, "S4", "G1", -3);   /* cancelled below */
	session_line(&b, "S5", "G1", -2);   /* archived below */
	session_line(&b, "S6", "G1", 2);    /* to come */
	session_line(&b, "T1", "G2", -10);
	session_line(&b, "T2", "G2", -5);
	ts_import(&worker, "sessions", tp_buf_str(&b));
	day(-21, date_s1);
	day(-14, date_s2);
	day(-7, date_s3);

	tp_buf_release(&b);
	tp_buf_init(&b, 1 << 16);
	day(-60, d1);
	tp_buf_printf(&b, "group_ref,participant_ref,enrolled_on\n"
		      "G1,A01,%s\nG1,A02,%s\nG1,A03,%s\nG1,A05,%s\nG1,A06,%s\nG1,A07,%s\n"
		      "G1,A08,%s\nG2,A09,%s\n",
		      d1, d1, day(-13, d2), d1, d1, d1, date_s2, d1);
	ts_import(&worker, "enrolments", tp_buf_str(&b));
	tp_buf_release(&b);

	ts_import(&worker, "attendance", "session_ref,participant_ref\n"
		  "S1,A01\nS2,A02\nS1,A02\nS3,A02\nS1,A04\nS1,A05\nS2,A05\nS1,A06\nS2,A06\n");

	char path[100], body[200];
	snprintf(body, sizeof body, "{\"session_id\": %lld, \"participant_id\": %lld,"
		 " \"reason\": \"signed in by mistake\"}",
		 (long long)ts_id_of(&admin, "sessions", "S2"),
		 (long long)ts_id_of(&admin, "participants", "A05"));
	request_ok(&worker, "POST", "/api/v1/checkins/undo", body);
	snprintf(path, sizeof path, "/api/v1/sessions/%lld",
		 (long long)ts_id_of(&admin, "sessions", "S4"));
	request_ok(&worker, "PATCH", path, "{\"status\": \"cancelled\"}");
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/archive",
		 (long long)ts_id_of(&admin, "sessions", "S5"));
	request_ok(&worker, "POST", path, "{}");

	/* Gil left G1 yesterday. */
	struct ts_response r;
	snprintf(path, sizeof path, "/api/v1/enrolments?participant_id=%lld",
		 (long long)ts_id_of(&admin, "participants", "A07"));
	ts_request(&admin, "GET", path, NULL, &r);
	json_int_t enrolment = json_integer_value(json_object_get(
		json_array_get(json_object_get(r.json, "items"), 0), "id"));
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/enrolments/%lld", (long long)enrolment);
	snprintf(body, sizeof body, "{\"left_on\": \"%s\"}", day(-1, d2));
	request_ok(&worker, "PATCH", path, body);
}

/* "Ada G1 S3date,S2date last" for each item, joined by "; ". */
static char *summary(json_t *items)
{
	struct tp_buf b;
	tp_buf_init(&b, 1 << 16);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *missed = json_object_get(it, "missed");
		json_t *last = json_object_get(it, "last_attended_on");
		tp_buf_printf(&b, "%s%s %s %s,%s %s", i ? "; " : "",
			      json_string_value(json_object_get(it, "alias")),
			      json_string_value(json_object_get(it, "group_ref")),
			      json_string_value(json_object_get(json_array_get(missed, 0), "date")),
			      json_string_value(json_object_get(json_array_get(missed, 1), "date")),
			      json_is_string(last) ? json_string_value(last) : "never");
	}
	return tp_buf_steal(&b);
}

static json_t *item_of(json_t *items, const char *alias)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		if (strcmp(json_string_value(json_object_get(it, "alias")), alias) == 0)
			return it;
	return NULL;
}

static void test_list(void)
{
	struct ts_response r;
	ts_request(&worker, "GET", "/api/v1/followup", NULL, &r);
	is_int(r.status, 200, "GET /api/v1/followup");
	json_t *items = json_object_get(r.json, "items");
	char *got = summary(items);
	char want[400];
	snprintf(want, sizeof want,
		 "Ada G1 %s,%s %s; Eve G1 %s,%s %s; Hal G1 %s,%s never; Ivy G2 ", date_s3,
		 date_s2, date_s1, date_s3, date_s2, date_s1, date_s3, date_s2);
	char t2[11], t1[11];
	snprintf(want + strlen(want), sizeof want - strlen(want), "%s,%s never", day(-5, t2),
		 day(-10, t1));
	is_str(got, want, "Ada, Eve, Hal and Ivy are to be called, with the sessions they missed");
	free(got);
	is_int(ts_int(&r, "count"), 4, "count 4");
	ok(json_is_false(json_object_get(r.json, "truncated")), "not truncated");
	ok(json_is_true(json_object_get(r.json, "phones")), "a worker gets phone numbers");
	json_t *ada = item_of(items, "Ada");
	is_str(json_string_value(json_object_get(ada, "phone")), "+85291234567",
	       "Ada's phone, to call her");
	is_str(json_string_value(json_object_get(ada, "participant_ref")), "A01", "her ref");
	is_str(json_string_value(json_object_get(ada, "group_name")), "Tuesday group",
	       "her group's name");
	ok(json_is_integer(json_object_get(ada, "participant_id")) &&
	   json_is_integer(json_object_get(ada, "group_id")), "ids to link to");
	ok(json_is_null(json_object_get(item_of(items, "Hal"), "phone")),
	   "Hal has no phone: null");
	ts_response_release(&r);

	char path[100];
	snprintf(path, sizeof path, "/api/v1/followup?group_id=%lld",
		 (long long)ts_id_of(&admin, "groups", "G2"));
	ts_request(&worker, "GET", path, NULL, &r);
	got = summary(json_object_get(r.json, "items"));
	ok(strncmp(got, "Ivy G2", 6) == 0 && !strchr(got, ';'), "group_id: only G2's (%s)", got);
	free(got);
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/followup?programme_id=%lld",
		 (long long)ts_id_of(&admin, "programmes", "P1"));
	ts_request(&worker, "GET", path, NULL, &r);
	is_int(ts_int(&r, "count"), 4, "programme_id: the programme's four");
	ts_response_release(&r);

	ts_request(&viewer, "GET", "/api/v1/followup", NULL, &r);
	is_int(r.status, 200, "a viewer may see the list");
	ok(json_is_false(json_object_get(r.json, "phones")), "but says it has no phones");
	items = json_object_get(r.json, "items");
	is_int(json_array_size(items), 4, "the same four");
	size_t i;
	json_t *it;
	int phones = 0;
	json_array_foreach(items, i, it)
		phones += json_object_get(it, "phone") != NULL;
	is_int(phones, 0, "and no phone number in it");
	ok(!strstr(r.body, "91234567"), "not even in the text");
	ts_response_release(&r);

	ts_request(&worker, "GET", "/api/v1/followup?group_id=abc", NULL, &r);
	is_int(r.status, 400, "a bad group_id is refused");
	is_str(ts_error_field(&r), "group_id", "and named");
	ts_response_release(&r);
	ts_request(&worker, "GET", "/api/v1/followup?programme_id=999", NULL, &r);
	is_int(r.status, 400, "an unknown programme_id is refused");
	is_str(ts_error_field(&r), "programme_id", "and named");
	ts_response_release(&r);

	ts_request(&admin, "GET", "/api/v1/audit?entity=followup", NULL, &r);
	is_int(json_array_size(json_object_get(r.json, "items")), 4,
	       "each list given out is in the audit log");
	ts_response_release(&r);
}

/* Once Ada signs in at the next session, she is off the list. */
static void test_came_back(void)
{
	char path[100];
	snprintf(path, sizeof path, "/api/v1/sessions/%lld",
		 (long long)ts_id_of(&admin, "sessions", "S4"));
	struct ts_response r;
	ts_request(&worker, "PATCH", path, "{\"status\": \"planned\"}", &r);
	is_int(r.status, 200, "S4 was held after all");
	ts_response_release(&r);
	ts_import(&worker, "attendance", "session_ref,participant_ref\nS4,A01\nS4,A06\n");
	ts_request(&worker, "GET", "/api/v1/followup", NULL, &r);
	char *got = summary(json_object_get(r.json, "items"));
	ok(!strstr(got, "Ada") && !strstr(got, "Fay"), "Ada and Fay came to S4: off the list");
	char s4[11];
	ok(strstr(got, "Eve") && strstr(got, day(-3, s4)),
	   "Eve missed S4 and S3 now (%s)", got);
	ok(strstr(got, "Bea") == NULL, "Bea came to S3: still not listed");
	free(got);
	ts_response_release(&r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	ts_server_start_staff(&srv, &admin, &worker, &viewer);

	load();
	test_list();
	test_came_back();

	ts_server_stop_staff(&srv, &admin, &worker, &viewer);
	curl_global_cleanup();
	return done_testing();
}
