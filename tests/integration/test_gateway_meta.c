/*
 * End to end on loopback with Meta's WhatsApp Cloud API (fake) for
 * WhatsApp and Twilio (fake) for SMS: the verify-token handshake; outside
 * the 24-hour window with no template a text goes by SMS and says so;
 * after she writes, free text goes by WhatsApp and its statuses (read
 * before delivered) leave it read; when WhatsApp refuses free text (131047,
 * at once or in a failed status) staff see why; the pair rate (131056) is
 * waited out; inbound messages are kept once and bad signatures get 403;
 * a send cut off by SIGKILL, which Meta cannot look up, is reported
 * unknown and never sent again.
 */
#include "../support/fakeprovider.h"
#include "../support/gwtest.h"
#include "../support/rungateway.h"
#include "../tap.h"
#include "tp_signature.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ge_world w;
static struct rg_gateway gw;
static struct fk_provider *meta, *tw;

static bool has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle);
}

static json_t *last_meta(void)
{
	size_t n = fk_sent_count(meta);
	return n ? fk_sent(meta, n - 1) : NULL;
}

static void test_handshake(void)
{
	char *body = NULL;
	is_int(rg_get(&gw, "/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444"
			   "&hub.verify_token=verify-me", &body), 200, "the right verify token: 200");
	is_str(body, "1158201444", "answering the challenge");
	free(body);
	is_int(rg_get(&gw, "/webhooks/meta?hub.mode=subscribe&hub.challenge=1"
			   "&hub.verify_token=guess", NULL), 403, "a wrong one: 403");
	is_int(rg_get(&gw, "/webhooks/meta?hub.mode=unsubscribe&hub.challenge=1"
			   "&hub.verify_token=verify-me", NULL), 403, "another mode: 403");
}

static void test_sms_fallback(int64_t ada)
{
	size_t m0 = fk_requests(meta), t0 = fk_sent_count(tw);
	int64_t id = ge_notice(&w, ada, "阿欣你好，明天 14:00 見。");
	ok(ge_wait_status(&w, id, "delivered", 15, false), "delivered");
	is_int(fk_requests(meta) - m0, 0, "outside the window with no template: not WhatsApp");
	is_int(fk_sent_count(tw) - t0, 1, "but one SMS");
	json_t *m = ge_message(&w, id);
	is_str(json_string_value(json_object_get(m, "channel")), "sms", "the message says sms");
	json_decref(m);
	char *h = ge_history(&w, id);
	ok(has(h, "no WhatsApp template fits outside the 24-hour window"),
	   "and why, in its history: %s", h);
	free(h);
}

static void test_window_open(int64_t ada)
{
	int before = ge_inbound_count(&w, "+85261234567");
	char wamid[96];
	is_int(fk_inbound(meta, "+85261234567", "你好", NULL, true, NULL, false, wamid), 200,
	       "she writes on WhatsApp: 200");
	is_int(ge_wait_inbound(&w, "+85261234567", before + 1, 10), before + 1, "the server has it");
	is_int(fk_inbound(meta, "+85261234567", "你好", NULL, true, wamid, false, NULL), 200,
	       "Meta delivers it again");
	ge_nap(800);
	is_int(ge_inbound_count(&w, "+85261234567"), before + 1, "kept once");
	is_int(fk_inbound(meta, "+85261234567", "STOP", NULL, true, NULL, true, NULL), 403,
	       "a bad X-Hub-Signature-256: 403");
	char *body = NULL;
	is_int(rg_post(&gw, "/webhooks/meta", "{\"object\":\"whatsapp_business_account\"}",
		       "application/json", NULL, &body), 403, "no signature at all: 403");
	free(body);

	size_t t0 = fk_sent_count(tw);
	fk_set_callbacks(meta, FK_CB_READ | FK_CB_REORDER);
	int64_t id = ge_notice(&w, ada, "收到，謝謝。");
	ok(ge_wait_status(&w, id, "read", 15, false), "inside the window: by WhatsApp, and read");
	json_t *s = last_meta();
	json_t *rq = json_object_get(s, "request");
	is_str(json_string_value(json_object_get(rq, "type")), "text", "free text");
	is_str(json_string_value(json_object_get(json_object_get(rq, "text"), "body")),
	       "收到，謝謝。", "her text");
	json_t *m = ge_message(&w, id);
	is_str(json_string_value(json_object_get(m, "provider_id")),
	       json_string_value(json_object_get(s, "id")), "the server holds the wamid");
	json_decref(m);
	json_decref(s);
	is_int(fk_sent_count(tw) - t0, 0, "no SMS");
	fk_wait_callbacks(meta, 5, NULL);
	ge_nap(500);
	is_str(ge_status(&w, id), "read", "a delivered after read does not move it back");
	fk_set_callbacks(meta, FK_CB_NORMAL);
}

