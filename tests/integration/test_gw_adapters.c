/*
 * The gateway's adapters against the conformant fakes: each request the
 * adapters build is one the fake (checking as Twilio or Meta does) takes,
 * with exactly the fields the provider documents, and each answer the
 * fakes give (errors with codes, Retry-After, dropped connections) gets
 * the verdict it should. The lookup finds a message whose answer was lost.
 */
#include "adapter.h"
#include "message.h"
#include "store.h"
#include "tp_db.h"
#include "transfer.h"
#include "twilio.h"
#include "../support/daemon.h"
#include "../support/fakeprovider.h"
#include "tp_client.h"
#include "tp_log.h"
#include "tp_time.h"
#include "../support/gwtest.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SID "AC0123456789abcdef0123456789abcdef"
#define TOKEN "twilio-auth-token"
#define CONTENT "HX0123456789abcdef0123456789abcdef"

static struct gw_app app;
static struct fk_provider *twilio, *meta;


static struct gw_message message(const char *channel, bool window_open, int id)
{
	struct gw_message m;
	char err[200];
	json_t *j = json_loads(ge_claim_example, 0, NULL);
	json_object_set_new(j, "channel", json_string(channel));
	json_object_set_new(j, "window_open", json_boolean(window_open));
	json_object_set_new(j, "id", json_integer(id));
	json_object_set_new(j, "deliver_by", json_integer(tp_now() + 7200));
	if (gw_message_parse(j, &m, err, sizeof err) < 0)
		bail_out("%s", err);
	json_decref(j);
	return m;
}

/* Runs one attempt through the adapter; returns its result. */
static struct gw_result run(struct gw_attempt *a, long *status, bool *maybe)
{
	struct gw_result res;
	memset(&res, 0, sizeof res);
	struct gw_request rq;
	memset(&rq, 0, sizeof rq);
	int r = a->adapter->build(&app, a, &rq);
	if (r < 0) {
		gw_request_release(&rq);
		res.verdict = GW_FAILED;
		snprintf(res.reason, sizeof res.reason, "build: %d", r);
		*status = -1;
		return res;
	}
	struct gw_transfer t;
	if (gw_transfer_init(&t, &rq, 5000) < 0)
		bail_out("transfer init");
	CURLcode rc = gw_transfer_run(&t);
	char why[300];
	*status = gw_transfer_status(&t, rc, maybe, why, sizeof why);
	if (*status > 0)
		a->adapter->parse(a, *status, tp_buf_str(&t.answer), t.retry_after, &res);
	else
		gw_result_set(&res, *maybe ? GW_UNKNOWN : GW_RETRY, NULL, "%s", why);
	gw_transfer_release(&t);
	return res;
}

static struct gw_result send_plan(const struct gw_message *m, long *status)
{
	struct gw_plan p;
	gw_plan_first(&app, m, &p);
	if (p.fail)
		bail_out("no plan: %s", p.reason);
	struct gw_attempt a = { .msg = m, .adapter = p.adapter, .channel = p.channel,
				.form = p.form };
	bool maybe;
	return run(&a, status, &maybe);
}

static json_t *last_sent(struct fk_provider *f)
{
	size_t n = fk_sent_count(f);
	return n ? fk_sent(f, n - 1) : NULL;
}

static const char *req_field(json_t *sent, const char *key)
{
	return json_string_value(json_object_get(json_object_get(sent, "request"), key));
}

static void test_twilio_sms(void)
{
	app.sms = &gw_twilio_adapter;
	struct gw_message m = message("sms", false, 1);
	long status;
	struct gw_result res = send_plan(&m, &status);
	is_int(status, 201, "Twilio answers 201 Created");
	is_int(res.verdict, GW_SENT, "sent");
	json_t *s = last_sent(twilio);
	is_str(res.provider_id, json_string_value(json_object_get(s, "id")), "the sid is kept");
	ok(strncmp(res.provider_id, "SM", 2) == 0 && strlen(res.provider_id) == 34,
	   "a Message SID: %s", res.provider_id);
	is_str(req_field(s, "To"), "+85291234567", "To in E.164");
	is_str(req_field(s, "From"), "+85230001234", "From");
	is_str(req_field(s, "Body"), m.body, "the body, UTF-8 intact");
	is_str(req_field(s, "StatusCallback"), "https://gw.example.org/webhooks/twilio/status",
	       "the status callback on the public URL");
	long validity = strtol(req_field(s, "ValidityPeriod"), NULL, 10);
	ok(validity > 7000 && validity <= 7200, "ValidityPeriod runs to deliver_by (%ld s)",
	   validity);
	ok(!json_object_get(json_object_get(s, "request"), "ContentSid"), "no template");
	json_decref(s);
	gw_message_release(&m);
}

