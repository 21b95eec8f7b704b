/* Claimed messages and their plans; see message.h. */
#include "message.h"
#include "tp_alloc.h"
#include "tp_phone.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* WhatsApp's limits on reply-button messages. */
#define GW_BUTTONS_MAX 3
#define GW_BUTTON_TITLE_MAX 20
#define GW_BUTTON_ID_MAX 256
#define GW_BUTTON_BODY_MAX 1024

static int gw_bad(struct gw_message *m, char *err, size_t errlen, const char *field,
		  const char *why)
{
	snprintf(err, errlen, "%s: %s", field, why);
	gw_message_release(m);
	return -EINVAL;
}

int gw_message_parse(json_t *j, struct gw_message *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	if (!json_is_object(j))
		return gw_bad(m, err, errlen, "message", "is not an object");
	json_t *v = json_object_get(j, "id");
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return gw_bad(m, err, errlen, "id", "must be a positive integer");
	m->id = json_integer_value(v);
	const char *lease = json_string_value(json_object_get(j, "lease"));
	if (!lease || !*lease || strlen(lease) > 200)
		return gw_bad(m, err, errlen, "lease", "must be a string");
	m->lease = tp_xstrdup(lease);
	m->attempt = json_integer_value(json_object_get(j, "attempt"));
	m->lease_until = json_integer_value(json_object_get(j, "lease_until"));
	m->deliver_by = json_integer_value(json_object_get(j, "deliver_by"));
	const char *channel = json_string_value(json_object_get(j, "channel"));
	if (!channel || (strcmp(channel, "sms") != 0 && strcmp(channel, "whatsapp") != 0))
		return gw_bad(m, err, errlen, "channel", "must be sms or whatsapp");
	snprintf(m->channel, sizeof m->channel, "%s", channel);
	const char *to = json_string_value(json_object_get(j, "to"));
	char e164[TP_PHONE_MAX];
	if (!to || to[0] != '+' || tp_phone_normalize(to, e164, NULL) < 0 || strcmp(e164, to) != 0)
		return gw_bad(m, err, errlen, "to", "must be a phone number in E.164");
	memcpy(m->to, e164, sizeof m->to);
	const char *lang = json_string_value(json_object_get(j, "lang"));
	snprintf(m->lang, sizeof m->lang, "%s", lang && strcmp(lang, "en") == 0 ? "en" : "zh-HK");
	const char *body = json_string_value(json_object_get(j, "body"));
	if (!body || !*body || !tp_utf8_valid(body, strlen(body)))
		return gw_bad(m, err, errlen, "body", "must be text");
	m->body = tp_xstrdup(body);
	json_t *t = json_object_get(j, "whatsapp_template");
	if (json_is_object(t)) {
		const char *name = json_string_value(json_object_get(t, "name"));
		const char *language = json_string_value(json_object_get(t, "language"));
		json_t *params = json_object_get(t, "params");
		if (!name || !*name || !language || !*language ||
		    (params && !json_is_array(params)))
			return gw_bad(m, err, errlen, "whatsapp_template",
				      "must have a name, a language and a list of params");
		size_t i;
		json_t *p;
		json_array_foreach(params, i, p)
			if (!json_is_string(p))
				return gw_bad(m, err, errlen, "whatsapp_template.params",
					      "must be strings");
		m->wa_template = json_incref(t);
	}
	json_t *b = json_object_get(j, "buttons");
	if (json_is_array(b) && json_array_size(b) > 0) {
		size_t i;
		json_t *x;
		json_array_foreach(b, i, x)
			if (!json_is_string(json_object_get(x, "id")) ||
			    !json_is_string(json_object_get(x, "title")))
				return gw_bad(m, err, errlen, "buttons",
					      "each needs an id and a title");
		m->buttons = json_incref(b);
	}
	m->window_open = json_is_true(json_object_get(j, "window_open"));
	return 0;
}

