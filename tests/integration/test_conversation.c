/*
 * Conversations by text, end to end through the gateway API as the gateway
 * calls it, with the clock moved by the clock file: replies to reminders
 * (1 confirms, 2 asks for a change, by button too, one re-prompt then the
 * question rests, words go to the inbox), STOP and START (STOP even in the
 * middle of a survey; nothing but START opts back in), a session's feedback
 * form sent one question a message to those who attended and stored as a
 * response like the kiosk's, answers typed as people type them, the newest
 * open question taking the reply, questions that expire, an automatic
 * reply never answered twice, the workers' inbox and the change requests.
 */
#include "../support/testgateway.h"
#include "../support/testserver.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tg_env env;
static int inbound_seq;

static void at(const char *local)
{
	tg_env_at(&env, local);
}

static char *get_field(const char *path, const char *key)
{
	struct ts_response r;
	ts_request(&env.staff, "GET", path, NULL, &r);
	char *v = strdup(tg_str(r.json, key));
	ts_response_release(&r);
	return v;
}

static bool status_is(const char *what, int64_t id, const char *want)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/%s/%lld", what, (long long)id);
	char *got = get_field(path, "status");
	bool same = strcmp(got, want) == 0;
	if (!same)
		diag("%s %lld is %s, not %s", what, (long long)id, got, want);
	free(got);
	return same;
}

/* She texts: returns the inbound message's id. */
static int64_t text_in(const char *from, const char *channel, const char *text,
		       const char *button)
{
	char pid[32];
	snprintf(pid, sizeof pid, "in-%d", ++inbound_seq);
	struct ts_response r;
	tg_inbound(&env.gw, pid, channel, from, text, button, &r);
	json_t *res = tg_event_result(&r);
	if (r.status != 200 || !json_is_true(json_object_get(res, "ok")))
		bail_out("inbound %s: %ld %s", text, r.status, r.body);
	int64_t id = json_integer_value(json_object_get(res, "message_id"));
	ts_response_release(&r);
	return id;
}

/* What the engine made of an inbound message (copied, caller frees). */
static char *handled(int64_t id)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/messages/%lld", (long long)id);
	return get_field(path, "handled");
}

/* Delivers what is due; the body of the one to number (copied, "" when
 * none), and how many went to it. */
static char *deliver_to(const char *to, int *count, json_t **buttons)
{
	json_t *got = tg_deliver_all(&env.gw);
	char *body = strdup("");
	int n = 0;
	size_t i;
	json_t *m;
	if (buttons)
		*buttons = NULL;
	json_array_foreach(got, i, m) {
		if (strcmp(tg_str(m, "to"), to) != 0)
			continue;
		n++;
		free(body);
		body = strdup(tg_str(m, "body"));
		if (buttons) {
			json_decref(*buttons);
			*buttons = json_incref(json_object_get(m, "buttons"));
		}
	}
	json_decref(got);
	if (count)
		*count = n;
	return body;
}

#define KIKI "+85291234567"
#define ADA "+85261234567"
#define MAY "+85292345678"
#define AUTO "+85293456789"
#define LATE "+85294567890"

static int64_t kiki, ada, may, autoresp, late, shy;

