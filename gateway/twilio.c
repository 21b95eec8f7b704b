/* Twilio adapter; see twilio.h. */
#include "twilio.h"
#include "transfer.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_http.h"
#include "tp_log.h"
#include "tp_signature.h"
#include "tp_time.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Twilio's longest ValidityPeriod, in seconds. */
#define GW_TWILIO_VALIDITY_MAX 36000
#define GW_TWILIO_BODY_MAX 1600

static const struct gw_code gw_twilio_codes[] = {
	{ 20429, GW_RETRY, "provider busy (20429)" },
	{ 63018, GW_RETRY, "WhatsApp rate limit reached (63018)" },
	{ 20003, GW_RETRY, "the provider refused the gateway's credentials (20003)" },
	{ 21610, GW_STOPPED, "replied STOP to the provider (21610)" },
	{ 63016, GW_WINDOW, "outside WhatsApp's 24-hour window (63016)" },
	{ 21211, GW_FAILED, "not a valid phone number (21211)" },
	{ 21614, GW_FAILED, "not a mobile number (21614)" },
	{ 21612, GW_FAILED, "the provider cannot send to this number (21612)" },
	{ 21408, GW_FAILED, "sending to this region is not enabled (21408)" },
	{ 21617, GW_FAILED, "the text is too long (21617)" },
	{ 63003, GW_FAILED, "number not on WhatsApp (63003)" },
	{ 30003, GW_FAILED, "the phone is off or out of reach (30003)" },
	{ 30004, GW_FAILED, "the number blocks messages (30004)" },
	{ 30005, GW_FAILED, "the number does not exist (30005)" },
	{ 30006, GW_FAILED, "a landline, or a carrier that takes no texts (30006)" },
	{ 30007, GW_FAILED, "filtered by the carrier (30007)" },
	{ 30008, GW_FAILED, "not delivered: carrier error (30008)" },
	{ 0, GW_FAILED, NULL },
};

bool gw_twilio_content_sid(const char *spec, const char *name, const char *language,
			   char out[64])
{
	if (!spec || !name || !language)
		return false;
	size_t nlen = strlen(name), llen = strlen(language);
	const char *p = spec;
	while (*p) {
		p += strspn(p, " ,");
		size_t item = strcspn(p, ",");
		const char *eq = memchr(p, '=', item);
		if (eq && (size_t)(eq - p) == nlen + 1 + llen && memcmp(p, name, nlen) == 0 &&
		    p[nlen] == ':' && memcmp(p + nlen + 1, language, llen) == 0) {
			size_t sid = item - (size_t)(eq + 1 - p);
			while (sid && eq[sid] == ' ')
				sid--;
			if (sid == 0 || sid >= 64)
				return false;
			memcpy(out, eq + 1, sid);
			out[sid] = '\0';
			return true;
		}
		p += item;
	}
	return false;
}

static bool gw_twilio_has_template(const struct gw_app *app, const struct gw_message *m)
{
	char sid[64];
	return m->wa_template &&
	       gw_twilio_content_sid(app->twilio.content_sids,
				     json_string_value(json_object_get(m->wa_template, "name")),
				     json_string_value(json_object_get(m->wa_template, "language")),
				     sid);
}

static char *gw_twilio_messages_url(const struct gw_app *app)
{
	return tp_xasprintf("%s/2010-04-01/Accounts/%s/Messages.json", app->twilio.base_url,
			    app->twilio.account_sid);
}

