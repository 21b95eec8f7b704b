/* Tests for the gateway's claimed messages and their plans: what the
 * server hands out is read strictly, and the WhatsApp 24-hour window sends
 * free text, buttons, the template or SMS (saying so) as it should. */
#include "adapter.h"
#include "message.h"
#include "twilio.h"
#include "../support/gwtest.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static json_t *claim(void)
{
	return json_loads(ge_claim_example, 0, NULL);
}

static void test_parse(void)
{
	struct gw_message m;
	char err[200];
	json_t *j = claim();
	is_int(gw_message_parse(j, &m, err, sizeof err), 0, "the contract's example reads");
	is_int(m.id, 42, "id");
	is_str(m.lease, "9f3c", "lease");
	is_str(m.to, "+85291234567", "to");
	is_str(m.channel, "whatsapp", "channel");
	ok(!m.window_open, "window closed");
	is_int(m.deliver_by, 1763910000, "deliver_by");
	ok(m.wa_template && json_array_size(m.buttons) == 2, "template and buttons kept");
	gw_message_release(&m);

	static const struct {
		const char *key, *value, *field;
	} bad[] = {
		{ "to", "\"91234567\"", "to" },
		{ "to", "\"+85211234567\"", "to" },
		{ "channel", "\"fax\"", "channel" },
		{ "body", "\"\"", "body" },
		{ "id", "0", "id" },
		{ "lease", "null", "lease" },
		{ "whatsapp_template", "{\"name\": \"x\"}", "whatsapp_template" },
		{ "buttons", "[{\"id\": \"1\"}]", "buttons" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *b = claim();
		json_object_set_new(b, bad[i].key, json_loads(bad[i].value, JSON_DECODE_ANY, NULL));
		is_int(gw_message_parse(b, &m, err, sizeof err), -22, "%s = %s is refused",
		       bad[i].key, bad[i].value);
		ok(strncmp(err, bad[i].field, strlen(bad[i].field)) == 0, "the error names %s: %s",
		   bad[i].field, err);
		json_decref(b);
	}
	json_decref(j);
}

static struct gw_message message(bool window_open, bool with_template)
{
	struct gw_message m;
	char err[200];
	json_t *j = claim();
	json_object_set_new(j, "window_open", json_boolean(window_open));
	if (!with_template)
		json_object_set_new(j, "whatsapp_template", json_null());
	if (gw_message_parse(j, &m, err, sizeof err) < 0)
		bail_out("the example does not parse: %s", err);
	json_decref(j);
	return m;
}

static void test_plans(void)
{
	struct gw_app app;
	memset(&app, 0, sizeof app);
	app.sms = &gw_twilio_adapter;
	app.whatsapp = &gw_meta_adapter;
	struct gw_plan p;

	struct gw_message m = message(true, true);
	gw_plan_first(&app, &m, &p);
	ok(!p.fail && p.adapter == &gw_meta_adapter && p.form == GW_FORM_BUTTONS,
	   "window open on Meta: free text with reply buttons");
	is_str(p.note, "", "no note");
	gw_message_release(&m);

	m = message(false, true);
	gw_plan_first(&app, &m, &p);
	ok(!p.fail && p.form == GW_FORM_TEMPLATE && strcmp(p.channel, "whatsapp") == 0,
	   "window closed: the template");
	struct gw_attempt a = { .msg = &m, .adapter = p.adapter, .channel = p.channel,
				.form = p.form };
	gw_plan_after_window(&app, &m, &a, "131047", &p);
	ok(!p.fail && p.adapter == &gw_twilio_adapter && strcmp(p.channel, "sms") == 0,
	   "the template refused as outside the window: SMS");
	ok(strstr(p.note, "sent by SMS") && strstr(p.note, "131047"), "saying so: %s", p.note);
	gw_message_release(&m);

	m = message(false, false);
	gw_plan_first(&app, &m, &p);
	ok(!p.fail && strcmp(p.channel, "sms") == 0 && p.adapter == &gw_twilio_adapter,
	   "closed and no template: SMS");
	is_str(p.note, "sent by SMS: no WhatsApp template fits outside the 24-hour window",
	       "the contract's note");
	app.sms = NULL;
	gw_plan_first(&app, &m, &p);
	ok(p.fail && strstr(p.reason, "no WhatsApp template fits") &&
	   strstr(p.reason, "sends no SMS"), "and without SMS it fails, saying why: %s", p.reason);
	gw_message_release(&m);

	/* Server and provider disagree: WhatsApp refuses free text. */
	app.sms = &gw_console_adapter;
	m = message(true, true);
	gw_plan_first(&app, &m, &p);
	a = (struct gw_attempt){ .msg = &m, .adapter = p.adapter, .channel = p.channel,
				 .form = p.form };
	gw_plan_after_window(&app, &m, &a, "131047", &p);
	ok(!p.fail && p.form == GW_FORM_TEMPLATE, "131047 on free text: the template");
	ok(strstr(p.note, "template") && strstr(p.note, "131047"), "noted: %s", p.note);
	gw_message_release(&m);

	/* Twilio has no reply buttons, and needs a Content SID for a template. */
	app.whatsapp = &gw_twilio_adapter;
	m = message(true, true);
	gw_plan_first(&app, &m, &p);
	ok(!p.fail && p.form == GW_FORM_TEXT, "window open on Twilio: plain text");
	gw_message_release(&m);
	m = message(false, true);
	gw_plan_first(&app, &m, &p);
	ok(!p.fail && strcmp(p.channel, "sms") == 0,
	   "a template without a Content SID on Twilio goes by SMS");
	char spec[] = "tp_survey:en=HX00000000000000000000000000000001,"
		      " tp_reminder:zh_HK=HX0123456789abcdef0123456789abcdef";
	app.twilio.content_sids = spec;
	gw_plan_first(&app, &m, &p);
	ok(!p.fail && p.form == GW_FORM_TEMPLATE, "with its Content SID: the template");
	gw_message_release(&m);

	/* SMS stays SMS. */
	m = message(true, true);
	strcpy(m.channel, "sms");
	gw_plan_first(&app, &m, &p);
	ok(!p.fail && p.adapter == &gw_console_adapter && p.form == GW_FORM_TEXT, "sms: text");
	gw_message_release(&m);
}

static void test_buttons_fit(void)
{
	struct gw_app app;
	memset(&app, 0, sizeof app);
	app.whatsapp = &gw_meta_adapter;
	struct gw_plan p;
	struct gw_message m = message(true, true);
	json_object_set_new(json_array_get(m.buttons, 0), "title",
			    json_string("這個標題比二十個字還要長得多得多得多得多得多"));
	gw_plan_first(&app, &m, &p);
	ok(!p.fail && p.form == GW_FORM_TEXT, "a button title past 20 characters: plain text");
	gw_message_release(&m);
}

static void test_content_sid(void)
{
	char sid[64];
	const char *spec = "tp_reminder:zh_HK=HXaaa, tp_reminder:en=HXbbb,tp_survey:zh_HK=HXccc";
	ok(gw_twilio_content_sid(spec, "tp_reminder", "en", sid) && strcmp(sid, "HXbbb") == 0,
	   "finds name and language");
	ok(gw_twilio_content_sid(spec, "tp_survey", "zh_HK", sid) && strcmp(sid, "HXccc") == 0,
	   "the last one");
	ok(!gw_twilio_content_sid(spec, "tp_reminder", "zh_TW", sid), "another language: none");
	ok(!gw_twilio_content_sid(spec, "tp_remind", "en", sid), "a prefix of a name: none");
	ok(!gw_twilio_content_sid(NULL, "tp_reminder", "en", sid), "no spec: none");
}

int main(void)
{
	test_parse();
	test_plans();
	test_buttons_fit();
	test_content_sid();
	return done_testing();
}
