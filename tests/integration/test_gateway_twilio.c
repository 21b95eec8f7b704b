/*
 * End to end on loopback: the real server, the real gateway on the Twilio
 * adapter, and the conformant fake of Twilio. A message is sent once and
 * its callbacks (duplicated, out of order) leave it delivered; a 429 with
 * Retry-After is not tried again before it says; a 5xx burst is ridden
 * out; 21610 opts her out and nothing more is sent to her; inbound texts
 * arrive once however often they are delivered, and none is lost while
 * the server is down, even if the gateway is killed meanwhile; bad
 * signatures get 403; the gateway killed with SIGKILL in the middle of a
 * batch sends nothing twice and loses nothing. The gateway sits behind a
 * "reverse proxy": its public URL is https://gw.example.org:443 while
 * Twilio signs for https://gw.example.org.
 */
#include "../support/fakeprovider.h"
#include "../support/gwtest.h"
#include "../support/rungateway.h"
#include "../tap.h"
#include "tp_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SID "AC0123456789abcdef0123456789abcdef"
#define TOKEN "twilio-auth-token"

static struct ge_world w;
static struct rg_gateway gw;
static struct fk_provider *tw;

static bool has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle);
}

/* The provider id the server holds for a message. */
static char *provider_id(int64_t id)
{
	json_t *m = ge_message(&w, id);
	const char *p = json_string_value(json_object_get(m, "provider_id"));
	char *out = strdup(p ? p : "");
	json_decref(m);
	return out;
}

/* How many messages the fake took for a number. */
static int taken_for(const char *to)
{
	int n = 0;
	size_t count = fk_sent_count(tw);
	for (size_t i = 0; i < count; i++) {
		json_t *s = fk_sent(tw, i);
		const char *t = json_string_value(json_object_get(s, "to"));
		if (t && strcmp(t, to) == 0)
			n++;
		json_decref(s);
	}
	return n;
}

static void test_sent_once(int64_t kiki)
{
	size_t before = fk_requests(tw);
	fk_set_callbacks(tw, FK_CB_DUPLICATE | FK_CB_REORDER);
	int64_t id = ge_notice(&w, kiki, "提提你：明天 10:00 喺中心見。回覆 1 確認，2 更改。");
	ok(ge_wait_status(&w, id, "delivered", 15, false),
	   "the message is delivered (callbacks twice each, delivered before sent)");
	fk_wait_callbacks(tw, 5, NULL);
	ge_nap(500);
	is_int(fk_requests(tw) - before, 1, "Twilio got exactly one request");
	json_t *s = fk_sent(tw, fk_sent_count(tw) - 1);
	char *pid = provider_id(id);
	is_str(pid, json_string_value(json_object_get(s, "id")), "the server holds Twilio's sid");
	is_str(json_string_value(json_object_get(json_object_get(s, "request"), "Body")),
	       "提提你：明天 10:00 喺中心見。回覆 1 確認，2 更改。", "the text as written");
	free(pid);
	json_decref(s);
	is_str(ge_status(&w, id), "delivered", "a late 'sent' does not move it back");
	char *h = ge_history(&w, id);
	const char *first = strstr(h, "delivered");
	ok(first && !strstr(first + 1, "delivered"), "delivered once in its history: %s", h);
	free(h);
	fk_set_callbacks(tw, FK_CB_NORMAL);
}

static void test_retry_after(int64_t kiki)
{
	size_t before = fk_requests(tw);
	fk_script_error(tw, 429, 20429, 120);
	int64_t t0 = w.clk.now;
	int64_t id = ge_notice(&w, kiki, "Retry-After test");
	ok(ge_wait_history(&w, id, "provider busy (20429)", 10) &&
	   strcmp(ge_status(&w, id), "queued") == 0 && fk_requests(tw) - before == 1,
	   "after a 429 it is queued again");
	json_t *m = ge_message(&w, id);
	int64_t next = 0;
	tp_time_parse(json_string_value(json_object_get(m, "not_before")), &next);
	ok(next - t0 >= 120 && next - t0 <= 135, "not before Retry-After's 120 s (%lld s)",
	   (long long)(next - t0));
	json_decref(m);
	char *h = ge_history(&w, id);
	ok(has(h, "provider busy (20429)"), "the reason in plain words: %s", h);
	free(h);
	ge_nap(1500);
	is_int(fk_requests(tw) - before, 1, "not tried again while its time has not come");
	tg_clock_add(&w.clk, 110);
	ge_nap(800);
	is_int(fk_requests(tw) - before, 1, "nor 110 s later");
	tg_clock_add(&w.clk, 30);
	ok(ge_wait_status(&w, id, "delivered", 10, false), "after 140 s it goes");
	is_int(fk_requests(tw) - before, 2, "in two requests in all");
}