static void test_reminder_replies(void)
{
	at("2026-12-01T08:00");
	int64_t a_kiki = tg_appointment(&env, kiki, "home_visit", "2026-12-02T14:00", NULL);
	int64_t a_ada = tg_appointment(&env, ada, "antenatal", "2026-12-02T11:00", NULL);
	int64_t a_may = tg_appointment(&env, may, "mchc", "2026-12-02T15:00", NULL);
	at("2026-12-01T10:00");
	json_t *got = tg_deliver_all(&env.gw);
	is_int(json_array_size(got), 3, "the day before, three reminders go");
	json_decref(got);

	int64_t in = text_in(KIKI, "sms", "1", NULL);
	char *h = handled(in);
	is_str(h, "confirmed", "KIKI's 1 confirms");
	free(h);
	ok(status_is("appointments", a_kiki, "confirmed"), "her appointment is confirmed");
	char *body = deliver_to(KIKI, NULL, NULL);
	is_str(body, "多謝，已確認 12月2日(三) 14:00。到時見！", "and she is thanked, with the time");
	free(body);

	in = text_in(ADA, "whatsapp", "Change", "2");
	h = handled(in);
	is_str(h, "change", "Ada's button 2 asks for a change");
	free(h);
	ok(status_is("appointments", a_ada, "change_requested"), "her appointment is flagged");
	body = deliver_to(ADA, NULL, NULL);
	is_str(body, "Thank you. Your worker will contact you soon to find another time.",
	       "she is told a worker will call, in English");
	free(body);
	struct ts_response r;
	ts_request(&env.staff, "GET", "/api/v1/change_requests", NULL, &r);
	json_t *items = json_object_get(r.json, "items");
	is_int(json_array_size(items), 1, "the worker sees one change request");
	is_int(json_integer_value(json_object_get(json_array_get(items, 0), "id")), a_ada,
	       "Ada's appointment");
	is_str(tg_str(json_array_get(items, 0), "reply"), "Change", "with what she sent");
	ts_response_release(&r);

	in = text_in(MAY, "sms", "我會遲少少", NULL);
	h = handled(in);
	is_str(h, "inbox", "words that answer nothing go to the workers' inbox");
	free(h);
	int n = 0;
	body = deliver_to(MAY, &n, NULL);
	is_int(n, 0, "and are not answered");
	free(body);
	in = text_in(MAY, "sms", "３", NULL);
	h = handled(in);
	is_str(h, "reprompt", "a 3 to a 1-or-2 question gets a re-prompt");
	free(h);
	body = deliver_to(MAY, NULL, NULL);
	is_str(body, "唔好意思，我哋睇唔明。請回覆 1 確認，或 2 更改時間。", "a polite one");
	free(body);
	in = text_in(MAY, "sms", "4", NULL);
	h = handled(in);
	is_str(h, "inbox", "a second unreadable answer goes to the inbox");
	free(h);
	body = deliver_to(MAY, &n, NULL);
	is_int(n, 0, "and the question rests: no second re-prompt");
	free(body);
	in = text_in(MAY, "sms", "1", NULL);
	h = handled(in);
	is_str(h, "inbox", "a 1 after the question rested is for a worker");
	free(h);
	ok(status_is("appointments", a_may, "scheduled"), "her appointment is as it was");

	ts_request(&env.staff, "GET", "/api/v1/inbox", NULL, &r);
	items = json_object_get(r.json, "items");
	is_int(json_array_size(items), 3, "the inbox holds May's three texts");
	int64_t first = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	ts_response_release(&r);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/inbox/%lld/claim", (long long)first);
	ts_request(&env.staff, "POST", path, "{}", &r);
	is_int(r.status, 200, "the worker takes one");
	ts_response_release(&r);
	ts_request(&env.staff, "GET", "/api/v1/inbox", NULL, &r);
	is_int(json_array_size(json_object_get(r.json, "items")), 2, "it leaves the unclaimed inbox");
	ts_response_release(&r);

	/* STOP, and only START undoes it. */
	in = text_in(KIKI, "sms", " Stop ", NULL);
	h = handled(in);
	is_str(h, "stop", "KIKI's STOP is read");
	free(h);
	snprintf(path, sizeof path, "/api/v1/participants/%lld", (long long)kiki);
	char *how = get_field(path, "opted_out_how");
	is_str(how, "replied STOP", "she is opted out, and staff see how");
	free(how);
	in = text_in(KIKI, "sms", "1", NULL);
	h = handled(in);
	is_str(h, "inbox", "a later text does not opt her back in");
	free(h);
	how = get_field(path, "opted_out_how");
	is_str(how, "replied STOP", "she stays opted out");
	free(how);
	at("2026-12-02T12:00");
	body = deliver_to(KIKI, &n, NULL);
	is_int(n, 0, "the two-hours-before reminder is not sent to her");
	free(body);
	in = text_in(KIKI, "sms", "開始", NULL);
	h = handled(in);
	is_str(h, "start", "開始 opts her back in");
	free(h);
	how = get_field(path, "opted_out_how");
	is_str(how, "", "she is no longer opted out");
	free(how);
	body = deliver_to(KIKI, NULL, NULL);
	is_str(body, "你已重新接收訊息。回覆 STOP 可隨時停止。", "and told so");
	free(body);
	(void)a_may;
}

static int64_t survey_setup(void)
{
	at("2026-12-03T09:00");
	struct ts_response r;
	ts_requestf(&env.staff, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "Scheme");
	int64_t prog = ts_created("programme", &r);
	ts_requestf(&env.staff, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)prog, "name", "媽媽支援小組", "kind", "peer_support");
	int64_t group = ts_created("group", &r);
	ts_requestf(&env.staff, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s, s:s}",
		    "group_id", (json_int_t)group, "starts_at", "2026-12-03T10:00", "ends_at",
		    "2026-12-03T12:00", "venue", "Room 1", "title", "第1節");
	int64_t session = ts_created("session", &r);
	/* May has a reminder question open from this morning. */
	tg_appointment(&env, may, "other", "2026-12-04T15:00", NULL);
	at("2026-12-03T10:00");
	int64_t people[] = { kiki, ada, may, autoresp, late, shy };
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		ts_requestf(&env.staff, "POST", "/api/v1/checkins", &r, "{s:I, s:I}", "participant_id",
			    (json_int_t)people[i], "session_id", (json_int_t)session);
		if (r.status != 201)
			bail_out("check-in: %s", r.body);
		ts_response_release(&r);
	}
	json_t *got = tg_deliver_all(&env.gw);
	json_decref(got);
	return session;
}

