/*
 * The server's gateway API driven as the gateway daemon drives it (a
 * device token of kind gateway), with the server's clock moved through its
 * clock file: a claim hands a message out once under a lease, a lease that
 * runs out makes it claimable again and the old lease is lost, results are
 * idempotent, retries stop at the deadline, a participant opted out by the
 * time of the claim is sent nothing, quiet hours hold a reminder until
 * morning, status callbacks only move forward and are kept once, inbound
 * texts are kept once per provider id for good, and staff read each
 * message's history in plain words.
 */
#include "../support/testgateway.h"
#include "../support/testserver.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tg_env env;

/* A one-off text from a worker; deliver_in 0: the default deadline. */
static int64_t notice(int64_t pid, const char *body, int64_t deliver_in, int quiet)
{
	struct ts_response r;
	char by[32];
	tg_iso(env.clk.now + deliver_in, by);
	if (deliver_in)
		ts_requestf(&env.staff, "POST", "/api/v1/messages", &r, "{s:I, s:s, s:s, s:b}",
			    "participant_id", (json_int_t)pid, "body", body, "deliver_by", by,
			    "quiet_hours", quiet);
	else
		ts_requestf(&env.staff, "POST", "/api/v1/messages", &r, "{s:I, s:s, s:b}",
			    "participant_id", (json_int_t)pid, "body", body, "quiet_hours", quiet);
	return ts_created("message", &r);
}

static bool has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle);
}

static void test_access(void)
{
	struct ts_response r;
	ts_requestf(&env.staff, "POST", "/api/v1/gateway/claim", &r, "{}");
	is_int(r.status, 403, "staff cannot claim messages: only the gateway");
	ts_response_release(&r);
	struct ts_client anon;
	ts_client_init(&anon, &env.srv);
	ts_requestf(&anon, "POST", "/api/v1/gateway/events", &r, "{s:[]}", "events");
	is_int(r.status, 401, "nor can anyone without a token");
	ts_response_release(&r);
	ts_client_release(&anon);
	ts_requestf(&env.gw, "POST", "/api/v1/gateway/claim", &r, "{s:i}", "limit", 0);
	is_int(r.status, 400, "a claim of 0 messages is refused");
	is_str(ts_error_field(&r), "limit", "naming limit");
	ts_response_release(&r);
	ts_requestf(&env.gw, "POST", "/api/v1/gateway/claim", &r, "{s:[s]}", "channels", "fax");
	is_int(r.status, 400, "an unknown channel is refused");
	is_str(ts_error_field(&r), "channels", "naming channels");
	ts_response_release(&r);
	ts_request(&env.gw, "GET", "/api/v1/messages", NULL, &r);
	is_int(r.status, 403, "the gateway cannot read staff's message lists");
	ts_response_release(&r);
}

