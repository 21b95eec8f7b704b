/* Tests for tp_json: what a client sending a bad body is told. Parsing
 * accepts exactly one JSON object; every reader tells absent (0) from given
 * (1) from wrong (-400 with a code, the field, and a message that starts
 * with the field's name); text, times, dates and phone numbers follow the
 * rules of tp_utf8, tp_time and tp_phone. */
#include "tp_json.h"
#include "tp_phone.h"
#include "../tap.h"

#include <string.h>

static json_t *parse(const char *text)
{
	struct tp_error e;
	json_t *o = NULL;
	tp_error_clear(&e);
	if (tp_json_parse_object(text, strlen(text), &o, &e) < 0)
		bail_out("test body %s does not parse: %s", text, e.message);
	return o;
}

/* Parses text that must be refused; checks the status and code. */
static void refused(const char *text, size_t len, const char *why, const char *want_in_message)
{
	struct tp_error e;
	json_t *o = NULL;
	tp_error_clear(&e);
	is_int(tp_json_parse_object(text, len, &o, &e), -400, "%s is refused", why);
	ok(o == NULL, "%s: no object is returned", why);
	is_str(e.code, "invalid_json", "%s: code invalid_json", why);
	is_int(e.status, 400, "%s: status 400", why);
	is_str(e.field, "", "%s: no field", why);
	ok(strstr(e.message, want_in_message) != NULL, "%s: the message says \"%s\" (%s)",
	   why, want_in_message, e.message);
}

static void test_parse(void)
{
	struct tp_error e;
	json_t *o = NULL;

	tp_error_clear(&e);
	is_int(tp_json_parse_object("{\"a\": 1}", 8, &o, &e), 0, "an object parses");
	ok(json_is_object(o) && json_integer_value(json_object_get(o, "a")) == 1, "with its member");
	json_decref(o);

	o = NULL;
	is_int(tp_json_parse_object("{\"b\":2}GARBAGE", 7, &o, &e), 0,
	       "only len bytes are read: the text need not end there");
	ok(o && json_integer_value(json_object_get(o, "b")) == 2, "and they are the object");
	json_decref(o);

	refused("", 0, "an empty body", "empty");
	refused("{\"a\": 1}", 0, "a body of length 0", "empty");
	refused("{\n  \"a\": 1,\n  \"b\": }\n", 21, "invalid JSON", "line 3, column");
	refused("{\"a\": 1} {\"b\": 2}", 17, "two objects", "line 1, column");
	refused("[1, 2]", 6, "an array", "must be a JSON object");
	/* jansson itself refuses a top level that is not an array or object. */
	refused("\"text\"", 6, "a string", "'[' or '{' expected");
	refused("null", 4, "null", "'[' or '{' expected");
	refused("{\"name\": \"\xff\xfe\"}", 14, "invalid UTF-8 in a string", "line 1");
	refused("{\"name\": \"\xc0\xaf\"}", 14, "an overlong UTF-8 form", "line 1");
	refused("{\"name\": \"a\\u0000b\"}", 20, "an escaped NUL in a string", "line 1");
	refused("{\"a\": 1, \"a\": 2}", 16, "a duplicate key", "duplicate");
}

static void test_only_keys(void)
{
	static const char *const allowed[] = { "name", "phone", NULL };
	struct tp_error e;
	tp_error_clear(&e);
	json_t *o = parse("{\"name\": \"Chan\", \"phone\": \"91234567\"}");
	is_int(tp_json_only_keys(o, allowed, &e), 0, "known keys pass");
	json_decref(o);

	o = parse("{}");
	is_int(tp_json_only_keys(o, allowed, &e), 0, "an empty object passes");
	json_decref(o);

	o = parse("{\"name\": \"Chan\", \"phnoe\": \"91234567\"}");
	is_int(tp_json_only_keys(o, allowed, &e), -400, "a misspelt key is refused");
	is_str(e.code, "unknown_field", "code unknown_field");
	is_str(e.field, "phnoe", "the unknown key is the field");
	is_str(e.message, "phnoe: is not a field of this resource", "and the message names it");
	json_decref(o);
}

enum kind { TEXT, INT, BOOL, ENUM, TIME, DATE, PHONE };
static const char *const kind_names[] = { "text", "int", "bool", "enum", "time", "date", "phone" };
static const char *const colours[] = { "red", "green", "blue", NULL };

