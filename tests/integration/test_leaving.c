/*
 * Leaving a group and being archived, through the real server. G1 meets at
 * Room 9: a week ago (S0), now (S1) and in a week (S2). Ada, Bea and Cat
 * joined a month ago. Ada leaves today (her enrolment's left_on): she is
 * off the rosters of S1 and S2 and the kiosk's, no longer counted among the
 * members or printed on the card sheet, a walk-in if she comes, still on
 * S0's roster, and counted as enrolled in a period only when it starts
 * before today; clearing left_on takes her back. Bea is archived: her card
 * is refused at once (as revoked, naming no one), staff cannot sign her in,
 * she is off every roster and the kiosk lists her card as revoked; restored,
 * her card works again. Cat signed in before being archived: her sign-in
 * stays. Every change is in the audit log.
 */
#include "../support/testserver.h"
#include "../tap.h"
#include "tp_time.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ts_server srv;
static struct ts_client admin, worker, viewer, kiosk;
static int64_t day0; /* 00:00 today, Hong Kong */
static int64_t group, s0, s1, s2, ada, bea, cat, ada_enrolment;
static char ada_card[64], bea_card[64], today[11];

static const char *day(int days, char out[11])
{
	tp_date_format_hk(day0 + days * 86400 + 12 * 3600, out);
	return out;
}

static int64_t session_at(int64_t start)
{
	char from[32], to[32];
	struct ts_response r;
	tp_time_format_hk(start, from);
	tp_time_format_hk(start + 2 * 3600, to);
	ts_requestf(&worker, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s}",
		    "group_id", (json_int_t)group, "starts_at", from, "ends_at", to,
		    "venue", "Room 9");
	return ts_created("session", &r);
}

static int64_t participant(const char *alias, char *card, size_t len)
{
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/participants", &r, "{s:s}", "alias", alias);
	if (r.status != 201)
		bail_out("participant %s: %ld %s", alias, r.status, r.body);
	int64_t id = ts_int(&r, "id");
	if (card)
		snprintf(card, len, "%s", ts_str(&r, "card_token"));
	ts_response_release(&r);
	return id;
}

static int64_t enrol(int64_t who)
{
	char joined[11];
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/enrolments", &r, "{s:I, s:I, s:s}", "group_id",
		    (json_int_t)group, "participant_id", (json_int_t)who, "enrolled_on",
		    day(-30, joined));
	return ts_created("enrolment", &r);
}

static void setup(void)
{
	int64_t now = tp_now();
	day0 = now - (now + 8 * 3600) % 86400;
	day(0, today);
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/programmes", &r, "{s:s, s:s}", "ref", "P1",
		    "name", "Programme one");
	int64_t programme = ts_created("programme", &r);
	ts_requestf(&worker, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s, s:s}",
		    "programme_id", (json_int_t)programme, "ref", "G1", "name", "Tuesday group",
		    "kind", "peer_support");
	group = ts_created("group", &r);
	s0 = session_at(now - 7 * 86400);
	s1 = session_at(now - 10 * 60);
	s2 = session_at(now + 7 * 86400);
	ada = participant("Ada", ada_card, sizeof ada_card);
	bea = participant("Bea", bea_card, sizeof bea_card);
	cat = participant("Cat", NULL, 0);
	ada_enrolment = enrol(ada);
	enrol(bea);
	enrol(cat);
	char *token = ts_create_token(&srv, "Kiosk 9", "kiosk", "Room 9");
	ts_client_init(&kiosk, &srv);
	snprintf(kiosk.bearer, sizeof kiosk.bearer, "%s", token);
	free(token);
}

/* Whether the session's roster lists who, and whether as enrolled. */
static bool on_roster(int64_t session, int64_t who, bool *enrolled, bool *arrived)
{
	struct ts_response r;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/roster", (long long)session);
	ts_request(&worker, "GET", path, NULL, &r);
	if (r.status != 200)
		bail_out("roster: %ld %s", r.status, r.body);
	bool found = false;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(r.json, "people"), i, p) {
		if (json_integer_value(json_object_get(p, "participant_id")) != who)
			continue;
		found = true;
		if (enrolled)
			*enrolled = json_is_true(json_object_get(p, "enrolled"));
		if (arrived)
			*arrived = json_is_object(json_object_get(p, "attendance"));
	}
	ts_response_release(&r);
	return found;
}

/* What the kiosk is handed: whether who is among S1's enrolled, and whether
 * card is among the live cards and among the revoked. */
static void kiosk_sees(int64_t who, const char *card, bool *enrolled, bool *live,
		       bool *revoked)
{
	struct ts_response r;
	ts_request(&kiosk, "GET", "/api/v1/kiosk/roster?days=14", NULL, &r);
	if (r.status != 200)
		bail_out("kiosk roster: %ld %s", r.status, r.body);
	*enrolled = *live = *revoked = false;
	size_t i, j;
	json_t *s, *p;
	json_array_foreach(json_object_get(r.json, "sessions"), i, s) {
		if (json_integer_value(json_object_get(s, "id")) != s1)
			continue;
		json_array_foreach(json_object_get(s, "enrolled"), j, p)
			if (json_integer_value(json_object_get(p, "participant_id")) == who)
				*enrolled = true;
	}
	json_array_foreach(json_object_get(r.json, "cards"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "token")), card) == 0)
			*live = true;
	json_array_foreach(json_object_get(r.json, "revoked"), i, p)
		if (strcmp(json_string_value(p), card) == 0)
			*revoked = true;
	ts_response_release(&r);
}

