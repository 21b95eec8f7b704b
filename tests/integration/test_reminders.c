/*
 * Appointments and their reminders end to end, through the real server and
 * its gateway API as the gateway calls it, with the clock moved by the
 * clock file: a visit booked for tomorrow gets a reminder the day before at
 * 10:00 and two hours before, each made once, in her language, with the
 * reply buttons and the WhatsApp template; cancelling or moving withdraws
 * what was not sent and a moved one is reminded at its new time; a reminder
 * that quiet hours hold past the start expires; group sessions remind the
 * enrolled who take the group's reminders; the templates list their SMS
 * segments; a malformed template stops the server at start.
 */
#include "../support/daemon.h"
#include "../support/testgateway.h"
#include "../support/testserver.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct tg_env env;

static void at(const char *local)
{
	tg_env_at(&env, local);
}

/* The claimed message for participant pid, or NULL (borrowed from got). */
static json_t *for_number(json_t *got, const char *to)
{
	size_t i;
	json_t *m;
	json_array_foreach(got, i, m) {
		if (strcmp(json_string_value(json_object_get(m, "to")), to) == 0)
			return m;
	}
	return NULL;
}

/* Claims with only the channel given, so the others are made but stay. */
static json_t *claim_only(const char *channel)
{
	struct ts_response r;
	ts_requestf(&env.gw, "POST", "/api/v1/gateway/claim", &r, "{s:[s]}", "channels", channel);
	json_t *got = json_incref(json_object_get(r.json, "messages"));
	ts_response_release(&r);
	return got;
}

/* The message id of the appointment's reminder of slot, or 0. */
static int64_t reminder_of(int64_t appointment_id, const char *slot, char status[32])
{
	struct ts_response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/appointments/%lld", (long long)appointment_id);
	ts_request(&env.staff, "GET", path, NULL, &r);
	int64_t id = 0;
	status[0] = '\0';
	size_t i;
	json_t *rem;
	json_array_foreach(json_object_get(r.json, "reminders"), i, rem) {
		if (strcmp(tg_str(rem, "slot"), slot) == 0) {
			id = json_integer_value(json_object_get(rem, "message_id"));
			snprintf(status, 32, "%s", tg_str(rem, "status"));
		}
	}
	ts_response_release(&r);
	return id;
}

static void test_visit(int64_t kiki)
{
	at("2026-11-23T08:00");
	int64_t a = tg_appointment(&env, kiki, "home_visit", "2026-11-24T14:00", NULL);
	char status[32];
	is_int(reminder_of(a, "-1d@10:00", status), 0, "a new booking has no reminder yet");
	is_str(status, "planned", "the day-before reminder is planned");
	reminder_of(a, "-2h", status);
	is_str(status, "planned", "so is the one two hours before");

	json_t *got = tg_claim(&env.gw, 20);
	is_int(json_array_size(got), 0, "at 08:00 nothing is due");
	json_decref(got);

	at("2026-11-23T10:00");
	got = tg_claim(&env.gw, 20);
	is_int(json_array_size(got), 1, "at 10:00 the day before, her reminder is due");
	json_t *m = json_array_get(got, 0);
	is_str(tg_str(m, "to"), "+85291234567", "to her");
	is_str(tg_str(m, "body"), "KIKI你好，提提你 11月24日(二) 14:00 喺府上有約。回覆 1 確認，2 更改。",
	       "in Chinese, with her alias, the time and a discreet place");
	ok(!strstr(tg_str(m, "body"), "visit") && !strstr(tg_str(m, "body"), "探訪"),
	   "it does not even say what kind of visit");
	json_t *buttons = json_object_get(m, "buttons");
	is_int(json_array_size(buttons), 2, "with two reply buttons");
	is_str(tg_str(json_array_get(buttons, 0), "id"), "1", "1 ...");
	is_str(tg_str(json_array_get(buttons, 0), "title"), "確認", "... confirms");
	is_str(tg_str(json_array_get(buttons, 1), "title"), "更改", "2 changes");
	json_t *wa = json_object_get(m, "whatsapp_template");
	is_str(tg_str(wa, "name"), "tp_reminder", "with the approved WhatsApp template");
	is_str(tg_str(wa, "language"), "zh_HK", "in zh_HK");
	is_str(json_string_value(json_array_get(json_object_get(wa, "params"), 1)),
	       "11月24日(二) 14:00", "its parameters in order");
	is_int(json_integer_value(json_object_get(m, "deliver_by")), tg_hk("2026-11-24T14:00"),
	       "it may go until the visit starts, not after");
	int64_t first = json_integer_value(json_object_get(m, "id"));
	struct ts_response r;
	tg_result(&env.gw, first, tg_str(m, "lease"), "sent", "console-r1", &r);
	is_str(ts_str(&r, "status"), "sent", "the gateway sends it");
	ts_response_release(&r);
	json_decref(got);

	tg_clock_add(&env.clk, 300);
	got = tg_claim(&env.gw, 20);
	is_int(json_array_size(got), 0, "the reminder is made once");
	json_decref(got);
	is_int(reminder_of(a, "-1d@10:00", status), first, "the appointment shows it");
	is_str(status, "sent", "as sent");

	at("2026-11-24T12:00");
	got = tg_deliver_all(&env.gw);
	is_int(json_array_size(got), 1, "two hours before, the second reminder");
	ok(json_integer_value(json_object_get(json_array_get(got, 0), "id")) != first,
	   "a new message");
	json_decref(got);
	reminder_of(a, "-2h", status);
	is_str(status, "sent", "the appointment shows both sent");
}

