/*
 * The kiosk keeps every sign-in when the network does not: the real kiosk
 * and the real server on loopback, with a fault-injecting proxy between
 * them where a failure must be made on purpose.
 *  - Server down: ten people sign in at the kiosk, each answered at once;
 *    the server comes back; all ten arrive exactly once.
 *  - The kiosk is killed (SIGKILL) while the server has taken an event but
 *    the kiosk has not heard back; restarted, it resends: still exactly once.
 *  - The server answers 500 for a while: nothing lost, nothing doubled.
 *  - A card the server does not know is kept, rejected, for staff to see.
 */
#include "../support/faultproxy.h"
#include "../support/testkiosk.h"
#include "../support/testserver.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PEOPLE 30

static struct ts_server srv;
static struct ts_client admin;
static char cards[PEOPLE][64];
static int64_t session_id;

static void setup_data(void)
{
	struct ts_response r;
	ts_requestf(&admin, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "P");
	int64_t programme = ts_created("programmes", &r);
	ts_requestf(&admin, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme, "name", "媽媽支援小組", "kind", "peer_support");
	int64_t group = ts_created("groups", &r);
	char from[32], to[32];
	time_t now = time(NULL), a = now - 600, b = now + 7200;
	struct tm tm;
	gmtime_r(&a, &tm);
	strftime(from, sizeof from, "%Y-%m-%dT%H:%M:%SZ", &tm);
	gmtime_r(&b, &tm);
	strftime(to, sizeof to, "%Y-%m-%dT%H:%M:%SZ", &tm);
	ts_requestf(&admin, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s, s:s}",
		    "group_id", (json_int_t)group, "starts_at", from, "ends_at", to, "venue",
		    "Room 1", "title", "第3節");
	session_id = ts_created("sessions", &r);
	for (int i = 0; i < PEOPLE; i++) {
		char alias[16];
		snprintf(alias, sizeof alias, "Mum%02d", i);
		ts_requestf(&admin, "POST", "/api/v1/participants", &r, "{s:s}", "alias", alias);
		int64_t id = ts_int(&r, "id");
		snprintf(cards[i], sizeof cards[i], "%s", ts_str(&r, "card_token"));
		ts_response_release(&r);
		ts_requestf(&admin, "POST", "/api/v1/enrolments", &r, "{s:I, s:I}", "group_id",
			    (json_int_t)group, "participant_id", (json_int_t)id);
		ts_created("enrolments", &r);
	}
}

/* An admin makes a kiosk and its pairing code; the kiosk pairs through url. */
static void pair_kiosk(struct tk_kiosk *k, const char *name, const char *url)
{
	struct ts_response r;
	ts_requestf(&admin, "POST", "/api/v1/devices", &r, "{s:s, s:s, s:s}", "name", name,
		    "kind", "kiosk", "venue", "Room 1");
	int64_t device = ts_created("devices", &r);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/devices/%lld/pairing", (long long)device);
	ts_request(&admin, "POST", path, "{}", &r);
	if (r.status != 201 && r.status != 200)
		bail_out("pairing code: %ld %s", r.status, r.body);
	char code[32];
	snprintf(code, sizeof code, "%s", ts_str(&r, "code"));
	ts_response_release(&r);
	char *out = NULL, *err = NULL;
	int rc = tk_pair(k, url, code, &out, &err);
	if (rc != 0)
		bail_out("kiosk pair: %d %s", rc, err);
	free(out);
	free(err);
}

static int64_t arrived(void)
{
	struct ts_response r;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/roster", (long long)session_id);
	ts_request(&admin, "GET", path, NULL, &r);
	int64_t n = ts_int(&r, "arrived");
	ts_response_release(&r);
	return n;
}

