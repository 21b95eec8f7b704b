/*
 * CSV import, through the CLI (`touchpoint-server import KIND FILE`) and
 * through POST /api/v1/import/{kind}: a centre's whole chain of records,
 * programmes to attendance, refers to itself by the centre's references;
 * Excel's files (BOM, CRLF, quoted commas, any column order, Chinese) come
 * in whole; importing again changes nothing; a bad file imports nothing at
 * all and says where it is wrong; attendance counts a person once; each
 * successful import leaves one "import" entry in the audit log.
 */
#include "../support/testserver.h"
#include "../tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ts_server srv;
static struct ts_client admin, worker;
static int imports;   /* successful imports so far */

/* Writes content to srv.dir/name; path gets the file's path. */
static void write_file(const char *name, const char *content, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", srv.dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(content, 1, strlen(content), f) != strlen(content) || fclose(f) != 0)
		bail_out("cannot write %s", path);
}

/* What an import reported. */
struct counts {
	long long rows, created, updated, unchanged;
};

/* Imports csv as kind through the CLI (via "cli") or the API ("api"),
 * which must succeed; *c gets what it reported. */
static void import_ok(const char *via, const char *kind, const char *csv, struct counts *c,
		      const char *what)
{
	memset(c, 0, sizeof *c);
	bool ok_ = false;
	if (strcmp(via, "cli") == 0) {
		char path[400], name[64];
		snprintf(name, sizeof name, "%s-%d.csv", kind, imports);
		write_file(name, csv, path, sizeof path);
		char *out = NULL, *err = NULL;
		int rc = ts_cli(&srv, &out, &err, "import", kind, path, NULL);
		const char *p = strstr(out, ": ");
		ok_ = rc == 0 && p &&
		      sscanf(p, ": %lld rows, %lld created, %lld updated, %lld unchanged",
			     &c->rows, &c->created, &c->updated, &c->unchanged) == 4;
		if (!ok_)
			diag("exit %d, stdout: %s, stderr: %s", rc, out, err);
		free(out);
		free(err);
	} else {
		char path[80];
		snprintf(path, sizeof path, "/api/v1/import/%s", kind);
		struct ts_response r;
		ts_request_raw(&worker, "POST", path, csv, strlen(csv), "text/csv", &r);
		ok_ = r.status == 200;
		if (!ok_)
			diag("%ld %s", r.status, r.body);
		is_str(ts_str(&r, "kind"), ok_ ? kind : NULL, "%s: the reply names the kind", what);
		c->rows = ts_int(&r, "rows");
		c->created = ts_int(&r, "created");
		c->updated = ts_int(&r, "updated");
		c->unchanged = ts_int(&r, "unchanged");
		ts_response_release(&r);
	}
	ok(ok_, "%s: imported through the %s", what, via);
	if (ok_)
		imports++;
}

static void counts_are(const struct counts *c, long long rows, long long created,
		       long long updated, long long unchanged, const char *what)
{
	if (!ok(c->rows == rows && c->created == created && c->updated == updated &&
		c->unchanged == unchanged,
		"%s: %lld rows, %lld created, %lld updated, %lld unchanged", what, rows, created,
		updated, unchanged))
		diag("got %lld rows, %lld created, %lld updated, %lld unchanged", c->rows,
		     c->created, c->updated, c->unchanged);
}

/* GET path as the admin; bails out unless 200 (caller decrefs). */
static json_t *get_json(const char *path)
{
	struct ts_response r;
	ts_request(&admin, "GET", path, NULL, &r);
	if (r.status != 200 || !r.json)
		bail_out("GET %s: %ld %s", path, r.status, r.body);
	json_t *j = json_incref(r.json);
	ts_response_release(&r);
	return j;
}

/* The one row of kind with this ref, or NULL (caller decrefs). */
static json_t *by_ref(const char *kind, const char *ref)
{
	char path[200];
	snprintf(path, sizeof path, "/api/v1/%s?ref=%s&archived=include", kind, ref);
	json_t *list = get_json(path);
	json_t *items = json_object_get(list, "items");
	json_t *row = json_array_size(items) == 1 ? json_incref(json_array_get(items, 0)) : NULL;
	json_decref(list);
	return row;
}