static void test_cancel_and_move(int64_t kiki, int64_t ada)
{
	at("2026-11-25T08:00");
	int64_t a = tg_appointment(&env, ada, "antenatal", "2026-11-26T11:00", "the clinic");
	int64_t b = tg_appointment(&env, kiki, "mchc", "2026-11-26T15:00", "健康院");
	at("2026-11-25T10:00");
	/* A gateway for SMS alone: Ada's WhatsApp reminder is made, not sent. */
	json_t *got = claim_only("sms");
	json_t *kiki_msg = for_number(got, "+85291234567");
	ok(kiki_msg != NULL, "KIKI's reminder goes by SMS");
	ok(strstr(tg_str(kiki_msg, "body"), "喺健康院有約") != NULL,
	   "at the place the worker wrote (%s)", tg_str(kiki_msg, "body"));
	json_decref(got);
	char status[32];
	int64_t ada_msg = reminder_of(a, "-1d@10:00", status);
	ok(ada_msg > 0, "Ada's reminder is made");
	is_str(status, "queued", "and waits for a WhatsApp gateway");
	char *h = tg_history(&env.staff, ada_msg, NULL);
	free(h);

	struct ts_response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/appointments/%lld", (long long)a);
	ts_requestf(&env.staff, "PATCH", path, &r, "{s:s}", "status", "cancelled");
	is_int(r.status, 200, "the worker cancels Ada's appointment");
	ts_response_release(&r);
	h = tg_history(&env.staff, ada_msg, status);
	is_str(status, "withdrawn", "the reminder not yet sent is withdrawn at once");
	ok(strstr(h, "withdrawn: the appointment was cancelled") != NULL, "saying why (%s)", h);
	free(h);
	got = tg_claim(&env.gw, 20);
	ok(!tg_find(got, ada_msg), "and never handed out");
	json_decref(got);

	/* Move one whose reminder waits. */
	int64_t c = tg_appointment(&env, ada, "clinic_escort", "2026-11-26T16:00", "the clinic");
	got = claim_only("sms");
	json_decref(got);
	int64_t old = reminder_of(c, "-1d@10:00", status);
	ok(old > 0, "a reminder waits for the escort");
	snprintf(path, sizeof path, "/api/v1/appointments/%lld", (long long)c);
	ts_requestf(&env.staff, "PATCH", path, &r, "{s:s}", "starts_at", "2026-11-27T16:00");
	is_int(r.status, 200, "the worker moves it a day later");
	ts_response_release(&r);
	h = tg_history(&env.staff, old, status);
	is_str(status, "withdrawn", "the old reminder is withdrawn");
	ok(strstr(h, "withdrawn: it moved to Fri 27 Nov 16:00") != NULL, "saying where to (%s)", h);
	free(h);
	at("2026-11-26T10:00");
	got = tg_claim(&env.gw, 20);
	json_t *moved = for_number(got, "+85261234567");
	ok(moved != NULL, "the day before the new time, Ada gets a new reminder");
	is_str(tg_str(moved, "body"), "Hi Ada, a reminder: Fri 27 Nov 16:00 at the clinic. Reply 1 to"
	       " confirm, 2 to change.", "in English, with the new time");
	is_str(tg_str(json_object_get(moved, "whatsapp_template"), "language"), "en",
	       "the WhatsApp template in English");
	json_decref(got);
	(void)b;
}