static int gw_twilio_build(const struct gw_app *app, struct gw_attempt *a,
			   struct gw_request *out)
{
	const struct gw_message *m = a->msg;
	bool wa = strcmp(a->channel, "whatsapp") == 0;
	struct tp_urlform f;
	tp_urlform_init(&f);
	char to[TP_PHONE_MAX + 16];
	snprintf(to, sizeof to, "%s%s", wa ? "whatsapp:" : "", m->to);
	tp_urlform_add(&f, "To", to);
	if (wa) {
		snprintf(a->sender, sizeof a->sender, "whatsapp:%s", app->twilio.whatsapp_from);
		tp_urlform_add(&f, "From", a->sender);
	} else if (app->twilio.messaging_service && *app->twilio.messaging_service) {
		snprintf(a->sender, sizeof a->sender, "%s", app->twilio.messaging_service);
		tp_urlform_add(&f, "MessagingServiceSid", a->sender);
	} else {
		snprintf(a->sender, sizeof a->sender, "%s", app->twilio.from);
		tp_urlform_add(&f, "From", a->sender);
	}
	if (a->form == GW_FORM_TEMPLATE) {
		char sid[64];
		json_t *t = m->wa_template;
		if (!gw_twilio_content_sid(app->twilio.content_sids,
					   json_string_value(json_object_get(t, "name")),
					   json_string_value(json_object_get(t, "language")), sid)) {
			tp_urlform_release(&f);
			return -ENOENT;
		}
		tp_urlform_add(&f, "ContentSid", sid);
		json_t *vars = json_object();
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(t, "params"), i, p) {
			char key[24];
			snprintf(key, sizeof key, "%zu", i + 1);
			json_object_set(vars, key, p);
		}
		char *text = json_dumps(vars, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(vars);
		tp_urlform_add(&f, "ContentVariables", text);
		free(text);
	} else {
		if (tp_utf8_chars(m->body) > GW_TWILIO_BODY_MAX) {
			tp_urlform_release(&f);
			return -EMSGSIZE;
		}
		tp_urlform_add(&f, "Body", m->body);
	}
	char *callback = tp_xasprintf("%s/webhooks/twilio/status", app->public_url);
	tp_urlform_add(&f, "StatusCallback", callback);
	free(callback);
	if (m->deliver_by > 0) {
		int64_t left = m->deliver_by - tp_now();
		if (left < 1)
			left = 1;
		if (left > GW_TWILIO_VALIDITY_MAX)
			left = GW_TWILIO_VALIDITY_MAX;
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)left);
		tp_urlform_add(&f, "ValidityPeriod", v);
	}
	struct tp_buf body;
	tp_buf_init(&body, 64 * 1024);
	int r = tp_urlform_encode(&f, &body);
	tp_urlform_release(&f);
	if (r < 0) {
		tp_buf_release(&body);
		return r;
	}
	out->url = gw_twilio_messages_url(app);
	out->body = tp_buf_steal(&body);
	out->content_type = "application/x-www-form-urlencoded";
	out->basic = tp_xasprintf("%s:%s", app->twilio.account_sid, app->twilio.auth_token);
	return 0;
}

static void gw_twilio_parse(const struct gw_attempt *a, long status, const char *body,
			    int64_t retry_after, struct gw_result *out)
{
	(void)a;
	json_t *j = json_loads(body, 0, NULL);
	if (status >= 200 && status < 300) {
		const char *sid = json_string_value(json_object_get(j, "sid"));
		if (sid && *sid && strlen(sid) < sizeof out->provider_id) {
			gw_result_set(out, GW_SENT, NULL, "%s", "");
			snprintf(out->provider_id, sizeof out->provider_id, "%s", sid);
		} else {
			gw_result_set(out, GW_UNKNOWN, NULL,
				      "the provider said yes (%ld) but gave no message id", status);
		}
	} else {
		gw_verdict_from_code(gw_twilio_codes,
				     (long)json_integer_value(json_object_get(j, "code")),
				     json_string_value(json_object_get(j, "message")),
				     "the provider", status, retry_after, out);
	}
	json_decref(j);
}

/* Twilio's RFC 2822 dates ("Thu, 30 Jul 2015 20:12:31 +0000") as Unix
 * time; 0 when unreadable. */
static int64_t gw_twilio_date(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = s ? strptime(s, "%a, %d %b %Y %H:%M:%S %z", &tm) : NULL;
	if (!end)
		return 0;
	long off = tm.tm_gmtoff;
	return (int64_t)timegm(&tm) - off;
}

static bool gw_twilio_sid_known(struct gw_app *app, const char *sid)
{
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return true;
	int64_t n = 0;
	int r = tp_db_int(db, &n, "SELECT count(*) FROM intents WHERE provider = 'twilio'"
				 " AND provider_id = ?", "t", sid);
	tp_db_writer_end(&app->db, 0);
	return r < 0 || n > 0;
}