static void test_twilio_whatsapp(void)
{
	app.whatsapp = &gw_twilio_adapter;
	struct gw_message m = message("whatsapp", false, 2);
	long status;
	struct gw_result res = send_plan(&m, &status);
	is_int(res.verdict, GW_SENT, "a WhatsApp template through Twilio is sent");
	json_t *s = last_sent(twilio);
	is_str(req_field(s, "To"), "whatsapp:+85291234567", "To with whatsapp:");
	is_str(req_field(s, "From"), "whatsapp:+85230009999", "From with whatsapp:");
	is_str(req_field(s, "ContentSid"), CONTENT, "the Content SID of tp_reminder zh_HK");
	json_t *vars = json_loads(req_field(s, "ContentVariables"), 0, NULL);
	is_str(json_string_value(json_object_get(vars, "1")), "陳太", "ContentVariables 1");
	is_str(json_string_value(json_object_get(vars, "3")), "中心", "ContentVariables 3");
	ok(!req_field(s, "Body"), "no Body beside the ContentSid");
	json_decref(vars);
	json_decref(s);
	gw_message_release(&m);

	m = message("whatsapp", true, 3);
	res = send_plan(&m, &status);
	s = last_sent(twilio);
	is_int(res.verdict, GW_SENT, "inside the window: free text");
	is_str(req_field(s, "Body"), m.body, "as Body");
	json_decref(s);
	gw_message_release(&m);
}

static void test_twilio_errors(void)
{
	struct gw_message m = message("sms", false, 4);
	long status;
	fk_script_error(twilio, 429, 20429, 30);
	struct gw_result res = send_plan(&m, &status);
	is_int(status, 429, "429");
	is_int(res.verdict, GW_RETRY, "is retried");
	is_int(res.retry_after, 30, "after the Retry-After given");
	is_str(res.reason, "provider busy (20429)", "in words");

	fk_script_error(twilio, 503, 0, 0);
	res = send_plan(&m, &status);
	is_int(res.verdict, GW_RETRY, "503 is retried");
	is_str(res.reason, "provider error (503)", "in words");

	fk_script_error(twilio, 400, 21211, 0);
	res = send_plan(&m, &status);
	is_int(res.verdict, GW_FAILED, "21211 fails for good");
	is_str(res.error_code, "21211", "with its code");

	fk_script_error(twilio, 400, 63018, 0);
	res = send_plan(&m, &status);
	is_int(res.verdict, GW_RETRY, "63018 (rate) is retried though it came as 400");

	fk_script_error(twilio, 400, 63016, 0);
	res = send_plan(&m, &status);
	is_int(res.verdict, GW_WINDOW, "63016 is the WhatsApp window");

	fk_stop_number(twilio, "+85291234567");
	res = send_plan(&m, &status);
	is_int(status, 400, "a stopped number: 400");
	is_int(res.verdict, GW_STOPPED, "stopped");
	is_str(res.reason, "replied STOP to the provider (21610)", "in words");
	gw_message_release(&m);

	m = message("sms", false, 5);
	free(m.body);
	m.body = calloc(1, 1602);
	memset(m.body, 'a', 1601);
	res = send_plan(&m, &status);
	ok(status == -1 && strstr(res.reason, "-90"), "1601 characters are refused before sending");
	gw_message_release(&m);

	char *good = app.twilio.auth_token;
	app.twilio.auth_token = "wrong";
	m = message("sms", false, 6);
	snprintf(m.to, sizeof m.to, "%s", "+85291230000");
	res = send_plan(&m, &status);
	is_int(status, 401, "wrong credentials: 401");
	is_int(res.verdict, GW_RETRY, "kept for when the configuration is fixed");
	app.twilio.auth_token = good;
	gw_message_release(&m);
}

