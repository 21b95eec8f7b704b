/* Meta WhatsApp Cloud API adapter; see meta.h. */
#include "meta.h"
#include "tp_alloc.h"
#include "tp_http.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_signature.h"
#include "tp_token.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_META_TEXT_MAX 4096

static const struct gw_code gw_meta_codes[] = {
	{ 131047, GW_WINDOW, "outside WhatsApp's 24-hour window (131047)" },
	{ 130429, GW_RETRY, "WhatsApp throughput limit reached (130429)" },
	{ 131056, GW_RETRY, "too many messages to this person in a short time (131056)" },
	{ 131048, GW_RETRY, "WhatsApp spam rate limit reached (131048)" },
	{ 80007, GW_RETRY, "WhatsApp rate limit reached (80007)" },
	{ 4, GW_RETRY, "WhatsApp API call limit reached (4)" },
	{ 1, GW_RETRY, "WhatsApp API error, to be tried again (1)" },
	{ 2, GW_RETRY, "WhatsApp service unavailable (2)" },
	{ 131000, GW_RETRY, "WhatsApp could not send it, to be tried again (131000)" },
	{ 131016, GW_RETRY, "WhatsApp service overloaded (131016)" },
	{ 133004, GW_RETRY, "WhatsApp server unavailable (133004)" },
	{ 190, GW_RETRY, "the provider refused the gateway's access token (190)" },
	{ 131050, GW_STOPPED, "stopped WhatsApp marketing messages (131050)" },
	{ 131026, GW_FAILED, "undeliverable: the number may not be on WhatsApp (131026)" },
	{ 131049, GW_FAILED, "not delivered, to keep engagement healthy (131049)" },
	{ 131021, GW_FAILED, "the recipient is the sender (131021)" },
	{ 131030, GW_FAILED, "number not in the allowed list (131030)" },
	{ 131051, GW_FAILED, "message type not supported (131051)" },
	{ 131008, GW_FAILED, "a required parameter is missing (131008)" },
	{ 131009, GW_FAILED, "a parameter is not valid (131009)" },
	{ 131031, GW_FAILED, "the business account is locked (131031)" },
	{ 131042, GW_FAILED, "a payment problem on the business account (131042)" },
	{ 130472, GW_FAILED, "the number is part of a WhatsApp experiment (130472)" },
	{ 132000, GW_FAILED, "the template's parameters do not match (132000)" },
	{ 132001, GW_FAILED, "no such template in that language (132001)" },
	{ 132005, GW_FAILED, "the filled template is too long (132005)" },
	{ 132007, GW_FAILED, "the template breaks WhatsApp's policy (132007)" },
	{ 132012, GW_FAILED, "the template's parameters are in the wrong format (132012)" },
	{ 132015, GW_FAILED, "the template is paused (132015)" },
	{ 132016, GW_FAILED, "the template is disabled (132016)" },
	{ 100, GW_FAILED, "a parameter is not valid (100)" },
	{ 0, GW_FAILED, NULL },
};

static bool gw_meta_has_template(const struct gw_app *app, const struct gw_message *m)
{
	(void)app;
	return m->wa_template != NULL;
}

static json_t *gw_meta_payload(const struct gw_message *m, enum gw_form form)
{
	/* WhatsApp IDs are the number's digits, without the '+'. */
	json_t *j = json_pack("{s:s, s:s, s:s}", "messaging_product", "whatsapp",
			      "recipient_type", "individual", "to", m->to + 1);
	if (form == GW_FORM_TEMPLATE) {
		json_t *t = m->wa_template;
		json_t *params = json_array();
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(t, "params"), i, p)
			json_array_append_new(params, json_pack("{s:s, s:O}", "type", "text",
								"text", p));
		json_t *tmpl = json_pack("{s:O, s:{s:O}}", "name", json_object_get(t, "name"),
					 "language", "code", json_object_get(t, "language"));
		if (json_array_size(params))
			json_object_set_new(tmpl, "components",
					    json_pack("[{s:s, s:o}]", "type", "body",
						      "parameters", params));
		else
			json_decref(params);
		json_object_set_new(j, "type", json_string("template"));
		json_object_set_new(j, "template", tmpl);
	} else if (form == GW_FORM_BUTTONS) {
		json_t *buttons = json_array();
		size_t i;
		json_t *b;
		json_array_foreach(m->buttons, i, b)
			json_array_append_new(buttons,
					      json_pack("{s:s, s:{s:O, s:O}}", "type", "reply",
							"reply", "id", json_object_get(b, "id"),
							"title", json_object_get(b, "title")));
		json_object_set_new(j, "type", json_string("interactive"));
		json_object_set_new(j, "interactive",
				    json_pack("{s:s, s:{s:s}, s:{s:o}}", "type", "button", "body",
					      "text", m->body, "action", "buttons", buttons));
	} else {
		json_object_set_new(j, "type", json_string("text"));
		json_object_set_new(j, "text", json_pack("{s:b, s:s}", "preview_url", 0,
							 "body", m->body));
	}
	return j;
}