static void test_survey(void)
{
	int64_t session = survey_setup();
	struct ts_response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/survey", (long long)session);
	at("2026-12-03T12:30");
	ts_requestf(&env.staff, "POST", path, &r, "{s:s}", "form", "awareness");
	is_int(r.status, 409, "a form that names drugs never goes by text");
	is_str(ts_error_code(&r), "form_not_discreet", "as not discreet");
	ts_response_release(&r);
	ts_request(&env.staff, "POST", path, "{}", &r);
	is_int(r.status, 200, "the session's feedback form is sent");
	is_str(ts_str(&r, "form"), "satisfaction", "the group's form");
	is_int(json_array_size(json_object_get(r.json, "queued")), 5,
	       "to the five who attended and take messages");
	json_t *skipped = json_object_get(r.json, "skipped");
	is_int(json_array_size(skipped), 1, "one is skipped");
	is_str(tg_str(json_array_get(skipped, 0), "reason"), "no consent", "for want of consent");
	ts_response_release(&r);

	int n = 0;
	json_t *buttons = NULL;
	char *body = deliver_to(KIKI, &n, NULL);
	is_int(n, 1, "KIKI gets the first question");
	ok(strstr(body, "KIKI你好，想請你回答3條簡短問題") == body, "opening with a few words (%s)", body);
	ok(strstr(body, "(1/3) 整體來說，你對今日的活動滿意嗎？\n請回覆：1 非常不滿意、2 不滿意、3 一般、"
		  "4 滿意、5 非常滿意") != NULL, "then the question and its answers");
	free(body);

	/* KIKI answers as people type. */
	text_in(KIKI, "sms", "５", NULL);
	body = deliver_to(KIKI, NULL, NULL);
	is_str(body, "(2/3) 你會再來參加嗎？\n請回覆：1 是、2 否", "a full-width 5 moves to question 2");
	free(body);
	text_in(KIKI, "sms", "係", NULL);
	body = deliver_to(KIKI, NULL, NULL);
	ok(strstr(body, "(3/3) 還有甚麼想告訴我們嗎？") == body, "係 is yes; question 3 (%s)", body);
	free(body);
	text_in(KIKI, "sms", "好開心，多謝姑娘", NULL);
	body = deliver_to(KIKI, NULL, NULL);
	is_str(body, "多謝KIKI！你的意見已收到。", "she is thanked");
	free(body);

	/* Ada: a keycap, then a WhatsApp button, then she skips. */
	body = deliver_to(ADA, NULL, NULL);
	free(body);
	text_in(ADA, "whatsapp", "4️⃣", NULL);
	body = deliver_to(ADA, NULL, &buttons);
	is_str(body, "(2/3) Would you come again?\nReply: 1 Yes, 2 No", "in English");
	is_int(json_array_size(buttons), 2, "with two reply buttons");
	is_str(tg_str(json_array_get(buttons, 1), "title"), "No", "Yes and No");
	json_decref(buttons);
	free(body);
	text_in(ADA, "whatsapp", "No", "2");
	body = deliver_to(ADA, NULL, NULL);
	free(body);
	text_in(ADA, "whatsapp", "0", NULL);
	body = deliver_to(ADA, NULL, NULL);
	is_str(body, "Thank you, Ada! We have your answers.", "0 skips the comment; she is done");
	free(body);

	snprintf(path, sizeof path, "/api/v1/responses?session_id=%lld", (long long)session);
	ts_request(&env.staff, "GET", path, NULL, &r);
	json_t *items = json_object_get(r.json, "items");
	is_int(json_array_size(items), 2, "two responses are stored");
	json_t *k = json_array_get(items, 0), *a = json_array_get(items, 1);
	is_int(json_integer_value(json_object_get(k, "participant_id")), kiki, "KIKI's");
	is_str(tg_str(k, "channel"), "sms", "by SMS");
	is_int(json_integer_value(json_object_get(json_object_get(k, "answers"), "overall")), 5,
	       "overall 5");
	ok(json_is_true(json_object_get(json_object_get(k, "answers"), "again")), "she would come again");
	is_str(tg_str(json_object_get(k, "answers"), "comment"), "好開心，多謝姑娘", "her words kept");
	is_str(tg_str(a, "form"), "satisfaction", "Ada's is the same form");
	is_str(tg_str(a, "channel"), "whatsapp", "by WhatsApp");
	ok(json_is_false(json_object_get(json_object_get(a, "answers"), "again")), "her button said no");
	ok(!json_object_get(json_object_get(a, "answers"), "comment"), "her comment skipped");
	ts_response_release(&r);

	/* May's newest open question is the survey, not this morning's reminder. */
	body = deliver_to(MAY, NULL, NULL);
	free(body);
	text_in(MAY, "sms", "三分", NULL);
	body = deliver_to(MAY, NULL, NULL);
	ok(strstr(body, "(2/3)") == body, "三分 answers the survey (the newest question) (%s)", body);
	free(body);
	int64_t in = text_in(MAY, "sms", "maybe", NULL);
	char *h = handled(in);
	is_str(h, "reprompt", "maybe is no yes or no: re-prompted");
	free(h);
	body = deliver_to(MAY, NULL, NULL);
	is_str(body, "唔好意思，我哋睇唔明。請回覆：1 是、2 否", "politely, with the answers");
	free(body);
	in = text_in(MAY, "sms", "停止", NULL);
	h = handled(in);
	is_str(h, "stop", "停止 in the middle of the survey opts her out");
	free(h);
	body = deliver_to(MAY, &n, NULL);
	is_int(n, 0, "and nothing more is sent to her");
	free(body);

	/* An automatic reply is answered once, never twice. */
	body = deliver_to(AUTO, NULL, NULL);
	free(body);
	text_in(AUTO, "sms", "Auto-reply: I am away", NULL);
	body = deliver_to(AUTO, &n, NULL);
	is_int(n, 1, "an unreadable answer gets one re-prompt");
	free(body);
	in = text_in(AUTO, "sms", "Auto-reply: I am away", NULL);
	h = handled(in);
	is_str(h, "inbox", "the same text again goes to the inbox");
	free(h);
	body = deliver_to(AUTO, &n, NULL);
	is_int(n, 0, "and is not answered");
	free(body);
	text_in(AUTO, "sms", "Auto-reply: I am away", NULL);
	body = deliver_to(AUTO, &n, NULL);
	is_int(n, 0, "nor ever again");
	free(body);

	/* Questions expire. */
	body = deliver_to(LATE, NULL, NULL);
	free(body);
	at("2026-12-06T13:00");
	in = text_in(LATE, "sms", "5", NULL);
	h = handled(in);
	is_str(h, "inbox", "an answer three days later finds no open question: inbox");
	free(h);

	snprintf(path, sizeof path, "/api/v1/sessions/%lld/survey", (long long)session);
	ts_request(&env.staff, "POST", path, "{}", &r);
	is_int(json_array_size(json_object_get(r.json, "queued")), 0, "sending it again sends nothing");
	ts_response_release(&r);
}