static void test_twilio_lost_answer(void)
{
	struct gw_message m = message("sms", false, 7);
	snprintf(m.to, sizeof m.to, "%s", "+85291230007");
	free(m.body);
	m.body = strdup("提提你 lookup test");
	size_t before = fk_sent_count(twilio);
	int64_t started = tp_now_ms();
	fk_script_drop(twilio, true);
	struct gw_plan p;
	gw_plan_first(&app, &m, &p);
	struct gw_attempt a = { .msg = &m, .adapter = p.adapter, .channel = p.channel,
				.form = p.form };
	long status;
	bool maybe;
	struct gw_result res = run(&a, &status, &maybe);
	ok(status == 0 && maybe, "taken, then the connection dropped: it may have gone");
	is_int(fk_sent_count(twilio), before + 1, "the fake did take it");
	struct gw_intent in = { .id = 1, .message_id = m.id, .created_ms = started,
				.body = m.body };
	snprintf(in.provider, sizeof in.provider, "%s", "twilio");
	snprintf(in.channel, sizeof in.channel, "%s", "sms");
	snprintf(in.form, sizeof in.form, "%s", "text");
	snprintf(in.to, sizeof in.to, "%s", m.to);
	snprintf(in.sender, sizeof in.sender, "%s", a.sender);
	is_int(gw_twilio_adapter.lookup(&app, &in, &res), 0, "the lookup answers");
	is_int(res.verdict, GW_SENT, "and finds it");
	json_t *s = last_sent(twilio);
	is_str(res.provider_id, json_string_value(json_object_get(s, "id")), "with its sid");
	json_decref(s);

	fk_script_drop(twilio, false);
	res = run(&a, &status, &maybe);
	ok(status == 0 && maybe, "dropped before being taken: the gateway cannot tell");
	in.created_ms = tp_now_ms();
	free(m.body);
	m.body = strdup("another text");
	in.body = m.body;
	is_int(gw_twilio_adapter.lookup(&app, &in, &res), 0, "the lookup answers");
	is_int(res.verdict, GW_RETRY, "no such message: safe to send again");
	gw_message_release(&m);
}

static void test_meta_shapes(void)
{
	app.whatsapp = &gw_meta_adapter;
	long status;
	struct gw_message m = message("whatsapp", true, 10);
	struct gw_result res = send_plan(&m, &status);
	is_int(status, 200, "Meta answers 200");
	is_int(res.verdict, GW_SENT, "sent with reply buttons");
	ok(strncmp(res.provider_id, "wamid.", 6) == 0, "a wamid: %s", res.provider_id);
	json_t *s = last_sent(meta);
	json_t *rq = json_object_get(s, "request");
	is_str(json_string_value(json_object_get(rq, "to")), "85291234567", "to: digits");
	is_str(json_string_value(json_object_get(rq, "type")), "interactive", "interactive");
	json_t *buttons = json_object_get(json_object_get(json_object_get(rq, "interactive"),
							  "action"), "buttons");
	is_int(json_array_size(buttons), 2, "two buttons");
	is_str(json_string_value(json_object_get(json_object_get(json_array_get(buttons, 1),
								 "reply"), "id")), "2", "the second's id");
	json_decref(s);
	gw_message_release(&m);

	m = message("whatsapp", false, 11);
	res = send_plan(&m, &status);
	is_int(res.verdict, GW_SENT, "outside the window: the template");
	s = last_sent(meta);
	rq = json_object_get(json_object_get(s, "request"), "template");
	is_str(json_string_value(json_object_get(rq, "name")), "tp_reminder", "its name");
	is_str(json_string_value(json_object_get(json_object_get(rq, "language"), "code")), "zh_HK",
	       "language zh_HK");
	json_t *params = json_object_get(json_array_get(json_object_get(rq, "components"), 0),
					 "parameters");
	is_int(json_array_size(params), 3, "three body parameters");
	is_str(json_string_value(json_object_get(json_array_get(params, 1), "text")),
	       "11月24日(二) 14:00", "in order");
	json_decref(s);
	gw_message_release(&m);

	m = message("whatsapp", true, 12);
	json_decref(m.buttons);
	m.buttons = NULL;
	res = send_plan(&m, &status);
	s = last_sent(meta);
	rq = json_object_get(s, "request");
	is_str(json_string_value(json_object_get(rq, "type")), "text", "no buttons: text");
	ok(json_is_false(json_object_get(json_object_get(rq, "text"), "preview_url")),
	   "preview_url false");
	json_decref(s);
	gw_message_release(&m);
}

