/*
 * Bad input is refused, for every endpoint family, with nothing written.
 * Each refused request is checked for its status, its error code and the
 * field it names, and then for what a refusal must not do: the family's
 * count (a list's items, or a roster's arrivals) and the newest entry of
 * the audit log are what they were before. Each family ends with its valid
 * request accepted and seen by the same checks, so the checks can fail.
 * Also: a failed PATCH leaves the row as it was, a PATCH that changes
 * nothing writes nothing, Hong Kong phone numbers and times, paging,
 * search and what a viewer sees, archive and restore, and the body limit.
 */
#include "../support/testserver.h"
#include "../tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ts_server srv;
static struct ts_client admin, worker, viewer;
static int64_t programme_id, group_id, session_id, participant_id;

/* A family of requests: who sends what where, and what they must not
 * change. */
struct family {
	const char *name;
	struct ts_client *c;
	const char *method;
	const char *path;
	const char *count;    /* a list path, or a roster (its "arrived") */
};

/* n copies of unit (caller frees). */
static char *repeat(const char *unit, int n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * (size_t)n + 1);
	for (int i = 0; i < n; i++)
		memcpy(s + len * (size_t)i, unit, len);
	s[len * (size_t)n] = '\0';
	return s;
}

/* Everything at a list path (archived rows included), or a roster's
 * arrivals, as reader sees them (the admin may read every list). */
static int64_t count_at(struct ts_client *reader, const char *path)
{
	struct ts_response r;
	char url[512];
	bool roster = strstr(path, "/roster") != NULL;
	snprintf(url, sizeof url, "%s%s", path, roster ? "" : "?archived=include&limit=500");
	ts_request(reader, "GET", url, NULL, &r);
	if (r.status != 200)
		bail_out("GET %s: %ld %s", url, r.status, r.body);
	int64_t n = roster ? ts_int(&r, "arrived")
			   : (int64_t)json_array_size(json_object_get(r.json, "items"));
	if (!roster && !json_is_null(json_object_get(r.json, "next")))
		bail_out("more than 500 rows at %s", path);
	ts_response_release(&r);
	return n;
}

static int64_t newest_audit_of(struct ts_client *reader)
{
	struct ts_response r;
	ts_request(reader, "GET", "/api/v1/audit?limit=1", NULL, &r);
	if (r.status != 200)
		bail_out("GET /api/v1/audit: %ld %s", r.status, r.body);
	int64_t id = json_integer_value(
		json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id"));
	ts_response_release(&r);
	return id;
}

static int64_t newest_audit(void)
{
	return newest_audit_of(&admin);
}

/* The newest audit entry's action (caller frees). */
static char *newest_audit_action(void)
{
	struct ts_response r;
	ts_request(&admin, "GET", "/api/v1/audit?limit=1", NULL, &r);
	const char *a = json_string_value(json_object_get(
		json_array_get(json_object_get(r.json, "items"), 0), "action"));
	char *out = strdup(a ? a : "");
	ts_response_release(&r);
	return out;
}

/*
 * Sends method path with the len bytes of body as c; the request must be
 * refused with status, code (not checked when NULL) and field ("" for
 * none), and nothing written: the count at count and the newest audit
 * entry stay as they were.
 */
static void refused_raw(struct ts_client *c, const char *method, const char *path,
			const char *body, size_t len, const char *content_type,
			const char *count, long status, const char *code, const char *field,
			const char *what)
{
	int64_t rows = count_at(&admin, count), audit = newest_audit();
	struct ts_response r;
	ts_request_raw(c, method, path, body, len, content_type, &r);
	if (!is_int(r.status, status, "%s: refused with %ld", what, status))
		diag("body: %s", r.body);
	if (code)
		is_str(ts_error_code(&r), code, "%s: code %s", what, code);
	is_str(ts_error_field(&r), field, "%s: names the field '%s'", what, field);
	ok(json_is_string(json_object_get(json_object_get(r.json, "error"), "message")),
	   "%s: with a message for people", what);
	ts_response_release(&r);
	int64_t rows_after = count_at(&admin, count), audit_after = newest_audit();
	if (!ok(rows_after == rows && audit_after == audit, "%s: nothing was written", what))
		diag("count %lld -> %lld, newest audit %lld -> %lld", (long long)rows,
		     (long long)rows_after, (long long)audit, (long long)audit_after);
}

static void refused_text(const struct family *f, const char *body, long status,
			 const char *code, const char *field, const char *what)
{
	char name[300];
	snprintf(name, sizeof name, "%s: %s", f->name, what);
	refused_raw(f->c, f->method, f->path, body, body ? strlen(body) : 0,
		    "application/json", f->count, status, code, field, name);
}

/* The body is built by json_pack format fmt. */
static void refused(const struct family *f, long status, const char *code,
		    const char *field, const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_error_t err;
	json_t *body = json_vpack_ex(&err, 0, fmt, ap);
	va_end(ap);
	if (!body)
		bail_out("json_pack (%s): %s", what, err.text);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	refused_text(f, text, status, code, field, what);
	free(text);
}

/* Replaces every "@@BAD@@" in s by the bytes FF FE (caller frees). */
static char *with_bad_bytes(const char *s)
{
	char *out = strdup(s);
	char *p;
	while ((p = strstr(out, "@@BAD@@")) != NULL) {
		p[0] = '\xff';
		p[1] = '\xfe';
		memmove(p + 2, p + 7, strlen(p + 7) + 1);
	}
	return out;
}

/*
 * What every JSON endpoint must refuse as a whole, or naming text_field:
 * a syntax error, an array, an empty body, duplicate keys, invalid UTF-8,
 * an unknown field, a number, a control character and (when max_chars is
 * not 0) one character too many where text goes.
 * (Invalid UTF-8 is refused by the JSON parser, as a whole body.)
 * valid is a body the family accepts; it is sent last and must succeed
 * with ok_status, change the count by grows and add an audit entry.
 */
static void common_refusals(const struct family *f, const char *valid, const char *text_field,
			    int max_chars, long ok_status, int grows)
{
	json_t *body = json_loads(valid, 0, NULL);
	if (!body)
		bail_out("%s: the valid body is not JSON", f->name);
	char *text = json_dumps(body, JSON_COMPACT);
	size_t len = strlen(text);

	/* Missing its closing brace. */
	char *cut = strndup(text, len - 1);
	refused_text(f, cut, 400, "invalid_json", "", "a JSON syntax error");
	free(cut);
	char *bad = malloc(len + 3);
	snprintf(bad, len + 3, "[%s]", text);
	refused_text(f, bad, 400, "invalid_json", "", "a JSON array instead of an object");
	free(bad);
	refused_text(f, "\"text\"", 400, "invalid_json", "", "a JSON string instead of an object");
	refused_text(f, NULL, 400, "invalid_json", "", "no body at all");
	bad = malloc(len + 32);
	snprintf(bad, len + 32, "{\"%s\":\"a\",%s", text_field, text + 1);
	refused_text(f, bad, 400, "invalid_json", "", "the same key twice");
	free(bad);

	json_t *v = json_deep_copy(body);
	json_object_set_new(v, text_field, json_string("x@@BAD@@y"));
	char *dumped = json_dumps(v, JSON_COMPACT);
	bad = with_bad_bytes(dumped);
	char name[200];
	snprintf(name, sizeof name, "%s: invalid UTF-8 in %s", f->name, text_field);
	refused_raw(f->c, f->method, f->path, bad, strlen(bad), "application/json", f->count,
		    400, "invalid_json", "", name);
	free(bad);
	free(dumped);
	json_decref(v);

	v = json_deep_copy(body);
	json_object_set_new(v, "nmae", json_string("typo"));
	dumped = json_dumps(v, JSON_COMPACT);
	refused_text(f, dumped, 400, "unknown_field", "nmae", "an unknown field");
	free(dumped);
	json_decref(v);

	v = json_deep_copy(body);
	json_object_set_new(v, text_field, json_integer(42));
	dumped = json_dumps(v, JSON_COMPACT);
	snprintf(name, sizeof name, "a number for %s", text_field);
	refused_text(f, dumped, 400, "invalid_field", text_field, name);
	free(dumped);
	json_decref(v);

	v = json_deep_copy(body);
	json_object_set_new(v, text_field, json_string("ab\x07" "cd"));
	dumped = json_dumps(v, JSON_COMPACT);
	snprintf(name, sizeof name, "a control character in %s", text_field);
	refused_text(f, dumped, 400, "invalid_field", text_field, name);
	free(dumped);
	json_decref(v);

	if (max_chars) {
		v = json_deep_copy(body);
		char *too_long = repeat("字", max_chars + 1);
		json_object_set_new(v, text_field, json_string(too_long));
		free(too_long);
		dumped = json_dumps(v, JSON_COMPACT);
		snprintf(name, sizeof name, "%d characters in %s", max_chars + 1, text_field);
		refused_text(f, dumped, 400, "invalid_field", text_field, name);
		free(dumped);
		json_decref(v);
	}

	/* The valid body is accepted, and the checks above would have seen it. */
	int64_t rows = count_at(&admin, f->count), audit = newest_audit();
	struct ts_response r;
	ts_request(f->c, f->method, f->path, text, &r);
	if (!is_int(r.status, ok_status, "%s: the valid request is accepted", f->name))
		diag("body: %s", r.body);
	ts_response_release(&r);
	is_int(count_at(&admin, f->count), rows + grows, "%s: and counted", f->name);
	ok(newest_audit() > audit, "%s: and audited", f->name);
	free(text);
	json_decref(body);
}

static void setup(void)
{
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "家長支援計劃");
	programme_id = ts_created("a programme", &r);
	ts_requestf(&worker, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme_id, "name", "Parents' circle", "kind", "peer_support");
	group_id = ts_created("a group", &r);
	ts_requestf(&worker, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s}", "group_id",
		    (json_int_t)group_id, "starts_at", "2026-04-01T14:00", "ends_at",
		    "2026-04-01T16:00");
	session_id = ts_created("a session", &r);
	ts_requestf(&worker, "POST", "/api/v1/participants", &r, "{s:s, s:s, s:s}", "alias",
		    "Mei", "phone", "9876 5432", "ref", "MEI-1");
	participant_id = ts_created("a participant", &r);
}

