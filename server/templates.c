/* Message templates; see templates.h. */
#include "templates.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_dir.h"
#include "tp_sms.h"
#include "tp_time.h"
#include "tp_utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV_TEMPLATE_MAX_FILES 100
#define SRV_TEMPLATE_MAX_FILE (64 * 1024)
#define SRV_TEMPLATE_TEXT_CHARS 1000
#define SRV_TEMPLATE_MAX_VARS 10
#define SRV_TEMPLATE_BUTTON_TITLE 20   /* WhatsApp's limit for a reply button */

static const char *const srv_langs[] = { "zh-HK", "en" };

/* The templates the server itself sends. */
static const char *const srv_required[] = {
	"reminder", "session_reminder", "code", "confirmed", "change_requested",
	"reprompt_reminder", "survey_start", "survey_question", "survey_reprompt",
	"survey_thanks", "started", NULL,
};

/* Words that would say what the service is. ASCII ones are matched in any
 * case. */
static const char *const srv_revealing[] = {
	"drug", "counsel", "rehab", "addict", "narcotic", "substance", "touchpoint",
	"毒", "藥", "輔導", "戒", "濫用", "成癮", NULL,
};

struct srv_template {
	char *key;
	json_t *def;         /* the file as read */
};

static struct srv_template *srv_tpls;
static size_t srv_ntpls;

struct srv_tpl_check {
	const char *path;
	char **err;
};

