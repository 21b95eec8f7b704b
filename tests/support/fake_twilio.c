/*
 * The fake of Twilio's Programmable Messaging API (see fakeprovider.h):
 * checks requests as Twilio does and answers as Twilio does.
 */
#include "fakeprovider_impl.h"
#include "tp_alloc.h"
#include "tp_signature.h"
#include "tp_urlform.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int fk_twilio_error(struct tp_http_request *req, int status, long code,
			   const char *message, int retry_after)
{
	char more[96];
	snprintf(more, sizeof more, "https://www.twilio.com/docs/errors/%ld", code);
	if (retry_after > 0) {
		char v[16];
		snprintf(v, sizeof v, "%d", retry_after);
		tp_http_add_header(req, "Retry-After", v);
	}
	json_t *j = json_pack("{s:I, s:s, s:s, s:i}", "code", (json_int_t)code, "message", message,
			      "more_info", more, "status", status);
	return tp_http_reply_json(req, status, j);
}

static void fk_rfc2822(int64_t ms, char out[40])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 40, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* A Message resource as Twilio answers it. */
static json_t *fk_twilio_resource(const struct fk_provider *f, json_t *m)
{
	json_t *rq = json_object_get(m, "request");
	char date[40];
	fk_rfc2822(json_integer_value(json_object_get(m, "at_ms")), date);
	const char *sid = json_string_value(json_object_get(m, "id"));
	char *uri = tp_xasprintf("/2010-04-01/Accounts/%s/Messages/%s.json", f->cfg.account_sid,
				 sid);
	json_t *j = json_object();
	json_object_set_new(j, "account_sid", json_string(f->cfg.account_sid));
	json_object_set_new(j, "api_version", json_string("2010-04-01"));
	json_object_set(j, "body", json_object_get(m, "body"));
	json_object_set_new(j, "date_created", json_string(date));
	json_object_set_new(j, "date_sent", json_null());
	json_object_set_new(j, "date_updated", json_string(date));
	json_object_set_new(j, "direction", json_string("outbound-api"));
	json_object_set_new(j, "error_code", json_null());
	json_object_set_new(j, "error_message", json_null());
	json_object_set(j, "from", json_object_get(rq, "From") ? json_object_get(rq, "From")
							       : json_null());
	json_object_set(j, "messaging_service_sid",
			json_object_get(rq, "MessagingServiceSid")
				? json_object_get(rq, "MessagingServiceSid") : json_null());
	json_object_set_new(j, "num_media", json_string("0"));
	json_object_set_new(j, "num_segments", json_string("1"));
	json_object_set_new(j, "price", json_null());
	json_object_set_new(j, "price_unit", json_string("USD"));
	json_object_set_new(j, "sid", json_string(sid));
	json_object_set_new(j, "status", json_string("queued"));
	json_object_set(j, "to", json_object_get(rq, "To"));
	json_object_set_new(j, "uri", json_string(uri));
	free(uri);
	return j;
}

static bool fk_is_sid(const char *s, const char *prefix)
{
	return s && strlen(s) == 34 && strncmp(s, prefix, 2) == 0 &&
	       strspn(s + 2, "0123456789abcdef") == 32;
}

static void fk_twilio_callbacks(struct fk_provider *f, const char *sid, json_t *rq)
{
	const char *url = json_string_value(json_object_get(rq, "StatusCallback"));
	pthread_mutex_lock(&f->lock);
	int flags = f->callbacks;
	char post_base[128];
	snprintf(post_base, sizeof post_base, "%s", f->post_base);
	pthread_mutex_unlock(&f->lock);
	if (!url || (flags & FK_CB_NONE))
		return;
	const char *statuses[] = { "sent", "delivered" };
	if (flags & FK_CB_REORDER) {
		statuses[0] = "delivered";
		statuses[1] = "sent";
	}
	char *post = post_base[0] ? fk_rebase(url, post_base) : tp_xstrdup(url);
	for (int i = 0; i < 2; i++) {
		struct tp_urlform cb;
		tp_urlform_init(&cb);
		tp_urlform_add(&cb, "SmsSid", sid);
		tp_urlform_add(&cb, "SmsStatus", statuses[i]);
		tp_urlform_add(&cb, "MessageStatus", statuses[i]);
		tp_urlform_add(&cb, "To", json_string_value(json_object_get(rq, "To")));
		tp_urlform_add(&cb, "MessageSid", sid);
		tp_urlform_add(&cb, "AccountSid", f->cfg.account_sid);
		const char *from = json_string_value(json_object_get(rq, "From"));
		tp_urlform_add(&cb, "From", from ? from : "");
		tp_urlform_add(&cb, "ApiVersion", "2010-04-01");
		char *sig = tp_twilio_signature(f->cfg.auth_token, url, &cb);
		char *header = tp_xasprintf("X-Twilio-Signature: %s", sig);
		struct tp_buf body;
		tp_buf_init(&body, 65536);
		tp_urlform_encode(&cb, &body);
		for (int k = 0; k < ((flags & FK_CB_DUPLICATE) ? 2 : 1); k++)
			fk_queue_callback(f, post, tp_buf_str(&body),
					  "application/x-www-form-urlencoded", header);
		tp_buf_release(&body);
		free(header);
		free(sig);
		tp_urlform_release(&cb);
	}
	free(post);
}