static void test_lease(int64_t kiki)
{
	int64_t id = notice(kiki, "聽日見。See you tomorrow.", 0, 0);
	json_t *got = tg_claim(&env.gw, 20);
	is_int(json_array_size(got), 1, "the gateway claims the queued message");
	json_t *m = tg_find(got, id);
	ok(m != NULL, "it is the worker's text");
	is_str(json_string_value(json_object_get(m, "to")), "+85291234567", "to her number (E.164)");
	is_str(json_string_value(json_object_get(m, "channel")), "sms", "by her channel");
	is_str(json_string_value(json_object_get(m, "body")), "聽日見。See you tomorrow.",
	       "with the body as written");
	is_str(json_string_value(json_object_get(m, "lang")), "zh-HK", "and her language");
	is_int(json_integer_value(json_object_get(m, "attempt")), 1, "first attempt");
	is_int(json_integer_value(json_object_get(m, "lease_until")), env.clk.now + 120,
	       "the lease runs lease_seconds from now");
	ok(json_is_null(json_object_get(m, "whatsapp_template")), "no WhatsApp template");
	ok(!json_object_get(m, "buttons"), "no buttons: a notice asks nothing");
	ok(json_is_false(json_object_get(m, "window_open")), "no WhatsApp window open");
	char first_lease[64];
	snprintf(first_lease, sizeof first_lease, "%s",
		 json_string_value(json_object_get(m, "lease")));
	json_decref(got);

	got = tg_claim(&env.gw, 20);
	is_int(json_array_size(got), 0, "a message under a live lease is not handed out twice");
	json_decref(got);

	tg_clock_add(&env.clk, 121);
	got = tg_claim(&env.gw, 20);
	m = tg_find(got, id);
	ok(m != NULL, "once the lease has run out, it can be claimed again");
	is_int(json_integer_value(json_object_get(m, "attempt")), 2, "as the second attempt");
	char lease[64];
	snprintf(lease, sizeof lease, "%s", json_string_value(json_object_get(m, "lease")));
	ok(strcmp(lease, first_lease) != 0, "under a new lease");
	json_decref(got);

	struct ts_response r;
	tg_result(&env.gw, id, first_lease, "sent", "console-late", &r);
	is_int(r.status, 409, "a report under the old lease is refused");
	is_str(ts_error_code(&r), "lease_lost", "as lease_lost, so that gateway drops its copy");
	ts_response_release(&r);

	tg_result(&env.gw, id, lease, "sent", "console-1", &r);
	is_int(r.status, 200, "the report under the live lease is taken");
	is_str(ts_str(&r, "status"), "sent", "the message is sent");
	char *first = strdup(r.body);
	ts_response_release(&r);
	tg_result(&env.gw, id, lease, "sent", "console-1", &r);
	is_int(r.status, 200, "the same report again is fine");
	is_str(r.body, first, "and gets the very same answer");
	ts_response_release(&r);
	free(first);
	tg_result(&env.gw, id, lease, "failed", NULL, &r);
	is_str(ts_str(&r, "status"), "sent", "a different report for the same lease does not undo the first");
	ts_response_release(&r);

	got = tg_claim(&env.gw, 20);
	is_int(json_array_size(got), 0, "a sent message is never claimed again");
	json_decref(got);

	char status[32];
	char *h = tg_history(&env.staff, id, status);
	is_str(status, "sent", "staff see it sent");
	ok(has(h, "queued: to go by sms"), "its history says it was queued (%s)", h);
	ok(has(h, "claimed: again, attempt 2: the last gateway's lease ran out"),
	   "that it was claimed again after the lease ran out");
	ok(has(h, "sent: by SMS through console"), "and that it was sent");
	free(h);

	/* Status callbacks: forward only, each once. */
	tg_status(&env.gw, "console-1", "delivered", &r);
	ok(json_is_true(json_object_get(tg_event_result(&r), "ok")), "a delivery report is taken");
	ok(json_is_false(json_object_get(tg_event_result(&r), "duplicate")), "the first time");
	ts_response_release(&r);
	tg_status(&env.gw, "console-1", "delivered", &r);
	ok(json_is_true(json_object_get(tg_event_result(&r), "duplicate")),
	   "the same callback again is a duplicate");
	ts_response_release(&r);
	tg_status(&env.gw, "console-1", "failed", &r);
	ok(json_is_true(json_object_get(tg_event_result(&r), "ok")), "a failure after delivery is taken");
	ts_response_release(&r);
	tg_status(&env.gw, "console-1", "sent", &r);
	ts_response_release(&r);
	h = tg_history(&env.staff, id, status);
	is_str(status, "delivered", "but the message stays delivered");
	ok(has(h, "failed: the provider could not deliver it; reported after it was delivered: ignored"),
	   "the history says the late failure was ignored (%s)", h);
	int delivered = 0;
	for (const char *p = strstr(h, "delivered: provider time"); p;
	     p = strstr(p + 1, "delivered: provider time"))
		delivered++;
	is_int(delivered, 1, "and shows the delivery once");
	free(h);

	tg_status(&env.gw, "console-unknown", "delivered", &r);
	ok(json_is_true(json_object_get(tg_event_result(&r), "ignored")),
	   "a callback for a provider id we never sent is taken and ignored");
	ts_response_release(&r);
}