static int srv_tpl_fail(struct srv_tpl_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int srv_tpl_fail(struct srv_tpl_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *why = tp_xvasprintf(fmt, ap);
	va_end(ap);
	*c->err = tp_xasprintf("%s: %s", c->path, why);
	free(why);
	return -EINVAL;
}

static bool srv_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static bool srv_declared(json_t *vars, const char *name, size_t len)
{
	size_t i;
	json_t *v;
	json_array_foreach(vars, i, v) {
		const char *s = json_string_value(v);
		if (strlen(s) == len && strncmp(s, name, len) == 0)
			return true;
	}
	return false;
}

const char *srv_revealing_word(const char *text)
{
	char *lower = tp_xstrdup(text);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	const char *found = NULL;
	for (const char *const *w = srv_revealing; *w && !found; w++)
		if (strstr(lower, *w))
			found = *w;
	free(lower);
	return found;
}

/* {"zh-HK": text, "en": text}: both, lines of text at most max characters. */
static int srv_tpl_texts(struct srv_tpl_check *c, json_t *obj, const char *what, size_t max,
			 bool multiline)
{
	if (!json_is_object(obj) || json_object_size(obj) != 2)
		return srv_tpl_fail(c, "%s must be {\"zh-HK\": ..., \"en\": ...}", what);
	for (int i = 0; i < 2; i++) {
		json_t *t = json_object_get(obj, srv_langs[i]);
		const char *why;
		if (!json_is_string(t))
			return srv_tpl_fail(c, "%s.%s must be a text", what, srv_langs[i]);
		if (tp_text_check(json_string_value(t), max, multiline, &why) < 0)
			return srv_tpl_fail(c, "%s.%s %s", what, srv_langs[i], why);
	}
	return 0;
}

/* Checks the {name} placeholders of text against the declared vars. */
static int srv_tpl_placeholders(struct srv_tpl_check *c, const char *lang, const char *text,
				json_t *vars)
{
	for (const char *p = text; *p; p++) {
		if (*p == '}')
			return srv_tpl_fail(c, "text.%s has a } without its {", lang);
		if (*p != '{')
			continue;
		const char *end = strchr(p, '}');
		if (!end)
			return srv_tpl_fail(c, "text.%s has a { without its }", lang);
		size_t len = (size_t)(end - p - 1);
		if (!srv_declared(vars, p + 1, len))
			return srv_tpl_fail(c, "text.%s uses {%.*s}, which is not in \"variables\"",
					    lang, (int)len, p + 1);
		p = end;
	}
	return 0;
}

static int srv_tpl_check(struct srv_tpl_check *c, json_t *def, const char *stem)
{
	static const char *const keys[] = { "key", "variables", "text", "buttons", "whatsapp",
					    "discreet", NULL };
	const char *k;
	json_t *v;
	json_object_foreach(def, k, v) {
		bool known = false;
		for (const char *const *a = keys; *a; a++)
			known |= strcmp(*a, k) == 0;
		if (!known)
			return srv_tpl_fail(c, "\"%s\" is not a field of a template", k);
	}
	const char *key = json_string_value(json_object_get(def, "key"));
	if (!key || !srv_name_ok(key, 32))
		return srv_tpl_fail(c, "key must be a lowercase name (a-z, 0-9, _)");
	if (strcmp(key, stem) != 0)
		return srv_tpl_fail(c, "the key \"%s\" must be the file's name", key);
	json_t *vars = json_object_get(def, "variables");
	if (!json_is_array(vars) || json_array_size(vars) > SRV_TEMPLATE_MAX_VARS)
		return srv_tpl_fail(c, "variables must be a list of at most %d names",
				    SRV_TEMPLATE_MAX_VARS);
	size_t i;
	json_array_foreach(vars, i, v) {
		if (!json_is_string(v) || !srv_name_ok(json_string_value(v), 32))
			return srv_tpl_fail(c, "variables[%zu] must be a lowercase name", i);
	}
	json_t *text = json_object_get(def, "text");
	int r = srv_tpl_texts(c, text, "text", SRV_TEMPLATE_TEXT_CHARS, true);
	if (r < 0)
		return r;
	json_t *discreet = json_object_get(def, "discreet");
	if (discreet && !json_is_boolean(discreet))
		return srv_tpl_fail(c, "discreet must be true or false");
	for (int l = 0; l < 2; l++) {
		const char *t = json_string_value(json_object_get(text, srv_langs[l]));
		if ((r = srv_tpl_placeholders(c, srv_langs[l], t, vars)) < 0)
			return r;
		const char *word = srv_revealing_word(t);
		if (word && !json_is_false(discreet))
			return srv_tpl_fail(c, "text.%s says \"%s\", which could tell anyone who sees"
					    " the phone what the service is; say it discreetly, or"
					    " set \"discreet\": false", srv_langs[l], word);
		struct tp_sms_length len;
		if (tp_sms_length(t, &len) < 0)
			return srv_tpl_fail(c, "text.%s is not valid UTF-8", srv_langs[l]);
	}
	json_t *buttons = json_object_get(def, "buttons");
	if (buttons && (!json_is_array(buttons) || json_array_size(buttons) > 3))
		return srv_tpl_fail(c, "buttons must be a list of at most 3 (WhatsApp's limit)");
	json_array_foreach(buttons, i, v) {
		const char *id = json_string_value(json_object_get(v, "id"));
		if (!json_is_object(v) || json_object_size(v) != 2 || !id || !*id || strlen(id) > 256)
			return srv_tpl_fail(c, "buttons[%zu] must be {\"id\": text, \"title\": "
					    "{\"zh-HK\", \"en\"}}", i);
		char what[32];
		snprintf(what, sizeof what, "buttons[%d].title", (int)i);
		if ((r = srv_tpl_texts(c, json_object_get(v, "title"), what,
				       SRV_TEMPLATE_BUTTON_TITLE, false)) < 0)
			return r;
	}
	json_t *wa = json_object_get(def, "whatsapp");
	if (wa && !json_is_null(wa)) {
		const char *name = json_string_value(json_object_get(wa, "name"));
		json_t *params = json_object_get(wa, "params");
		if (!json_is_object(wa) || json_object_size(wa) != 2 || !name ||
		    !srv_name_ok(name, 512) || !json_is_array(params))
			return srv_tpl_fail(c, "whatsapp must be {\"name\": the approved template's"
					    " name (a-z, 0-9, _), \"params\": [variables in order]}");
		json_array_foreach(params, i, v) {
			const char *p = json_string_value(v);
			if (!p || !srv_declared(vars, p, strlen(p)))
				return srv_tpl_fail(c, "whatsapp.params[%zu] must be one of "
						    "\"variables\"", i);
		}
	}
	return 0;
}

static const struct srv_template *srv_template_find(const char *key)
{
	for (size_t i = 0; i < srv_ntpls; i++)
		if (strcmp(srv_tpls[i].key, key) == 0)
			return &srv_tpls[i];
	return NULL;
}

int srv_templates_load(const char *assets, char **err)
{
	srv_templates_release();
	char *dir = tp_xasprintf("%s/templates", assets);
	char **names = NULL;
	size_t count = 0;
	int r = tp_dir_list(dir, ".json", SRV_TEMPLATE_MAX_FILES, &names, &count, err);
	if (r == 0)
		srv_tpls = tp_xcalloc(count ? count : 1, sizeof *srv_tpls);
	for (size_t i = 0; r == 0 && i < count; i++) {
		char *path = tp_xasprintf("%s/%s", dir, names[i]);
		char *text = NULL;
		size_t len = 0;
		r = tp_file_read(path, SRV_TEMPLATE_MAX_FILE, &text, &len, err);
		json_error_t jerr;
		json_t *def = r == 0 ? json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
		struct srv_tpl_check c = { .path = path, .err = err };
		if (r == 0 && !json_is_object(def))
			r = def ? srv_tpl_fail(&c, "must be a JSON object")
				: srv_tpl_fail(&c, "not valid JSON (line %d: %s)", jerr.line, jerr.text);
		if (r == 0) {
			char *stem = tp_xstrndup(names[i], strlen(names[i]) - 5);
			r = srv_tpl_check(&c, def, stem);
			free(stem);
		}
		if (r == 0) {
			srv_tpls[srv_ntpls].key = tp_xstrdup(json_string_value(json_object_get(def,
											      "key")));
			srv_tpls[srv_ntpls++].def = json_incref(def);
		}
		json_decref(def);
		free(text);
		free(path);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	for (const char *const *k = srv_required; r == 0 && *k; k++) {
		if (!srv_template_find(*k)) {
			*err = tp_xasprintf("%s: there is no %s.json, which the server sends", dir, *k);
			r = -ENOENT;
		}
	}
	free(dir);
	if (r < 0)
		srv_templates_release();
	return r;
}

void srv_templates_release(void)
{
	for (size_t i = 0; i < srv_ntpls; i++) {
		free(srv_tpls[i].key);
		json_decref(srv_tpls[i].def);
	}
	free(srv_tpls);
	srv_tpls = NULL;
	srv_ntpls = 0;
}

static const char *srv_lang_of(const char *lang)
{
	return lang && strcmp(lang, "en") == 0 ? "en" : "zh-HK";
}

/* The value of name in vars ("" when missing). */
static const char *srv_var(json_t *vars, const char *name, size_t len)
{
	const char *key;
	json_t *v;
	json_object_foreach(vars, key, v) {
		if (strlen(key) == len && strncmp(key, name, len) == 0 && json_is_string(v))
			return json_string_value(v);
	}
	return "";
}

static char *srv_fill(const char *text, json_t *vars)
{
	struct tp_buf out;
	tp_buf_init(&out, 64 * 1024);
	for (const char *p = text; *p; p++) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		if (!end) {
			tp_buf_append(&out, p, 1);
			continue;
		}
		tp_buf_puts(&out, srv_var(vars, p + 1, (size_t)(end - p - 1)));
		p = end;
	}
	return tp_buf_steal(&out);
}

int srv_template_render(const char *key, const char *lang, json_t *vars, char **body,
			json_t **wa, json_t **buttons)
{
	const struct srv_template *t = srv_template_find(key);
	*body = NULL;
	*wa = *buttons = NULL;
	if (!t)
		return -ENOENT;
	lang = srv_lang_of(lang);
	*body = srv_fill(json_string_value(json_object_get(json_object_get(t->def, "text"), lang)),
			 vars);
	json_t *w = json_object_get(t->def, "whatsapp");
	if (json_is_object(w)) {
		json_t *params = json_array();
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(w, "params"), i, p) {
			const char *name = json_string_value(p);
			json_array_append_new(params, json_string(srv_var(vars, name, strlen(name))));
		}
		*wa = json_pack("{s:O, s:s, s:o}", "name", json_object_get(w, "name"), "language",
				strcmp(lang, "en") == 0 ? "en" : "zh_HK", "params", params);
	}
	json_t *b = json_object_get(t->def, "buttons");
	if (json_array_size(b)) {
		*buttons = json_array();
		size_t i;
		json_t *v;
		json_array_foreach(b, i, v) {
			json_array_append_new(*buttons, json_pack("{s:O, s:O}", "id",
				json_object_get(v, "id"), "title",
				json_object_get(json_object_get(v, "title"), lang)));
		}
	}
	return 0;
}