static int64_t id_of(const char *kind, const char *ref)
{
	json_t *row = by_ref(kind, ref);
	int64_t id = json_integer_value(json_object_get(row, "id"));
	json_decref(row);
	return id;
}

/* Everything an import could change, as the API shows it (caller decrefs):
 * every list (archived rows included), the rosters of the sessions, and
 * the newest audit entry. */
static json_t *snapshot(void)
{
	static const char *const kinds[] = { "programmes", "participants", "groups", "sessions",
					     "enrolments", NULL };
	json_t *s = json_object();
	for (const char *const *k = kinds; *k; k++) {
		char path[100];
		snprintf(path, sizeof path, "/api/v1/%s?archived=include&limit=500", *k);
		json_object_set_new(s, *k, get_json(path));
	}
	json_t *rosters = json_array();
	size_t i;
	json_t *session;
	json_array_foreach(json_object_get(json_object_get(s, "sessions"), "items"), i, session) {
		char path[100];
		snprintf(path, sizeof path, "/api/v1/sessions/%lld/roster",
			 (long long)json_integer_value(json_object_get(session, "id")));
		json_array_append_new(rosters, get_json(path));
	}
	json_object_set_new(s, "rosters", rosters);
	json_t *audit = get_json("/api/v1/audit?limit=1");
	json_object_set(s, "audit", json_object_get(json_array_get(
		json_object_get(audit, "items"), 0), "id"));
	json_decref(audit);
	return s;
}

/* Whether two snapshots are the same; says what differs when not. */
static bool same(json_t *a, json_t *b)
{
	if (json_equal(a, b))
		return true;
	const char *key;
	json_t *v;
	json_object_foreach(a, key, v) {
		if (!json_equal(v, json_object_get(b, key))) {
			char *x = json_dumps(v, JSON_COMPACT);
			char *y = json_dumps(json_object_get(b, key), JSON_COMPACT);
			diag("%s before: %s", key, x);
			diag("%s after:  %s", key, y);
			free(x);
			free(y);
		}
	}
	return false;
}

/*
 * Imports csv as kind through via, which must fail and write nothing. The
 * API must answer status with code and field; the CLI must exit non-zero
 * and say why on stderr. Either way the message must contain each of the
 * needles (NULL-terminated).
 */
static void import_refused(const char *via, const char *kind, const char *csv, long status,
			   const char *code, const char *field, const char *what, ...)
{
	json_t *before = snapshot();
	char message[1024] = "";
	if (strcmp(via, "cli") == 0) {
		char path[400], name[64];
		snprintf(name, sizeof name, "bad-%s.csv", kind);
		write_file(name, csv, path, sizeof path);
		char *out = NULL, *err = NULL;
		int rc = ts_cli(&srv, &out, &err, "import", kind, path, NULL);
		ok(rc != 0, "%s: the CLI exits non-zero (%d)", what, rc);
		ok(!strstr(out, "imported"), "%s: and does not say it imported", what);
		snprintf(message, sizeof message, "%s", err);
		free(out);
		free(err);
	} else {
		char path[80];
		snprintf(path, sizeof path, "/api/v1/import/%s", kind);
		struct ts_response r;
		ts_request_raw(&worker, "POST", path, csv, strlen(csv), "text/csv", &r);
		is_int(r.status, status, "%s: refused with %ld", what, status);
		is_str(ts_error_code(&r), code, "%s: code %s", what, code);
		is_str(ts_error_field(&r), field, "%s: naming the column '%s'", what, field);
		const char *m = json_string_value(
			json_object_get(json_object_get(r.json, "error"), "message"));
		snprintf(message, sizeof message, "%s", m ? m : "");
		ts_response_release(&r);
	}
	va_list ap;
	va_start(ap, what);
	const char *needle;
	while ((needle = va_arg(ap, const char *)) != NULL)
		ok(strstr(message, needle) != NULL, "%s: the message says \"%s\" (%s)", what, needle,
		   message);
	va_end(ap);
	json_t *after = snapshot();
	ok(same(before, after), "%s: nothing was written", what);
	json_decref(before);
	json_decref(after);
}