static const char *const fk_twilio_params[] = {
	"To", "From", "MessagingServiceSid", "Body", "StatusCallback", "ValidityPeriod",
	"ContentSid", "ContentVariables", "MediaUrl", "ApplicationSid", "MaxPrice",
	"ProvideFeedback", "Attempt", "ForceDelivery", "SmartEncoded", "ShortenUrls",
	"ScheduleType", "SendAt", "SendAsMms", "RiskCheck", NULL,
};

struct fk_refusal {
	int status;
	long code;
	char why[300];
};

static bool fk_no(struct fk_refusal *no, int status, long code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool fk_no(struct fk_refusal *no, int status, long code, const char *fmt, ...)
{
	no->status = status;
	no->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(no->why, sizeof no->why, fmt, ap);
	va_end(ap);
	return false;
}

/* Checks a send's fields as Twilio does; false with no filled when bad. */
static bool fk_twilio_check(json_t *rq, struct fk_refusal *no)
{
	const char *to = json_string_value(json_object_get(rq, "To"));
	const char *from = json_string_value(json_object_get(rq, "From"));
	const char *service = json_string_value(json_object_get(rq, "MessagingServiceSid"));
	const char *body = json_string_value(json_object_get(rq, "Body"));
	const char *content = json_string_value(json_object_get(rq, "ContentSid"));
	const char *vars = json_string_value(json_object_get(rq, "ContentVariables"));
	const char *callback = json_string_value(json_object_get(rq, "StatusCallback"));
	const char *validity = json_string_value(json_object_get(rq, "ValidityPeriod"));
	bool wa_to = to && strncmp(to, "whatsapp:", 9) == 0;
	bool wa_from = from && strncmp(from, "whatsapp:", 9) == 0;
	if (!to)
		return fk_no(no, 400, 21604, "A 'To' phone number is required.");
	if (!fk_is_e164(to + (wa_to ? 9 : 0)))
		return fk_no(no, 400, 21211, "The 'To' number %s is not a valid phone number.", to);
	if (!from && !service)
		return fk_no(no, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is "
			     "required to send a message");
	if (service && !fk_is_sid(service, "MG"))
		return fk_no(no, 400, 21701, "invalid MessagingServiceSid %s", service);
	if (from && !wa_from && !fk_is_e164(from) && strlen(from) > 11)
		return fk_no(no, 400, 21212, "The 'From' number %s is not a valid phone number "
			     "or sender ID", from);
	if (from && wa_from && !fk_is_e164(from + 9))
		return fk_no(no, 400, 21212, "The 'From' number %s is not valid", from);
	if (wa_to != wa_from || (wa_to && service))
		return fk_no(no, 400, 63007, "To and From must both be whatsapp: addresses");
	if (!body && !content)
		return fk_no(no, 400, 21602, "Message body is required.");
	if (body && content)
		return fk_no(no, 400, 20001, "Body and ContentSid both given");
	if (body && (!*body || tp_utf8_chars(body) > 1600))
		return fk_no(no, 400, 21617, "The concatenated message body exceeds the 1600 "
			     "character limit (or is empty)");
	if (content && !fk_is_sid(content, "HX"))
		return fk_no(no, 400, 21655, "The ContentSid %s is invalid", content);
	if (vars && !content)
		return fk_no(no, 400, 20001, "ContentVariables without ContentSid");
	if (callback && strncmp(callback, "http://", 7) != 0 &&
	    strncmp(callback, "https://", 8) != 0)
		return fk_no(no, 400, 21609, "Invalid StatusCallback %s", callback);
	if (vars) {
		json_t *v = json_loads(vars, 0, NULL);
		const char *key;
		json_t *val;
		bool good = json_is_object(v);
		json_object_foreach(v, key, val)
			if (!json_is_string(val) || strspn(key, "0123456789") != strlen(key))
				good = false;
		json_decref(v);
		if (!good)
			return fk_no(no, 400, 21658, "ContentVariables %s is not a JSON object of "
				     "numbered strings", vars);
	}
	if (validity) {
		char *end;
		long v = strtol(validity, &end, 10);
		if (*end || v < 1 || v > 36000)
			return fk_no(no, 400, 21623, "ValidityPeriod %s is not 1 to 36000", validity);
	}
	return true;
}

static int fk_twilio_send(struct fk_provider *f, struct tp_http_request *req)
{
	struct fk_refusal no = { 0 };
	const char *ct = tp_http_header(req, "Content-Type");
	struct tp_urlform form;
	tp_urlform_init(&form);
	json_t *rq = json_object();
	bool good = true;
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		good = fk_no(&no, 400, 20001, "Content-Type %s is not a form", ct ? ct : "(none)");
	else if (tp_urlform_parse(tp_buf_str(&req->body), req->body.len, &form) < 0)
		good = fk_no(&no, 400, 20001, "the form cannot be read");
	for (size_t i = 0; good && i < form.count; i++) {
		bool known = false;
		for (const char *const *k = fk_twilio_params; *k; k++)
			if (strcmp(*k, form.names[i]) == 0)
				known = true;
		if (!known)
			good = fk_no(&no, 400, 20001, "unknown parameter %s", form.names[i]);
		else if (json_object_get(rq, form.names[i]))
			good = fk_no(&no, 400, 20001, "parameter %s given twice", form.names[i]);
		else
			json_object_set_new(rq, form.names[i], json_string(form.values[i]));
	}
	tp_urlform_release(&form);
	if (good)
		good = fk_twilio_check(rq, &no);
	if (!good) {
		json_decref(rq);
		fk_rejected_note(f, no.why);
		return fk_twilio_error(req, no.status, no.code, no.why, 0);
	}
	const char *to = json_string_value(json_object_get(rq, "To"));
	const char *body = json_string_value(json_object_get(rq, "Body"));
	const char *content = json_string_value(json_object_get(rq, "ContentSid"));
	bool wa_to = strncmp(to, "whatsapp:", 9) == 0;
	const char *to_number = to + (wa_to ? 9 : 0);
	struct fk_step step;
	bool scripted = fk_next_step(f, &step);
	if (scripted && step.kind == FK_STEP_ERROR) {
		json_decref(rq);
		return fk_twilio_error(req, step.http_status, step.code, "scripted error",
				       step.retry_after);
	}
	if (scripted && step.kind == FK_STEP_DROP) {
		json_decref(rq);
		return -ECONNABORTED;
	}
	if (fk_is_stopped(f, to_number)) {
		json_decref(rq);
		return fk_twilio_error(req, 400, 21610, "Attempt to send to unsubscribed recipient",
				       0);
	}
	char sid[40];
	fk_new_id(sid, sizeof sid, "SM", 32);
	fk_take(f, sid, to, content ? "template" : wa_to ? "whatsapp" : "sms",
		content ? content : body, rq);
	fk_twilio_callbacks(f, sid, rq);
	json_decref(rq);
	if (scripted && step.kind == FK_STEP_TAKE_DROP)
		return -ECONNABORTED;
	if (scripted && step.kind == FK_STEP_HOLD)
		fk_hold(f);
	json_t *res = NULL;
	for (size_t i = fk_sent_count(f); !res && i-- > 0;) {
		json_t *m = fk_sent(f, i);
		if (strcmp(json_string_value(json_object_get(m, "id")), sid) == 0)
			res = fk_twilio_resource(f, m);
		json_decref(m);
	}
	return tp_http_reply_json(req, 201, res);
}

static int fk_twilio_list(struct fk_provider *f, struct tp_http_request *req)
{
	const char *to = tp_http_query(req, "To");
	const char *from = tp_http_query(req, "From");
	const char *size = tp_http_query(req, "PageSize");
	long page = size ? strtol(size, NULL, 10) : 50;
	if (page < 1 || page > 1000)
		page = 50;
	json_t *list = json_array();
	size_t n = fk_sent_count(f);
	for (size_t i = n; i-- > 0 && (long)json_array_size(list) < page;) {
		json_t *m = fk_sent(f, i);
		json_t *rq = json_object_get(m, "request");
		const char *mto = json_string_value(json_object_get(rq, "To"));
		const char *mfrom = json_string_value(json_object_get(rq, "From"));
		if ((!to || (mto && strcmp(to, mto) == 0)) &&
		    (!from || (mfrom && strcmp(from, mfrom) == 0)))
			json_array_append_new(list, fk_twilio_resource(f, m));
		json_decref(m);
	}
	char *uri = tp_xasprintf("/2010-04-01/Accounts/%s/Messages.json", f->cfg.account_sid);
	json_t *j = json_pack("{s:o, s:s, s:i, s:i, s:i, s:i, s:n, s:n, s:s}", "messages", list,
			      "uri", uri, "page", 0, "page_size", (int)page, "start", 0, "end",
			      (int)json_array_size(list) - 1, "next_page_uri", "previous_page_uri",
			      "first_page_uri", uri);
	free(uri);
	return tp_http_reply_json(req, 200, j);
}

int fk_twilio_handle(struct fk_provider *f, struct tp_http_request *req)
{
	char *path = tp_xasprintf("/2010-04-01/Accounts/%s/Messages.json", f->cfg.account_sid);
	bool ours = strcmp(req->path, path) == 0;
	free(path);
	if (!ours)
		return fk_twilio_error(req, 404, 20404, "The requested resource was not found", 0);
	char *pair = tp_xasprintf("%s:%s", f->cfg.account_sid, f->cfg.auth_token);
	char *b64 = tp_base64(pair, strlen(pair));
	char *want = tp_xasprintf("Basic %s", b64);
	const char *auth = tp_http_header(req, "Authorization");
	bool authorised = auth && strcmp(auth, want) == 0;
	free(pair);
	free(b64);
	free(want);
	if (strcmp(req->method, "POST") == 0) {
		pthread_mutex_lock(&f->lock);
		f->requests++;
		pthread_mutex_unlock(&f->lock);
	}
	if (!authorised) {
		fk_rejected_note(f, "wrong or missing Basic credentials");
		return fk_twilio_error(req, 401, 20003, "Authenticate", 0);
	}
	if (strcmp(req->method, "POST") == 0)
		return fk_twilio_send(f, req);
	if (strcmp(req->method, "GET") == 0)
		return fk_twilio_list(f, req);
	return fk_twilio_error(req, 405, 20004, "Method not allowed", 0);
}

long fk_twilio_inbound(struct fk_provider *f, const char *from, const char *text,
		       const char *button, bool whatsapp, const char *sid, bool bad_signature)
{
	char to[40], fromv[40];
	snprintf(to, sizeof to, "%s%s", whatsapp ? "whatsapp:" : "", f->cfg.own_number);
	snprintf(fromv, sizeof fromv, "%s%s", whatsapp ? "whatsapp:" : "", from);
	struct tp_urlform form;
	tp_urlform_init(&form);
	tp_urlform_add(&form, "ToCountry", "HK");
	tp_urlform_add(&form, "SmsMessageSid", sid);
	tp_urlform_add(&form, "NumMedia", "0");
	tp_urlform_add(&form, "SmsSid", sid);
	tp_urlform_add(&form, "SmsStatus", "received");
	tp_urlform_add(&form, "Body", text);
	tp_urlform_add(&form, "FromCountry", "HK");
	tp_urlform_add(&form, "To", to);
	tp_urlform_add(&form, "NumSegments", "1");
	tp_urlform_add(&form, "MessageSid", sid);
	tp_urlform_add(&form, "AccountSid", f->cfg.account_sid);
	tp_urlform_add(&form, "From", fromv);
	tp_urlform_add(&form, "ApiVersion", "2010-04-01");
	if (whatsapp) {
		tp_urlform_add(&form, "ProfileName", "Kiki");
		tp_urlform_add(&form, "WaId", from + 1);
		if (button) {
			tp_urlform_add(&form, "ButtonText", text);
			tp_urlform_add(&form, "ButtonPayload", button);
		}
	}
	pthread_mutex_lock(&f->lock);
	char *sign = tp_xasprintf("%s/webhooks/twilio", f->sign_base);
	pthread_mutex_unlock(&f->lock);
	char *sig = tp_twilio_signature(bad_signature ? "not-the-token" : f->cfg.auth_token, sign,
					&form);
	char *header = tp_xasprintf("X-Twilio-Signature: %s", sig);
	struct tp_buf body;
	tp_buf_init(&body, 65536);
	tp_urlform_encode(&form, &body);
	long status = fk_post_gateway(f, "/webhooks/twilio", tp_buf_str(&body),
				      "application/x-www-form-urlencoded", header);
	tp_buf_release(&body);
	free(header);
	free(sig);
	free(sign);
	tp_urlform_release(&form);
	return status;
}