static void test_programmes(void)
{
	struct family f = { "programme", &worker, "POST", "/api/v1/programmes",
			    "/api/v1/programmes" };
	common_refusals(&f, "{\"name\":\"Parenting Skills\",\"starts_on\":\"2026-04-01\","
			    "\"ends_on\":\"2026-06-30\"}", "name", 200, 201, 1);
	refused(&f, 400, "missing_field", "name", "without its name", "{s:s}", "ref", "PR-1");
	refused(&f, 400, "missing_field", "name", "a null name", "{s:n}", "name");
	refused(&f, 400, "invalid_field", "name", "an empty name", "{s:s}", "name", "");
	refused(&f, 400, "invalid_field", "name", "a name of spaces", "{s:s}", "name", "   ");
	char *long_name = repeat("n", 201);
	refused(&f, 400, "invalid_field", "name", "a name of 201 characters", "{s:s}", "name",
		long_name);
	free(long_name);
	refused(&f, 400, "invalid_field", "name", "a line break in a name", "{s:s}", "name",
		"Parenting\nSkills");
	refused(&f, 400, "invalid_field", "starts_on", "a date as a number", "{s:s, s:i}",
		"name", "P", "starts_on", 20260401);
	refused(&f, 400, "invalid_field", "starts_on", "a date written 01/04/2026",
		"{s:s, s:s}", "name", "P", "starts_on", "01/04/2026");
	refused(&f, 400, "invalid_field", "starts_on", "the 30th of February", "{s:s, s:s}",
		"name", "P", "starts_on", "2026-02-30");
	refused(&f, 400, "invalid_field", "ends_on", "ending before it starts",
		"{s:s, s:s, s:s}", "name", "P", "starts_on", "2026-04-01", "ends_on",
		"2026-03-31");
	refused(&f, 400, "read_only_field", "id", "an id given", "{s:s, s:i}", "name", "P", "id",
		7);
	refused(&f, 400, "read_only_field", "updated_at", "an update time given", "{s:s, s:s}",
		"name", "P", "updated_at", "2026-04-01T14:00:00+08:00");
}