static int64_t members(void)
{
	struct ts_response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/groups/%lld", (long long)group);
	ts_request(&viewer, "GET", path, NULL, &r);
	int64_t n = ts_int(&r, "enrolled");
	ts_response_release(&r);
	return n;
}

static bool on_card_sheet(const char *alias)
{
	struct ts_response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/groups/%lld/cards.svg", (long long)group);
	ts_request(&worker, "GET", path, NULL, &r);
	if (r.status != 200)
		bail_out("card sheet: %ld", r.status);
	bool found = strstr(r.body, alias) != NULL;
	ts_response_release(&r);
	return found;
}

/* G1's enrolled figure for [from, to] ("" when the report lacks it). */
static void enrolled_figure(const char *from, const char *to, char out[16])
{
	struct ts_response r;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/indicators.csv?from=%s&to=%s", from, to);
	ts_request(&viewer, "GET", path, NULL, &r);
	out[0] = '\0';
	const char *line = r.body ? strstr(r.body, "P1/group:G1,enrolled,") : NULL;
	if (line)
		sscanf(line + strlen("P1/group:G1,enrolled,"), "%15[0-9]", out);
	ts_response_release(&r);
}

static void checkin(int64_t session, const char *card, int64_t who, const char *nonce,
		    struct ts_response *r)
{
	if (card)
		ts_requestf(&kiosk, "POST", "/api/v1/checkins", r, "{s:s, s:I, s:s}", "card",
			    card, "session_id", (json_int_t)session, "nonce", nonce);
	else
		ts_requestf(&worker, "POST", "/api/v1/checkins", r, "{s:I, s:I}",
			    "participant_id", (json_int_t)who, "session_id", (json_int_t)session);
}

/* The fields of the last audit record of an entity, as "action:f1,f2". */
static void last_audit(const char *entity, int64_t id, char *out, size_t len)
{
	struct ts_response r;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/audit?entity=%s&entity_id=%lld", entity,
		 (long long)id);
	ts_request(&admin, "GET", path, NULL, &r);
	json_t *items = json_object_get(r.json, "items");
	json_t *last = json_array_get(items, 0);
	const char *action = json_string_value(json_object_get(last, "action"));
	snprintf(out, len, "%s:", action ? action : "");
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(json_object_get(last, "detail"), "fields"), i, f) {
		strncat(out, i ? "," : "", len - strlen(out) - 1);
		strncat(out, json_string_value(f), len - strlen(out) - 1);
	}
	ts_response_release(&r);
}

static void test_leaving(void)
{
	bool enrolled = false, live = false, revoked = false;
	char before[16], after[16], from[11], to[11], audit[128];
	is_int(members(), 3, "three members to start with");
	ok(on_card_sheet("Ada"), "Ada is on the group's card sheet");

	struct ts_response r;
	char path[96], body[96];
	snprintf(path, sizeof path, "/api/v1/enrolments/%lld", (long long)ada_enrolment);
	snprintf(body, sizeof body, "{\"left_on\": \"%s\"}", today);
	ts_request(&viewer, "PATCH", path, body, &r);
	is_int(r.status, 403, "a viewer cannot take her out of the group");
	ts_response_release(&r);
	ts_request(&worker, "PATCH", path, "{\"left_on\": \"soon\"}", &r);
	is_int(r.status, 400, "left_on must be a date");
	is_str(ts_error_field(&r), "left_on", "the error names left_on");
	ts_response_release(&r);
	ts_request(&worker, "PATCH", path, body, &r);
	is_int(r.status, 200, "a worker records that Ada left today");
	is_str(ts_str(&r, "left_on"), today, "her enrolment says so");
	ts_response_release(&r);
	last_audit("enrolment", ada_enrolment, audit, sizeof audit);
	is_str(audit, "update:left_on", "the audit log has the change, field name only");

	ok(!on_roster(s1, ada, NULL, NULL), "Ada is off the roster of today's session");
	ok(!on_roster(s2, ada, NULL, NULL), "and of next week's");
	ok(on_roster(s0, ada, &enrolled, NULL) && enrolled,
	   "last week's roster still has her, enrolled then");
	ok(on_roster(s1, bea, &enrolled, NULL) && enrolled, "Bea is still on today's roster");
	kiosk_sees(ada, ada_card, &enrolled, &live, &revoked);
	ok(!enrolled, "the kiosk no longer lists Ada for today's session");
	ok(!revoked, "her card is not revoked: she is still a participant");
	kiosk_sees(bea, bea_card, &enrolled, &live, &revoked);
	ok(enrolled && live, "the kiosk still has Bea and her card");
	is_int(members(), 2, "the group counts two members");
	ok(!on_card_sheet("Ada"), "Ada is not printed on the card sheet");
	ok(on_card_sheet("Bea"), "Bea still is");

	/* Enrolled in a period that began before she left, not in one from today. */
	enrolled_figure(day(-30, from), day(-1, to), before);
	enrolled_figure(today, day(30, to), after);
	is_str(before, "3", "the month before: Ada counts among the enrolled");
	is_str(after, "2", "from the day she left: she does not");

	checkin(s1, ada_card, 0, "n-ada-1", &r);
	is_int(r.status, 201, "Ada's card still signs her in");
	is_str(ts_str(&r, "status"), "not_enrolled", "as a walk-in");
	ts_response_release(&r);
	ok(on_roster(s1, ada, &enrolled, NULL) && !enrolled, "she shows as a walk-in");

	ts_requestf(&worker, "POST", "/api/v1/enrolments", &r, "{s:I, s:I}", "group_id",
		    (json_int_t)group, "participant_id", (json_int_t)ada);
	is_int(r.status, 409, "enrolling her again is refused");
	ok(r.body && strstr(r.body, today) && strstr(r.body, "left_on"),
	   "saying when she left and how to take her back: %s", r.body);
	ts_response_release(&r);
	ts_request(&worker, "PATCH", path, "{\"left_on\": null}", &r);
	is_int(r.status, 200, "clearing left_on takes her back");
	ts_response_release(&r);
	ok(on_roster(s2, ada, &enrolled, NULL) && enrolled, "she is on next week's roster again");
	is_int(members(), 3, "three members again");
}

