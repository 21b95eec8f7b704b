/* Tests for reading the providers' webhooks into the contract's events:
 * Twilio's inbound and status forms, Meta's notifications (texts, button
 * replies, statuses with errors), and what is refused. */
#include "adapter.h"
#include "meta.h"
#include "twilio.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>

static void form(struct tp_urlform *f, const char *body)
{
	tp_urlform_init(f);
	if (tp_urlform_parse(body, strlen(body), f) < 0)
		bail_out("bad test form");
}

static const char *field(json_t *ev, const char *key)
{
	return json_string_value(json_object_get(ev, key));
}

static void test_twilio_inbound(void)
{
	struct tp_urlform f;
	struct tp_error e;
	json_t *events = json_array();
	form(&f, "ToCountry=HK&SmsMessageSid=SMaa&NumMedia=0&SmsSid=SMaa&SmsStatus=received"
		 "&Body=%EF%BC%92&To=%2B85230001234&NumSegments=1&MessageSid=SMaa"
		 "&AccountSid=ACxx&From=%2B85291234567&ApiVersion=2010-04-01");
	is_int(gw_twilio_events_from_form(&f, false, 1000, events, &e), 0, "an inbound SMS reads");
	json_t *ev = json_array_get(events, 0);
	is_str(field(ev, "type"), "inbound", "inbound");
	is_str(field(ev, "provider"), "twilio", "provider");
	is_str(field(ev, "provider_id"), "SMaa", "the MessageSid");
	is_str(field(ev, "channel"), "sms", "sms");
	is_str(field(ev, "from"), "+85291234567", "from");
	is_str(field(ev, "to"), "+85230001234", "to");
	is_str(field(ev, "text"), "２", "the text as she typed it (full-width 2)");
	ok(json_is_null(json_object_get(ev, "button_id")), "no button");
	is_int(json_integer_value(json_object_get(ev, "at")), 1000, "at: now");
	tp_urlform_release(&f);

	form(&f, "MessageSid=SMbb&From=whatsapp%3A%2B85291234567&To=whatsapp%3A%2B85230001234"
		 "&Body=&ButtonText=%E7%A2%BA%E8%AA%8D&ButtonPayload=1&ProfileName=Kiki&WaId=85291234567");
	is_int(gw_twilio_events_from_form(&f, false, 1000, events, &e), 0, "a WhatsApp button reads");
	ev = json_array_get(events, 1);
	is_str(field(ev, "channel"), "whatsapp", "whatsapp: prefix means WhatsApp");
	is_str(field(ev, "from"), "+85291234567", "the prefix is dropped");
	is_str(field(ev, "text"), "確認", "the button's text");
	is_str(field(ev, "button_id"), "1", "its payload as button_id");
	tp_urlform_release(&f);

	form(&f, "MessageSid=SMcc&From=hello&To=%2B85230001234&Body=1");
	is_int(gw_twilio_events_from_form(&f, false, 1000, events, &e), -400, "a From that is "
	       "no number is refused");
	is_str(e.field, "From", "naming From");
	tp_urlform_release(&f);
	form(&f, "From=%2B85291234567&Body=1");
	is_int(gw_twilio_events_from_form(&f, false, 1000, events, &e), -400, "no MessageSid");
	tp_urlform_release(&f);
	is_int(json_array_size(events), 2, "nothing added for refused forms");
	json_decref(events);
}

static void test_twilio_status(void)
{
	struct tp_urlform f;
	struct tp_error e;
	json_t *events = json_array();
	form(&f, "SmsSid=SMaa&SmsStatus=delivered&MessageStatus=delivered&To=%2B85291234567"
		 "&MessageSid=SMaa&AccountSid=ACxx&From=%2B85230001234&ApiVersion=2010-04-01");
	is_int(gw_twilio_events_from_form(&f, true, 2000, events, &e), 0, "a status callback");
	json_t *ev = json_array_get(events, 0);
	is_str(field(ev, "type"), "status", "status");
	is_str(field(ev, "status"), "delivered", "delivered");
	is_str(field(ev, "provider_id"), "SMaa", "its message");
	tp_urlform_release(&f);

	form(&f, "MessageSid=SMaa&MessageStatus=undelivered&ErrorCode=30003");
	gw_twilio_events_from_form(&f, true, 2000, events, &e);
	ev = json_array_get(events, 1);
	is_str(field(ev, "status"), "undelivered", "undelivered");
	is_str(field(ev, "error_code"), "30003", "with Twilio's code");
	is_str(field(ev, "reason"), "the phone is off or out of reach (30003)", "in plain words");
	tp_urlform_release(&f);

	form(&f, "MessageSid=SMaa&MessageStatus=sending");
	gw_twilio_events_from_form(&f, true, 2000, events, &e);
	is_str(field(json_array_get(events, 2), "status"), "sent", "sending counts as sent");
	tp_urlform_release(&f);
	form(&f, "MessageSid=SMaa&MessageStatus=canceled");
	gw_twilio_events_from_form(&f, true, 2000, events, &e);
	is_str(field(json_array_get(events, 3), "status"), "failed", "canceled is failed");
	tp_urlform_release(&f);
	form(&f, "MessageSid=SMaa&MessageStatus=receiving");
	is_int(gw_twilio_events_from_form(&f, true, 2000, events, &e), 0, "an unknown status");
	is_int(json_array_size(events), 4, "is ignored");
	tp_urlform_release(&f);
	json_decref(events);
}