void gw_message_release(struct gw_message *m)
{
	free(m->lease);
	free(m->body);
	json_decref(m->wa_template);
	json_decref(m->buttons);
	memset(m, 0, sizeof *m);
}

/* Whether m's buttons fit WhatsApp's reply-button message. */
static bool gw_buttons_fit(const struct gw_message *m)
{
	size_t n = json_array_size(m->buttons);
	if (n == 0 || n > GW_BUTTONS_MAX || tp_utf8_chars(m->body) > GW_BUTTON_BODY_MAX)
		return false;
	size_t i;
	json_t *x;
	json_array_foreach(m->buttons, i, x) {
		const char *id = json_string_value(json_object_get(x, "id"));
		const char *title = json_string_value(json_object_get(x, "title"));
		if (!*id || strlen(id) > GW_BUTTON_ID_MAX || !*title ||
		    tp_utf8_chars(title) > GW_BUTTON_TITLE_MAX)
			return false;
	}
	return true;
}

static void gw_plan_set(struct gw_plan *p, const struct gw_adapter *ad, const char *channel,
			enum gw_form form)
{
	p->fail = false;
	p->adapter = ad;
	p->channel = channel;
	p->form = form;
}

static void gw_plan_fail(struct gw_plan *p, const char *reason)
{
	p->fail = true;
	p->adapter = NULL;
	snprintf(p->reason, sizeof p->reason, "%s", reason);
}

/* Outside the window: the template where one fits, else SMS with why. */
static void gw_plan_closed(const struct gw_app *app, const struct gw_message *m,
			   const struct gw_adapter *wa, bool template_refused,
			   const char *why_closed, struct gw_plan *p)
{
	if (!template_refused && m->wa_template && wa->has_template(app, m)) {
		gw_plan_set(p, wa, "whatsapp", GW_FORM_TEMPLATE);
		return;
	}
	if (app->sms) {
		gw_plan_set(p, app->sms, "sms", GW_FORM_TEXT);
		snprintf(p->note, sizeof p->note, "sent by SMS: %s", why_closed);
		return;
	}
	char reason[200];
	snprintf(reason, sizeof reason, "not sent: %s, and this gateway sends no SMS",
		 why_closed);
	gw_plan_fail(p, reason);
}

void gw_plan_first(const struct gw_app *app, const struct gw_message *m, struct gw_plan *p)
{
	memset(p, 0, sizeof *p);
	if (strcmp(m->channel, "sms") == 0) {
		if (!app->sms)
			gw_plan_fail(p, "this gateway sends no SMS");
		else
			gw_plan_set(p, app->sms, "sms", GW_FORM_TEXT);
		return;
	}
	const struct gw_adapter *wa = app->whatsapp;
	if (!wa) {
		gw_plan_fail(p, "this gateway sends no WhatsApp");
		return;
	}
	if (m->window_open) {
		gw_plan_set(p, wa, "whatsapp",
			    wa->buttons && gw_buttons_fit(m) ? GW_FORM_BUTTONS : GW_FORM_TEXT);
		return;
	}
	gw_plan_closed(app, m, wa, false,
		       "no WhatsApp template fits outside the 24-hour window", p);
}

void gw_plan_after_window(const struct gw_app *app, const struct gw_message *m,
			  const struct gw_attempt *prev, const char *code, struct gw_plan *p)
{
	memset(p, 0, sizeof *p);
	char why[160];
	if (prev->form == GW_FORM_TEMPLATE) {
		snprintf(why, sizeof why, "WhatsApp refused the template outside the 24-hour "
			 "window (%s)", code);
		gw_plan_closed(app, m, prev->adapter, true, why, p);
		return;
	}
	snprintf(why, sizeof why, "the 24-hour WhatsApp window had closed (%s) and no "
		 "template fits", code);
	gw_plan_closed(app, m, prev->adapter, false, why, p);
	if (!p->fail && p->form == GW_FORM_TEMPLATE)
		snprintf(p->note, sizeof p->note, "sent as the WhatsApp template: the 24-hour "
			 "window had closed (%s)", code);
}