static void test_out_of_order(int64_t kiki)
{
	int64_t id = notice(kiki, "Out of order", 0, 0);
	json_t *got = tg_deliver_all(&env.gw);
	ok(tg_find(got, id) != NULL, "a second text is claimed and sent");
	json_decref(got);
	char pid[64];
	snprintf(pid, sizeof pid, "console-%lld", (long long)id);
	struct ts_response r;
	tg_status(&env.gw, pid, "read", &r);
	ts_response_release(&r);
	tg_status(&env.gw, pid, "delivered", &r);
	ok(json_is_true(json_object_get(tg_event_result(&r), "ok")), "read before delivered is fine");
	ts_response_release(&r);
	char status[32];
	char *h = tg_history(&env.staff, id, status);
	is_str(status, "read", "the status stays read");
	ok(has(h, "delivered: reported late"), "the late delivery is in the history (%s)", h);
	free(h);
}

static void test_retry(int64_t kiki)
{
	int64_t id = notice(kiki, "Retry me", 3600, 0);
	json_t *got = tg_claim(&env.gw, 20);
	json_t *m = tg_find(got, id);
	char lease[64];
	snprintf(lease, sizeof lease, "%s", json_string_value(json_object_get(m, "lease")));
	json_decref(got);
	struct ts_response r;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/gateway/messages/%lld/result", (long long)id);
	ts_requestf(&env.gw, "POST", path, &r, "{s:s, s:s, s:s, s:s, s:i}", "lease", lease,
		    "outcome", "retry", "reason", "provider busy (429)", "error_code", "20429",
		    "retry_after", 300);
	is_int(r.status, 200, "a retry is reported");
	is_str(ts_str(&r, "status"), "queued", "the message waits again");
	ts_response_release(&r);
	got = tg_claim(&env.gw, 20);
	ok(!tg_find(got, id), "it is not claimable before retry_after");
	json_decref(got);
	tg_clock_add(&env.clk, 300);
	got = tg_claim(&env.gw, 20);
	m = tg_find(got, id);
	ok(m != NULL, "and is after it");
	is_int(json_integer_value(json_object_get(m, "attempt")), 2, "as attempt 2");
	snprintf(lease, sizeof lease, "%s", json_string_value(json_object_get(m, "lease")));
	json_decref(got);
	ts_requestf(&env.gw, "POST", path, &r, "{s:s, s:s, s:s, s:i}", "lease", lease, "outcome",
		    "retry", "reason", "connection failed", "retry_after", 3600);
	is_str(ts_str(&r, "status"), "expired", "a retry past the deadline expires it instead");
	ts_response_release(&r);
	char status[32];
	char *h = tg_history(&env.staff, id, status);
	is_str(status, "expired", "staff see it expired");
	ok(has(h, "retry: provider busy (429) (error 20429); next try at"),
	   "with the first retry's reason (%s)", h);
	ok(has(h, "expired: connection failed, and its deadline comes before the next try"),
	   "and why it was given up");
	free(h);
	tg_clock_add(&env.clk, 3600);
	got = tg_claim(&env.gw, 20);
	ok(!tg_find(got, id), "an expired message is never handed out");
	json_decref(got);

	/* One that waited too long in the queue (the gateway was down). */
	id = notice(kiki, "Too late", 600, 0);
	tg_clock_add(&env.clk, 601);
	got = tg_claim(&env.gw, 20);
	ok(!tg_find(got, id), "a message past its deadline is not sent late");
	json_decref(got);
	h = tg_history(&env.staff, id, status);
	is_str(status, "expired", "it expired at the claim");
	ok(has(h, "expired: not sent before its deadline"), "saying why (%s)", h);
	free(h);
}