static void test_meta_errors(void)
{
	long status;
	struct gw_message m = message("whatsapp", true, 13);
	fk_set_window(meta, FK_WINDOW_SYNC);
	struct gw_result res = send_plan(&m, &status);
	is_int(res.verdict, GW_WINDOW, "free text outside Meta's window: 131047");
	is_str(res.error_code, "131047", "its code");
	struct gw_plan p;
	struct gw_attempt a = { .msg = &m, .adapter = &gw_meta_adapter, .channel = "whatsapp",
				.form = GW_FORM_BUTTONS };
	gw_plan_after_window(&app, &m, &a, res.error_code, &p);
	a.form = p.form;
	bool maybe;
	res = run(&a, &status, &maybe);
	ok(p.form == GW_FORM_TEMPLATE && res.verdict == GW_SENT, "and then the template goes");
	fk_set_window(meta, FK_WINDOW_OFF);

	fk_script_error(meta, 400, 131056, 0);
	res = send_plan(&m, &status);
	is_int(res.verdict, GW_RETRY, "131056 pair rate: retried");
	ok(strstr(res.reason, "131056") != NULL, "saying so: %s", res.reason);
	fk_script_error(meta, 429, 130429, 5);
	res = send_plan(&m, &status);
	ok(res.verdict == GW_RETRY && res.retry_after == 5, "130429 with Retry-After 5");
	fk_script_error(meta, 400, 131026, 0);
	res = send_plan(&m, &status);
	is_int(res.verdict, GW_FAILED, "131026 fails");
	fk_script_error(meta, 400, 131050, 0);
	res = send_plan(&m, &status);
	is_int(res.verdict, GW_STOPPED, "131050: she stopped them");
	fk_script_error(meta, 500, 1, 0);
	res = send_plan(&m, &status);
	is_int(res.verdict, GW_RETRY, "a 500 is retried");
	fk_set_pair_gap(meta, 60000);
	snprintf(m.to, sizeof m.to, "%s", "+85291230013");
	res = send_plan(&m, &status);
	is_int(res.verdict, GW_SENT, "the first of two quick ones goes");
	res = send_plan(&m, &status);
	ok(res.verdict == GW_RETRY && strcmp(res.error_code, "131056") == 0,
	   "the fake keeps the pair rate");
	fk_set_pair_gap(meta, 0);

	free(m.body);
	m.body = calloc(1, 4098);
	memset(m.body, 'x', 4097);
	json_decref(m.buttons);
	m.buttons = NULL;
	res = send_plan(&m, &status);
	ok(status == -1, "4097 characters are refused before sending");
	gw_message_release(&m);

	char *good = app.meta.access_token;
	app.meta.access_token = "expired";
	m = message("whatsapp", false, 14);
	res = send_plan(&m, &status);
	ok(status == 401 && res.verdict == GW_RETRY && strcmp(res.error_code, "190") == 0,
	   "an expired token (190) is kept for retry");
	app.meta.access_token = good;
	gw_message_release(&m);
}

static void test_unreachable(void)
{
	char *base = app.twilio.base_url;
	app.twilio.base_url = "http://127.0.0.1:9";
	struct gw_message m = message("sms", false, 20);
	struct gw_plan p;
	gw_plan_first(&app, &m, &p);
	struct gw_attempt a = { .msg = &m, .adapter = p.adapter, .channel = p.channel,
				.form = p.form };
	long status;
	bool maybe;
	struct gw_result res = run(&a, &status, &maybe);
	ok(status == 0 && !maybe, "a refused connection never reached the provider");
	is_int(res.verdict, GW_RETRY, "so it is simply retried");
	app.twilio.base_url = base;
	gw_message_release(&m);
}

static int64_t count(const char *sql)
{
	int64_t n = -1;
	tp_db_int(app.db.db, &n, sql, NULL);
	return n;
}