static void test_participants(void)
{
	struct family f = { "participant", &worker, "POST", "/api/v1/participants",
			    "/api/v1/participants" };
	common_refusals(&f, "{\"alias\":\"KIKI\",\"phone\":\"91234567\",\"lang\":\"en\"}", "alias",
			40, 201, 1);
	refused(&f, 400, "missing_field", "alias", "without an alias", "{s:s}", "phone",
		"91234567");
	char *alias = repeat("A", 41);
	refused(&f, 400, "invalid_field", "alias", "an alias of 41 characters", "{s:s}", "alias",
		alias);
	free(alias);
	alias = repeat("陳", 41);
	refused(&f, 400, "invalid_field", "alias", "a Chinese alias of 41 characters", "{s:s}",
		"alias", alias);
	free(alias);
	refused(&f, 400, "invalid_field", "alias", "a control character (U+0001) in an alias",
		"{s:s}", "alias", "KI\x01KI");
	refused(&f, 400, "invalid_field", "alias", "a C1 control character in an alias",
		"{s:s}", "alias", "KI\xc2\x85KI");
	refused(&f, 400, "invalid_field", "phone", "phone 1234", "{s:s, s:s}", "alias", "K",
		"phone", "1234");
	refused(&f, 400, "invalid_field", "phone", "phone 0123 4567", "{s:s, s:s}", "alias", "K",
		"phone", "0123 4567");
	refused(&f, 400, "invalid_field", "phone", "phone with letters", "{s:s, s:s}", "alias",
		"K", "phone", "9123 abcd");
	refused(&f, 400, "invalid_field", "phone", "phone 1 plus 7 digits", "{s:s, s:s}", "alias",
		"K", "phone", "1234 5678");
	refused(&f, 400, "invalid_field", "phone", "a phone number as a JSON number",
		"{s:s, s:i}", "alias", "K", "phone", 91234567);
	refused(&f, 400, "invalid_field", "channel", "channel fax", "{s:s, s:s, s:s}", "alias",
		"K", "phone", "91234567", "channel", "fax");
	refused(&f, 400, "invalid_field", "lang", "lang fr", "{s:s, s:s}", "alias", "K", "lang",
		"fr");
	refused(&f, 400, "invalid_field", "consent", "consent \"yes\"", "{s:s, s:s}", "alias",
		"K", "consent", "yes");
	refused(&f, 400, "invalid_field", "consent_how", "consent_how telepathy", "{s:s, s:s}",
		"alias", "K", "consent_how", "telepathy");
	refused(&f, 400, "invalid_field", "channel", "SMS without a phone number",
		"{s:s, s:s}", "alias", "K", "channel", "sms");
	char *note = repeat("x", 2001);
	refused(&f, 400, "invalid_field", "note", "a note of 2001 characters", "{s:s, s:s}",
		"alias", "K", "note", note);
	free(note);
	refused(&f, 409, "conflict", "ref", "a reference already used", "{s:s, s:s}", "alias",
		"K", "ref", "MEI-1");
	/* What the server sets is never taken from the request. */
	refused(&f, 400, "read_only_field", "id", "an id given", "{s:s, s:i}", "alias", "K",
		"id", 5);
	refused(&f, 400, "read_only_field", "card_token", "a card token given", "{s:s, s:s}",
		"alias", "K", "card_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	refused(&f, 400, "read_only_field", "created_at", "a creation time given", "{s:s, s:s}",
		"alias", "K", "created_at", "2020-01-01T00:00:00+08:00");
	/* null for a field with a default: refused naming it, not a database error. */
	refused(&f, 400, NULL, "lang", "lang null", "{s:s, s:n}", "alias", "K", "lang");

	/* 40 Chinese characters are 120 bytes, and allowed: characters count. */
	struct ts_response r;
	alias = repeat("陳", 40);
	ts_requestf(&worker, "POST", "/api/v1/participants", &r, "{s:s}", "alias", alias);
	is_int(r.status, 201, "participant: a Chinese alias of exactly 40 characters is accepted");
	is_str(ts_str(&r, "alias"), alias, "participant: and kept as it was");
	ts_response_release(&r);
	free(alias);

	/* Unknown ids. */
	refused_raw(&worker, "GET", "/api/v1/participants/999999", NULL, 0, NULL,
		    f.count, 404, "not_found", "", "participant: GET of an unknown id");
	refused_raw(&worker, "PATCH", "/api/v1/participants/999999", "{\"alias\":\"X\"}", 13,
		    "application/json", f.count, 404, "not_found", "",
		    "participant: PATCH of an unknown id");
	refused_raw(&worker, "GET", "/api/v1/participants/abc", NULL, 0, NULL, f.count, 404,
		    "not_found", "", "participant: GET of an id that is not a number");
	refused_raw(&worker, "POST", "/api/v1/participants/999999/archive", NULL, 0, NULL,
		    f.count, 404, "not_found", "", "participant: archive of an unknown id");
}

static void test_groups(void)
{
	char valid[200];
	snprintf(valid, sizeof valid,
		 "{\"programme_id\":%lld,\"name\":\"Dads' group\",\"kind\":\"family\","
		 "\"retention_n\":4}", (long long)programme_id);
	struct family f = { "group", &worker, "POST", "/api/v1/groups", "/api/v1/groups" };
	common_refusals(&f, valid, "name", 200, 201, 1);
	json_int_t p = (json_int_t)programme_id;
	refused(&f, 400, "unknown_reference", "programme_id", "programme_id 999999",
		"{s:i, s:s, s:s}", "programme_id", 999999, "name", "G", "kind", "family");
	refused(&f, 400, "invalid_field", "programme_id", "programme_id as a string",
		"{s:s, s:s, s:s}", "programme_id", "1", "name", "G", "kind", "family");
	refused(&f, 400, "invalid_field", "programme_id", "programme_id 0", "{s:i, s:s, s:s}",
		"programme_id", 0, "name", "G", "kind", "family");
	refused(&f, 400, "invalid_field", "programme_id", "programme_id 1.5", "{s:f, s:s, s:s}",
		"programme_id", 1.5, "name", "G", "kind", "family");
	refused(&f, 400, "missing_field", "programme_id", "without a programme", "{s:s, s:s}",
		"name", "G", "kind", "family");
	refused(&f, 400, "invalid_field", "kind", "kind party", "{s:I, s:s, s:s}",
		"programme_id", p, "name", "G", "kind", "party");
	refused(&f, 400, "invalid_field", "kind", "kind as a number", "{s:I, s:s, s:i}",
		"programme_id", p, "name", "G", "kind", 1);
	refused(&f, 400, "missing_field", "kind", "without a kind", "{s:I, s:s}",
		"programme_id", p, "name", "G");
	refused(&f, 400, "invalid_field", "retention_n", "retention_n 0",
		"{s:I, s:s, s:s, s:i}", "programme_id", p, "name", "G", "kind", "family",
		"retention_n", 0);
	refused(&f, 400, "invalid_field", "retention_n", "retention_n 101",
		"{s:I, s:s, s:s, s:i}", "programme_id", p, "name", "G", "kind", "family",
		"retention_n", 101);
	refused(&f, 400, "invalid_field", "retention_n", "retention_n as a string",
		"{s:I, s:s, s:s, s:s}", "programme_id", p, "name", "G", "kind", "family",
		"retention_n", "3");
}

