/*
 * Check-in through the real server: by card, once; "already" on a second
 * scan; a resent nonce gets the first answer; walk-ins recorded and
 * flagged; unknown and revoked cards; the open session found from the
 * kiosk's venue; undo and sign in again; and the single-count rule under
 * many concurrent duplicate scans.
 */
#include "../support/testserver.h"
#include "../tap.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct ts_server srv;
static char kiosk_token[128];
static int64_t session_id, participant_id, outsider_id;
static char card[64], outsider_card[64];

static void setup(struct ts_client *staff)
{
	struct ts_response r;
	char from[32], to[32];
	ts_requestf(staff, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "Programme");
	int64_t programme = ts_created("programmes", &r);
	ts_requestf(staff, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme, "name", "媽媽支援小組", "kind", "peer_support");
	int64_t group = ts_created("groups", &r);
	ts_iso_in(from, sizeof from, -10);
	ts_iso_in(to, sizeof to, 110);
	ts_requestf(staff, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s, s:s}",
		    "group_id", (json_int_t)group, "starts_at", from, "ends_at", to,
		    "venue", "Room 1", "title", "第3節");
	session_id = ts_created("sessions", &r);
	ts_requestf(staff, "POST", "/api/v1/participants", &r, "{s:s, s:s}", "alias", "KIKI",
		    "phone", "91234567");
	if (r.status != 201)
		bail_out("participant: %s", r.body);
	participant_id = ts_int(&r, "id");
	snprintf(card, sizeof card, "%s", ts_str(&r, "card_token"));
	ts_response_release(&r);
	ts_requestf(staff, "POST", "/api/v1/participants", &r, "{s:s}", "alias", "Walk In");
	outsider_id = ts_int(&r, "id");
	snprintf(outsider_card, sizeof outsider_card, "%s", ts_str(&r, "card_token"));
	ts_response_release(&r);
	ts_requestf(staff, "POST", "/api/v1/enrolments", &r, "{s:I, s:I}", "group_id",
		    (json_int_t)group, "participant_id", (json_int_t)participant_id);
	ts_created("enrolments", &r);
}

static int64_t attendance_count(struct ts_client *staff)
{
	struct ts_response r;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/roster", (long long)session_id);
	ts_request(staff, "GET", path, NULL, &r);
	int64_t n = ts_int(&r, "arrived");
	ts_response_release(&r);
	return n;
}

struct scanner {
	int index;
	long status;
	char result[32];
};

