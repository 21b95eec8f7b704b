/* JSON body validation; see tp_json.h. */
#include "tp_json.h"
#include "tp_phone.h"
#include "tp_time.h"
#include "tp_utf8.h"

#include <stdio.h>
#include <string.h>

int tp_json_parse_object(const char *text, size_t len, json_t **out,
			 struct tp_error *e)
{
	if (len == 0)
		return tp_error_set(e, 400, "invalid_json", NULL,
				    "the request body is empty; send a JSON object");
	json_error_t jerr;
	/* jansson refuses invalid UTF-8 and NUL bytes in strings. */
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return tp_error_set(e, 400, "invalid_json", NULL,
				    "the body is not valid JSON (line %d, column %d: %s)",
				    jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return tp_error_set(e, 400, "invalid_json", NULL,
				    "the body must be a JSON object");
	}
	*out = root;
	return 0;
}

int tp_json_only_keys(json_t *obj, const char *const *allowed, struct tp_error *e)
{
	const char *key;
	json_t *value;
	json_object_foreach(obj, key, value) {
		bool known = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				known = true;
		if (!known)
			return tp_error_set(e, 400, "unknown_field", key,
					    "is not a field of this resource");
	}
	return 0;
}

/* Fetches key; 0 when absent or null (an error if required), 1 when set. */
static int tp_json_fetch(json_t *obj, const char *key, bool required,
			 json_t **out, struct tp_error *e)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		if (required)
			return tp_error_set(e, 400, "missing_field", key, "is required");
		return 0;
	}
	*out = v;
	return 1;
}

int tp_json_text(json_t *obj, const char *key, bool required, size_t max_chars,
		 bool multiline, const char **out, struct tp_error *e)
{
	json_t *v = NULL;
	int r = tp_json_fetch(obj, key, required, &v, e);
	if (r <= 0)
		return r;
	if (!json_is_string(v))
		return tp_error_set(e, 400, "invalid_field", key, "must be a string");
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return tp_error_set(e, 400, "invalid_field", key,
				    "contains a NUL character");
	const char *why;
	if (tp_text_check(s, max_chars, multiline, &why) < 0)
		return tp_error_set(e, 400, "invalid_field", key, "%s", why);
	*out = s;
	return 1;
}

int tp_json_int(json_t *obj, const char *key, bool required, int64_t min,
		int64_t max, int64_t *out, struct tp_error *e)
{
	json_t *v = NULL;
	int r = tp_json_fetch(obj, key, required, &v, e);
	if (r <= 0)
		return r;
	if (!json_is_integer(v))
		return tp_error_set(e, 400, "invalid_field", key, "must be an integer");
	json_int_t n = json_integer_value(v);
	if (n < min || n > max)
		return tp_error_set(e, 400, "invalid_field", key,
				    "must be between %lld and %lld", (long long)min,
				    (long long)max);
	*out = n;
	return 1;
}

int tp_json_bool(json_t *obj, const char *key, bool required, bool *out,
		 struct tp_error *e)
{
	json_t *v = NULL;
	int r = tp_json_fetch(obj, key, required, &v, e);
	if (r <= 0)
		return r;
	if (!json_is_boolean(v))
		return tp_error_set(e, 400, "invalid_field", key,
				    "must be true or false");
	*out = json_is_true(v);
	return 1;
}

int tp_json_enum(json_t *obj, const char *key, bool required,
		 const char *const *values, const char **out, struct tp_error *e)
{
	json_t *v = NULL;
	int r = tp_json_fetch(obj, key, required, &v, e);
	if (r <= 0)
		return r;
	if (json_is_string(v)) {
		for (const char *const *p = values; *p; p++) {
			if (strcmp(*p, json_string_value(v)) == 0) {
				*out = *p;
				return 1;
			}
		}
	}
	char list[256] = "";
	for (const char *const *p = values; *p; p++) {
		size_t n = strlen(list);
		snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", *p);
	}
	return tp_error_set(e, 400, "invalid_field", key, "must be one of: %s", list);
}

int tp_json_time(json_t *obj, const char *key, bool required, int64_t *out,
		 struct tp_error *e)
{
	json_t *v = NULL;
	int r = tp_json_fetch(obj, key, required, &v, e);
	if (r <= 0)
		return r;
	if (!json_is_string(v) || tp_time_parse(json_string_value(v), out) < 0)
		return tp_error_set(e, 400, "invalid_field", key,
				    "must be an ISO 8601 time such as "
				    "2026-04-01T14:00:00+08:00 (Hong Kong time when "
				    "no offset is given)");
	return 1;
}

int tp_json_date(json_t *obj, const char *key, bool required, char out[11],
		 struct tp_error *e)
{
	json_t *v = NULL;
	int r = tp_json_fetch(obj, key, required, &v, e);
	if (r <= 0)
		return r;
	int y, m, d;
	if (!json_is_string(v) || tp_date_parse(json_string_value(v), &y, &m, &d) < 0)
		return tp_error_set(e, 400, "invalid_field", key,
				    "must be a date written YYYY-MM-DD");
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 1;
}

int tp_json_phone(json_t *obj, const char *key, bool required, char *out,
		  struct tp_error *e)
{
	json_t *v = NULL;
	int r = tp_json_fetch(obj, key, required, &v, e);
	if (r <= 0)
		return r;
	if (!json_is_string(v))
		return tp_error_set(e, 400, "invalid_field", key, "must be a string");
	const char *why = "is not a phone number";
	if (tp_phone_normalize(json_string_value(v), out, &why) < 0)
		return tp_error_set(e, 400, "invalid_field", key, "%s", why);
	return 1;
}

void tp_json_set_time(json_t *obj, const char *key, int64_t t)
{
	if (!t) {
		json_object_set_new(obj, key, json_null());
		return;
	}
	char buf[32];
	tp_time_format_hk(t, buf);
	json_object_set_new(obj, key, json_string(buf));
}

void tp_json_set_text(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, s ? json_string(s) : json_null());
}