static void test_sessions(void)
{
	char valid[200];
	snprintf(valid, sizeof valid,
		 "{\"group_id\":%lld,\"title\":\"Week 2\",\"starts_at\":\"2026-04-08T14:00\","
		 "\"ends_at\":\"2026-04-08T16:00\"}", (long long)group_id);
	struct family f = { "session", &worker, "POST", "/api/v1/sessions", "/api/v1/sessions" };
	common_refusals(&f, valid, "title", 200, 201, 1);
	json_int_t g = (json_int_t)group_id;
	refused(&f, 400, "unknown_reference", "group_id", "group_id 999999", "{s:i, s:s, s:s}",
		"group_id", 999999, "starts_at", "2026-04-01T14:00", "ends_at",
		"2026-04-01T15:00");
	refused(&f, 400, "invalid_field", "group_id", "group_id as a string", "{s:s, s:s, s:s}",
		"group_id", "1", "starts_at", "2026-04-01T14:00", "ends_at", "2026-04-01T15:00");
	refused(&f, 400, "missing_field", "starts_at", "without a start", "{s:I, s:s}",
		"group_id", g, "ends_at", "2026-04-01T15:00");
	refused(&f, 400, "missing_field", "ends_at", "without an end", "{s:I, s:s}", "group_id",
		g, "starts_at", "2026-04-01T14:00");
	static const char *const bad_times[] = {
		"tomorrow at 2", "2026-04-01", "01/04/2026 14:00", "2026-04-01T25:00",
		"2026-04-01T14:60", "2026-02-30T14:00", "2026-04-01T14:00+15:00",
		"2026-04-01T14:00 HKT", "2026-04-01T2:00",
	};
	for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
		char what[80];
		snprintf(what, sizeof what, "starts_at \"%s\"", bad_times[i]);
		refused(&f, 400, "invalid_field", "starts_at", what, "{s:I, s:s, s:s}", "group_id",
			g, "starts_at", bad_times[i], "ends_at", "2026-04-01T15:00");
	}
	refused(&f, 400, "invalid_field", "starts_at", "a time as a number", "{s:I, s:i, s:s}",
		"group_id", g, "starts_at", 1775023200, "ends_at", "2026-04-01T15:00");
	refused(&f, 400, "invalid_field", "ends_at", "ending before it starts", "{s:I, s:s, s:s}",
		"group_id", g, "starts_at", "2026-04-01T14:00", "ends_at", "2026-04-01T13:00");
	refused(&f, 400, "invalid_field", "ends_at", "ending as it starts", "{s:I, s:s, s:s}",
		"group_id", g, "starts_at", "2026-04-01T14:00", "ends_at", "2026-04-01T14:00");
	refused(&f, 400, "invalid_field", "ends_at", "lasting 24 hours and a minute",
		"{s:I, s:s, s:s}", "group_id", g, "starts_at", "2026-04-01T14:00", "ends_at",
		"2026-04-02T14:01");
	refused(&f, 400, "invalid_field", "ends_at", "ending at 15:00 Tokyo time, its HK start",
		"{s:I, s:s, s:s}", "group_id", g, "starts_at", "2026-04-01T14:00", "ends_at",
		"2026-04-01T15:00+09:00");
	refused(&f, 400, "invalid_field", "status", "status done", "{s:I, s:s, s:s, s:s}",
		"group_id", g, "starts_at", "2026-04-01T14:00", "ends_at", "2026-04-01T15:00",
		"status", "done");
	refused(&f, 400, "read_only_field", "qr_key", "a QR key given", "{s:I, s:s, s:s, s:s}",
		"group_id", g, "starts_at", "2026-04-01T14:00", "ends_at", "2026-04-01T15:00",
		"qr_key", "mine");

	/* Exactly 24 hours is allowed; a time without an offset is Hong Kong time. */
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s}", "group_id", g,
		    "starts_at", "2026-04-01T14:00", "ends_at", "2026-04-02T06:00:00Z");
	is_int(r.status, 201, "session: one of exactly 24 hours is accepted");
	is_str(ts_str(&r, "starts_at"), "2026-04-01T14:00:00+08:00",
	       "session: 2026-04-01T14:00 is read as Hong Kong time");
	is_str(ts_str(&r, "ends_at"), "2026-04-02T14:00:00+08:00",
	       "session: and a UTC time is shown in Hong Kong time");
	ok(!json_object_get(r.json, "qr_key"), "session: the QR key is never shown");
	ts_response_release(&r);
}

static void test_enrolments(void)
{
	char valid[200];
	snprintf(valid, sizeof valid,
		 "{\"group_id\":%lld,\"participant_id\":%lld,\"enrolled_on\":\"2026-03-20\"}",
		 (long long)group_id, (long long)participant_id);
	struct family f = { "enrolment", &worker, "POST", "/api/v1/enrolments",
			    "/api/v1/enrolments" };
	common_refusals(&f, valid, "enrolled_on", 0, 201, 1);
	json_int_t g = (json_int_t)group_id, p = (json_int_t)participant_id;
	refused(&f, 409, "conflict", "participant_id", "enrolling her twice", "{s:I, s:I}",
		"group_id", g, "participant_id", p);
	refused(&f, 400, "unknown_reference", "participant_id", "participant_id 999999",
		"{s:I, s:i}", "group_id", g, "participant_id", 999999);
	refused(&f, 400, "unknown_reference", "group_id", "group_id 999999", "{s:i, s:I}",
		"group_id", 999999, "participant_id", p);
	refused(&f, 400, "invalid_field", "participant_id", "participant_id as a string",
		"{s:I, s:s}", "group_id", g, "participant_id", "12");
	refused(&f, 400, "missing_field", "participant_id", "without a participant", "{s:I}",
		"group_id", g);
	refused(&f, 400, "invalid_field", "enrolled_on", "enrolled_on 20/03/2026",
		"{s:I, s:I, s:s}", "group_id", g, "participant_id", p, "enrolled_on",
		"20/03/2026");
	refused(&f, 400, "invalid_field", "left_on", "leaving before enrolling",
		"{s:I, s:I, s:s, s:s}", "group_id", g, "participant_id", p, "enrolled_on",
		"2026-03-20", "left_on", "2026-03-19");
}

static void test_users(void)
{
	struct family f = { "user", &admin, "POST", "/api/v1/users", "/api/v1/users" };
	common_refusals(&f, "{\"username\":\"bob\",\"role\":\"worker\","
			    "\"password\":\"a long enough password\"}", "username", 64, 201, 1);
	refused(&f, 409, "conflict", "username", "a username already used (other case)",
		"{s:s, s:s, s:s}", "username", "AMY", "role", "worker", "password",
		"a long enough password");
	refused(&f, 400, "invalid_field", "role", "role boss", "{s:s, s:s, s:s}", "username",
		"carl", "role", "boss", "password", "a long enough password");
	refused(&f, 400, "invalid_field", "password", "a short password", "{s:s, s:s, s:s}",
		"username", "carl", "role", "worker", "password", "short");
	refused(&f, 400, "invalid_field", "password", "a password as a number",
		"{s:s, s:s, s:i}", "username", "carl", "role", "worker", "password", 1234567890);
	refused(&f, 400, "missing_field", "password", "without a password", "{s:s, s:s}",
		"username", "carl", "role", "worker");
	char *name = repeat("u", 65);
	refused(&f, 400, "invalid_field", "username", "a username of 65 characters",
		"{s:s, s:s, s:s}", "username", name, "role", "worker", "password",
		"a long enough password");
	free(name);
	refused(&f, 400, "unknown_field", "password_hash", "a password hash given",
		"{s:s, s:s, s:s}", "username", "carl", "role", "worker", "password_hash", "x");
	struct family w = { "user (as a worker)", &worker, "POST", "/api/v1/users",
			    "/api/v1/users" };
	refused(&w, 403, "forbidden", "", "a worker creating a user", "{s:s, s:s, s:s}",
		"username", "carl", "role", "admin", "password", "a long enough password");
}

static void test_devices(void)
{
	struct family f = { "device", &admin, "POST", "/api/v1/devices", "/api/v1/devices" };
	common_refusals(&f, "{\"name\":\"Kiosk 2\",\"kind\":\"kiosk\",\"venue\":\"Room 2\"}", "name",
			100, 201, 1);
	refused(&f, 400, "invalid_field", "kind", "kind printer", "{s:s, s:s}", "name", "D",
		"kind", "printer");
	refused(&f, 400, "missing_field", "kind", "without a kind", "{s:s}", "name", "D");
	refused(&f, 400, "read_only_field", "last_seen_at", "last_seen_at given", "{s:s, s:s, s:s}",
		"name", "D", "kind", "kiosk", "last_seen_at", "2026-04-01T14:00");
	refused(&f, 400, "read_only_field", "token_hash", "a token hash given", "{s:s, s:s, s:s}",
		"name", "D", "kind", "kiosk", "token_hash", "00");
	char *venue = repeat("v", 101);
	refused(&f, 400, "invalid_field", "venue", "a venue of 101 characters",
		"{s:s, s:s, s:s}", "name", "D", "kind", "kiosk", "venue", venue);
	free(venue);
}