/* Scans people [from, to) and counts the answers that say she is in. */
static int scan_range(struct tk_kiosk *k, int from, int to)
{
	int in = 0;
	for (int i = from; i < to; i++) {
		const char *result = tk_scan(k, cards[i], 0, NULL);
		in += strcmp(result, "ok") == 0;
	}
	return in;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	char *pw = ts_create_user(&srv, "admin", "admin");
	ts_server_start(&srv);
	ts_client_init(&admin, &srv);
	ts_client_login(&admin, "admin", pw);
	setup_data();

	/* Kiosk A talks to the server directly. */
	struct tk_kiosk a;
	tk_prepare(&a);
	a.env[0] = "TOUCHPOINT_KIOSK_RETRY_MAX=1";
	pair_kiosk(&a, "Kiosk A", srv.base);
	char cred[400];
	snprintf(cred, sizeof cred, "%s/credentials.json", a.dir);
	struct stat st;
	ok(stat(cred, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "the paired kiosk keeps its token in a file only it can read");
	tk_start(&a);
	ok(tk_wait_sessions(&a, 10), "the kiosk learns today's session from the server");

	is_str(tk_scan(&a, cards[0], 0, NULL), "ok", "online: a scan signs her in");
	is_str(tk_scan(&a, cards[0], 0, NULL), "already", "a second scan answers already");
	is_int(tk_wait_drained(&a, 10), 0, "the event is sent");
	is_int(arrived(), 1, "and the server counts her once");

	/* The server goes away; the kiosk goes on. */
	is_int(ts_server_stop(&srv), 0, "the server stops");
	is_int(scan_range(&a, 1, 11), 10, "with the server down, ten people sign in at once");
	json_t *state = NULL;
	tk_request(&a, "GET", "/api/state", NULL, NULL, &state);
	is_int(json_integer_value(json_object_get(state, "pending")), 10,
	       "the kiosk shows ten waiting to be sent");
	json_decref(state);
	ts_server_start(&srv);
	is_int(tk_wait_drained(&a, 30), 0, "the server is back: the queue empties");
	is_int(arrived(), 11, "all ten arrived, exactly once");

	/* Kiosk B goes through a proxy that can fail on purpose. */
	struct fp_proxy *proxy = fp_start(srv.base);
	char proxy_url[64];
	snprintf(proxy_url, sizeof proxy_url, "http://127.0.0.1:%d", fp_port(proxy));
	struct tk_kiosk b;
	tk_prepare(&b);
	b.env[0] = "TOUCHPOINT_KIOSK_RETRY_MAX=1";
	b.env[1] = "TOUCHPOINT_KIOSK_STAFF_PIN=2468";
	pair_kiosk(&b, "Kiosk B", proxy_url);
	tk_start(&b);
	ok(tk_wait_sessions(&b, 10), "kiosk B has the session");

	/* 500s for a while: scans queue, retries fail, nothing is lost. */
	fp_set_mode(proxy, FP_FAIL_500);
	is_int(scan_range(&b, 11, 16), 5, "while the server answers 500, five sign in");
	ok(tk_wait_drained(&b, 3) == 5, "they wait in the queue");
	fp_set_mode(proxy, FP_FORWARD);
	is_int(tk_wait_drained(&b, 30), 0, "the 500s stop: the queue empties");
	is_int(arrived(), 16, "the five arrived once each");

	/* Killed while the server has taken an event but the kiosk has not
	 * heard back: the resend after restart counts once. */
	fp_set_mode(proxy, FP_FAIL_500);
	is_int(scan_range(&b, 16, 21), 5, "five more sign in while the server fails");
	fp_hold_after(proxy, 2);
	fp_set_mode(proxy, FP_FORWARD);
	ok(fp_wait_holding(proxy, 20), "the third event reaches the server, its answer held");
	tk_kill(&b);
	fp_release(proxy);
	is_int(arrived(), 19, "the server took three before the kiosk died");
	tk_start(&b);
	is_int(tk_wait_drained(&b, 30), 0, "restarted, the kiosk sends the rest");
	is_int(arrived(), 21, "every one of the five counted exactly once");

	/* A card the kiosk does not know is accepted, then flagged. */
	const char *unknown = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	is_str(tk_scan(&b, unknown, 0, NULL), "provisional",
	       "an unknown card is signed in provisionally");
	is_int(tk_wait_drained(&b, 10), 0, "the server answers it");
	json_t *events = NULL;
	long status = tk_request(&b, "GET", "/api/staff/events", NULL, "nobody", &events);
	is_int(status, 401, "the queue is for staff only");
	json_decref(events);
	json_t *login = NULL;
	tk_request(&b, "POST", "/api/staff/login", "{\"pin\":\"2468\"}", NULL, &login);
	const char *staff = json_string_value(json_object_get(login, "token"));
	ok(staff != NULL, "the right PIN opens staff mode");
	tk_request(&b, "GET", "/api/staff/events", NULL, staff, &events);
	json_t *first = json_array_get(json_object_get(events, "items"), 0);
	is_str(json_string_value(json_object_get(first, "state")), "rejected",
	       "the refused sign-in is kept for staff");
	is_str(json_string_value(json_object_get(first, "rejected_code")), "unknown_card",
	       "with the server's reason");
	is_int(json_array_size(json_object_get(events, "items")), 1, "and nothing else waits");
	json_decref(events);
	json_decref(login);
	is_int(arrived(), 21, "the unknown card counted for no one");

	is_int(tk_stop(&a), 0, "kiosk A stops cleanly");
	is_int(tk_stop(&b), 0, "kiosk B stops cleanly");
	fp_stop(proxy);
	tk_cleanup(&a);
	tk_cleanup(&b);
	ts_client_release(&admin);
	free(pw);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