static void test_5xx_burst(int64_t kiki)
{
	size_t before = fk_requests(tw), taken = fk_sent_count(tw);
	fk_script_error(tw, 500, 0, 0);
	fk_script_error(tw, 503, 0, 0);
	fk_script_error(tw, 500, 0, 0);
	int64_t id = ge_notice(&w, kiki, "5xx test");
	ok(ge_wait_status(&w, id, "delivered", 20, true), "three 5xx answers, then delivered");
	is_int(fk_requests(tw) - before, 4, "four requests");
	is_int(fk_sent_count(tw) - taken, 1, "one message taken");
	char *h = ge_history(&w, id);
	ok(has(h, "provider error (503)"), "each try in the history: %s", h);
	free(h);
}

static void test_stop(int64_t may, const char *may_phone)
{
	fk_stop_number(tw, may_phone);
	int64_t id = ge_notice(&w, may, "to someone who replied STOP to Twilio");
	ok(ge_wait_status(&w, id, "failed", 10, false), "21610: failed");
	char *h = ge_history(&w, id);
	ok(has(h, "replied STOP to the provider (21610)"), "why: %s", h);
	free(h);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/participants/%lld", (long long)may);
	struct ts_response r;
	ts_request(&w.staff, "GET", path, NULL, &r);
	ok(r.json && !json_is_null(json_object_get(r.json, "opted_out_at")),
	   "and she is opted out");
	ts_response_release(&r);
	size_t before = fk_requests(tw);
	ts_requestf(&w.staff, "POST", "/api/v1/messages", &r, "{s:I, s:s, s:b}", "participant_id",
		    (json_int_t)may, "body", "the next reminder", "quiet_hours", 0);
	ok(r.status == 409, "the next text to her is refused (%ld)", r.status);
	ts_response_release(&r);
	ge_nap(600);
	is_int(fk_requests(tw) - before, 0, "and Twilio hears nothing more for her");
	is_int(taken_for(may_phone), 0, "nothing was ever taken for her");
}

static void test_inbound(const char *phone)
{
	int before = ge_inbound_count(&w, phone);
	char id[96];
	is_int(fk_inbound(tw, phone, "1", NULL, false, NULL, false, id), 200,
	       "a signed inbound text: 200 and the empty TwiML");
	is_int(ge_wait_inbound(&w, phone, before + 1, 10), before + 1, "the server has it");
	is_int(fk_inbound(tw, phone, "1", NULL, false, id, false, NULL), 200,
	       "delivered again: 200");
	ge_nap(800);
	is_int(ge_inbound_count(&w, phone), before + 1, "and still kept once");
	is_int(fk_inbound(tw, phone, "STOP", NULL, false, NULL, true, NULL), 403,
	       "a bad signature: 403");
	ge_nap(500);
	is_int(ge_inbound_count(&w, phone), before + 1, "and nothing is kept");
	char *log = rg_log(&gw);
	ok(has(log, "bad signature"), "the refusal is logged");
	free(log);

	/* Signed for the URL the gateway sees, not the public one: refused. */
	fk_set_gateway(tw, gw.base, gw.base);
	is_int(fk_inbound(tw, phone, "2", NULL, false, NULL, false, NULL), 403,
	       "a signature for another URL than the public one: 403");
	fk_set_gateway(tw, gw.base, "https://gw.example.org");

	char *body = NULL;
	is_int(rg_post(&gw, "/webhooks/twilio/status", "MessageSid=SMx&MessageStatus=delivered",
		       "application/x-www-form-urlencoded", "X-Twilio-Signature: bogus", &body),
	       403, "a status callback with a bad signature: 403");
	free(body);
}