static int64_t attendance_id;

static void test_checkins(void)
{
	char roster[100], valid[200];
	snprintf(roster, sizeof roster, "/api/v1/sessions/%lld/roster", (long long)session_id);
	snprintf(valid, sizeof valid, "{\"participant_id\":%lld,\"session_id\":%lld}",
		 (long long)participant_id, (long long)session_id);
	struct family f = { "check-in", &worker, "POST", "/api/v1/checkins", roster };
	json_int_t s = (json_int_t)session_id, p = (json_int_t)participant_id;
	/* The common refusals end with her signed in; their text field is the
	 * venue, which the valid body does not need. */
	json_t *v = json_loads(valid, 0, NULL);
	json_object_set_new(v, "venue", json_string("Room 1"));
	char *text = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	common_refusals(&f, text, "venue", 100, 201, 1);
	free(text);

	refused(&f, 400, "invalid_field", "card", "a card as a number", "{s:i, s:I}", "card", 42,
		"session_id", s);
	char *card = repeat("A", 201);
	refused(&f, 400, "invalid_field", "card", "a card of 201 characters", "{s:s, s:I}",
		"card", card, "session_id", s);
	free(card);
	refused(&f, 400, "invalid_field", "session_id", "session_id as a string", "{s:I, s:s}",
		"participant_id", p, "session_id", "1");
	refused(&f, 400, "invalid_field", "session_id", "session_id 0", "{s:I, s:i}",
		"participant_id", p, "session_id", 0);
	refused(&f, 400, "invalid_field", "participant_id", "participant_id as a string",
		"{s:s, s:I}", "participant_id", "1", "session_id", s);
	refused(&f, 400, "missing_field", "card", "neither a card nor a participant", "{s:I}",
		"session_id", s);
	refused(&f, 400, "missing_field", "card", "both a card and a participant",
		"{s:s, s:I, s:I}", "card", "AAAA", "participant_id", p, "session_id", s);
	refused(&f, 400, "invalid_field", "method", "method magic", "{s:I, s:I, s:s}",
		"participant_id", p, "session_id", s, "method", "magic");
	refused(&f, 400, "invalid_field", "method", "method import", "{s:I, s:I, s:s}",
		"participant_id", p, "session_id", s, "method", "import");
	refused(&f, 400, "invalid_field", "scanned_at", "scanned_at yesterday", "{s:I, s:I, s:s}",
		"participant_id", p, "session_id", s, "scanned_at", "yesterday");
	refused(&f, 400, "invalid_field", "scanned_at", "a scan time years ago", "{s:I, s:I, s:s}",
		"participant_id", p, "session_id", s, "scanned_at", "2020-01-01T10:00");
	char *nonce = repeat("n", 101);
	refused(&f, 400, "invalid_field", "nonce", "a nonce of 101 characters",
		"{s:I, s:I, s:s}", "participant_id", p, "session_id", s, "nonce", nonce);
	free(nonce);

	/* Her attendance, for the undo family. */
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/checkins", &r, "{s:I, s:I}", "participant_id", p,
		    "session_id", s);
	is_str(ts_str(&r, "status"), "already", "check-in: she is signed in once");
	attendance_id = json_integer_value(
		json_object_get(json_object_get(r.json, "attendance"), "id"));
	ts_response_release(&r);
}

static void test_undo(void)
{
	char roster[100], path[100];
	snprintf(roster, sizeof roster, "/api/v1/sessions/%lld/roster", (long long)session_id);
	snprintf(path, sizeof path, "/api/v1/attendance/%lld/undo", (long long)attendance_id);
	struct family f = { "undo", &worker, "POST", path, roster };
	common_refusals(&f, "{\"reason\":\"signed in the wrong person\"}", "reason", 500, 200, -1);
	refused(&f, 409, "already_undone", "", "undoing twice", "{s:s}", "reason", "again");
	struct family unknown = { "undo", &worker, "POST", "/api/v1/attendance/999999/undo",
				  roster };
	refused(&unknown, 404, "not_found", "", "an unknown attendance", "{s:s}", "reason", "x");
	/* The rest need a live attendance to undo. */
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/checkins", &r, "{s:I, s:I}", "participant_id",
		    (json_int_t)participant_id, "session_id", (json_int_t)session_id);
	is_str(ts_str(&r, "status"), "ok", "undo: she signs in again");
	ts_response_release(&r);
	refused(&f, 400, "missing_field", "reason", "without a reason", "{}");
	refused(&f, 400, "missing_field", "reason", "a null reason", "{s:n}", "reason");
	refused(&f, 400, "invalid_field", "reason", "a reason of spaces", "{s:s}", "reason", "  ");
	char *reason = repeat("r", 501);
	refused(&f, 400, "invalid_field", "reason", "a reason of 501 characters", "{s:s}",
		"reason", reason);
	free(reason);
}

static void test_login(void)
{
	struct ts_client anon;
	ts_client_init(&anon, &srv);
	struct family f = { "login", &anon, "POST", "/api/v1/auth/login", "/api/v1/users" };
	char valid[200];
	snprintf(valid, sizeof valid, "{\"username\":\"bob\",\"password\":\"a long enough password\"}");
	refused(&f, 400, "missing_field", "password", "without a password", "{s:s}", "username",
		"bob");
	refused(&f, 400, "missing_field", "username", "without a username", "{s:s}", "password",
		"a long enough password");
	char *name = repeat("u", 65);
	refused(&f, 400, "invalid_field", "username", "a username of 65 characters",
		"{s:s, s:s}", "username", name, "password", "a long enough password");
	free(name);
	/* Last: the valid sign-in leaves a session cookie behind. */
	common_refusals(&f, valid, "username", 64, 200, 0);
	ts_client_release(&anon);
}

static void refused_csv(struct ts_client *c, const char *kind, const char *csv, long status,
			const char *code, const char *field, const char *what)
{
	char path[80], name[200];
	snprintf(path, sizeof path, "/api/v1/import/%s", kind);
	snprintf(name, sizeof name, "import: %s", what);
	refused_raw(c, "POST", path, csv, csv ? strlen(csv) : 0, "text/csv",
		    "/api/v1/participants", status, code, field, name);
}