/* The answer never came: list the recent messages to that number and look
 * for this one, sent after the intent was written and claimed by no other. */
static int gw_twilio_lookup(struct gw_app *app, const struct gw_intent *in,
			    struct gw_result *out)
{
	bool wa = strcmp(in->channel, "whatsapp") == 0;
	char to[TP_PHONE_MAX + 16];
	snprintf(to, sizeof to, "%s%s", wa ? "whatsapp:" : "", in->to);
	struct tp_urlform q;
	tp_urlform_init(&q);
	tp_urlform_add(&q, "To", to);
	if (in->sender[0] && strncmp(in->sender, "MG", 2) != 0)
		tp_urlform_add(&q, "From", in->sender);
	tp_urlform_add(&q, "PageSize", "50");
	struct tp_buf query;
	tp_buf_init(&query, 4096);
	tp_urlform_encode(&q, &query);
	tp_urlform_release(&q);
	char *base = gw_twilio_messages_url(app);
	struct gw_request rq = {
		.url = tp_xasprintf("%s?%s", base, tp_buf_str(&query)),
		.basic = tp_xasprintf("%s:%s", app->twilio.account_sid, app->twilio.auth_token),
	};
	free(base);
	tp_buf_release(&query);
	struct gw_transfer t;
	if (gw_transfer_init(&t, &rq, app->set.send_timeout_ms) < 0)
		return -EIO;
	CURLcode rc = gw_transfer_run(&t);
	bool maybe;
	char why[300];
	long status = gw_transfer_status(&t, rc, &maybe, why, sizeof why);
	json_t *j = status == 200 ? json_loads(tp_buf_str(&t.answer), 0, NULL) : NULL;
	gw_transfer_release(&t);
	json_t *list = json_object_get(j, "messages");
	if (!json_is_array(list)) {
		tp_warn("twilio lookup of intent %lld failed: %s", (long long)in->id,
			status ? "the answer had no message list" : why);
		json_decref(j);
		return -EIO;
	}
	/* Five minutes either way for the clocks of Twilio and this machine. */
	int64_t since = in->created_ms / 1000 - 300;
	bool template = strcmp(in->form, "template") == 0;
	size_t i;
	json_t *msg;
	const char *found = NULL;
	json_array_foreach(list, i, msg) {
		const char *sid = json_string_value(json_object_get(msg, "sid"));
		const char *dir = json_string_value(json_object_get(msg, "direction"));
		const char *body = json_string_value(json_object_get(msg, "body"));
		int64_t created = gw_twilio_date(json_string_value(json_object_get(msg, "date_created")));
		if (!sid || !dir || strncmp(dir, "outbound", 8) != 0 || created < since)
			continue;
		if (!template && (!body || !in->body || strcmp(body, in->body) != 0))
			continue;
		if (gw_twilio_sid_known(app, sid))
			continue;
		found = sid;
		break;
	}
	if (found) {
		gw_result_set(out, GW_SENT, NULL, "%s", "");
		snprintf(out->provider_id, sizeof out->provider_id, "%s", found);
	} else {
		gw_result_set(out, GW_RETRY, NULL,
			      "the provider has no record of the interrupted send");
	}
	json_decref(j);
	return 0;
}

static bool gw_twilio_verify(const struct gw_app *app, struct tp_http_request *req)
{
	struct tp_urlform f;
	tp_urlform_init(&f);
	if (tp_urlform_parse(tp_buf_str(&req->body), req->body.len, &f) < 0)
		return false;
	char *url = tp_xasprintf("%s%s", app->public_url, req->target);
	bool ok = tp_twilio_signature_valid(app->twilio.auth_token, url, &f,
					    tp_http_header(req, "X-Twilio-Signature"));
	free(url);
	tp_urlform_release(&f);
	return ok;
}