static int64_t count_import_entries(void)
{
	json_t *audit = get_json("/api/v1/audit?limit=500");
	int64_t n = 0;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(audit, "items"), i, item)
		n += strcmp(json_string_value(json_object_get(item, "action")), "import") == 0;
	if (!json_is_null(json_object_get(audit, "next")))
		bail_out("more than 500 audit entries");
	json_decref(audit);
	return n;
}

/* The files of the chain. Participants come as Excel saves "CSV UTF-8":
 * a BOM, CRLF, headers in another order and case, quoted commas. */
static const char programmes_csv[] =
	"ref,name\n"
	"PR-1,家長支援計劃\n"
	"PR-2,\"Youth, Sports\"\n";
static const char participants_csv[] =
	"\xEF\xBB\xBF" "Alias, phone ,ref,lang,consent\r\n"
	"\"陳, 小美\",9123 4567,P-001,zh-HK,是\r\n"
	"KIKI,\"6123-4567\",P-002,en,no\r\n"
	"\"Mrs \"\"Wong\"\"\",,P-003,,\r\n";
static const char groups_csv[] =
	"programme_ref,ref,kind,name,retention_n\n"
	"PR-1,G-1,peer_support,媽媽小組,4\n"
	"PR-2,G-2,other,\"Football, Saturdays\",\n";
static const char sessions_csv[] =
	"ref,group_ref,starts_at,ends_at,venue\r\n"
	"S-1,G-1,2026-04-01T14:00,2026-04-01T16:00,Room 1\r\n"
	"S-2,G-1,2026-04-08T14:00,2026-04-08T16:00,\"Hall, 2/F\"\r\n";
static const char enrolments_csv[] =
	"participant_ref,group_ref,enrolled_on\n"
	"P-001,G-1,2026-03-20\n"
	"P-002,G-1,\n";
/* P-001 twice (she counts once); P-003 is not enrolled: a walk-in. */
static const char attendance_csv[] =
	"session_ref,participant_ref,method,at\n"
	"S-1,P-001,card,2026-04-01T14:05\n"
	"S-1,P-001,,\n"
	"S-1,P-003,staff,\n";

