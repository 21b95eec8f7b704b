/*
 * The fake of Meta's WhatsApp Cloud API (see fakeprovider.h): checks
 * requests as the Graph API does, keeps the 24-hour window and the pair
 * rate when told to, and answers as the Graph API does.
 */
#include "fakeprovider_impl.h"
#include "tp_alloc.h"
#include "tp_signature.h"
#include "tp_time.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fk_meta_error(struct tp_http_request *req, int status, long code, const char *message,
			 const char *details, int retry_after)
{
	if (retry_after > 0) {
		char v[16];
		snprintf(v, sizeof v, "%d", retry_after);
		tp_http_add_header(req, "Retry-After", v);
	}
	json_t *err = json_pack("{s:s, s:s, s:I, s:s}", "message", message, "type",
				"OAuthException", "code", (json_int_t)code, "fbtrace_id",
				"AbCdEfGhIjKlMnOpQrStUvW");
	if (details)
		json_object_set_new(err, "error_data", json_pack("{s:s, s:s}", "messaging_product",
								 "whatsapp", "details", details));
	return tp_http_reply_json(req, status, json_pack("{s:o}", "error", err));
}

static bool fk_only_keys(json_t *o, const char *const *keys, char *why, size_t len,
			 const char *where)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		bool known = false;
		for (const char *const *k = keys; *k; k++)
			if (strcmp(*k, key) == 0)
				known = true;
		if (!known) {
			snprintf(why, len, "(#100) Param %s%s is not valid", where, key);
			return false;
		}
	}
	return true;
}

static bool fk_text_in(json_t *v, size_t min, size_t max)
{
	const char *s = json_string_value(v);
	size_t n = s ? tp_utf8_chars(s) : 0;
	return s && n >= min && n <= max;
}