static void *scan_thread(void *arg)
{
	struct scanner *s = arg;
	struct ts_client c;
	ts_client_init(&c, &srv);
	snprintf(c.bearer, sizeof c.bearer, "%s", kiosk_token);
	struct ts_response r;
	char nonce[32];
	snprintf(nonce, sizeof nonce, "race-%d", s->index);
	ts_requestf(&c, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card", card,
		    "session_id", (json_int_t)session_id, "nonce", nonce);
	s->status = r.status;
	snprintf(s->result, sizeof s->result, "%s", ts_str(&r, "status") ? ts_str(&r, "status") : "?");
	ts_response_release(&r);
	ts_client_release(&c);
	return NULL;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	char *password = ts_create_user(&srv, "amy", "worker");
	char *token = ts_create_token(&srv, "Kiosk 1", "kiosk", "Room 1");
	snprintf(kiosk_token, sizeof kiosk_token, "%s", token);
	free(token);
	ts_server_start(&srv);

	struct ts_client staff, kiosk;
	ts_client_init(&staff, &srv);
	is_int(ts_client_login(&staff, "amy", password), 200, "the worker signs in");
	setup(&staff);
	ts_client_init(&kiosk, &srv);
	snprintf(kiosk.bearer, sizeof kiosk.bearer, "%s", kiosk_token);

	struct ts_response r;
	/* A scanner types the token and Enter; lowercase and the newline are fine. */
	char typed[80];
	snprintf(typed, sizeof typed, "%s\r\n", card);
	for (char *p = typed; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card", typed,
		    "session_id", (json_int_t)session_id, "nonce", "n-1");
	is_int(r.status, 201, "a first scan of her card signs her in");
	is_str(ts_str(&r, "status"), "ok", "the status is ok");
	is_str(json_string_value(json_object_get(json_object_get(r.json, "participant"), "alias")),
	       "KIKI", "the answer carries her alias for the welcome screen");
	json_t *session = json_object_get(r.json, "session");
	is_str(json_string_value(json_object_get(session, "group_name")), "媽媽支援小組",
	       "and the group of the session");
	is_int(json_integer_value(json_object_get(session, "number")), 1,
	       "and which session of the term it is");
	json_t *att = json_object_get(r.json, "attendance");
	is_str(json_string_value(json_object_get(att, "method")), "card", "recorded as by card");
	ok(json_is_string(json_object_get(att, "scanned_at")) &&
	   json_is_string(json_object_get(att, "recorded_at")),
	   "both the scan time and the arrival at the server are kept");
	ok(json_is_false(json_object_get(att, "walk_in")), "an enrolled member is no walk-in");
	char *first = strdup(r.body);
	ts_response_release(&r);

	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card", card,
		    "session_id", (json_int_t)session_id, "nonce", "n-1");
	is_int(r.status, 201, "a resent request (same nonce) gets the same status");
	is_str(r.body, first, "and the very same answer");
	ts_response_release(&r);
	free(first);

	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card", card,
		    "session_id", (json_int_t)session_id, "nonce", "n-2");
	is_int(r.status, 200, "a second scan is not an error");
	is_str(ts_str(&r, "status"), "already", "it answers already signed in");
	ts_response_release(&r);
	is_int(attendance_count(&staff), 1, "she counts once");

	/* The kiosk need not name the session: its venue and the time find it. */
	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:s}", "card", outsider_card,
		    "nonce", "n-3");
	is_int(r.status, 201, "a walk-in is recorded, never refused");
	is_str(ts_str(&r, "status"), "not_enrolled", "and flagged as not enrolled");
	is_int(json_integer_value(json_object_get(json_object_get(r.json, "session"), "id")),
	       session_id, "the open session at the kiosk's venue was found");
	ok(json_is_true(json_object_get(json_object_get(r.json, "attendance"), "walk_in")),
	   "the attendance is marked walk-in");
	ts_response_release(&r);

	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card",
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "session_id", (json_int_t)session_id,
		    "nonce", "n-4");
	is_int(r.status, 422, "an unknown card is refused");
	is_str(ts_str(&r, "status"), "unknown_card", "as unknown_card");
	is_str(ts_error_code(&r), "unknown_card", "with the error code too");
	ok(!json_object_get(r.json, "participant"), "naming no one");
	ts_response_release(&r);

	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card",
		    "hello world", "session_id", (json_int_t)session_id, "nonce", "n-5");
	is_str(ts_str(&r, "status"), "unknown_card", "a QR that is not a card is unknown too");
	ts_response_release(&r);

	/* A lost card is reissued: the old one stops at once. */
	char path[128];
	snprintf(path, sizeof path, "/api/v1/participants/%lld/card", (long long)participant_id);
	ts_request(&staff, "POST", path, "{}", &r);
	is_int(r.status, 201, "a worker reissues her card");
	char new_card[64];
	snprintf(new_card, sizeof new_card, "%s", ts_str(&r, "card_token"));
	ok(strcmp(new_card, card) != 0, "the new card has a new token");
	ts_response_release(&r);
	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card", card,
		    "session_id", (json_int_t)session_id, "nonce", "n-6");
	is_int(r.status, 422, "the old card is refused");
	is_str(ts_str(&r, "status"), "revoked", "as revoked");
	ok(!json_object_get(r.json, "participant"), "without showing whose it was");
	ts_response_release(&r);

	/* Undo with a reason, then she can sign in again. */
	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card", new_card,
		    "session_id", (json_int_t)session_id, "nonce", "n-7");
	is_str(ts_str(&r, "status"), "already", "the new card finds her already signed in");
	int64_t attendance = json_integer_value(
		json_object_get(json_object_get(r.json, "attendance"), "id"));
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/attendance/%lld/undo", (long long)attendance);
	ts_request(&staff, "POST", path, "{}", &r);
	is_int(r.status, 400, "an undo needs a reason");
	is_str(ts_error_field(&r), "reason", "the error names the reason field");
	ts_response_release(&r);
	ts_requestf(&staff, "POST", path, &r, "{s:s}", "reason", "scanned the wrong card");
	is_int(r.status, 200, "a worker undoes the check-in with a reason");
	ts_response_release(&r);
	is_int(attendance_count(&staff), 1, "only the walk-in remains on the roster");
	ts_requestf(&staff, "POST", path, &r, "{s:s}", "reason", "again");
	is_int(r.status, 409, "undoing twice is refused");
	ts_response_release(&r);
	ts_request(&staff, "GET", "/api/v1/audit?entity=attendance", NULL, &r);
	is_int(r.status, 403, "a worker may not read the audit log");
	ts_response_release(&r);
	ts_client_release(&staff);
	char *admin_pw = ts_create_user(&srv, "root", "admin");
	struct ts_client admin;
	ts_client_init(&admin, &srv);
	is_int(ts_client_login(&admin, "root", admin_pw), 200, "an admin signs in");
	ts_request(&admin, "GET", "/api/v1/audit?entity=attendance", NULL, &r);
	is_int(r.status, 200, "an admin reads the audit log");
	bool audited = false;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(r.json, "items"), i, item) {
		json_t *detail = json_object_get(item, "detail");
		if (strcmp(json_string_value(json_object_get(item, "action")), "undo_checkin") == 0 &&
		    json_is_string(json_object_get(detail, "reason")) &&
		    strcmp(json_string_value(json_object_get(detail, "reason")),
			   "scanned the wrong card") == 0 &&
		    strstr(json_string_value(json_object_get(item, "actor")), "amy"))
			audited = true;
	}
	ok(audited, "the undo is in the audit log with who did it and why");
	ts_response_release(&r);

	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card", new_card,
		    "session_id", (json_int_t)session_id, "nonce", "n-8");
	is_int(r.status, 201, "after the undo she can sign in again");
	is_str(ts_str(&r, "status"), "ok", "as ok");
	ts_response_release(&r);

	/* Many kiosks (threads) scanning one card at once: one attendance. */
	snprintf(path, sizeof path, "/api/v1/attendance/%lld/undo", (long long)attendance);
	ts_requestf(&admin, "POST", path, &r, "{s:s}", "reason", "race test");
	ts_response_release(&r);
	snprintf(card, sizeof card, "%s", new_card);
	enum { N = 24 };
	pthread_t threads[N];
	struct scanner scanners[N];
	for (int k = 0; k < N; k++) {
		scanners[k] = (struct scanner){ .index = k };
		pthread_create(&threads[k], NULL, scan_thread, &scanners[k]);
	}
	int oks = 0, already = 0;
	for (int k = 0; k < N; k++) {
		pthread_join(threads[k], NULL);
		oks += strcmp(scanners[k].result, "ok") == 0;
		already += strcmp(scanners[k].result, "already") == 0;
	}
	is_int(oks, 1, "of %d concurrent scans of one card exactly one signs her in", N);
	is_int(already, N - 1, "and every other one answers already");
	is_int(attendance_count(&admin), 2, "the roster counts her once (plus the walk-in)");
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/roster", (long long)session_id);
	ts_request(&admin, "GET", path, NULL, &r);
	is_int(ts_int(&r, "walk_ins"), 1, "the roster tells the walk-in apart");
	is_int(ts_int(&r, "enrolled"), 1, "from the one enrolled member");
	ts_response_release(&r);

	/* Devices must send a nonce; bad scan times are refused. */
	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I}", "card", new_card,
		    "session_id", (json_int_t)session_id);
	is_int(r.status, 400, "a device's check-in without a nonce is refused");
	is_str(ts_error_field(&r), "nonce", "naming the nonce");
	ts_response_release(&r);
	char future[32];
	ts_iso_in(future, sizeof future, 60 * 24);
	ts_requestf(&admin, "POST", "/api/v1/checkins", &r, "{s:I, s:I, s:s}", "participant_id",
		    (json_int_t)outsider_id, "session_id", (json_int_t)session_id, "scanned_at",
		    future);
	is_int(r.status, 400, "a worker's scan time tomorrow is refused");
	is_str(ts_error_field(&r), "scanned_at", "naming scanned_at");
	ts_response_release(&r);
	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s, s:s}", "card",
		    new_card, "session_id", (json_int_t)session_id, "nonce", "n-9",
		    "scanned_at", future);
	is_int(r.status, 200, "a kiosk whose clock runs a day fast is not refused");
	is_str(ts_str(&r, "status"), "already", "its scan is decided as any other");
	ts_response_release(&r);
	ts_requestf(&kiosk, "POST", "/api/v1/checkins", &r, "{s:s, s:I, s:s}", "card", new_card,
		    "session_id", (json_int_t)999999, "nonce", "n-10");
	is_int(r.status, 422, "an unknown session is refused");
	is_str(ts_str(&r, "status"), "no_session", "as no_session");
	ts_response_release(&r);

	ts_client_release(&kiosk);
	ts_client_release(&admin);
	free(admin_pw);
	free(password);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly on SIGTERM");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