static void test_prune(void)
{
	int64_t now = tp_now_ms(), day = 86400 * 1000LL;
	tp_db_exec(app.db.db, "DELETE FROM seen; DELETE FROM intents; DELETE FROM reports");
	tp_db_run(app.db.db, "INSERT INTO seen (provider, kind, provider_id, status, first_ms) VALUES"
			     " ('meta', 'status', 'old', 'read', ?), ('meta', 'status', 'new', 'read', ?),"
			     " ('meta', 'inbound', 'old-in', '', ?), ('meta', 'inbound', 'older-in', '', ?)",
		  "iiii", now - 31 * day, now - day, now - 31 * day, now - 400 * day);
	tp_db_run(app.db.db, "INSERT INTO intents (message_id, lease, provider, channel, form, to_number,"
			     " created_at, created_ms, outcome) VALUES (1, 'l', 'meta', 'whatsapp', 'text',"
			     " '+85291234567', 0, ?, 'sent'), (2, 'l', 'meta', 'whatsapp', 'text',"
			     " '+85291234567', 0, ?, 'sent'), (3, 'l', 'meta', 'whatsapp', 'text',"
			     " '+85291234567', 0, ?, 'sent')", "iii", now - 200 * day, now - 200 * day,
		  now - day);
	tp_db_run(app.db.db, "INSERT INTO reports (message_id, lease, outcome, body, created_at, state)"
			     " VALUES (1, 'l', 'sent', '{}', ?, 'done'), (2, 'l', 'sent', '{}', ?, 'pending'),"
			     " (3, 'l', 'sent', '{}', ?, 'done')", "iii", now - 200 * day, now - 200 * day,
		  now - day);
	is_int(gw_store_prune(&app, now), 0, "pruning runs");
	is_int(count("SELECT count(*) FROM seen WHERE provider_id = 'old'"), 0,
	       "a status seen a month ago is forgotten");
	is_int(count("SELECT count(*) FROM seen WHERE provider_id IN ('new', 'old-in')"), 2,
	       "a recent status and a month-old inbound message are remembered");
	is_int(count("SELECT count(*) FROM seen WHERE provider_id = 'older-in'"), 0,
	       "an inbound message seen over a year ago is forgotten");
	is_int(count("SELECT count(*) FROM intents WHERE message_id = 1"), 0,
	       "a send reported half a year ago goes");
	is_int(count("SELECT count(*) FROM intents WHERE message_id IN (2, 3)"), 2,
	       "one still to report stays, and a recent one");
	is_int(count("SELECT count(*) FROM reports"), 2, "so do their reports");
}

int main(void)
{
	tp_log_set_level(TP_LOG_ERROR);   /* the fakes' dropped connections are meant */
	tp_client_global_init();
	twilio = fk_start(&(struct fk_config){ .kind = FK_TWILIO, .account_sid = SID,
					       .auth_token = TOKEN });
	meta = fk_start(&(struct fk_config){ .kind = FK_META, .phone_number_id = "1234567890",
					     .access_token = "meta-token", .app_secret = "secret" });
	char dir[] = "/tmp/tp-gwadapters-XXXXXX";
	if (!mkdtemp(dir))
		bail_out("mkdtemp");
	memset(&app, 0, sizeof app);
	app.data_dir = dir;
	char *err = NULL;
	if (gw_store_open(&app, &err) < 0)
		bail_out("store: %s", err);
	app.public_url = "https://gw.example.org";
	app.set.send_timeout_ms = 5000;
	app.twilio = (struct gw_twilio){
		.base_url = (char *)(uintptr_t)fk_base(twilio), .account_sid = SID,
		.auth_token = TOKEN, .from = "+85230001234", .whatsapp_from = "+85230009999",
		.content_sids = "tp_reminder:en=HXffffffffffffffffffffffffffffffff,"
				"tp_reminder:zh_HK=" CONTENT,
	};
	app.meta = (struct gw_meta){
		.base_url = (char *)(uintptr_t)fk_base(meta), .api_version = "v21.0",
		.phone_number_id = "1234567890", .access_token = "meta-token",
		.app_secret = "secret", .verify_token = "verify",
	};
	test_twilio_sms();
	test_twilio_whatsapp();
	test_twilio_errors();
	test_twilio_lost_answer();
	test_meta_shapes();
	test_meta_errors();
	test_unreachable();
	test_prune();
	char last[300];
	/* Exactly the two refusals the tests provoked: wrong credentials. */
	is_int(fk_rejected(twilio, last, sizeof last), 1, "Twilio refused nothing else (%s)", last);
	is_int(fk_rejected(meta, last, sizeof last), 1, "Meta refused nothing else (%s)", last);
	fk_stop(twilio);
	fk_stop(meta);
	gw_store_close(&app);
	td_remove_dir(dir);
	tp_client_global_cleanup();
	return done_testing();
}