static void test_import_family(void)
{
	refused_csv(&worker, "participants", "ref,alias\nX1,K\xff\xfe\n", 400, "invalid_csv", "",
		    "invalid UTF-8");
	refused_csv(&worker, "participants", "{\"alias\":\"K\"}", 400, "invalid_csv", "",
		    "JSON, not CSV");
	refused_csv(&worker, "participants", NULL, 400, "invalid_csv", "", "no body");
	refused_csv(&worker, "parties", "ref,name\nA,B\n", 404, "unknown_kind", "kind",
		    "an unknown kind");
	refused_csv(&worker, "participants", "ref,alias,nmae\nX1,K,z\n", 400, "unknown_column",
		    "nmae", "an unknown column");
	refused_csv(&worker, "participants", "ref,alias,phone\nX1,K,91234567\nX2,L,1234\n", 400,
		    "invalid_row", "phone", "a bad phone on line 3");
	refused_csv(&viewer, "participants", "ref,alias\nX1,K\n", 403, "forbidden", "",
		    "by a viewer");
}

/* A participant as the worker sees her now (caller releases). */
static void get_participant(int64_t id, struct ts_response *r)
{
	char path[80];
	snprintf(path, sizeof path, "/api/v1/participants/%lld", (long long)id);
	ts_request(&worker, "GET", path, NULL, r);
}

static void test_patch(void)
{
	char path[80];
	snprintf(path, sizeof path, "/api/v1/participants/%lld", (long long)participant_id);
	struct family f = { "PATCH participant", &worker, "PATCH", path, "/api/v1/participants" };
	struct ts_response before, after;
	get_participant(participant_id, &before);

	refused(&f, 400, "invalid_field", "phone", "a new alias with a bad phone", "{s:s, s:s}",
		"alias", "Changed", "phone", "12");
	refused(&f, 400, "unknown_field", "nmae", "a new alias with an unknown field",
		"{s:s, s:s}", "alias", "Changed", "nmae", "x");
	refused(&f, 400, "missing_field", "alias", "emptying the alias", "{s:n}", "alias");
	refused(&f, 400, "invalid_field", "phone", "removing the phone that SMS needs",
		"{s:s, s:n}", "alias", "Changed", "phone");
	refused_text(&f, "{\"alias\":\"Changed\"", 400, "invalid_json", "", "a syntax error");
	refused(&f, 400, NULL, "channel", "channel null", "{s:s, s:n}", "alias", "Changed",
		"channel");
	get_participant(participant_id, &after);
	ok(json_equal(before.json, after.json), "PATCH participant: the failed PATCHes changed "
	   "nothing in her record");
	if (!json_equal(before.json, after.json))
		diag("before %s\n# after %s", before.body, after.body);
	ts_response_release(&after);

	/* A PATCH that changes nothing: the same values, or the same number
	 * written differently. */
	int64_t audit = newest_audit();
	struct ts_response r;
	ts_requestf(&worker, "PATCH", path, &r, "{s:s, s:s}", "alias", "Mei", "phone",
		    "+852 9876-5432");
	is_int(r.status, 200, "PATCH participant: the same values are fine");
	is_str(ts_str(&r, "updated_at"), ts_str(&before, "updated_at"),
	       "PATCH participant: and do not touch updated_at");
	ts_response_release(&r);
	ts_request(&worker, "PATCH", path, "{}", &r);
	is_int(r.status, 200, "PATCH participant: an empty PATCH is fine");
	ts_response_release(&r);
	is_int(newest_audit(), audit, "PATCH participant: a PATCH that changes nothing writes "
	       "no audit entry");

	ts_requestf(&worker, "PATCH", path, &r, "{s:s}", "alias", "Mei Mei");
	is_int(r.status, 200, "PATCH participant: a real change is saved");
	is_str(ts_str(&r, "alias"), "Mei Mei", "PATCH participant: and answered");
	ts_response_release(&r);
	ok(newest_audit() > audit, "PATCH participant: and audited");
	char *action = newest_audit_action();
	is_str(action, "update", "PATCH participant: as an update");
	free(action);
	ts_response_release(&before);

	/* Sessions: the row after the change must still be a valid session. */
	snprintf(path, sizeof path, "/api/v1/sessions/%lld", (long long)session_id);
	struct family s = { "PATCH session", &worker, "PATCH", path, "/api/v1/sessions" };
	ts_request(&worker, "GET", path, NULL, &before);
	refused(&s, 400, "invalid_field", "ends_at", "an end two days later", "{s:s}", "ends_at",
		"2026-04-03T14:00");
	refused(&s, 400, "invalid_field", "ends_at", "a start after the end", "{s:s}",
		"starts_at", "2026-04-01T17:00");
	refused(&s, 400, "unknown_reference", "group_id", "moving to an unknown group", "{s:i}",
		"group_id", 999999);
	refused(&s, 400, "read_only_field", "qr_key", "a new QR key", "{s:s}", "qr_key", "x");
	ts_request(&worker, "GET", path, NULL, &after);
	ok(json_equal(before.json, after.json), "PATCH session: the failed PATCHes changed "
	   "nothing");
	ts_response_release(&before);
	ts_response_release(&after);

	/* What is fixed at creation stays fixed. */
	ts_requestf(&worker, "POST", "/api/v1/participants", &r, "{s:s}", "alias", "Other");
	int64_t other = ts_created("another participant", &r);
	struct ts_response list;
	ts_request(&worker, "GET", "/api/v1/enrolments", NULL, &list);
	int64_t enrolment = json_integer_value(json_object_get(
		json_array_get(json_object_get(list.json, "items"), 0), "id"));
	ts_response_release(&list);
	snprintf(path, sizeof path, "/api/v1/enrolments/%lld", (long long)enrolment);
	struct family e = { "PATCH enrolment", &worker, "PATCH", path, "/api/v1/enrolments" };
	refused(&e, 400, "fixed_field", "participant_id", "moving it to someone else", "{s:I}",
		"participant_id", (json_int_t)other);
	ts_request(&admin, "GET", "/api/v1/users?limit=500", NULL, &list);
	int64_t amy = 0;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(list.json, "items"), i, item)
		if (strcmp(json_string_value(json_object_get(item, "username")), "amy") == 0)
			amy = json_integer_value(json_object_get(item, "id"));
	ts_response_release(&list);
	snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)amy);
	struct family u = { "PATCH user", &admin, "PATCH", path, "/api/v1/users" };
	refused(&u, 400, "fixed_field", "username", "renaming a user", "{s:s}", "username", "amy2");
}

static void test_phone_and_time(void)
{
	static const char *const phones[][2] = {
		{ " 9123-4567 ", "+85291234567" },
		{ "+852 6123 4567", "+85261234567" },
		{ "(852) 5123 4567", "+85251234567" },
		{ "0085251234568", "+85251234568" },
	};
	for (size_t i = 0; i < sizeof phones / sizeof phones[0]; i++) {
		struct ts_response r;
		ts_requestf(&worker, "POST", "/api/v1/participants", &r, "{s:s, s:s}", "alias",
			    "Phone test", "phone", phones[i][0]);
		is_int(r.status, 201, "a participant with phone \"%s\" is accepted", phones[i][0]);
		is_str(ts_str(&r, "phone"), phones[i][1], "\"%s\" is stored as %s", phones[i][0],
		       phones[i][1]);
		is_str(ts_str(&r, "channel"), "sms", "a phone number makes SMS the channel");
		ts_response_release(&r);
	}
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s}", "group_id",
		    (json_int_t)group_id, "starts_at", "2026-04-01T14:00", "ends_at",
		    "2026-04-01T15:30:00+08:00");
	is_int(r.status, 201, "a session is created");
	is_str(ts_str(&r, "starts_at"), "2026-04-01T14:00:00+08:00",
	       "a time without an offset is read as Hong Kong time");
	is_str(ts_str(&r, "ends_at"), "2026-04-01T15:30:00+08:00", "and one with +08:00 is kept");
	ts_response_release(&r);
}