static void test_chain(void)
{
	struct counts c;
	import_ok("cli", "programmes", programmes_csv, &c, "programmes");
	counts_are(&c, 2, 2, 0, 0, "programmes");
	import_ok("api", "participants", participants_csv, &c, "participants");
	counts_are(&c, 3, 3, 0, 0, "participants");
	import_ok("cli", "groups", groups_csv, &c, "groups");
	counts_are(&c, 2, 2, 0, 0, "groups");
	import_ok("api", "sessions", sessions_csv, &c, "sessions");
	counts_are(&c, 2, 2, 0, 0, "sessions");
	import_ok("cli", "enrolments", enrolments_csv, &c, "enrolments");
	counts_are(&c, 2, 2, 0, 0, "enrolments");
	import_ok("api", "attendance", attendance_csv, &c, "attendance");
	counts_are(&c, 3, 2, 0, 1, "attendance (her second line counts once)");

	json_t *p = by_ref("programmes", "PR-2");
	is_str(json_string_value(json_object_get(p, "name")), "Youth, Sports",
	       "a quoted comma stays in the programme's name");
	json_decref(p);

	json_t *kiki = by_ref("participants", "P-002");
	json_t *mei = by_ref("participants", "P-001");
	json_t *wong = by_ref("participants", "P-003");
	is_str(json_string_value(json_object_get(mei, "alias")), "陳, 小美",
	       "a Chinese alias with a comma survives the BOM and the quotes");
	is_str(json_string_value(json_object_get(mei, "phone")), "+85291234567",
	       "her phone is normalised");
	ok(json_is_true(json_object_get(mei, "consent")), "是 is yes to consent");
	ok(json_is_string(json_object_get(mei, "consent_on")), "with the date of the consent");
	ok(json_is_string(json_object_get(mei, "card_token")), "she has a card");
	is_str(json_string_value(json_object_get(kiki, "alias")), "KIKI",
	       "the header \"Alias\" with spaces around \" phone \" is read");
	is_str(json_string_value(json_object_get(kiki, "phone")), "+85261234567",
	       "a quoted phone is read");
	is_str(json_string_value(json_object_get(kiki, "lang")), "en", "and her language");
	ok(json_is_false(json_object_get(kiki, "consent")), "no is no");
	is_str(json_string_value(json_object_get(wong, "alias")), "Mrs \"Wong\"",
	       "doubled quotes are one quote");
	ok(json_is_null(json_object_get(wong, "phone")), "an empty phone cell is no phone");
	is_str(json_string_value(json_object_get(wong, "channel")), "none",
	       "so she gets no messages");
	json_decref(kiki);
	json_decref(wong);

	json_t *g = by_ref("groups", "G-1");
	is_int(json_integer_value(json_object_get(g, "programme_id")), id_of("programmes", "PR-1"),
	       "the group belongs to the programme its programme_ref names");
	is_str(json_string_value(json_object_get(g, "programme_name")), "家長支援計劃",
	       "whose Chinese name survived");
	is_str(json_string_value(json_object_get(g, "name")), "媽媽小組", "the group's name too");
	is_int(json_integer_value(json_object_get(g, "retention_n")), 4, "retention_n is read");
	is_int(json_integer_value(json_object_get(g, "enrolled")), 2, "two are enrolled");
	json_decref(g);
	g = by_ref("groups", "G-2");
	is_int(json_integer_value(json_object_get(g, "retention_n")), 3,
	       "an empty retention_n takes the default");
	json_decref(g);

	json_t *s = by_ref("sessions", "S-2");
	is_int(json_integer_value(json_object_get(s, "group_id")), id_of("groups", "G-1"),
	       "the session belongs to the group its group_ref names");
	is_str(json_string_value(json_object_get(s, "starts_at")), "2026-04-08T14:00:00+08:00",
	       "its start is Hong Kong time");
	is_str(json_string_value(json_object_get(s, "venue")), "Hall, 2/F",
	       "a quoted venue with a comma, in a CRLF file");
	json_decref(s);

	char path[100];
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/roster",
		 (long long)id_of("sessions", "S-1"));
	json_t *roster = get_json(path);
	is_int(json_integer_value(json_object_get(roster, "enrolled")), 2, "S-1: two enrolled");
	is_int(json_integer_value(json_object_get(roster, "arrived")), 2,
	       "S-1: two arrived (she counts once, plus the walk-in)");
	size_t i;
	json_t *person;
	bool mei_ok = false, wong_ok = false, kiki_absent = false;
	json_array_foreach(json_object_get(roster, "people"), i, person) {
		const char *ref = json_string_value(json_object_get(person, "ref"));
		json_t *a = json_object_get(person, "attendance");
		if (strcmp(ref, "P-001") == 0)
			mei_ok = !strcmp(json_string_value(json_object_get(a, "method")), "card") &&
				 !strcmp(json_string_value(json_object_get(a, "scanned_at")),
					 "2026-04-01T14:05:00+08:00") &&
				 json_is_false(json_object_get(a, "walk_in"));
		if (strcmp(ref, "P-003") == 0)
			wong_ok = json_is_true(json_object_get(a, "walk_in")) &&
				  !strcmp(json_string_value(json_object_get(a, "method")), "staff");
		if (strcmp(ref, "P-002") == 0)
			kiki_absent = json_is_null(a);
	}
	ok(mei_ok, "S-1: she arrived by card at 14:05, as the file says");
	ok(wong_ok, "S-1: Mrs Wong is a walk-in, signed in by staff");
	ok(kiki_absent, "S-1: KIKI is enrolled but did not come");
	json_decref(roster);
	json_decref(mei);
}