static void test_opt_out(int64_t may)
{
	int64_t a = notice(may, "one", 0, 0);
	int64_t b = notice(may, "two", 0, 0);
	json_t *got = tg_claim(&env.gw, 20);
	ok(tg_find(got, a) && tg_find(got, b), "both of her texts are claimed");
	char lease[64];
	snprintf(lease, sizeof lease, "%s",
		 json_string_value(json_object_get(tg_find(got, a), "lease")));
	json_decref(got);
	int64_t c = notice(may, "three", 0, 0);
	struct ts_response r;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/gateway/messages/%lld/result", (long long)a);
	ts_requestf(&env.gw, "POST", path, &r, "{s:s, s:s, s:s, s:s}", "lease", lease, "outcome",
		    "stopped", "reason", "replied STOP to the provider (21610)", "error_code",
		    "21610");
	is_str(ts_str(&r, "status"), "failed", "the provider says she stopped messages");
	ts_response_release(&r);
	char pp[64];
	snprintf(pp, sizeof pp, "/api/v1/participants/%lld", (long long)may);
	ts_request(&env.staff, "GET", pp, NULL, &r);
	ok(json_is_string(json_object_get(r.json, "opted_out_at")), "she is opted out");
	is_str(ts_str(&r, "opted_out_how"), "replied STOP to the provider (21610)",
	       "and staff see how");
	ts_response_release(&r);
	char status[32];
	char *h = tg_history(&env.staff, c, status);
	is_str(status, "withdrawn", "her queued text is withdrawn");
	ok(has(h, "withdrawn: opted out"), "because she opted out (%s)", h);
	free(h);

	/* b was out under a live lease; when it runs out she is checked again. */
	tg_clock_add(&env.clk, 121);
	got = tg_claim(&env.gw, 20);
	ok(!tg_find(got, b), "a text claimed before she opted out is not handed out again");
	json_decref(got);
	h = tg_history(&env.staff, b, status);
	is_str(status, "failed", "it failed");
	ok(has(h, "failed: not sent: opted out"), "as opted out (%s)", h);
	free(h);

	ts_requestf(&env.staff, "POST", "/api/v1/messages", &r, "{s:I, s:s}", "participant_id",
		    (json_int_t)may, "body", "four");
	is_int(r.status, 409, "a worker cannot queue a text for her");
	is_str(ts_error_code(&r), "cannot_message", "as cannot_message");
	ok(has(r.body, "opted out"), "told she opted out (%s)", r.body);
	ts_response_release(&r);
}

static void test_consent(int64_t kiki)
{
	int64_t id = notice(kiki, "before consent was withdrawn", 0, 0);
	struct ts_response r;
	char pp[64];
	snprintf(pp, sizeof pp, "/api/v1/participants/%lld", (long long)kiki);
	ts_requestf(&env.staff, "PATCH", pp, &r, "{s:b}", "consent", 0);
	is_int(r.status, 200, "she withdraws her consent to messages");
	ts_response_release(&r);
	json_t *got = tg_claim(&env.gw, 20);
	ok(!tg_find(got, id), "the text queued before is not handed out");
	json_decref(got);
	char status[32];
	char *h = tg_history(&env.staff, id, status);
	ok(has(h, "failed: not sent: no consent"), "it failed for want of consent (%s)", h);
	free(h);
	ts_requestf(&env.staff, "PATCH", pp, &r, "{s:b}", "consent", 1);
	ts_response_release(&r);
}