static bool fk_lang_code(const char *c)
{
	if (!c)
		return false;
	size_t n = strlen(c);
	if ((n == 2 || n == 3) && strspn(c, "abcdefghijklmnopqrstuvwxyz") == n)
		return true;
	return n == 5 && strspn(c, "abcdefghijklmnopqrstuvwxyz") == 2 && c[2] == '_' &&
	       strspn(c + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 2;
}

/* Checks the JSON of a send as the Graph API does; false with why. */
static bool fk_meta_check(json_t *j, char *why, size_t len)
{
	static const char *const top[] = { "messaging_product", "recipient_type", "to", "type",
					   "text", "template", "interactive", "context",
					   "biz_opaque_callback_data", NULL };
	if (!fk_only_keys(j, top, why, len, ""))
		return false;
	const char *product = json_string_value(json_object_get(j, "messaging_product"));
	const char *rtype = json_string_value(json_object_get(j, "recipient_type"));
	const char *to = json_string_value(json_object_get(j, "to"));
	const char *type = json_string_value(json_object_get(j, "type"));
	if (!product || strcmp(product, "whatsapp") != 0) {
		snprintf(why, len, "(#100) messaging_product must be whatsapp");
		return false;
	}
	if (rtype && strcmp(rtype, "individual") != 0) {
		snprintf(why, len, "(#100) recipient_type must be individual");
		return false;
	}
	size_t n = to ? strlen(to) : 0;
	if (n < 8 || n > 15 || strspn(to, "0123456789") != n || to[0] == '0') {
		snprintf(why, len, "(#100) to must be the number's digits with the country code");
		return false;
	}
	if (!type || (strcmp(type, "text") && strcmp(type, "template") &&
		      strcmp(type, "interactive"))) {
		snprintf(why, len, "(#100) type %s is not one this fake knows", type ? type : "");
		return false;
	}
	for (const char *const *k = (const char *const[]){ "text", "template", "interactive", NULL };
	     *k; k++)
		if (strcmp(*k, type) != 0 && json_object_get(j, *k)) {
			snprintf(why, len, "(#100) %s given with type %s", *k, type);
			return false;
		}
	json_t *o = json_object_get(j, type);
	if (!json_is_object(o)) {
		snprintf(why, len, "(#100) the %s object is required", type);
		return false;
	}
	if (strcmp(type, "text") == 0) {
		static const char *const keys[] = { "body", "preview_url", NULL };
		if (!fk_only_keys(o, keys, why, len, "text.") ||
		    !fk_text_in(json_object_get(o, "body"), 1, 4096) ||
		    (json_object_get(o, "preview_url") && !json_is_boolean(json_object_get(o, "preview_url")))) {
			if (!why[0])
				snprintf(why, len, "(#100) text.body must be 1 to 4096 characters");
			return false;
		}
		return true;
	}
	if (strcmp(type, "template") == 0) {
		static const char *const keys[] = { "name", "language", "components", NULL };
		const char *name = json_string_value(json_object_get(o, "name"));
		json_t *lang = json_object_get(o, "language");
		if (!fk_only_keys(o, keys, why, len, "template.") || !name || !*name ||
		    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(name) ||
		    !fk_lang_code(json_string_value(json_object_get(lang, "code")))) {
			if (!why[0])
				snprintf(why, len, "(#100) template needs a name and language.code "
					 "such as zh_HK");
			return false;
		}
		size_t i, k;
		json_t *c, *p;
		json_array_foreach(json_object_get(o, "components"), i, c) {
			const char *ctype = json_string_value(json_object_get(c, "type"));
			if (!ctype || (strcmp(ctype, "body") && strcmp(ctype, "header") &&
				       strcmp(ctype, "button"))) {
				snprintf(why, len, "(#100) components[%zu].type is not valid", i);
				return false;
			}
			json_array_foreach(json_object_get(c, "parameters"), k, p) {
				const char *ptype = json_string_value(json_object_get(p, "type"));
				if (!ptype || strcmp(ptype, "text") != 0 ||
				    !fk_text_in(json_object_get(p, "text"), 1, 32768)) {
					snprintf(why, len, "(#131008) components[%zu].parameters[%zu] "
						 "needs type text and a text", i, k);
					return false;
				}
			}
		}
		return true;
	}
	/* interactive reply buttons */
	const char *itype = json_string_value(json_object_get(o, "type"));
	json_t *buttons = json_object_get(json_object_get(o, "action"), "buttons");
	if (!itype || strcmp(itype, "button") != 0 ||
	    !fk_text_in(json_object_get(json_object_get(o, "body"), "text"), 1, 1024) ||
	    !json_is_array(buttons) || json_array_size(buttons) < 1 ||
	    json_array_size(buttons) > 3) {
		snprintf(why, len, "(#100) interactive needs type button, body.text (1-1024) and "
			 "1 to 3 buttons");
		return false;
	}
	size_t i;
	json_t *b;
	json_array_foreach(buttons, i, b) {
		json_t *reply = json_object_get(b, "reply");
		const char *bt = json_string_value(json_object_get(b, "type"));
		if (!bt || strcmp(bt, "reply") != 0 || !fk_text_in(json_object_get(reply, "id"), 1, 256) ||
		    !fk_text_in(json_object_get(reply, "title"), 1, 20)) {
			snprintf(why, len, "(#100) buttons[%zu] needs type reply, reply.id (1-256) "
				 "and reply.title (1-20 characters)", i);
			return false;
		}
		for (size_t k = 0; k < i; k++)
			if (json_equal(json_object_get(json_object_get(json_array_get(buttons, k),
								       "reply"), "title"),
				       json_object_get(reply, "title"))) {
				snprintf(why, len, "(#100) button titles must be unique");
				return false;
			}
	}
	return true;
}

/* The webhook body of one change's value. */
static char *fk_meta_webhook(struct fk_provider *f, json_t *value)
{
	json_object_set_new(value, "messaging_product", json_string("whatsapp"));
	json_object_set_new(value, "metadata",
			    json_pack("{s:s, s:s}", "display_phone_number", f->cfg.own_number + 1,
				      "phone_number_id", f->cfg.phone_number_id));
	json_t *j = json_pack("{s:s, s:[{s:s, s:[{s:o, s:s}]}]}", "object",
			      "whatsapp_business_account", "entry", "id", "102290129340398",
			      "changes", "value", value, "field", "messages");
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return text;
}

static void fk_meta_queue(struct fk_provider *f, json_t *value)
{
	char *body = fk_meta_webhook(f, value);
	char sig[TP_META_SIGNATURE_LEN + 1];
	tp_meta_signature(f->cfg.app_secret, body, strlen(body), sig);
	char *header = tp_xasprintf("X-Hub-Signature-256: %s", sig);
	pthread_mutex_lock(&f->lock);
	char *post = tp_xasprintf("%s/webhooks/meta", f->post_base);
	pthread_mutex_unlock(&f->lock);
	fk_queue_callback(f, post, body, "application/json", header);
	free(post);
	free(header);
	free(body);
}

static json_t *fk_meta_status(const char *id, const char *status, const char *to, long code)
{
	char ts[24];
	snprintf(ts, sizeof ts, "%lld", (long long)tp_now());
	json_t *st = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "status", status, "timestamp", ts,
			       "recipient_id", to);
	if (code)
		json_object_set_new(st, "errors",
				    json_pack("[{s:I, s:s, s:s, s:{s:s}}]", "code", (json_int_t)code,
					      "title", "Re-engagement message", "message",
					      "Re-engagement message", "error_data", "details",
					      "Message failed to send because more than 24 hours have "
					      "passed since the customer last replied to this number."));
	return st;
}