/* Twilio's message statuses on the contract's scale; NULL to ignore. */
static const char *gw_twilio_status(const char *s)
{
	static const char *const map[][2] = {
		{ "accepted", "queued" }, { "scheduled", "queued" }, { "queued", "queued" },
		{ "sending", "sent" }, { "sent", "sent" }, { "partially_delivered", "sent" },
		{ "delivered", "delivered" }, { "undelivered", "undelivered" },
		{ "failed", "failed" }, { "canceled", "failed" }, { "read", "read" },
	};
	for (size_t i = 0; s && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* "whatsapp:+852..." or "+852..." into E.164 and the channel. */
static int gw_twilio_address(const char *in, char out[TP_PHONE_MAX], const char **channel)
{
	*channel = "sms";
	if (in && strncmp(in, "whatsapp:", 9) == 0) {
		*channel = "whatsapp";
		in += 9;
	}
	return tp_phone_normalize(in, out, NULL);
}

int gw_twilio_events_from_form(const struct tp_urlform *f, bool status, int64_t now,
			       json_t *events, struct tp_error *e)
{
	const char *sid = tp_urlform_get(f, "MessageSid");
	if (!sid)
		sid = tp_urlform_get(f, "SmsSid");
	if (!sid || !*sid || strlen(sid) > 64)
		return tp_error_set(e, 400, "invalid_field", "MessageSid", "is missing");
	if (status) {
		const char *raw = tp_urlform_get(f, "MessageStatus");
		if (!raw)
			raw = tp_urlform_get(f, "SmsStatus");
		if (!raw)
			return tp_error_set(e, 400, "invalid_field", "MessageStatus", "is missing");
		const char *mapped = gw_twilio_status(raw);
		if (!mapped) {
			tp_debug("twilio status '%s' of %s ignored", raw, sid);
			return 0;
		}
		const char *code = tp_urlform_get(f, "ErrorCode");
		char reason[200] = "";
		if (code && *code) {
			const struct gw_code *c = gw_code_find(gw_twilio_codes, strtol(code, NULL, 10));
			snprintf(reason, sizeof reason, "%s",
				 c ? c->words : "not delivered (provider error)");
		} else if (strcmp(raw, "canceled") == 0) {
			snprintf(reason, sizeof reason, "canceled at the provider");
		}
		json_array_append_new(events, gw_event_status("twilio", sid, mapped, now,
							      code && *code ? code : NULL, reason));
		return 0;
	}
	char from[TP_PHONE_MAX], to[TP_PHONE_MAX];
	const char *channel, *to_channel;
	if (gw_twilio_address(tp_urlform_get(f, "From"), from, &channel) < 0)
		return tp_error_set(e, 400, "invalid_field", "From", "is not a phone number");
	if (gw_twilio_address(tp_urlform_get(f, "To"), to, &to_channel) < 0)
		to[0] = '\0';   /* an alphanumeric sender ID: no number to give */
	const char *text = tp_urlform_get(f, "Body");
	const char *button_text = tp_urlform_get(f, "ButtonText");
	const char *payload = tp_urlform_get(f, "ButtonPayload");
	const char *media = tp_urlform_get(f, "NumMedia");
	if ((!text || !*text) && button_text && *button_text)
		text = button_text;
	if ((!text || !*text) && media && strtol(media, NULL, 10) > 0)
		text = "[media]";
	json_array_append_new(events, gw_event_inbound("twilio", sid, channel, from, to,
						       text ? text : "", payload, now));
	return 0;
}

static int gw_twilio_events(const struct gw_app *app, struct tp_http_request *req,
			    json_t *events, struct tp_error *e)
{
	(void)app;
	struct tp_urlform f;
	tp_urlform_init(&f);
	if (tp_urlform_parse(tp_buf_str(&req->body), req->body.len, &f) < 0)
		return tp_error_set(e, 400, "invalid_body", "", "the form could not be read");
	size_t n = strlen(req->path);
	bool status = n > 7 && strcmp(req->path + n - 7, "/status") == 0;
	int r = gw_twilio_events_from_form(&f, status, tp_now(), events, e);
	tp_urlform_release(&f);
	return r;
}

const struct gw_adapter gw_twilio_adapter = {
	.name = "twilio",
	.buttons = false,
	.has_template = gw_twilio_has_template,
	.build = gw_twilio_build,
	.parse = gw_twilio_parse,
	.lookup = gw_twilio_lookup,
	.verify = gw_twilio_verify,
	.events = gw_twilio_events,
	.ack_type = "text/xml",
	.ack_body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>",
};