static void test_archived(void)
{
	bool enrolled = false, live = false, revoked = false, arrived = false;
	char path[96], audit[128];
	struct ts_response r;
	checkin(s1, NULL, cat, NULL, &r);
	is_int(r.status, 201, "Cat is signed in by hand");
	ts_response_release(&r);

	snprintf(path, sizeof path, "/api/v1/participants/%lld/archive", (long long)bea);
	ts_request(&viewer, "POST", path, "{}", &r);
	is_int(r.status, 403, "a viewer cannot archive her");
	ts_response_release(&r);
	ts_request(&worker, "POST", path, "{}", &r);
	is_int(r.status, 200, "a worker archives Bea");
	ok(json_is_string(json_object_get(r.json, "archived_at")), "she has an archived_at");
	ts_response_release(&r);
	last_audit("participant", bea, audit, sizeof audit);
	is_str(audit, "archive:", "the audit log has the archive");

	checkin(s1, bea_card, 0, "n-bea-1", &r);
	is_int(r.status, 422, "her card is refused at once");
	is_str(ts_str(&r, "status"), "revoked", "as a card that is no longer valid");
	ok(!json_object_get(r.json, "participant"), "without naming her");
	ts_response_release(&r);
	checkin(s1, NULL, bea, NULL, &r);
	is_int(r.status, 422, "staff cannot sign her in by hand either");
	is_str(ts_str(&r, "status"), "archived", "told she is archived");
	ts_response_release(&r);
	ok(!on_roster(s1, bea, NULL, NULL), "she is off today's roster");
	kiosk_sees(bea, bea_card, &enrolled, &live, &revoked);
	ok(!enrolled && !live, "the kiosk no longer has her or her card as live");
	ok(revoked, "it lists her card as revoked");
	is_int(members(), 2, "the group counts two members");
	ok(!on_card_sheet("Bea"), "she is not printed on the card sheet");
	snprintf(path, sizeof path, "/api/v1/participants/%lld", (long long)bea);
	ts_request(&worker, "PATCH", path, "{\"alias\": \"B\"}", &r);
	is_int(r.status, 409, "she cannot be edited while archived");
	ts_response_release(&r);

	snprintf(path, sizeof path, "/api/v1/participants/%lld/archive", (long long)cat);
	ts_request(&worker, "POST", path, "{}", &r);
	is_int(r.status, 200, "Cat is archived after signing in");
	ts_response_release(&r);
	ok(on_roster(s1, cat, NULL, &arrived) && arrived, "her sign-in stays on the roster");

	snprintf(path, sizeof path, "/api/v1/participants/%lld/restore", (long long)bea);
	ts_request(&worker, "POST", path, "{}", &r);
	is_int(r.status, 200, "a worker restores Bea");
	ok(json_is_null(json_object_get(r.json, "archived_at")), "she is live again");
	ts_response_release(&r);
	last_audit("participant", bea, audit, sizeof audit);
	is_str(audit, "restore:", "the audit log has the restore");
	checkin(s1, bea_card, 0, "n-bea-2", &r);
	is_int(r.status, 201, "her card works again");
	is_str(ts_str(&r, "status"), "ok", "as a member");
	ts_response_release(&r);
	kiosk_sees(bea, bea_card, &enrolled, &live, &revoked);
	ok(enrolled && live && !revoked, "the kiosk has her and her card again");
}

int main(void)
{
	ts_server_prepare(&srv);
	ts_server_start_staff(&srv, &admin, &worker, &viewer);
	setup();
	test_leaving();
	test_archived();
	ts_client_release(&kiosk);
	ts_server_stop_staff(&srv, &admin, &worker, &viewer);
	return done_testing();
}
