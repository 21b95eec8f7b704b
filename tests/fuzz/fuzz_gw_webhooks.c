/* libFuzzer target for the gateway's webhook readers: any bytes, read as
 * Twilio's form (an inbound text, a status callback) and as Meta's JSON,
 * give events in the contract's shape (a provider id, a status the server
 * knows, a sender in E.164) or a refusal naming the field, never a crash. */
#include "meta.h"
#include "twilio.h"
#include "tp_phone.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static void check(int r, const struct tp_error *e, json_t *events)
{
	static const char *const statuses[] = { "queued", "sent", "delivered", "read", "failed",
						"undelivered", NULL };
	static const char *const channels[] = { "sms", "whatsapp", NULL };
	if (r < 0) {
		if (e->status != 400 || !e->message[0])
			abort();
		return;
	}
	size_t i;
	json_t *ev;
	json_array_foreach(events, i, ev) {
		const char *type = json_string_value(json_object_get(ev, "type"));
		const char *pid = json_string_value(json_object_get(ev, "provider_id"));
		if (!pid || !*pid || !json_is_integer(json_object_get(ev, "at")))
			abort();
		if (type && strcmp(type, "status") == 0) {
			if (!one_of(json_string_value(json_object_get(ev, "status")), statuses))
				abort();
		} else if (type && strcmp(type, "inbound") == 0) {
			const char *from = json_string_value(json_object_get(ev, "from"));
			char e164[TP_PHONE_MAX];
			if (!from || tp_phone_normalize(from, e164, NULL) < 0 || strcmp(from, e164) != 0 ||
			    !one_of(json_string_value(json_object_get(ev, "channel")), channels) ||
			    !json_is_string(json_object_get(ev, "text")))
				abort();
		} else {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_urlform f;
	tp_urlform_init(&f);
	if (tp_urlform_parse((const char *)data, size, &f) == 0) {
		for (int status = 0; status < 2; status++) {
			json_t *events = json_array();
			struct tp_error e;
			tp_error_clear(&e);
			check(gw_twilio_events_from_form(&f, status, 1000, events, &e), &e, events);
			json_decref(events);
		}
	}
	tp_urlform_release(&f);
	json_t *j = json_loadb((const char *)data, size, 0, NULL);
	if (j) {
		json_t *events = json_array();
		struct tp_error e;
		tp_error_clear(&e);
		check(gw_meta_events_from_json(j, events, &e), &e, events);
		json_decref(events);
		json_decref(j);
	}
	return 0;
}