static void test_window_refused(int64_t bo)
{
	/* The server saw her write (handed in directly), WhatsApp did not. */
	struct ts_client gwc;
	ts_client_init(&gwc, &w.srv);
	snprintf(gwc.bearer, sizeof gwc.bearer, "%s", w.token);
	struct ts_response r;
	tg_inbound(&gwc, "console-window-1", "whatsapp", "+85262345678", "hello", NULL, &r);
	ts_response_release(&r);
	ts_client_release(&gwc);

	size_t t0 = fk_sent_count(tw), m0 = fk_requests(meta);
	int64_t id = ge_notice(&w, bo, "window test");
	ok(ge_wait_status(&w, id, "delivered", 15, false), "131047 at once: it still arrives");
	is_int(fk_requests(meta) - m0, 1, "WhatsApp was tried once");
	is_int(fk_sent_count(tw) - t0, 1, "then SMS");
	char *h = ge_history(&w, id);
	ok(has(h, "131047") && has(h, "SMS"), "saying so: %s", h);
	free(h);

	fk_set_window(meta, FK_WINDOW_ASYNC);
	id = ge_notice(&w, bo, "window test, refused later");
	ok(ge_wait_status(&w, id, "failed", 15, false),
	   "131047 in a failed status: failed, not silently lost");
	h = ge_history(&w, id);
	ok(has(h, "outside WhatsApp's 24-hour window (131047)"), "in plain words: %s", h);
	free(h);
	fk_set_window(meta, FK_WINDOW_SYNC);
}

static void test_pair_rate(int64_t ada)
{
	fk_set_pair_gap(meta, 1500);
	size_t m0 = fk_sent_count(meta);
	int64_t a = ge_notice(&w, ada, "first of two");
	int64_t b = ge_notice(&w, ada, "second of two");
	ok(ge_wait_status(&w, a, "delivered", 15, true) && ge_wait_status(&w, b, "delivered", 15, true),
	   "two quick texts to her both arrive");
	is_int(fk_sent_count(meta) - m0, 2, "each once");
	char *ha = ge_history(&w, a), *hb = ge_history(&w, b);
	ok(has(ha, "131056") || has(hb, "131056"), "one waited out the pair rate: %s / %s", ha, hb);
	free(ha);
	free(hb);
	fk_set_pair_gap(meta, 0);
}

static void test_killed_no_lookup(int64_t ada)
{
	size_t m0 = fk_sent_count(meta);
	fk_script_hold(meta);
	int64_t id = ge_notice(&w, ada, "cut off");
	ok(fk_wait_holding(meta, 10), "WhatsApp took it; its answer is held");
	fk_wait_callbacks(meta, 5, NULL);
	rg_kill(&gw);
	fk_release(meta);
	rg_start(&gw);
	fk_set_gateway(meta, gw.base, NULL);
	fk_set_gateway(tw, gw.base, NULL);
	ok(ge_wait_status(&w, id, "unknown", 15, false), "after the restart it is unknown");
	char *h = ge_history(&w, id);
	ok(has(h, "may or may not"), "staff read why: %s", h);
	free(h);
	tg_clock_add(&w.clk, 600);
	ge_nap(1500);
	is_int(fk_sent_count(meta) - m0, 1, "and it is never sent again, leases long run out");
	is_str(ge_status(&w, id), "unknown", "still unknown");
}

int main(void)
{
	ge_start(&w);
	ge_start_both(&w, &gw, &meta, &tw);

	int64_t ada = ge_participant(&w, "阿欣", "61234567", "whatsapp");
	int64_t bo = ge_participant(&w, "Bo", "62345678", "whatsapp");
	test_handshake();
	test_sms_fallback(ada);
	test_window_open(ada);
	test_window_refused(bo);
	test_pair_rate(ada);
	test_killed_no_lookup(ada);

	char last[300];
	is_int(fk_rejected(meta, last, sizeof last), 0, "Meta refused no request (%s)", last);
	is_int(fk_rejected(tw, last, sizeof last), 0, "Twilio refused no request (%s)", last);
	ge_gateway_finish(&gw);
	fk_stop(meta);
	fk_stop(tw);
	ge_finish(&w);
	return done_testing();
}