static int gw_meta_build(const struct gw_app *app, struct gw_attempt *a,
			 struct gw_request *out)
{
	if (a->form != GW_FORM_TEMPLATE && tp_utf8_chars(a->msg->body) > GW_META_TEXT_MAX)
		return -EMSGSIZE;
	json_t *j = gw_meta_payload(a->msg, a->form);
	out->body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!out->body)
		return -ENOMEM;
	snprintf(a->sender, sizeof a->sender, "%s", app->meta.phone_number_id);
	out->url = tp_xasprintf("%s/%s/%s/messages", app->meta.base_url, app->meta.api_version,
				app->meta.phone_number_id);
	out->content_type = "application/json";
	out->bearer = tp_xstrdup(app->meta.access_token);
	return 0;
}

static void gw_meta_parse(const struct gw_attempt *a, long status, const char *body,
			  int64_t retry_after, struct gw_result *out)
{
	(void)a;
	json_t *j = json_loads(body, 0, NULL);
	if (status >= 200 && status < 300) {
		const char *id = json_string_value(
			json_object_get(json_array_get(json_object_get(j, "messages"), 0), "id"));
		if (id && *id && strlen(id) < sizeof out->provider_id) {
			gw_result_set(out, GW_SENT, NULL, "%s", "");
			snprintf(out->provider_id, sizeof out->provider_id, "%s", id);
		} else {
			gw_result_set(out, GW_UNKNOWN, NULL,
				      "WhatsApp said yes (%ld) but gave no message id", status);
		}
	} else {
		json_t *err = json_object_get(j, "error");
		const char *details = json_string_value(
			json_object_get(json_object_get(err, "error_data"), "details"));
		gw_verdict_from_code(gw_meta_codes,
				     (long)json_integer_value(json_object_get(err, "code")),
				     details ? details : json_string_value(json_object_get(err, "message")),
				     "WhatsApp", status, retry_after, out);
	}
	json_decref(j);
}

static bool gw_meta_verify(const struct gw_app *app, struct tp_http_request *req)
{
	return tp_meta_signature_valid(app->meta.app_secret, req->body.data, req->body.len,
				       tp_http_header(req, "X-Hub-Signature-256"));
}

/* A WhatsApp ID ("85291234567") as E.164. */
static int gw_meta_number(const char *wa_id, char out[TP_PHONE_MAX])
{
	if (!wa_id || !*wa_id || strlen(wa_id) > 15 || strspn(wa_id, "0123456789") != strlen(wa_id))
		return -EINVAL;
	char plus[TP_PHONE_MAX + 1];
	snprintf(plus, sizeof plus, "+%s", wa_id);
	return tp_phone_normalize(plus, out, NULL);
}

/* Meta's timestamps are strings of Unix seconds. */
static int64_t gw_meta_time(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	const char *s = json_string_value(v);
	return s ? strtoll(s, NULL, 10) : 0;
}

static int gw_meta_message(json_t *msg, const char *to, json_t *events, struct tp_error *e)
{
	const char *id = json_string_value(json_object_get(msg, "id"));
	char from[TP_PHONE_MAX];
	if (!id || !*id || strlen(id) > 200)
		return tp_error_set(e, 400, "invalid_field", "messages[].id", "is missing");
	if (gw_meta_number(json_string_value(json_object_get(msg, "from")), from) < 0)
		return tp_error_set(e, 400, "invalid_field", "messages[].from",
				    "is not a WhatsApp number");
	const char *type = json_string_value(json_object_get(msg, "type"));
	const char *text = NULL, *button = NULL;
	if (type && strcmp(type, "text") == 0) {
		text = json_string_value(json_object_get(json_object_get(msg, "text"), "body"));
	} else if (type && strcmp(type, "interactive") == 0) {
		json_t *in = json_object_get(msg, "interactive");
		json_t *reply = json_object_get(in, "button_reply");
		if (!reply)
			reply = json_object_get(in, "list_reply");
		text = json_string_value(json_object_get(reply, "title"));
		button = json_string_value(json_object_get(reply, "id"));
	} else if (type && strcmp(type, "button") == 0) {
		json_t *b = json_object_get(msg, "button");
		text = json_string_value(json_object_get(b, "text"));
		button = json_string_value(json_object_get(b, "payload"));
	} else if (type && strcmp(type, "reaction") == 0) {
		return 0;   /* an emoji on an earlier message: nothing to answer */
	} else {
		text = "[media]";
	}
	json_array_append_new(events, gw_event_inbound("meta", id, "whatsapp", from, to,
						       text ? text : "", button,
						       gw_meta_time(json_object_get(msg, "timestamp"))));
	return 0;
}