static void test_paging(void)
{
	struct ts_response r;
	int64_t made[7];
	for (int i = 0; i < 7; i++) {
		char name[32];
		snprintf(name, sizeof name, "Paging %d", i + 1);
		ts_requestf(&worker, "POST", "/api/v1/programmes", &r, "{s:s}", "name", name);
		made[i] = ts_created("a programme to page", &r);
	}
	int64_t seen[16];
	int n = 0, pages = 0;
	bool in_order = true, small_pages = true;
	char path[160] = "/api/v1/programmes?limit=3";
	for (;;) {
		ts_request(&viewer, "GET", path, NULL, &r);
		if (r.status != 200)
			bail_out("GET %s: %ld %s", path, r.status, r.body);
		pages++;
		json_t *items = json_object_get(r.json, "items");
		small_pages &= json_array_size(items) <= 3;
		size_t i;
		json_t *item;
		json_array_foreach(items, i, item) {
			int64_t id = json_integer_value(json_object_get(item, "id"));
			if (n > 0 && id <= seen[n - 1])
				in_order = false;
			if (n < 16)
				seen[n++] = id;
		}
		json_t *next = json_object_get(r.json, "next");
		bool done = json_is_null(next) || pages > 5;
		snprintf(path, sizeof path, "/api/v1/programmes?limit=3&after=%lld",
			 (long long)json_integer_value(next));
		ts_response_release(&r);
		if (done)
			break;
	}
	is_int(n, 7, "following \"next\" with limit=3 gives the 7 programmes");
	is_int(pages, 3, "in 3 pages");
	ok(small_pages, "of at most 3 items each");
	ok(in_order, "in order, none twice");
	bool same = n == 7;
	for (int i = 0; i < n && i < 7; i++)
		same &= seen[i] == made[i];
	ok(same, "exactly the ones created");

	const char *count = "/api/v1/programmes";
	refused_raw(&worker, "GET", "/api/v1/programmes?limit=0", NULL, 0, NULL, count, 400,
		    "invalid_query", "limit", "limit=0");
	refused_raw(&worker, "GET", "/api/v1/programmes?limit=501", NULL, 0, NULL, count, 400,
		    "invalid_query", "limit", "limit=501");
	refused_raw(&worker, "GET", "/api/v1/programmes?limit=ten", NULL, 0, NULL, count, 400,
		    "invalid_query", "limit", "limit=ten");
	refused_raw(&worker, "GET", "/api/v1/programmes?after=-3", NULL, 0, NULL, count, 400,
		    "invalid_query", "after", "after=-3");
	refused_raw(&worker, "GET", "/api/v1/programmes?archived=maybe", NULL, 0, NULL, count,
		    400, "invalid_query", "archived", "archived=maybe");
	refused_raw(&worker, "GET", "/api/v1/groups?programme_id=abc", NULL, 0, NULL, count, 400,
		    "invalid_query", "programme_id", "a filter that is not a number");
	refused_raw(&worker, "GET", "/api/v1/groups?kind=party", NULL, 0, NULL, count, 400,
		    "invalid_query", "kind", "a filter value not allowed");
	refused_raw(&worker, "GET", "/api/v1/sessions?starts_at_from=soon", NULL, 0, NULL,
		    count, 400, "invalid_query", "starts_at_from", "a range that is not a time");
	ts_request(&worker, "GET", "/api/v1/programmes?limit=500", NULL, &r);
	is_int(r.status, 200, "limit=500 is allowed");
	ts_response_release(&r);
}

/* The participants a search finds for c (caller releases). */
static size_t search(struct ts_client *c, const char *q, struct ts_response *r)
{
	char path[200];
	char *esc = curl_easy_escape(c->curl, q, 0);
	snprintf(path, sizeof path, "/api/v1/participants?q=%s", esc);
	curl_free(esc);
	ts_request(c, "GET", path, NULL, r);
	if (!is_int(r->status, 200, "the search for \"%s\" is answered", q))
		diag("body: %s", r->body);
	return json_array_size(json_object_get(r->json, "items"));
}

static void test_search(void)
{
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/participants", &r, "{s:s, s:s, s:s}", "alias",
		    "陳小美", "phone", "6543 2109", "note", "prefers mornings");
	int64_t id = ts_created("a participant to search", &r);

	is_int(search(&worker, "小美", &r), 1, "a worker finds her by part of her alias");
	is_int(json_integer_value(json_object_get(
		       json_array_get(json_object_get(r.json, "items"), 0), "id")), id, "her");
	ts_response_release(&r);
	is_int(search(&worker, "2109", &r), 1, "a worker finds her by the last 4 phone digits");
	is_str(json_string_value(json_object_get(
		       json_array_get(json_object_get(r.json, "items"), 0), "alias")),
	       "陳小美", "her, by phone");
	ts_response_release(&r);
	is_int(search(&viewer, "2109", &r), 0, "a viewer's search by phone digits finds nobody");
	ts_response_release(&r);
	is_int(search(&worker, "%", &r), 0, "a %% typed in a search is not a wildcard");
	ts_response_release(&r);
	is_int(search(&worker, "_", &r), 0, "nor is an _");
	ts_response_release(&r);

	is_int(search(&viewer, "小美", &r), 1, "a viewer finds her by alias");
	json_t *her = json_array_get(json_object_get(r.json, "items"), 0);
	ok(!json_object_get(her, "phone"), "without her phone");
	ok(!json_object_get(her, "card_token"), "or her card token");
	ok(!json_object_get(her, "note"), "or the worker's note");
	ts_response_release(&r);

	ts_request(&viewer, "GET", "/api/v1/participants?limit=500", NULL, &r);
	bool hidden = json_array_size(json_object_get(r.json, "items")) > 0;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(r.json, "items"), i, item)
		hidden &= !json_object_get(item, "phone") && !json_object_get(item, "card_token");
	ok(hidden, "a viewer's list shows nobody's phone or card token");
	ts_response_release(&r);
	char path[80];
	snprintf(path, sizeof path, "/api/v1/participants/%lld", (long long)id);
	ts_request(&viewer, "GET", path, NULL, &r);
	is_int(r.status, 200, "a viewer reads her record");
	ok(!json_object_get(r.json, "phone") && !json_object_get(r.json, "card_token") &&
	   !json_object_get(r.json, "note"), "without phone, card token or note");
	ts_response_release(&r);
	ts_request(&worker, "GET", path, NULL, &r);
	is_str(ts_str(&r, "phone"), "+85265432109", "a worker sees her phone");
	ok(json_is_string(json_object_get(r.json, "card_token")), "and her card token");
	ts_response_release(&r);
	struct family f = { "viewer", &viewer, "PATCH", path, "/api/v1/participants" };
	refused(&f, 403, "forbidden", "", "a viewer changing her alias", "{s:s}", "alias", "X");
}