/* Calls the reader of that kind on key; *touched says whether it wrote
 * its output. */
static int read_kind(enum kind k, json_t *o, const char *key, bool required,
		     struct tp_error *e, bool *touched)
{
	const char *s = NULL;
	int64_t n = -7;
	bool b = false;
	char date[11] = "untouched";
	char phone[TP_PHONE_MAX] = "untouched";
	int r = -1;
	switch (k) {
	case TEXT: r = tp_json_text(o, key, required, 40, false, &s, e); *touched = s != NULL; break;
	case INT: r = tp_json_int(o, key, required, 0, 100, &n, e); *touched = n != -7; break;
	case BOOL:
		b = true;
		r = tp_json_bool(o, key, required, &b, e);
		*touched = !b;
		if (!*touched) {
			b = false;
			tp_json_bool(o, key, required, &b, e);
			*touched = b;
		}
		break;
	case ENUM: r = tp_json_enum(o, key, required, colours, &s, e); *touched = s != NULL; break;
	case TIME: r = tp_json_time(o, key, required, &n, e); *touched = n != -7; break;
	case DATE: r = tp_json_date(o, key, required, date, e); *touched = strcmp(date, "untouched") != 0; break;
	case PHONE: r = tp_json_phone(o, key, required, phone, e); *touched = strcmp(phone, "untouched") != 0; break;
	}
	return r;
}

static void test_absent_null_wrong(void)
{
	/* For each kind: a wrongly typed value and a value of the right type
	 * that breaks the kind's rule. */
	static const char *const wrong[][2] = {
		[TEXT] = { "5", "\"  \"" },
		[INT] = { "\"5\"", "1.5" },
		[BOOL] = { "\"true\"", "1" },
		[ENUM] = { "3", "\"purple\"" },
		[TIME] = { "1775023200", "\"tomorrow\"" },
		[DATE] = { "20260401", "\"2026-02-30\"" },
		[PHONE] = { "91234567", "\"12345\"" },
	};
	for (int k = TEXT; k <= PHONE; k++) {
		const char *kn = kind_names[k];
		struct tp_error e;
		bool touched = false;
		json_t *o = parse("{\"other\": 1, \"gone\": null}");

		tp_error_clear(&e);
		is_int(read_kind(k, o, "missing", false, &e, &touched), 0, "%s: absent gives 0", kn);
		ok(!touched, "%s: absent leaves the output alone", kn);
		is_int(e.status, 0, "%s: absent optional is no error", kn);
		is_int(read_kind(k, o, "gone", false, &e, &touched), 0, "%s: null gives 0", kn);
		ok(!touched, "%s: null leaves the output alone", kn);

		is_int(read_kind(k, o, "missing", true, &e, &touched), -400,
		       "%s: required and absent gives -400", kn);
		is_str(e.code, "missing_field", "%s: code missing_field", kn);
		is_str(e.field, "missing", "%s: naming the field", kn);
		is_str(e.message, "missing: is required", "%s: message", kn);
		tp_error_clear(&e);
		is_int(read_kind(k, o, "gone", true, &e, &touched), -400,
		       "%s: required and null gives -400", kn);
		is_str(e.code, "missing_field", "%s: null is missing too", kn);
		json_decref(o);

		for (int w = 0; w < 2; w++) {
			char body[128];
			snprintf(body, sizeof body, "{\"start\": %s}", wrong[k][w]);
			o = parse(body);
			tp_error_clear(&e);
			is_int(read_kind(k, o, "start", false, &e, &touched), -400,
			       "%s: %s is refused", kn, wrong[k][w]);
			is_int(e.status, 400, "%s: %s: status 400", kn, wrong[k][w]);
			is_str(e.code, "invalid_field", "%s: %s: code invalid_field", kn, wrong[k][w]);
			is_str(e.field, "start", "%s: %s: field named", kn, wrong[k][w]);
			ok(strncmp(e.message, "start: ", 7) == 0 && strlen(e.message) > 10,
			   "%s: %s: message starts with the name (%s)", kn, wrong[k][w], e.message);
			json_decref(o);
		}
	}
}