static void test_quiet_deadline(int64_t kiki)
{
	at("2026-11-28T12:00");
	int64_t a = tg_appointment(&env, kiki, "other", "2026-11-29T08:30", NULL);
	json_t *got = tg_deliver_all(&env.gw);
	is_int(json_array_size(got), 1, "booked after 10:00 the day before, a reminder goes at once");
	json_decref(got);
	char status[32];
	reminder_of(a, "-1d@10:00", status);
	is_str(status, "sent", "as the day-before reminder");
	at("2026-11-29T06:30");
	got = tg_claim(&env.gw, 20);
	is_int(json_array_size(got), 0, "at 06:30 the two-hours-before reminder is not sent");
	json_decref(got);
	int64_t id = reminder_of(a, "-2h", status);
	is_str(status, "expired", "it expires: quiet hours last past the appointment");
	char *h = tg_history(&env.staff, id, NULL);
	ok(strstr(h, "quiet hours until 09:00 last past its deadline (08:30)") != NULL,
	   "saying so (%s)", h);
	free(h);
	/* Booked at short notice: the latest due reminder goes, and a later
	 * one replaces an earlier one still waiting. */
	int64_t b = tg_appointment(&env, kiki, "other", "2026-11-29T09:30", NULL);
	got = tg_claim(&env.gw, 20);
	is_int(json_array_size(got), 0, "booked at 06:30 for 09:30, nothing goes in quiet hours");
	json_decref(got);
	int64_t early = reminder_of(b, "-1d@10:00", status);
	is_str(status, "queued", "the day-before reminder waits for 09:00");
	at("2026-11-29T07:30");
	got = tg_claim(&env.gw, 20);
	json_decref(got);
	h = tg_history(&env.staff, early, status);
	is_str(status, "withdrawn", "at 07:30 the two-hours-before one replaces it");
	ok(strstr(h, "withdrawn: a later reminder replaces it") != NULL, "saying so (%s)", h);
	free(h);
	at("2026-11-29T09:00");
	got = tg_claim(&env.gw, 20);
	is_int(json_array_size(got), 1, "at 09:00 she gets one reminder, not two");
	json_decref(got);
}

static void test_sessions(int64_t kiki, int64_t ada, int64_t quiet)
{
	at("2026-11-29T09:00");
	struct ts_response r;
	ts_requestf(&env.staff, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "Scheme");
	int64_t prog = ts_created("programme", &r);
	ts_requestf(&env.staff, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)prog, "name", "媽媽支援小組", "kind", "peer_support");
	int64_t group = ts_created("group", &r);
	ts_requestf(&env.staff, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s, s:s}", "group_id",
		    (json_int_t)group, "starts_at", "2026-11-30T14:00", "ends_at",
		    "2026-11-30T16:00", "venue", "Room 1");
	int64_t session = ts_created("session", &r);
	ts_requestf(&env.staff, "POST", "/api/v1/enrolments", &r, "{s:I, s:I}", "group_id",
		    (json_int_t)group, "participant_id", (json_int_t)kiki);
	ts_created("enrolment", &r);
	ts_requestf(&env.staff, "POST", "/api/v1/enrolments", &r, "{s:I, s:I, s:b}", "group_id",
		    (json_int_t)group, "participant_id", (json_int_t)ada, "reminders", 0);
	ts_created("enrolment", &r);
	ts_requestf(&env.staff, "POST", "/api/v1/enrolments", &r, "{s:I, s:I}", "group_id",
		    (json_int_t)group, "participant_id", (json_int_t)quiet);
	ts_created("enrolment", &r);
	at("2026-11-29T10:00");
	json_t *got = tg_claim(&env.gw, 20);
	is_int(json_array_size(got), 1, "the day before the session, one reminder goes");
	json_t *m = json_array_get(got, 0);
	is_str(tg_str(m, "to"), "+85291234567", "to KIKI, who is enrolled");
	is_str(tg_str(m, "body"), "KIKI你好，提提你 11月30日(一) 14:00 喺Room 1有聚會，到時見！",
	       "saying when and where, not which group");
	ok(!json_object_get(m, "buttons"), "asking nothing");
	json_decref(got);
	(void)session;
}