static void fk_meta_callbacks(struct fk_provider *f, const char *id, const char *to,
			      bool window_failed)
{
	pthread_mutex_lock(&f->lock);
	int flags = f->callbacks;
	pthread_mutex_unlock(&f->lock);
	if (flags & FK_CB_NONE)
		return;
	const char *list[3];
	int n = 0;
	if (window_failed) {
		list[n++] = "failed";
	} else {
		list[n++] = "sent";
		list[n++] = "delivered";
		if (flags & FK_CB_READ)
			list[n++] = "read";
	}
	if (flags & FK_CB_REORDER)
		for (int i = 0; i < n / 2; i++) {
			const char *t = list[i];
			list[i] = list[n - 1 - i];
			list[n - 1 - i] = t;
		}
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ((flags & FK_CB_DUPLICATE) ? 2 : 1); k++) {
			json_t *value = json_pack("{s:[o]}", "statuses",
						  fk_meta_status(id, list[i], to,
								 window_failed ? 131047 : 0));
			fk_meta_queue(f, value);
		}
}

static int fk_meta_send(struct fk_provider *f, struct tp_http_request *req)
{
	const char *ct = tp_http_header(req, "Content-Type");
	char why[300] = "";
	json_t *j = NULL;
	if (!ct || strncasecmp(ct, "application/json", 16) != 0)
		snprintf(why, sizeof why, "(#100) Content-Type must be application/json");
	else if (!(j = json_loadb(req->body.data ? req->body.data : "", req->body.len, 0, NULL)) ||
		 !json_is_object(j))
		snprintf(why, sizeof why, "(#100) the body is not a JSON object");
	else
		fk_meta_check(j, why, sizeof why);
	if (why[0]) {
		json_decref(j);
		fk_rejected_note(f, why);
		return fk_meta_error(req, 400, 100, "(#100) Invalid parameter", why, 0);
	}
	const char *to = json_string_value(json_object_get(j, "to"));
	const char *type = json_string_value(json_object_get(j, "type"));
	char e164[24];
	snprintf(e164, sizeof e164, "+%s", to);
	struct fk_step step;
	bool scripted = fk_next_step(f, &step);
	if (scripted && step.kind == FK_STEP_ERROR) {
		json_decref(j);
		return fk_meta_error(req, step.http_status, step.code, "scripted error",
				     "scripted by the test", step.retry_after);
	}
	if (scripted && step.kind == FK_STEP_DROP) {
		json_decref(j);
		return -ECONNABORTED;
	}
	pthread_mutex_lock(&f->lock);
	enum fk_window window = f->window;
	int64_t gap = f->pair_gap_ms;
	pthread_mutex_unlock(&f->lock);
	bool free_form = strcmp(type, "template") != 0;
	int64_t last_in = fk_last_inbound(f, e164);
	bool closed = free_form && window != FK_WINDOW_OFF &&
		      (!last_in || tp_now() - last_in >= 24 * 3600);
	if (closed && window == FK_WINDOW_SYNC) {
		json_decref(j);
		return fk_meta_error(req, 400, 131047, "Re-engagement message",
				     "Message failed to send because more than 24 hours have passed "
				     "since the customer last replied to this number.", 0);
	}
	if (gap > 0) {
		int64_t last = fk_last_send_ms(f, to);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (last && now_ms - last < gap) {
			json_decref(j);
			return fk_meta_error(req, 400, 131056,
					     "(Business Account, Consumer Account) pair rate limit hit",
					     "Too many messages sent from this phone number to the same "
					     "phone number in a short period of time.", 0);
		}
	}
	char id[96];
	fk_new_id(id, sizeof id, "wamid.HBgL", 40);
	const char *body = strcmp(type, "text") == 0
		? json_string_value(json_object_get(json_object_get(j, "text"), "body"))
		: strcmp(type, "template") == 0
		? json_string_value(json_object_get(json_object_get(j, "template"), "name"))
		: json_string_value(json_object_get(json_object_get(json_object_get(j, "interactive"),
								    "body"), "text"));
	fk_take(f, id, to, type, body, j);
	fk_meta_callbacks(f, id, to, closed);
	json_decref(j);
	if (scripted && step.kind == FK_STEP_TAKE_DROP)
		return -ECONNABORTED;
	if (scripted && step.kind == FK_STEP_HOLD)
		fk_hold(f);
	json_t *res = json_pack("{s:s, s:[{s:s, s:s}], s:[{s:s}]}", "messaging_product", "whatsapp",
				"contacts", "input", to, "wa_id", to, "messages", "id", id);
	if (!free_form)
		json_object_set_new(json_array_get(json_object_get(res, "messages"), 0),
				    "message_status", json_string("accepted"));
	return tp_http_reply_json(req, 200, res);
}