static void test_text(void)
{
	struct tp_error e;
	const char *s = NULL;
	tp_error_clear(&e);
	json_t *o = parse("{\"name\": \"陳大文\", \"long\": \"abcdef\", \"ctl\": \"a\\u0001b\","
			  " \"nl\": \"line 1\\nline 2\", \"del\": \"a\\u007fb\", \"c1\": \"a\\u0085b\","
			  " \"blank\": \"  \\u3000 \"}");
	is_int(tp_json_text(o, "name", true, 3, false, &s, &e), 1, "three Chinese characters fit in 3");
	is_str(s, "陳大文", "the text");
	ok(s == json_string_value(json_object_get(o, "name")), "borrowed from the object");
	is_int(tp_json_text(o, "name", true, 2, false, &s, &e), -400, "but not in 2");
	is_str(e.message, "name: is longer than 2 characters", "overlong text");

	is_int(tp_json_text(o, "long", true, 6, false, &s, &e), 1, "6 characters fit in 6");
	is_int(tp_json_text(o, "long", true, 5, false, &s, &e), -400, "not in 5");
	is_str(e.field, "long", "field named");
	is_str(e.message, "long: is longer than 5 characters", "saying the limit");

	is_int(tp_json_text(o, "ctl", true, 40, true, &s, &e), -400, "U+0001 is refused");
	is_str(e.message, "ctl: contains control characters", "as a control character");
	is_int(tp_json_text(o, "del", true, 40, false, &s, &e), -400, "DEL is refused");
	is_int(tp_json_text(o, "c1", true, 40, false, &s, &e), -400, "a C1 control is refused");
	is_int(tp_json_text(o, "nl", true, 40, false, &s, &e), -400, "a line break in a single line is refused");
	is_str(e.message, "nl: contains control characters", "as a control character");
	is_int(tp_json_text(o, "nl", true, 40, true, &s, &e), 1, "but allowed in multiline text");
	is_str(s, "line 1\nline 2", "kept as it is");
	is_int(tp_json_text(o, "blank", true, 40, false, &s, &e), -400, "blank text is refused");
	is_str(e.message, "blank: is empty", "as empty");
	json_decref(o);

	/* jansson refuses \u0000 in a body, but an object built in code may
	 * hold a NUL; the reader must not cut the string there. */
	o = json_object();
	json_object_set_new(o, "nul", json_stringn("ab\0cd", 5));
	is_int(tp_json_text(o, "nul", true, 40, false, &s, &e), -400, "a string with a NUL is refused");
	is_str(e.message, "nul: contains a NUL character", "saying so");
	json_decref(o);
}

static void test_int_bool_enum(void)
{
	struct tp_error e;
	int64_t n = 0;
	bool b = false;
	const char *s = NULL;
	tp_error_clear(&e);
	json_t *o = parse("{\"zero\": 0, \"hundred\": 100, \"neg\": -1, \"big\": 101,"
			  " \"huge\": 9223372036854775807, \"yes\": true, \"no\": false,"
			  " \"colour\": \"green\", \"caps\": \"Green\"}");
	is_int(tp_json_int(o, "zero", true, 0, 100, &n, &e), 1, "0 in [0, 100]");
	is_int(n, 0, "read as 0");
	is_int(tp_json_int(o, "hundred", true, 0, 100, &n, &e), 1, "100 in [0, 100]");
	is_int(n, 100, "read as 100");
	n = 55;
	is_int(tp_json_int(o, "neg", true, 0, 100, &n, &e), -400, "-1 is below the range");
	is_str(e.message, "neg: must be between 0 and 100", "saying the range");
	is_int(n, 55, "the output is left alone");
	is_int(tp_json_int(o, "big", true, 0, 100, &n, &e), -400, "101 is above it");
	is_int(tp_json_int(o, "huge", true, INT64_MIN, INT64_MAX, &n, &e), 1, "INT64_MAX is read");
	is_int(n, INT64_MAX, "exactly");

	is_int(tp_json_bool(o, "yes", true, &b, &e), 1, "true");
	ok(b, "read as true");
	is_int(tp_json_bool(o, "no", true, &b, &e), 1, "false");
	ok(!b, "read as false");
	is_int(tp_json_bool(o, "zero", true, &b, &e), -400, "0 is not a boolean");
	is_str(e.message, "zero: must be true or false", "saying so");

	is_int(tp_json_enum(o, "colour", true, colours, &s, &e), 1, "an allowed value");
	ok(s == colours[1], "points into the list");
	is_int(tp_json_enum(o, "caps", true, colours, &s, &e), -400, "values are case-sensitive");
	is_str(e.message, "caps: must be one of: red, green, blue", "listing the allowed values");
	json_decref(o);
}