static json_t *meta_body(const char *value)
{
	char *text = NULL;
	if (asprintf(&text, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
			    "\"changes\":[{\"field\":\"messages\",\"value\":%s}]}]}", value) < 0)
		bail_out("asprintf");
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	if (!j)
		bail_out("bad test JSON");
	return j;
}

static void test_meta(void)
{
	struct tp_error e;
	json_t *events = json_array();
	json_t *b = meta_body(
		"{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":"
		"\"85230001234\",\"phone_number_id\":\"1234\"},\"contacts\":[{\"profile\":"
		"{\"name\":\"Kiki\"},\"wa_id\":\"85291234567\"}],\"messages\":["
		"{\"from\":\"85291234567\",\"id\":\"wamid.A\",\"timestamp\":\"1763900300\","
		"\"type\":\"text\",\"text\":{\"body\":\"3分\"}},"
		"{\"from\":\"85291234567\",\"id\":\"wamid.B\",\"timestamp\":\"1763900301\","
		"\"type\":\"interactive\",\"interactive\":{\"type\":\"button_reply\","
		"\"button_reply\":{\"id\":\"2\",\"title\":\"更改\"}}},"
		"{\"from\":\"85291234567\",\"id\":\"wamid.C\",\"timestamp\":\"1763900302\","
		"\"type\":\"button\",\"button\":{\"text\":\"STOP\",\"payload\":\"stop\"}},"
		"{\"from\":\"85291234567\",\"id\":\"wamid.D\",\"timestamp\":\"1763900303\","
		"\"type\":\"image\",\"image\":{\"id\":\"9\"}}]}");
	is_int(gw_meta_events_from_json(b, events, &e), 0, "four inbound messages read");
	is_int(json_array_size(events), 4, "four events");
	json_t *ev = json_array_get(events, 0);
	is_str(field(ev, "from"), "+85291234567", "the WhatsApp ID as E.164");
	is_str(field(ev, "to"), "+85230001234", "to: the business number");
	is_str(field(ev, "text"), "3分", "text as typed");
	is_int(json_integer_value(json_object_get(ev, "at")), 1763900300, "Meta's timestamp");
	ev = json_array_get(events, 1);
	is_str(field(ev, "button_id"), "2", "a reply button's id");
	is_str(field(ev, "text"), "更改", "and its title");
	ev = json_array_get(events, 2);
	is_str(field(ev, "button_id"), "stop", "a template button's payload");
	is_str(field(json_array_get(events, 3), "text"), "[media]", "an image is marked");
	json_decref(b);

	b = meta_body("{\"statuses\":[{\"id\":\"wamid.X\",\"status\":\"read\",\"timestamp\":"
		      "\"1763900400\",\"recipient_id\":\"85291234567\"},"
		      "{\"id\":\"wamid.Y\",\"status\":\"failed\",\"timestamp\":\"1763900401\","
		      "\"recipient_id\":\"85291234567\",\"errors\":[{\"code\":131047,\"title\":"
		      "\"Re-engagement message\"}]},"
		      "{\"id\":\"wamid.Z\",\"status\":\"deleted\",\"timestamp\":\"1\"}]}");
	is_int(gw_meta_events_from_json(b, events, &e), 0, "statuses read");
	is_int(json_array_size(events), 6, "two kept, the unknown one ignored");
	ev = json_array_get(events, 4);
	is_str(field(ev, "status"), "read", "read (before delivered is fine)");
	ev = json_array_get(events, 5);
	is_str(field(ev, "status"), "failed", "failed");
	is_str(field(ev, "error_code"), "131047", "with the code");
	is_str(field(ev, "reason"), "outside WhatsApp's 24-hour window (131047)", "in words");
	json_decref(b);

	b = json_loads("{\"object\":\"page\",\"entry\":[]}", 0, NULL);
	is_int(gw_meta_events_from_json(b, events, &e), -400, "another object is refused");
	json_decref(b);
	b = meta_body("{\"messages\":[{\"from\":\"abc\",\"id\":\"wamid.E\",\"type\":\"text\","
		      "\"text\":{\"body\":\"1\"}}]}");
	is_int(gw_meta_events_from_json(b, events, &e), -400, "a sender that is no number");
	json_decref(b);
	json_decref(events);
}

int main(void)
{
	test_twilio_inbound();
	test_twilio_status();
	test_meta();
	return done_testing();
}