/* Whether the list at path (one page) has the row id. */
static bool listed(const char *path, int64_t id)
{
	struct ts_response r;
	ts_request(&worker, "GET", path, NULL, &r);
	if (r.status != 200)
		bail_out("GET %s: %ld %s", path, r.status, r.body);
	bool found = false;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(r.json, "items"), i, item)
		found |= json_integer_value(json_object_get(item, "id")) == id;
	ts_response_release(&r);
	return found;
}

static void test_archive(void)
{
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme_id, "name", "Closed group", "kind", "other");
	int64_t g = ts_created("a group to archive", &r);
	char path[100];
	snprintf(path, sizeof path, "/api/v1/groups/%lld/archive", (long long)g);
	ts_request(&worker, "POST", path, "{}", &r);
	is_int(r.status, 200, "a worker archives a group");
	ok(json_is_string(json_object_get(r.json, "archived_at")), "it has an archived_at");
	ts_response_release(&r);

	ok(!listed("/api/v1/groups?limit=500", g), "an archived group is not listed");
	ok(listed("/api/v1/groups?limit=500&archived=only", g),
	   "unless archived ones are asked for");

	struct family s = { "archived group", &worker, "POST", "/api/v1/sessions",
			    "/api/v1/sessions" };
	refused(&s, 409, "archived_reference", "group_id", "a new session in it",
		"{s:I, s:s, s:s}", "group_id", (json_int_t)g, "starts_at", "2026-05-01T10:00",
		"ends_at", "2026-05-01T11:00");
	struct family e = { "archived group", &worker, "POST", "/api/v1/enrolments",
			    "/api/v1/enrolments" };
	refused(&e, 409, "archived_reference", "group_id", "enrolling someone in it",
		"{s:I, s:I}", "group_id", (json_int_t)g, "participant_id",
		(json_int_t)participant_id);
	struct family a = { "archived group", &worker, "POST", path, "/api/v1/groups" };
	refused(&a, 409, "already_archived", "", "archiving it again", "{}");
	char group_path[80];
	snprintf(group_path, sizeof group_path, "/api/v1/groups/%lld", (long long)g);
	struct family p = { "archived group", &worker, "PATCH", group_path, "/api/v1/groups" };
	refused(&p, 409, "archived", "", "changing it", "{s:s}", "name", "Reopened");

	snprintf(path, sizeof path, "/api/v1/groups/%lld/restore", (long long)g);
	ts_request(&worker, "POST", path, "{}", &r);
	is_int(r.status, 200, "a worker restores it");
	ok(json_is_null(json_object_get(r.json, "archived_at")), "it is live again");
	ts_response_release(&r);
	ok(listed("/api/v1/groups?limit=500", g), "and listed again");
	struct family again = { "restored group", &worker, "POST", path, "/api/v1/groups" };
	refused(&again, 409, "not_archived", "", "restoring it twice", "{}");
	ts_requestf(&worker, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s}", "group_id",
		    (json_int_t)g, "starts_at", "2026-05-01T10:00", "ends_at", "2026-05-01T11:00");
	is_int(r.status, 201, "a restored group takes sessions again");
	ts_response_release(&r);

	/* A revoked device token stays revoked. */
	ts_requestf(&admin, "POST", "/api/v1/devices", &r, "{s:s, s:s}", "name", "Old kiosk",
		    "kind", "kiosk");
	int64_t d = ts_created("a device", &r);
	snprintf(path, sizeof path, "/api/v1/devices/%lld/archive", (long long)d);
	ts_request(&admin, "POST", path, "{}", &r);
	is_int(r.status, 200, "an admin revokes a device");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/devices/%lld/restore", (long long)d);
	struct family dev = { "revoked device", &admin, "POST", path, "/api/v1/devices" };
	refused(&dev, 409, "final", "", "restoring it", "{}");
}

/* A second server whose body limit is 2048 bytes. */
static void test_body_limit(void)
{
	struct ts_server small;
	ts_server_prepare(&small);
	small.env[0] = "TOUCHPOINT_BODY_LIMIT=2048";
	char *pw = ts_create_user(&small, "root", "admin");
	ts_server_start(&small);
	struct ts_client c;
	ts_client_init(&c, &small);
	is_int(ts_client_login(&c, "root", pw), 200, "limit: the admin signs in");
	free(pw);

	/* The same valid participant, padded with JSON whitespace. */
	char *note = repeat("x", 1800);
	json_t *body = json_pack("{s:s, s:s}", "alias", "Big", "note", note);
	free(note);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	size_t len = strlen(text);
	char *big = malloc(3001);
	memset(big, ' ', 3000);
	memcpy(big, text, len);
	big[3000] = '\0';
	/* The object's closing brace goes last, after the padding. */
	big[len - 1] = ' ';
	big[2999] = '}';
	free(text);

	int64_t rows = count_at(&c, "/api/v1/participants");
	int64_t audit = newest_audit_of(&c);
	struct ts_response r;
	ts_request(&c, "POST", "/api/v1/participants", big, &r);
	is_int(r.status, 413, "limit: a body of 3000 bytes is refused with 413");
	is_str(ts_error_code(&r), "too_large", "limit: as too_large");
	ts_response_release(&r);
	ok(count_at(&c, "/api/v1/participants") == rows && newest_audit_of(&c) == audit,
	   "limit: nothing was written");
	big[2000] = '}';
	big[2001] = '\0';
	ts_request(&c, "POST", "/api/v1/participants", big, &r);
	is_int(r.status, 201, "limit: the same participant in 2001 bytes is accepted");
	ts_response_release(&r);
	free(big);

	ts_client_release(&c);
	is_int(ts_server_stop(&small), 0, "limit: that server stops cleanly");
	ts_server_cleanup(&small);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	char *admin_pw = ts_create_user(&srv, "root", "admin");
	char *worker_pw = ts_create_user(&srv, "amy", "worker");
	char *viewer_pw = ts_create_user(&srv, "vic", "viewer");
	ts_server_start(&srv);
	ts_client_init(&admin, &srv);
	ts_client_init(&worker, &srv);
	ts_client_init(&viewer, &srv);
	if (ts_client_login(&admin, "root", admin_pw) != 200 ||
	    ts_client_login(&worker, "amy", worker_pw) != 200 ||
	    ts_client_login(&viewer, "vic", viewer_pw) != 200)
		bail_out("cannot sign in");
	free(admin_pw);
	free(worker_pw);
	free(viewer_pw);

	test_paging();  /* first: these are the only programmes */
	setup();
	test_programmes();
	test_participants();
	test_groups();
	test_sessions();
	test_enrolments();
	test_users();
	test_devices();
	test_checkins();
	test_undo();
	test_login();
	test_import_family();
	test_patch();
	test_phone_and_time();
	test_search();
	test_archive();
	test_body_limit();

	ts_client_release(&admin);
	ts_client_release(&worker);
	ts_client_release(&viewer);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly on SIGTERM");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