static void test_templates(void)
{
	struct ts_response r;
	ts_request(&env.staff, "GET", "/api/v1/templates", NULL, &r);
	is_int(r.status, 200, "staff list the templates");
	json_t *reminder = NULL;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(r.json, "items"), i, t) {
		if (strcmp(tg_str(t, "key"), "reminder") == 0)
			reminder = t;
	}
	ok(reminder != NULL, "the reminder is among them");
	json_t *zh = json_object_get(json_object_get(reminder, "sms"), "zh-HK");
	json_t *en = json_object_get(json_object_get(reminder, "sms"), "en");
	is_str(tg_str(zh, "encoding"), "UCS-2", "the Chinese text is UCS-2");
	is_int(json_integer_value(json_object_get(zh, "segments")), 1, "in one segment");
	is_str(tg_str(en, "encoding"), "GSM-7", "the English text is GSM-7");
	is_int(json_integer_value(json_object_get(en, "segments")), 1, "in one segment too");
	ok(json_is_null(json_object_get(reminder, "warning")), "no warning");
	ok(json_is_true(json_object_get(reminder, "discreet")), "discreet");
	ts_response_release(&r);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		bail_out("cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static void copy_dir_file(const char *from_dir, const char *to_dir, const char *name)
{
	char from[600], to[600];
	snprintf(from, sizeof from, "%s/%s", from_dir, name);
	snprintf(to, sizeof to, "%s/%s", to_dir, name);
	char *text = td_slurp(from);
	write_file(to, text);
	free(text);
}

/* A template that names the service, or uses an undeclared variable,
 * stops the server at start with the file and the reason. */
static void test_bad_templates(void)
{
	const char *real = getenv("TP_ASSETS") ? getenv("TP_ASSETS") : "assets";
	char *saved = strdup(real);
	struct ts_server broken;
	ts_server_prepare(&broken);
	char dir[400], sub[460], src[460];
	snprintf(dir, sizeof dir, "%s/assets", broken.dir);
	mkdir(dir, 0700);
	snprintf(sub, sizeof sub, "%s/forms", dir);
	mkdir(sub, 0700);
	snprintf(src, sizeof src, "%s/forms", real);
	copy_dir_file(src, sub, "satisfaction.json");
	snprintf(sub, sizeof sub, "%s/templates", dir);
	mkdir(sub, 0700);
	snprintf(src, sizeof src, "%s/templates", real);
	copy_dir_file(src, sub, "code.json");
	copy_dir_file(src, sub, "session_reminder.json");
	char path[600];
	snprintf(path, sizeof path, "%s/reminder.json", sub);
	write_file(path, "{\"key\": \"reminder\", \"variables\": [\"alias\", \"time\"],"
		   " \"text\": {\"zh-HK\": \"{alias}你好，{time}輔導見。\","
		   " \"en\": \"Hi {alias}, counselling at {time}.\"}}");
	setenv("TP_ASSETS", dir, 1);
	char listen[32];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", env.srv.port);
	char *out = NULL, *err = NULL;
	is_int(ts_cli(&broken, &out, &err, "serve", "--listen", listen, NULL), 1,
	       "a template that says what the service is stops the server");
	ok(strstr(err, "reminder.json") && strstr(err, "輔導") && strstr(err, "discreet"),
	   "naming the file, the word and the way out: %s", err);
	free(out);
	free(err);
	write_file(path, "{\"key\": \"reminder\", \"variables\": [\"alias\"],"
		   " \"text\": {\"zh-HK\": \"{alias}你好，{time}見。\", \"en\": \"Hi {alias}, {time}.\"}}");
	is_int(ts_cli(&broken, &out, &err, "serve", "--listen", listen, NULL), 1,
	       "so does one that uses a variable it does not declare");
	ok(strstr(err, "reminder.json") && strstr(err, "{time}"), "naming it: %s", err);
	free(out);
	free(err);
	remove(path);
	is_int(ts_cli(&broken, &out, &err, "serve", "--listen", listen, NULL), 1,
	       "and a missing reminder template");
	ok(strstr(err, "reminder.json") != NULL, "naming it: %s", err);
	free(out);
	free(err);
	setenv("TP_ASSETS", saved, 1);
	free(saved);
	ts_server_cleanup(&broken);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tg_env_start(&env, "2026-11-23T08:00");
	int64_t kiki = tg_participant(&env, "KIKI", "91234567", "sms", "zh-HK", 1);
	int64_t ada = tg_participant(&env, "Ada", "61234567", "whatsapp", "en", 1);
	int64_t quiet = tg_participant(&env, "Quiet", "62345678", "sms", "zh-HK", 0);
	test_templates();
	test_visit(kiki);
	test_cancel_and_move(kiki, ada);
	test_quiet_deadline(kiki);
	test_sessions(kiki, ada, quiet);
	test_bad_templates();
	is_int(tg_env_stop(&env), 0, "the server stops cleanly");
	curl_global_cleanup();
	return done_testing();
}