static int gw_meta_status(json_t *st, json_t *events, struct tp_error *e)
{
	const char *id = json_string_value(json_object_get(st, "id"));
	const char *status = json_string_value(json_object_get(st, "status"));
	if (!id || !*id || strlen(id) > 200)
		return tp_error_set(e, 400, "invalid_field", "statuses[].id", "is missing");
	if (!status || (strcmp(status, "sent") != 0 && strcmp(status, "delivered") != 0 &&
			strcmp(status, "read") != 0 && strcmp(status, "failed") != 0)) {
		tp_debug("whatsapp status '%s' of %s ignored", status ? status : "", id);
		return 0;
	}
	json_t *err = json_array_get(json_object_get(st, "errors"), 0);
	long code = (long)json_integer_value(json_object_get(err, "code"));
	char num[24] = "", reason[200] = "";
	if (code) {
		snprintf(num, sizeof num, "%ld", code);
		const struct gw_code *c = gw_code_find(gw_meta_codes, code);
		const char *title = json_string_value(json_object_get(err, "title"));
		snprintf(reason, sizeof reason, "%s",
			 c ? c->words : title ? title : "not delivered (WhatsApp error)");
	}
	json_array_append_new(events, gw_event_status("meta", id, status,
						      gw_meta_time(json_object_get(st, "timestamp")),
						      num, reason));
	return 0;
}

int gw_meta_events_from_json(json_t *body, json_t *events, struct tp_error *e)
{
	const char *object = json_string_value(json_object_get(body, "object"));
	json_t *entries = json_object_get(body, "entry");
	if (!object || strcmp(object, "whatsapp_business_account") != 0 || !json_is_array(entries))
		return tp_error_set(e, 400, "invalid_body", "object",
				    "is not a WhatsApp Business Account notification");
	size_t i, j, k;
	json_t *entry, *change, *item;
	json_array_foreach(entries, i, entry) {
		json_array_foreach(json_object_get(entry, "changes"), j, change) {
			const char *field = json_string_value(json_object_get(change, "field"));
			if (!field || strcmp(field, "messages") != 0)
				continue;
			json_t *value = json_object_get(change, "value");
			char to[TP_PHONE_MAX] = "";
			const char *display = json_string_value(json_object_get(
				json_object_get(value, "metadata"), "display_phone_number"));
			if (display) {
				char plus[40];
				snprintf(plus, sizeof plus, "%s%s", display[0] == '+' ? "" : "+",
					 display);
				if (tp_phone_normalize(plus, to, NULL) < 0)
					to[0] = '\0';
			}
			json_array_foreach(json_object_get(value, "messages"), k, item) {
				int r = gw_meta_message(item, to, events, e);
				if (r < 0)
					return r;
			}
			json_array_foreach(json_object_get(value, "statuses"), k, item) {
				int r = gw_meta_status(item, events, e);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

static int gw_meta_events(const struct gw_app *app, struct tp_http_request *req,
			  json_t *events, struct tp_error *e)
{
	(void)app;
	json_t *body = NULL;
	int r = tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &body, e);
	if (r < 0)
		return r;
	r = gw_meta_events_from_json(body, events, e);
	json_decref(body);
	return r;
}

int gw_meta_handshake(struct tp_http_request *req)
{
	const struct gw_app *app = req->app;
	const char *mode = tp_http_query(req, "hub.mode");
	const char *token = tp_http_query(req, "hub.verify_token");
	const char *challenge = tp_http_query(req, "hub.challenge");
	const char *want = app->meta.verify_token;
	if (!mode || strcmp(mode, "subscribe") != 0 || !token || !challenge || !want || !*want ||
	    strlen(token) != strlen(want) || !tp_ct_equal(token, want, strlen(want)) ||
	    strlen(challenge) > 256) {
		tp_warn("whatsapp webhook verification refused (wrong verify token or mode)");
		return tp_http_reply(req, 403, "text/plain; charset=utf-8", "forbidden\n", 10);
	}
	tp_info("whatsapp webhook verified");
	return tp_http_reply(req, 200, "text/plain; charset=utf-8", challenge, strlen(challenge));
}

const struct gw_adapter gw_meta_adapter = {
	.name = "meta",
	.buttons = true,
	.has_template = gw_meta_has_template,
	.build = gw_meta_build,
	.parse = gw_meta_parse,
	.lookup = NULL,
	.verify = gw_meta_verify,
	.events = gw_meta_events,
	.ack_type = "text/plain; charset=utf-8",
	.ack_body = "",
};