static void test_time_date_phone(void)
{
	struct tp_error e;
	int64_t t = 0;
	char date[11];
	char phone[TP_PHONE_MAX];
	tp_error_clear(&e);
	json_t *o = parse("{\"hk\": \"2026-04-01T14:00\", \"utc\": \"2026-04-01T06:00:00Z\","
			  " \"off\": \"2026-04-01T14:00:00+08:00\", \"day\": \"2026-02-28\","
			  " \"leap\": \"2024-02-29\", \"noleap\": \"2025-02-29\", \"slash\": \"2026/02/28\","
			  " \"mobile\": \"9123 4567\", \"intl\": \"+852 2123-4567\", \"uk\": \"+44 20 7946 0123\","
			  " \"zero\": \"0123 4567\", \"letters\": \"9123 ABCD\", \"junk\": \"2026-04-01T14:00 \"}");
	is_int(tp_json_time(o, "hk", true, &t, &e), 1, "a time without offset");
	is_int(t, 1775023200, "is Hong Kong time: 2026-04-01T14:00 is 06:00 UTC");
	is_int(tp_json_time(o, "utc", true, &t, &e), 1, "a UTC time");
	is_int(t, 1775023200, "is the same instant");
	is_int(tp_json_time(o, "off", true, &t, &e), 1, "a time with +08:00");
	is_int(t, 1775023200, "is the same instant");
	is_int(tp_json_time(o, "junk", true, &t, &e), -400, "text after the time is refused");
	ok(strstr(e.message, "junk: must be an ISO 8601 time") == e.message, "saying what is wanted");

	memset(date, 'x', sizeof date);
	is_int(tp_json_date(o, "day", true, date, &e), 1, "a date");
	is_str(date, "2026-02-28", "copied and terminated");
	is_int(tp_json_date(o, "leap", true, date, &e), 1, "29 February of a leap year");
	is_int(tp_json_date(o, "noleap", true, date, &e), -400, "29 February 2025 does not exist");
	is_str(e.message, "noleap: must be a date written YYYY-MM-DD", "message");
	is_int(tp_json_date(o, "slash", true, date, &e), -400, "slashes are refused");
	is_int(tp_json_date(o, "hk", true, date, &e), -400, "a time is not a date");

	is_int(tp_json_phone(o, "mobile", true, phone, &e), 1, "a Hong Kong mobile with a space");
	is_str(phone, "+85291234567", "normalised to E.164");
	is_int(tp_json_phone(o, "intl", true, phone, &e), 1, "+852 with a dash");
	is_str(phone, "+85221234567", "normalised");
	is_int(tp_json_phone(o, "uk", true, phone, &e), 1, "a UK number");
	is_str(phone, "+442079460123", "normalised");
	is_int(tp_json_phone(o, "zero", true, phone, &e), -400, "a number starting with 0");
	is_str(e.message, "zero: Hong Kong numbers do not start with 0 or 1", "explained");
	is_int(tp_json_phone(o, "letters", true, phone, &e), -400, "letters");
	is_str(e.message, "letters: contains letters", "explained");
	is_str(e.field, "letters", "field named");
	json_decref(o);
}

static void test_set(void)
{
	json_t *o = json_object();
	tp_json_set_time(o, "at", 1775023200);
	tp_json_set_time(o, "never", 0);
	tp_json_set_text(o, "name", "陳大文");
	tp_json_set_text(o, "alias", NULL);
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	is_str(text, "{\"alias\":null,\"at\":\"2026-04-01T14:00:00+08:00\",\"name\":\"陳大文\",\"never\":null}",
	       "times are written in Hong Kong time, 0 and NULL as null");
	free(text);
	json_decref(o);
}

int main(void)
{
	test_parse();
	test_only_keys();
	test_absent_null_wrong();
	test_text();
	test_int_bool_enum();
	test_time_date_phone();
	test_set();
	return done_testing();
}