static void test_server_down(const char *phone)
{
	int before = ge_inbound_count(&w, phone);
	is_int(ts_server_stop(&w.srv), 0, "the server stops");
	int okays = 0;
	const char *texts[] = { "1", "２", "三" };
	for (int i = 0; i < 3; i++)
		okays += fk_inbound(tw, phone, texts[i], NULL, false, NULL, false, NULL) == 200;
	is_int(okays, 3, "the gateway takes three texts while the server is down");
	rg_kill(&gw);
	rg_start(&gw);
	fk_set_gateway(tw, gw.base, "https://gw.example.org");
	ts_server_start(&w.srv);
	is_int(ge_wait_inbound(&w, phone, before + 3, 20), before + 3,
	       "the server has all three once it is back, though the gateway was killed too");
}

static void test_killed_mid_batch(int64_t *who, const char **phones)
{
	size_t taken = fk_sent_count(tw);
	fk_script_hold(tw);
	/* Queued while the gateway is away, so that one claim takes all three. */
	is_int(rg_stop(&gw), 0, "the gateway stops cleanly");
	int64_t ids[3];
	for (int i = 0; i < 3; i++)
		ids[i] = ge_notice(&w, who[i], "batch test");
	rg_start(&gw);
	ok(fk_wait_holding(tw, 10), "a send is under way, its answer held");
	fk_wait_sent(tw, taken + 3, 5);
	/* The other two are answered, and every status callback is in. */
	fk_wait_callbacks(tw, 5, NULL);
	ge_nap(500);
	rg_kill(&gw);
	fk_release(tw);
	is_int(fk_sent_count(tw) - taken, 3, "Twilio took all three before the kill");
	rg_start(&gw);
	fk_set_gateway(tw, gw.base, "https://gw.example.org");
	for (int i = 0; i < 3; i++)
		ok(ge_wait_status(&w, ids[i], "delivered", 20, false),
		   "message %d of the batch is delivered", i + 1);
	ge_nap(1000);
	is_int(fk_sent_count(tw) - taken, 3, "and nothing was sent twice");
	for (int i = 0; i < 3; i++) {
		char *pid = provider_id(ids[i]);
		int n = 0;
		for (size_t k = taken; k < fk_sent_count(tw); k++) {
			json_t *s = fk_sent(tw, k);
			if (strcmp(json_string_value(json_object_get(s, "id")), pid) == 0 &&
			    strcmp(json_string_value(json_object_get(s, "to")), phones[i]) == 0)
				n++;
			json_decref(s);
		}
		is_int(n, 1, "message %d holds the sid of its one send", i + 1);
		free(pid);
	}
	char *log = rg_log(&gw);
	const char *first = strstr(log, "its send was interrupted; now sent as SM");
	ok(first && !strstr(first + 30, "interrupted"),
	   "the one interrupted send was looked up after the restart, and found");
	free(log);
}

int main(void)
{
	ge_start(&w);
	tw = fk_start(&(struct fk_config){ .kind = FK_TWILIO, .account_sid = SID,
					   .auth_token = TOKEN });
	rg_prepare(&gw);
	ge_gateway_for(&w, &gw);
	rg_set(&gw, "sms_adapter", "twilio");
	rg_set(&gw, "whatsapp_adapter", "none");
	rg_set(&gw, "twilio_base_url", fk_base(tw));
	rg_set(&gw, "twilio_account_sid", SID);
	rg_set(&gw, "twilio_auth_token", TOKEN);
	rg_set(&gw, "twilio_from", "+85230001234");
	rg_set(&gw, "public_url", "https://gw.example.org:443/");
	rg_start(&gw);
	fk_set_gateway(tw, gw.base, "https://gw.example.org");

	int64_t kiki = ge_participant(&w, "KIKI", "91234567", "sms");
	int64_t may = ge_participant(&w, "May", "92345678", "sms");
	int64_t ada = ge_participant(&w, "Ada", "93456789", "sms");
	int64_t bo = ge_participant(&w, "Bo", "94567890", "sms");
	test_sent_once(kiki);
	test_retry_after(kiki);
	test_5xx_burst(kiki);
	test_stop(may, "+85292345678");
	test_inbound("+85291234567");
	test_server_down("+85293456789");
	int64_t who[3] = { kiki, ada, bo };
	const char *phones[3] = { "+85291234567", "+85293456789", "+85294567890" };
	test_killed_mid_batch(who, phones);

	char last[300];
	is_int(fk_rejected(tw, last, sizeof last), 0, "Twilio refused no request (%s)", last);
	ge_gateway_finish(&gw);
	fk_stop(tw);
	ge_finish(&w);
	return done_testing();
}