static void test_again(void)
{
	json_t *before = snapshot();
	struct counts c;
	import_ok("api", "participants", participants_csv, &c, "participants again");
	counts_are(&c, 3, 0, 0, 3, "participants again");
	import_ok("cli", "participants", participants_csv, &c, "participants a third time");
	counts_are(&c, 3, 0, 0, 3, "participants a third time");
	import_ok("api", "programmes", programmes_csv, &c, "programmes again");
	counts_are(&c, 2, 0, 0, 2, "programmes again");
	import_ok("cli", "groups", groups_csv, &c, "groups again");
	counts_are(&c, 2, 0, 0, 2, "groups again");
	import_ok("cli", "sessions", sessions_csv, &c, "sessions again");
	counts_are(&c, 2, 0, 0, 2, "sessions again");
	import_ok("api", "enrolments", enrolments_csv, &c, "enrolments again");
	counts_are(&c, 2, 0, 0, 2, "enrolments again");
	import_ok("cli", "attendance", attendance_csv, &c, "attendance again");
	counts_are(&c, 3, 0, 0, 3, "attendance again");
	json_t *after = snapshot();
	/* Only the audit log grows: one "import" entry each. */
	json_object_del(before, "audit");
	json_object_del(after, "audit");
	ok(same(before, after), "importing the same files again changes no record and no "
	   "roster");
	json_decref(before);
	json_decref(after);

	/* Matched on the reference: a new alias updates her. */
	import_ok("api", "participants", "ref,alias\nP-002,KIKI Chan\n", &c, "a new alias");
	counts_are(&c, 1, 0, 1, 0, "a new alias");
	json_t *kiki = by_ref("participants", "P-002");
	is_str(json_string_value(json_object_get(kiki, "alias")), "KIKI Chan",
	       "her alias is updated");
	is_str(json_string_value(json_object_get(kiki, "phone")), "+85261234567",
	       "and what the file left out is kept");
	json_decref(kiki);
}