static void test_quiet_hours(int64_t kiki)
{
	tg_clock_set(&env.clk, tg_hk("2026-11-25T22:30"));
	tg_env_login(&env);
	int64_t held = notice(kiki, "quiet please", 0, 1);
	int64_t loud = notice(kiki, "your code", 0, 0);
	int64_t early = notice(kiki, "due before morning", 3600, 1);
	json_t *got = tg_claim(&env.gw, 20);
	ok(!tg_find(got, held), "at 22:30 a text that honours quiet hours is held");
	ok(tg_find(got, loud) != NULL, "one that does not (a sign-in code) goes at once");
	ok(!tg_find(got, early), "one due before morning is not sent at night");
	json_decref(got);
	char status[32];
	char *h = tg_history(&env.staff, held, status);
	is_str(status, "queued", "the held text waits");
	ok(has(h, "held: quiet hours: it goes at 2026-11-26 09:00"), "until 09:00 (%s)", h);
	free(h);
	h = tg_history(&env.staff, early, status);
	is_str(status, "expired", "the one due before morning expires");
	ok(has(h, "quiet hours until 2026-11-26 09:00 last past its deadline"), "saying why (%s)", h);
	free(h);
	tg_clock_set(&env.clk, tg_hk("2026-11-26T08:59"));
	got = tg_claim(&env.gw, 20);
	ok(!tg_find(got, held), "at 08:59 it still waits");
	json_decref(got);
	tg_clock_set(&env.clk, tg_hk("2026-11-26T09:00"));
	got = tg_claim(&env.gw, 20);
	ok(tg_find(got, held) != NULL, "at 09:00 it goes");
	json_decref(got);
}

static void test_inbound(int64_t kiki, int64_t ada)
{
	tg_env_login(&env);
	struct ts_response r;
	tg_inbound(&env.gw, "in-1", "sms", "+85291234567", "多謝姑娘", NULL, &r);
	is_int(r.status, 200, "an inbound text is handed in");
	ok(json_is_true(json_object_get(tg_event_result(&r), "ok")), "and taken");
	ok(json_is_false(json_object_get(tg_event_result(&r), "duplicate")), "as new");
	ts_response_release(&r);
	tg_clock_add(&env.clk, 3 * 86400);
	tg_env_login(&env);
	tg_inbound(&env.gw, "in-1", "sms", "+85291234567", "多謝姑娘", NULL, &r);
	ok(json_is_true(json_object_get(tg_event_result(&r), "duplicate")),
	   "the same provider id days later is a duplicate");
	ts_response_release(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/participants/%lld/messages?direction=in",
		 (long long)kiki);
	ts_request(&env.staff, "GET", path, NULL, &r);
	json_t *items = json_object_get(r.json, "items");
	is_int(json_array_size(items), 1, "kept once, under her");
	json_t *m = json_array_get(items, 0);
	is_str(json_string_value(json_object_get(m, "body")), "多謝姑娘", "with what she wrote");
	is_str(json_string_value(json_object_get(m, "status")), "received", "as received");
	ts_response_release(&r);

	/* A batch with a bad event: the others are still taken. */
	ts_requestf(&env.gw, "POST", "/api/v1/gateway/events", &r,
		    "{s:[{s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]}", "events",
		    "type", "inbound", "provider", "console", "provider_id", "in-2", "channel",
		    "whatsapp", "from", "+85261234567", "text", "hello",
		    "type", "status", "provider", "console", "provider_id", "x", "status", "lost");
	is_int(r.status, 200, "a batch with one bad event is answered");
	json_t *results = json_object_get(r.json, "results");
	is_int(json_array_size(results), 2, "one result per event");
	ok(json_is_true(json_object_get(json_array_get(results, 0), "ok")), "the good one is taken");
	json_t *err = json_object_get(json_array_get(results, 1), "error");
	ok(json_is_false(json_object_get(json_array_get(results, 1), "ok")), "the bad one is not");
	ok(has(json_string_value(json_object_get(err, "message")), "events[1].status"),
	   "and its error names events[1].status");
	ts_response_release(&r);
	ts_requestf(&env.gw, "POST", "/api/v1/gateway/events", &r, "{s:[]}", "events");
	is_int(r.status, 400, "an empty batch is refused");
	ts_response_release(&r);

	/* Ada wrote on WhatsApp just now: the window is open for her. */
	int64_t id = notice(ada, "WhatsApp me", 0, 0);
	json_t *got = tg_claim(&env.gw, 20);
	json_t *cm = tg_find(got, id);
	ok(cm != NULL, "Ada's text is claimed");
	is_str(json_string_value(json_object_get(cm, "channel")), "whatsapp", "for WhatsApp");
	ok(json_is_true(json_object_get(cm, "window_open")),
	   "with the 24-hour window open: she wrote to us a moment ago");
	char lease[64];
	snprintf(lease, sizeof lease, "%s", json_string_value(json_object_get(cm, "lease")));
	json_decref(got);
	snprintf(path, sizeof path, "/api/v1/gateway/messages/%lld/result", (long long)id);
	ts_requestf(&env.gw, "POST", path, &r, "{s:s, s:s, s:s, s:s, s:s, s:s}", "lease", lease,
		    "outcome", "sent", "provider", "console", "provider_id", "console-fallback",
		    "channel", "sms", "note", "no WhatsApp template fits outside the 24-hour window");
	is_str(ts_str(&r, "status"), "sent", "sent by SMS instead");
	ts_response_release(&r);
	char status[32];
	char *h = tg_history(&env.staff, id, status);
	ok(has(h, "sent: by SMS instead of WhatsApp: no WhatsApp template fits"),
	   "the history says so in plain words (%s)", h);
	free(h);

	int64_t other = notice(ada, "dup id", 0, 0);
	got = tg_claim(&env.gw, 20);
	snprintf(lease, sizeof lease, "%s",
		 json_string_value(json_object_get(tg_find(got, other), "lease")));
	json_decref(got);
	tg_result(&env.gw, other, lease, "sent", "console-fallback", &r);
	is_int(r.status, 409, "a provider id already used by another message is refused");
	ts_response_release(&r);
	tg_result(&env.gw, other, lease, "unknown", NULL, &r);
	is_str(ts_str(&r, "status"), "unknown", "a send the gateway cannot account for is unknown");
	ts_response_release(&r);
	tg_clock_add(&env.clk, 600);
	got = tg_claim(&env.gw, 20);
	ok(!tg_find(got, other), "and is never sent again automatically");
	json_decref(got);
	tg_result(&env.gw, other, "not-the-lease", "sent", "console-x", &r);
	is_int(r.status, 409, "a made-up lease is lost");
	ts_response_release(&r);
	ts_requestf(&env.gw, "POST", path, &r, "{s:s, s:s}", "lease", lease, "outcome", "delivered");
	is_int(r.status, 400, "an unknown outcome is refused");
	is_str(ts_error_field(&r), "outcome", "naming outcome");
	ts_response_release(&r);
}