int fk_meta_handle(struct fk_provider *f, struct tp_http_request *req)
{
	char *path = tp_xasprintf("/%s/%s/messages", f->cfg.api_version, f->cfg.phone_number_id);
	bool ours = strcmp(req->path, path) == 0;
	free(path);
	if (!ours)
		return fk_meta_error(req, 400, 100, "Unsupported post request.", NULL, 0);
	if (strcmp(req->method, "POST") != 0)
		return fk_meta_error(req, 400, 100, "Unsupported get request.", NULL, 0);
	pthread_mutex_lock(&f->lock);
	f->requests++;
	pthread_mutex_unlock(&f->lock);
	const char *auth = tp_http_header(req, "Authorization");
	char *want = tp_xasprintf("Bearer %s", f->cfg.access_token);
	bool ok = auth && strcmp(auth, want) == 0;
	free(want);
	if (!ok) {
		fk_rejected_note(f, "wrong or missing bearer token");
		return fk_meta_error(req, 401, 190, "Invalid OAuth access token - Cannot parse "
				     "access token", NULL, 0);
	}
	return fk_meta_send(f, req);
}

long fk_meta_inbound(struct fk_provider *f, const char *from, const char *text,
		     const char *button, const char *mid, bool bad_signature)
{
	char ts[24];
	snprintf(ts, sizeof ts, "%lld", (long long)tp_now());
	json_t *msg = json_pack("{s:s, s:s, s:s}", "from", from + 1, "id", mid, "timestamp", ts);
	if (button) {
		json_object_set_new(msg, "type", json_string("interactive"));
		json_object_set_new(msg, "interactive",
				    json_pack("{s:s, s:{s:s, s:s}}", "type", "button_reply",
					      "button_reply", "id", button, "title", text));
	} else {
		json_object_set_new(msg, "type", json_string("text"));
		json_object_set_new(msg, "text", json_pack("{s:s}", "body", text));
	}
	json_t *value = json_pack("{s:[{s:{s:s}, s:s}], s:[o]}", "contacts", "profile", "name",
				  "Kiki", "wa_id", from + 1, "messages", msg);
	char *body = fk_meta_webhook(f, value);
	char sig[TP_META_SIGNATURE_LEN + 1];
	tp_meta_signature(bad_signature ? "not-the-secret" : f->cfg.app_secret, body, strlen(body),
			  sig);
	char *header = tp_xasprintf("X-Hub-Signature-256: %s", sig);
	long status = fk_post_gateway(f, "/webhooks/meta", body, "application/json", header);
	if (status == 200)
		fk_note_inbound(f, from, tp_now());
	free(header);
	free(body);
	return status;
}