static void test_history(void)
{
	struct ts_response r;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/participants/%lld/messages?limit=100", (long long)kiki);
	ts_request(&env.staff, "GET", path, NULL, &r);
	bool stop = false, started = false;
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(r.json, "items"), i, m) {
		size_t j;
		json_t *h;
		json_array_foreach(json_object_get(m, "history"), j, h) {
			if (strstr(tg_str(h, "text"), "stop: replied STOP"))
				stop = true;
			if (strstr(tg_str(h, "text"), "start: replied START: she gets messages again"))
				started = true;
		}
	}
	ok(stop && started, "her history says in plain words that she replied STOP, then START");
	ts_response_release(&r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tg_env_start(&env, "2026-12-01T08:00");
	kiki = tg_participant(&env, "KIKI", "91234567", "sms", "zh-HK", 1);
	ada = tg_participant(&env, "Ada", "61234567", "whatsapp", "en", 1);
	may = tg_participant(&env, "May", "92345678", "sms", "zh-HK", 1);
	autoresp = tg_participant(&env, "Auto", "93456789", "sms", "en", 1);
	late = tg_participant(&env, "Late", "94567890", "sms", "zh-HK", 1);
	shy = tg_participant(&env, "Shy", "95678901", "sms", "zh-HK", 0);
	test_reminder_replies();
	test_survey();
	test_history();
	is_int(tg_env_stop(&env), 0, "the server stops cleanly");
	curl_global_cleanup();
	return done_testing();
}