void srv_template_time(int64_t t, const char *lang, char out[64])
{
	static const char *const zh_days[] = { "日", "一", "二", "三", "四", "五", "六" };
	static const char *const en_days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const en_months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
						 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char iso[32];
	tp_time_format_hk(t, iso);
	int y, m, d;
	char date[11];
	snprintf(date, sizeof date, "%.10s", iso);
	if (tp_date_parse(date, &y, &m, &d) < 0) {
		snprintf(out, 64, "%s", iso);
		return;
	}
	int64_t days = (tp_date_start_hk(y, m, d) + TP_HK_OFFSET) / 86400;
	int wd = (int)(((days + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	if (strcmp(srv_lang_of(lang), "en") == 0)
		snprintf(out, 64, "%s %d %s %.5s", en_days[wd], d, en_months[m - 1], iso + 11);
	else
		snprintf(out, 64, "%d月%d日(%s) %.5s", m, d, zh_days[wd], iso + 11);
}

/* A value to measure a template with, for each variable people will see. */
static json_t *srv_sample_vars(json_t *vars, const char *lang)
{
	bool en = strcmp(lang, "en") == 0;
	char when[64];
	/* A Wednesday in December at 14:00: a long date of either form. */
	int64_t t = 0;
	tp_time_parse("2026-12-30T14:00", &t);
	srv_template_time(t, lang, when);
	json_t *out = json_object();
	size_t i;
	json_t *v;
	json_array_foreach(vars, i, v) {
		const char *name = json_string_value(v);
		const char *sample = strcmp(name, "alias") == 0 ? (en ? "Winnie" : "陳太")
				   : strcmp(name, "time") == 0 ? when
				   : strcmp(name, "place") == 0 ? (en ? "the centre" : "中心")
				   : strcmp(name, "code") == 0 ? "123456"
				   : strcmp(name, "minutes") == 0 ? "10"
				   : "XXXXXXXXXX";
		json_object_set_new(out, name, json_string(sample));
	}
	return out;
}

int srv_templates_list(struct tp_http_request *req)
{
	json_t *items = json_array();
	for (size_t i = 0; i < srv_ntpls; i++) {
		json_t *def = srv_tpls[i].def;
		json_t *o = json_deep_copy(def);
		if (!json_object_get(o, "discreet"))
			json_object_set_new(o, "discreet", json_true());
		json_t *lengths = json_object();
		char warning[256] = "";
		for (int l = 0; l < 2; l++) {
			json_t *sample = srv_sample_vars(json_object_get(def, "variables"), srv_langs[l]);
			char *text = srv_fill(json_string_value(json_object_get(
				json_object_get(def, "text"), srv_langs[l])), sample);
			json_decref(sample);
			struct tp_sms_length len;
			tp_sms_length(text, &len);
			json_object_set_new(lengths, srv_langs[l],
					    json_pack("{s:s, s:I, s:I, s:s}", "encoding",
						      len.ucs2 ? "UCS-2" : "GSM-7", "units",
						      (json_int_t)len.units, "segments",
						      (json_int_t)len.segments, "sample", text));
			if (len.segments > SRV_TEMPLATE_SEGMENTS_WARN && !warning[0])
				snprintf(warning, sizeof warning, "the %s text takes %zu SMS segments"
					 " (more than %d): each is paid for", srv_langs[l],
					 len.segments, SRV_TEMPLATE_SEGMENTS_WARN);
			free(text);
		}
		json_object_set_new(o, "sms", lengths);
		json_object_set_new(o, "warning", warning[0] ? json_string(warning) : json_null());
		json_array_append_new(items, o);
	}
	return tp_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