static void test_clock_needs_dev_mode(void)
{
	struct ts_server prod;
	ts_server_prepare(&prod);
	struct tg_clock c;
	tg_clock_init(&c, &prod, 1000000);
	prod.env[0] = c.env;
	char *err = NULL;
	int status = ts_cli(&prod, NULL, &err, "migrate", NULL);
	ok(status != 0, "a clock file outside development mode is refused");
	ok(has(err, "clock_file is for tests only"), "saying it is for tests");
	free(err);
	ts_server_cleanup(&prod);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tg_env_start(&env, "2026-11-24T10:00");
	int64_t kiki = tg_participant(&env, "KIKI", "91234567", "sms", "zh-HK", 1);
	int64_t may = tg_participant(&env, "May", "92345678", "sms", "zh-HK", 1);
	int64_t ada = tg_participant(&env, "Ada", "61234567", "whatsapp", "zh-HK", 1);
	test_access();
	test_lease(kiki);
	test_out_of_order(kiki);
	test_retry(kiki);
	test_opt_out(may);
	test_consent(kiki);
	test_quiet_hours(kiki);
	test_inbound(kiki, ada);
	test_clock_needs_dev_mode();
	is_int(tg_env_stop(&env), 0, "the server stops cleanly");
	curl_global_cleanup();
	return done_testing();
}