static void test_refused(void)
{
	static const char bad_line_4[] =
		"ref,alias,phone\n"
		"N-1,Good one,91234567\n"
		"N-2,好人,\n"
		"N-3,Bad phone,12\n"
		"N-4,After,61234567\n";
	import_refused("api", "participants", bad_line_4, 400, "invalid_row", "phone",
		       "a bad phone on line 4", "line 4", "phone", NULL);
	import_refused("cli", "participants", bad_line_4, 0, NULL, NULL,
		       "a bad phone on line 4 (CLI)", "line 4", "phone", NULL);
	json_t *n1 = by_ref("participants", "N-1");
	json_t *n2 = by_ref("participants", "N-2");
	ok(!n1 && !n2, "the good rows before the bad one were not imported either");
	json_decref(n1);
	json_decref(n2);

	/* The line is the file's line: CRLF and a BOM do not shift it. */
	import_refused("api", "participants",
		       "\xEF\xBB\xBF" "ref,alias,lang\r\nN-1,A,en\r\n\r\nN-2,B,fr\r\n", 400,
		       "invalid_row", "lang", "a bad language after a blank line", "line 4",
		       "lang", NULL);
	/* An update gone wrong is rolled back too. */
	import_refused("api", "participants", "ref,alias\nP-001,Renamed\nP-002,\n", 400,
		       "invalid_row", "alias", "an empty alias after an update", "line 3",
		       "alias", NULL);

	import_refused("api", "participants", "ref,alias,nickname\nN-1,A,Ah A\n", 400,
		       "unknown_column", "nickname", "an unknown column", "nickname", NULL);
	import_refused("cli", "participants", "ref,alias,nickname\nN-1,A,Ah A\n", 0, NULL, NULL,
		       "an unknown column (CLI)", "nickname", NULL);
	import_refused("api", "participants", "ref,phone\nN-1,91234567\n", 400, "missing_column",
		       "alias", "a missing required column", "alias", NULL);
	import_refused("api", "participants", "ref,alias,alias\nN-1,A,B\n", 400,
		       "duplicate_column", "alias", "a column twice", "alias", NULL);
	import_refused("api", "groups",
		       "ref,programme_ref,name,kind\n"
		       "G-8,PR-1,Fine,other\n"
		       "G-9,PR-404,Lost,other\n", 400, "invalid_row", "programme_ref",
		       "an unknown programme_ref", "line 3", "programme_ref", "PR-404", NULL);
	import_refused("cli", "groups",
		       "ref,programme_ref,name,kind\n"
		       "G-8,PR-1,Fine,other\n"
		       "G-9,PR-404,Lost,other\n", 0, NULL, NULL,
		       "an unknown programme_ref (CLI)", "line 3", "programme_ref", NULL);
	import_refused("api", "groups", "ref,programme_ref,name,kind,retention_n\n"
		       "G-8,PR-1,Fine,other,four\n", 400, "invalid_row", "retention_n",
		       "a number that is not one", "line 2", "retention_n", NULL);
	import_refused("api", "groups", "ref,programme_ref,name,kind\nG-8,PR-1,Fine,party\n",
		       400, "invalid_row", "kind", "a kind not allowed", "line 2", "kind", NULL);
	import_refused("api", "sessions", "ref,group_ref,starts_at,ends_at\n"
		       "S-8,G-1,2026-05-01T14:00,2026-05-01T16:00\n"
		       "S-9,G-1,1 May 2026 2pm,2026-05-01T16:00\n", 400, "invalid_row",
		       "starts_at", "a time that is not ISO 8601", "line 3", "starts_at", NULL);
	import_refused("api", "sessions", "ref,group_ref,starts_at,ends_at\n"
		       "S-9,G-1,2026-05-01T14:00,2026-05-03T14:00\n", 400, "invalid_row",
		       "ends_at", "a session of two days", "line 2", "ends_at", NULL);
	import_refused("api", "attendance", "session_ref,participant_ref\n"
		       "S-2,P-001\n"
		       "S-2,P-999\n", 400, "invalid_row", "participant_ref",
		       "attendance of an unknown participant", "line 3", "participant_ref", NULL);
	import_refused("api", "attendance", "session_ref,participant_ref,method\n"
		       "S-2,P-001,telepathy\n", 400, "invalid_row", "method",
		       "an attendance method not allowed", "line 2", "method", NULL);
	import_refused("api", "participants", "ref,alias\nN-1,\"unterminated\n", 400,
		       "invalid_csv", "", "an unterminated quote", "line 2", NULL);

	import_refused("api", "parties", "ref,name\nX,Y\n", 404, "unknown_kind", "kind",
		       "an unknown kind", "parties", NULL);
	import_refused("cli", "parties", "ref,name\nX,Y\n", 0, NULL, NULL,
		       "an unknown kind (CLI)", "parties", NULL);
	import_refused("api", "participants", "", 400, "invalid_csv", "", "an empty file",
		       "empty", NULL);
	import_refused("cli", "participants", "", 0, NULL, NULL, "an empty file (CLI)", "empty",
		       NULL);
	import_refused("api", "participants", "\n\r\n,,\n", 400, "invalid_csv", "",
		       "a file of blank lines", "empty", NULL);
	import_refused("api", "participants", "ref,alias,phone\r\n", 400, "empty_file", "",
		       "a header and no rows", "no rows", NULL);
	import_refused("cli", "participants", "ref,alias,phone\r\n", 0, NULL, NULL,
		       "a header and no rows (CLI)", "no rows", NULL);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	char *admin_pw = ts_create_user(&srv, "root", "admin");
	char *worker_pw = ts_create_user(&srv, "amy", "worker");
	ts_server_start(&srv);
	ts_client_init(&admin, &srv);
	ts_client_init(&worker, &srv);
	if (ts_client_login(&admin, "root", admin_pw) != 200 ||
	    ts_client_login(&worker, "amy", worker_pw) != 200)
		bail_out("cannot sign in");
	free(admin_pw);
	free(worker_pw);

	test_chain();
	test_again();
	test_refused();
	is_int(count_import_entries(), imports,
	       "the audit log has one \"import\" entry per successful import (%d)", imports);

	ts_client_release(&admin);
	ts_client_release(&worker);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly on SIGTERM");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
