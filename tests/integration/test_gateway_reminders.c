/*
 * The whole chain on loopback: the server's scheduler, the real gateway,
 * and the fake providers. An appointment booked for tomorrow makes a
 * reminder that goes out once, outside the 24-hour window as the approved
 * WhatsApp template with its parameters; her tap on the 確認 button
 * confirms the appointment and the answer goes back as free text inside
 * the window; the next day's reminder, the window closed again, is the
 * template again. By SMS, a full-width ２ flags a change, STOP opts her out
 * and her next appointment's reminder is never sent.
 */
#include "../support/fakeprovider.h"
#include "../support/gwtest.h"
#include "../support/rungateway.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ge_world w;
static struct rg_gateway gw;
static struct fk_provider *meta, *tw;

static int64_t appointment(int64_t pid, const char *kind, const char *starts_at,
			   const char *place)
{
	struct ts_response r;
	ts_requestf(&w.staff, "POST", "/api/v1/appointments", &r, "{s:I, s:s, s:s, s:s}",
		    "participant_id", (json_int_t)pid, "kind", kind, "starts_at", starts_at,
		    "place", place);
	return ts_created("appointment", &r);
}

static char *appointment_status(int64_t id)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/appointments/%lld", (long long)id);
	struct ts_response r;
	ts_request(&w.staff, "GET", path, NULL, &r);
	const char *s = ts_str(&r, "status");
	char *out = strdup(s ? s : "");
	ts_response_release(&r);
	return out;
}

static bool wait_appointment(int64_t id, const char *want, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		char *s = appointment_status(id);
		bool done = strcmp(s, want) == 0;
		free(s);
		if (done)
			return true;
		ge_nap(100);
	}
	return false;
}

static json_t *request_of(struct fk_provider *f, size_t i)
{
	json_t *s = fk_sent(f, i);
	json_t *rq = json_incref(json_object_get(s, "request"));
	json_decref(s);
	return rq;
}

static void test_whatsapp(int64_t chan)
{
	size_t m0 = fk_sent_count(meta);
	int64_t appt = appointment(chan, "clinic_escort", "2026-11-25T14:00", "健康院");
	is_int(fk_wait_sent(meta, m0 + 1, 15), m0 + 1, "the day-before reminder goes out");
	json_t *rq = request_of(meta, m0);
	json_t *t = json_object_get(rq, "template");
	is_str(json_string_value(json_object_get(rq, "type")), "template",
	       "outside the window: the approved template");
	is_str(json_string_value(json_object_get(t, "name")), "tp_reminder", "tp_reminder");
	is_str(json_string_value(json_object_get(json_object_get(t, "language"), "code")), "zh_HK",
	       "in zh_HK");
	json_t *params = json_object_get(json_array_get(json_object_get(t, "components"), 0),
					 "parameters");
	is_str(json_string_value(json_object_get(json_array_get(params, 0), "text")), "陳太",
	       "her alias");
	is_str(json_string_value(json_object_get(json_array_get(params, 2), "text")), "健康院",
	       "the discreet place");
	json_decref(rq);
	ge_nap(1000);
	is_int(fk_sent_count(meta) - m0, 1, "once");

	is_int(fk_inbound(meta, "+85261112222", "確認", "1", true, NULL, false, NULL), 200,
	       "she taps 確認");
	ok(wait_appointment(appt, "confirmed", 15), "the appointment is confirmed");
	is_int(fk_wait_sent(meta, m0 + 2, 15), m0 + 2, "and she is answered");
	rq = request_of(meta, m0 + 1);
	is_str(json_string_value(json_object_get(rq, "type")), "text",
	       "inside the window: free text");
	json_decref(rq);

	/* 12:00 the next day: two hours before, 26 hours after she wrote. */
	tg_clock_set(&w.clk, tg_hk("2026-11-25T12:00"));
	ts_client_release(&w.staff);
	ts_client_init(&w.staff, &w.srv);
	ts_client_login(&w.staff, "amy", w.worker_pw);
	is_int(fk_wait_sent(meta, m0 + 3, 15), m0 + 3, "the two-hours-before reminder goes out");
	rq = request_of(meta, m0 + 2);
	is_str(json_string_value(json_object_get(rq, "type")), "template",
	       "the window closed again: the template");
	json_decref(rq);
}

static void test_sms(int64_t may)
{
	size_t t0 = fk_sent_count(tw);
	int64_t appt = appointment(may, "home_visit", "2026-11-26T15:00", "府上");
	is_int(fk_wait_sent(tw, t0 + 1, 15), t0 + 1, "her reminder goes by SMS");
	json_t *rq = request_of(tw, t0);
	const char *body = json_string_value(json_object_get(rq, "Body"));
	ok(body && strstr(body, "回覆 1 確認，2 更改"), "asking for 1 or 2: %s", body ? body : "");
	ok(body && !strstr(body, "毒") && !strstr(body, "輔導"), "saying nothing of the service");
	json_decref(rq);
	is_int(fk_inbound(tw, "+85292223333", "２", NULL, false, NULL, false, NULL), 200,
	       "she answers with a full-width ２");
	ok(wait_appointment(appt, "change_requested", 15), "the worker sees a change requested");
	fk_wait_sent(tw, t0 + 2, 10);
	size_t after = fk_sent_count(tw);
	is_int(fk_inbound(tw, "+85292223333", "STOP", NULL, false, NULL, false, NULL), 200,
	       "she sends STOP");
	char path[64];
	snprintf(path, sizeof path, "/api/v1/participants/%lld", (long long)may);
	bool out = false;
	for (int i = 0; i < 100 && !out; i++) {
		struct ts_response r;
		ts_request(&w.staff, "GET", path, NULL, &r);
		out = r.json && !json_is_null(json_object_get(r.json, "opted_out_at"));
		ts_response_release(&r);
		if (!out)
			ge_nap(100);
	}
	ok(out, "she is opted out");
	fk_wait_sent(tw, after + 1, 3);   /* a last word, if the server sends one */
	size_t before = fk_sent_count(tw);
	appointment(may, "home_visit", "2026-11-27T15:00", "府上");
	tg_clock_set(&w.clk, tg_hk("2026-11-26T10:00"));
	ge_nap(2500);
	is_int(fk_sent_count(tw) - before, 0, "her next appointment's reminder is never sent");
}

int main(void)
{
	ge_start(&w);
	ge_start_both(&w, &gw, &meta, &tw);

	int64_t chan = ge_participant(&w, "陳太", "61112222", "whatsapp");
	int64_t may = ge_participant(&w, "May", "92223333", "sms");
	test_whatsapp(chan);
	test_sms(may);

	char last[300];
	is_int(fk_rejected(meta, last, sizeof last), 0, "Meta refused no request (%s)", last);
	is_int(fk_rejected(tw, last, sizeof last), 0, "Twilio refused no request (%s)", last);
	ge_gateway_finish(&gw);
	fk_stop(meta);
	fk_stop(tw);
	ge_finish(&w);
	return done_testing();
}
