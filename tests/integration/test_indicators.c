/*
 * The indicator engine, hand-checked: a counselling group of 49 enrolled of
 * whom 31 came three times (retention 31/49, 63.3% shown); an education
 * group with a 59-minute session (held, not delivered, its attendance
 * counted), a whole-day activity (three sessions), a one-hour session, a
 * walk-in who is not enrolled, a participant enrolled in both groups (one
 * person at the programme level) and an undone attendance (never counted);
 * PHQ-9 pairs of which 61 improved, 8 did not change and 6 got worse
 * (81.3%, 10.7%, 8.0%), a post without a pre and a pre without a post
 * (no pair); 69 of 72 satisfied (95.8%). Agreed levels by `import targets`
 * (49 enrolled against 40: 122.5%) and responses by `import responses`,
 * each refused with the column named when wrong. The CLI's CSV, the API's
 * CSV and its JSON agree; the CSV export is audited. The XLSX workbook (CLI
 * and API), read back: its data sheet holds every figure of the CSV, its
 * output, outcome and pre/post tables show the hand-checked cases as
 * numbers with a one-decimal percent format.
 */
#include "../support/testserver.h"
#include "../support/xlsx.h"
#include "../tap.h"
#include "tp_buf.h"
#include "tp_csv.h"
#include "tp_time.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ts_server srv;
static struct ts_client admin, worker;

/* "2026-11-19T10:00:00+08:00" for now + offset seconds. */
static const char *at(int64_t t, char buf[32])
{
	tp_time_format_hk(t, buf);
	return buf;
}

/* Field col (0-based) of the CSV row scope,indicator; "" when there is
 * none. Returns a static buffer. */
static const char *field(const char *csv, const char *scope, const char *ind, int col)
{
	static char out[64];
	char key[160];
	snprintf(key, sizeof key, "\n%s,%s,", scope, ind);
	const char *p = strstr(csv, key);
	out[0] = '\0';
	if (!p)
		return out;
	p++;
	for (int i = 0; i < col; i++) {
		p = strchr(p, ',');
		if (!p)
			return out;
		p++;
	}
	size_t n = strcspn(p, ",\r\n");
	if (n >= sizeof out)
		n = sizeof out - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

/* numerator/denominator/value as "n|d|v". */
static void figure_is(const char *csv, const char *scope, const char *ind, const char *want)
{
	char got[200];
	char a[64], b[64];
	snprintf(a, sizeof a, "%s", field(csv, scope, ind, 2));
	snprintf(b, sizeof b, "%s", field(csv, scope, ind, 3));
	snprintf(got, sizeof got, "%s|%s|%s", a, b, field(csv, scope, ind, 4));
	is_str(got, want, "%s %s", scope, ind);
}

/* The value of a share, shown to one decimal as the screen shows it. */
static void shown_is(const char *csv, const char *scope, const char *ind, const char *want)
{
	char shown[32];
	snprintf(shown, sizeof shown, "%.1f%%", strtod(field(csv, scope, ind, 4), NULL));
	is_str(shown, want, "%s %s is shown as %s", scope, ind, want);
}

static void post_phq9(int64_t pid, int64_t sid, const char *phase, const int q[9])
{
	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/responses", &r,
		    "{s:s, s:I, s:I, s:s, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}}",
		    "form", "phq9", "participant_id", (json_int_t)pid, "session_id",
		    (json_int_t)sid, "phase", phase, "answers", "q1", q[0], "q2", q[1], "q3",
		    q[2], "q4", q[3], "q5", q[4], "q6", q[5], "q7", q[6], "q8", q[7], "q9", q[8]);
	if (r.status != 201 && r.status != 200)
		bail_out("phq9 response: %ld %s", r.status, r.body);
	ts_response_release(&r);
}

/* A PHQ-9 with the given total (items of 0-3). */
static void phq9_of(int total, int q[9])
{
	for (int i = 0; i < 9; i++) {
		q[i] = total > 3 ? 3 : total;
		total -= q[i];
	}
}

static void load(void)
{
	int64_t now = tp_now();
	int64_t day = now - 3 * 86400;
	day -= (day + 8 * 3600) % 86400;      /* 00:00 HK, three days ago */
	char t1[32], t2[32];
	struct tp_buf csv;
	tp_buf_init(&csv, 1 << 20);

	ts_import(&worker, "programmes", "ref,name\nP1,Programme one\n");
	tp_buf_puts(&csv, "ref,alias\n");
	for (int i = 1; i <= 80; i++)
		tp_buf_printf(&csv, "A%02d,Person %d\n", i, i);
	tp_buf_puts(&csv, "X,Walk-in\n");
	ts_import(&worker, "participants", tp_buf_str(&csv));
	ts_import(&worker, "groups", "ref,programme_ref,name,kind,retention_n\n"
		  "G1,P1,Counselling group,counselling,3\n"
		  "G2,P1,Education talks,education,2\n");

	tp_buf_release(&csv);
	tp_buf_init(&csv, 1 << 20);
	tp_buf_puts(&csv, "ref,group_ref,starts_at,ends_at\n");
	for (int s = 1; s <= 3; s++)   /* two hours each: one session each */
		tp_buf_printf(&csv, "S%d,G1,%s,%s\n", s, at(day + s * 10800 + 32400, t1),
			      at(day + s * 10800 + 32400 + 7200, t2));
	/* 59 minutes; a whole day (09:00-17:00); exactly one hour. */
	tp_buf_printf(&csv, "T1,G2,%s,%s\n", at(day + 86400 + 36000, t1),
		      at(day + 86400 + 36000 + 3540, t2));
	tp_buf_printf(&csv, "T2,G2,%s,%s\n", at(day + 2 * 86400 + 32400, t1),
		      at(day + 2 * 86400 + 61200, t2));
	tp_buf_printf(&csv, "T3,G2,%s,%s\n", at(day + 2 * 86400 + 64800, t1),
		      at(day + 2 * 86400 + 68400, t2));
	ts_import(&worker, "sessions", tp_buf_str(&csv));

	tp_buf_release(&csv);
	tp_buf_init(&csv, 1 << 20);
	tp_buf_puts(&csv, "group_ref,participant_ref\n");
	for (int i = 1; i <= 49; i++)
		tp_buf_printf(&csv, "G1,A%02d\n", i);
	tp_buf_puts(&csv, "G2,A01\n");
	ts_import(&worker, "enrolments", tp_buf_str(&csv));

	tp_buf_release(&csv);
	tp_buf_init(&csv, 1 << 20);
	/* The first row is undone below: A02 at T3 (attendance id 1). */
	tp_buf_puts(&csv, "session_ref,participant_ref\nT3,A02\n");
	for (int i = 1; i <= 31; i++)      /* 31 came three times */
		tp_buf_printf(&csv, "S1,A%02d\nS2,A%02d\nS3,A%02d\n", i, i, i);
	for (int i = 32; i <= 41; i++)     /* 10 came twice, 8 never */
		tp_buf_printf(&csv, "S1,A%02d\nS3,A%02d\n", i, i);
	tp_buf_puts(&csv, "T1,A01\nT2,A01\nT2,X\n");
	ts_import(&worker, "attendance", tp_buf_str(&csv));
	tp_buf_release(&csv);

	struct ts_response r;
	ts_requestf(&worker, "POST", "/api/v1/attendance/1/undo", &r, "{s:s}", "reason",
		    "signed in by mistake");
	is_int(r.status, 200, "A02's attendance at T3 is undone");
	ts_response_release(&r);

	int64_t s1 = ts_id_of(&admin, "sessions", "S1");
	int pre[9], post[9];
	for (int i = 1; i <= 75; i++) {
		int64_t pid = ts_id_of(&admin, "participants", (char[8]){ 'A', (char)('0' + i / 10),
								(char)('0' + i % 10), 0 });
		int a, b;
		if (i <= 61)
			a = 14, b = 6 + i % 4;         /* improved */
		else if (i <= 69)
			a = 10, b = 10;                /* no change */
		else
			a = 5, b = 9;                  /* worse */
		phq9_of(a, pre);
		phq9_of(b, post);
		post_phq9(pid, s1, "pre", pre);
		post_phq9(pid, s1, "post", post);
	}
	phq9_of(3, post);
	post_phq9(ts_id_of(&admin, "participants", "A76"), s1, "post", post);   /* no pre */
	post_phq9(ts_id_of(&admin, "participants", "A77"), s1, "pre", post);    /* no post */

	for (int i = 1; i <= 72; i++) {
		ts_requestf(&worker, "POST", "/api/v1/responses", &r, "{s:s, s:I, s:{s:i}}",
			    "form", "satisfaction", "session_id", (json_int_t)s1, "answers",
			    "overall", i <= 69 ? 4 + i % 2 : 2);
		if (r.status != 201 && r.status != 200)
			bail_out("satisfaction response: %ld %s", r.status, r.body);
		ts_response_release(&r);
	}
}

/* Agreed levels through the CLI's import, as a centre would load them. */
static void load_targets(void)
{
	static const char good[] = "programme_ref,scope,indicator,level\n"
		"P1,G1,enrolled,40\n"
		"P1,*,attendances,80\n"
		"P1,counselling,retention,60\n"
		"P1,G1,satisfaction.positive,90\n";
	char path[400];
	snprintf(path, sizeof path, "%s/targets.csv", srv.dir);
	FILE *f = fopen(path, "wb");
	if (!f || fputs(good, f) < 0 || fclose(f) != 0)
		bail_out("cannot write %s", path);
	char *out = NULL, *err = NULL;
	is_int(ts_cli(&srv, &out, &err, "import", "targets", path, NULL), 0,
	       "import targets through the CLI");
	ok(out && strstr(out, "4 rows, 4 created"), "four targets created: %s", out);
	free(out);
	free(err);
	is_int(ts_cli(&srv, &out, &err, "import", "targets", path, NULL), 0, "again");
	ok(out && strstr(out, "0 created, 0 updated, 4 unchanged"), "again changes nothing");
	free(out);
	free(err);

	static const char *const bad[][2] = {
		{ "programme_ref,scope,indicator,level\nP1,G9,enrolled,40\n", "scope" },
		{ "programme_ref,scope,indicator,level\nP1,family,enroled,40\n", "indicator" },
		{ "programme_ref,scope,indicator,level\nP1,*,phq9.positive,40\n", "indicator" },
		{ "programme_ref,scope,indicator,level\nP1,*,enrolled,0\n", "level" },
		{ "programme_ref,scope,indicator,level\nP1,*,enrolled,forty\n", "level" },
		{ "programme_ref,scope,indicator,level\nP9,*,enrolled,40\n", "programme_ref" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct ts_response r;
		ts_request_raw(&worker, "POST", "/api/v1/import/targets", bad[i][0],
			       strlen(bad[i][0]), "text/csv", &r);
		is_int(r.status, 400, "bad target %zu refused", i);
		is_str(ts_error_field(&r), bad[i][1], "bad target %zu: the column is named", i);
		ts_response_release(&r);
	}
}

/* Paper forms typed into a sheet: a PHQ-9 pair at the whole-day activity. */
static void load_responses(void)
{
	static const char good[] =
		"form,participant_ref,session_ref,phase,submitted_at,q1,q2,q3,q4,q5,q6,q7,q8,q9,overall\n"
		"phq9,A01,T2,pre,,3,3,3,3,3,3,2,0,0,\n"
		"phq9,A01,T2,post,,1,1,1,1,1,1,1,1,0,\n"
		"satisfaction,,T2,,,,,,,,,,,,5\n";
	struct ts_response r;
	ts_request_raw(&worker, "POST", "/api/v1/import/responses", good, strlen(good),
		       "text/csv", &r);
	is_int(r.status, 200, "import responses");
	is_int(ts_int(&r, "created"), 3, "three responses created");
	ts_response_release(&r);
	ts_request_raw(&worker, "POST", "/api/v1/import/responses", good, strlen(good),
		       "text/csv", &r);
	is_int(ts_int(&r, "unchanged"), 3, "importing them again changes nothing");
	ts_response_release(&r);

	static const char *const bad[][2] = {
		{ "form,participant_ref,session_ref,q1\nphq9,A01,T2,7\n", "q1" },
		{ "form,participant_ref,session_ref,q1\nphq9,A01,T2,two\n", "q1" },
		{ "form,participant_ref,session_ref,q1\nsatisfaction,A01,T2,2\n", "q1" },
		{ "form,participant_ref,session_ref,q1\nphq10,A01,T2,2\n", "form" },
		{ "form,participant_ref,session_ref,q1\nphq9,NOBODY,T2,2\n", "participant_ref" },
		{ "form,session_ref,phase,q1\nphq9,T2,during,2\n", "phase" },
		{ "participant_ref,q1\nA01,2\n", "form" },
		{ "form,participant_ref,q1\nphq9,A01,2\n", "submitted_at" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ts_request_raw(&worker, "POST", "/api/v1/import/responses", bad[i][0],
			       strlen(bad[i][0]), "text/csv", &r);
		is_int(r.status, 400, "bad response row %zu refused", i);
		is_str(ts_error_field(&r), bad[i][1], "bad response row %zu: column named", i);
		ts_response_release(&r);
	}
}

static void check_targets(const char *csv)
{
	/* 49 enrolled against 40 agreed: 122.5%. */
	is_str(field(csv, "P1/group:G1", "enrolled", 5), "40", "G1 enrolled: target 40");
	is_str(field(csv, "P1/group:G1", "enrolled", 6), "122.5", "G1 enrolled: 122.5%%");
	/* 116 attendances against 80: 145%. */
	is_str(field(csv, "P1", "attendances", 6), "145", "P1 attendances: 145%%");
	/* Retention 63.27% against 60%: 105.4% shown. */
	char shown[16];
	snprintf(shown, sizeof shown, "%.1f",
		 strtod(field(csv, "P1/kind:counselling", "retention", 6), NULL));
	is_str(shown, "105.4", "counselling retention against 60: 105.4%% shown");
	is_str(field(csv, "P1/group:G1", "satisfaction.positive", 5), "90",
	       "a form's figure has its target");
	is_str(field(csv, "P1/group:G2", "enrolled", 5), "", "no target: empty");
	is_str(field(csv, "*", "attendances", 5), "", "the all-programme scope has none");
}

static void check(const char *csv)
{
	/* The counselling group: 49 enrolled, 31 came three times or more. */
	figure_is(csv, "P1/group:G1", "enrolled", "49||49");
	figure_is(csv, "P1/group:G1", "participants", "41||41");
	figure_is(csv, "P1/group:G1", "attendances", "113||113");
	figure_is(csv, "P1/group:G1", "sessions_delivered", "3||3");
	is_str(field(csv, "P1/group:G1", "retention", 2), "31", "retention numerator 31");
	is_str(field(csv, "P1/group:G1", "retention", 3), "49", "retention denominator 49");
	ok(fabs(strtod(field(csv, "P1/group:G1", "retention", 4), NULL) - 3100.0 / 49) < 1e-9,
	   "retention value is 31/49 unrounded");
	shown_is(csv, "P1/group:G1", "retention", "63.3%");
	figure_is(csv, "P1/kind:counselling", "enrolled", "49||49");

	/* The education group: 59 minutes counts no session, a whole day three,
	 * one hour one; the walk-in attends but is not enrolled; the undone
	 * attendance is nowhere. */
	figure_is(csv, "P1/group:G2", "sessions", "3||3");
	figure_is(csv, "P1/group:G2", "sessions_delivered", "4||4");
	figure_is(csv, "P1/group:G2", "attendances", "3||3");
	figure_is(csv, "P1/group:G2", "participants", "2||2");
	figure_is(csv, "P1/group:G2", "enrolled", "1||1");
	figure_is(csv, "P1/group:G2", "retention", "1|1|100");

	/* The programme: A01 is in both groups, one person. */
	figure_is(csv, "P1", "enrolled", "49||49");
	figure_is(csv, "P1", "participants", "42||42");
	figure_is(csv, "P1", "attendances", "116||116");
	figure_is(csv, "P1", "sessions", "6||6");
	figure_is(csv, "P1", "sessions_delivered", "7||7");
	figure_is(csv, "P1", "retention", "32|50|64");
	figure_is(csv, "*", "attendances", "116||116");

	/* PHQ-9, lower is better: 61 / 8 / 6 of 75 pairs. */
	figure_is(csv, "P1/group:G1", "phq9.responses", "152||152");
	figure_is(csv, "P1/group:G1", "phq9.pairs", "75||75");
	is_str(field(csv, "P1/group:G1", "phq9.improved", 2), "61", "61 improved");
	is_str(field(csv, "P1/group:G1", "phq9.no_change", 2), "8", "8 did not change");
	is_str(field(csv, "P1/group:G1", "phq9.worse", 2), "6", "6 got worse");
	shown_is(csv, "P1/group:G1", "phq9.improved", "81.3%");
	shown_is(csv, "P1/group:G1", "phq9.no_change", "10.7%");
	shown_is(csv, "P1/group:G1", "phq9.worse", "8.0%");
	is_str(field(csv, "P1/group:G1", "phq9.df", 4), "74", "df 74");
	ok(strtod(field(csv, "P1/group:G1", "phq9.t", 4), NULL) < -5, "t is strongly negative");
	double p = strtod(field(csv, "P1/group:G1", "phq9.p", 4), NULL);
	ok(p > 0 && p < 1e-6, "p is tiny but positive (%g)", p);
	/* One imported pair in the education group (20 -> 8): too few for a t. */
	figure_is(csv, "P1/group:G2", "phq9.pairs", "1||1");
	figure_is(csv, "P1/group:G2", "phq9.improved", "1|1|100");
	figure_is(csv, "P1/group:G2", "phq9.mean_change", "-12|1|-12");
	figure_is(csv, "P1/group:G2", "satisfaction.positive", "1|1|100");
	is_str(field(csv, "P1/group:G2", "phq9.t", 4), "too_few", "one pair: t is too_few");
	is_str(field(csv, "P1/group:G2", "phq9.p", 4), "too_few", "one pair: p is too_few");

	figure_is(csv, "P1/group:G1", "satisfaction.responses", "72||72");
	is_str(field(csv, "P1/group:G1", "satisfaction.positive", 2), "69", "69 satisfied");
	shown_is(csv, "P1/group:G1", "satisfaction.positive", "95.8%");
	ok(!strstr(csv, "nan") && !strstr(csv, "NaN") && !strstr(csv, "inf"),
	   "no NaN or inf anywhere");
}


/* Whether a workbook cell holds what a CSV field says: empty, the same
 * number (the CSV prints 15 significant digits) or the same word. */
static bool cell_is(const struct ts_xlsx_cell *c, const char *want)
{
	if (!*want)
		return !c || c->blank;
	if (!c || c->blank)
		return false;
	char *end;
	double w = strtod(want, &end);
	if (*end == '\0')
		return !c->is_text && fabs(c->num - w) <= 1e-12 * fmax(1.0, fabs(w));
	return c->is_text && strcmp(c->text, want) == 0;
}

/* The data sheet of the workbook at path is the CSV, row for row. */
static void data_sheet_is_csv(const char *path, const char *csv, const char *what)
{
	struct tp_csv c;
	if (tp_csv_parse(csv, strlen(csv), &c, NULL, 0) < 0)
		bail_out("the report's CSV does not parse");
	struct ts_xlsx_sheet s;
	ts_xlsx_read(path, "數據 Data", &s);
	int top = ts_xlsx_find_text(&s, 0, "scope", 0);
	ok(top > 0, "%s: the data sheet has the CSV's header below its title", what);
	size_t bad = 0, numbers = 0;
	for (size_t i = 0; i < c.nrows; i++) {
		for (size_t k = 0; k < c.rows[i].nfields; k++) {
			const char *want = c.rows[i].fields[k];
			const struct ts_xlsx_cell *cell = ts_xlsx_at(&s, top + (int)i, (int)k);
			if (cell && !cell->is_text && !cell->blank)
				numbers++;
			if (!cell_is(cell, want) && bad++ < 3)
				diag("%s: row %zu column %zu: CSV \"%s\", sheet %s %g", what, i, k,
				     want, cell && cell->is_text ? cell->text : "", cell ? cell->num : 0);
		}
	}
	is_int(bad, 0, "%s: every field of the %zu CSV rows is on the data sheet", what,
	       c.nrows);
	ok(numbers > c.nrows, "%s: the figures are numbers (%zu number cells)", what, numbers);
	ok(!ts_xlsx_at(&s, top + (int)c.nrows, 0), "%s: and no row more", what);
	ts_xlsx_release(&s);
	tp_csv_release(&c);
}

/* The row labelled label in the block that follows heading, or -1. */
static int block_row(const struct ts_xlsx_sheet *s, const char *heading, const char *label)
{
	int h = ts_xlsx_find_text(s, 0, heading, 0);
	return h < 0 ? -1 : ts_xlsx_find_text(s, 0, label, h);
}

/* A cell's number, as shown with one decimal when its format is the
 * one-decimal percent ("63.3%"), else "%g"; "" for none. */
static const char *shown(const struct ts_xlsx_sheet *s, int row, int col)
{
	static char out[64];
	const struct ts_xlsx_cell *c = row < 0 ? NULL : ts_xlsx_at(s, row, col);
	if (!c || c->blank)
		return "";
	if (c->is_text)
		snprintf(out, sizeof out, "%s", c->text);
	else if (strcmp(c->format, "0.0\"%\"") == 0)
		snprintf(out, sizeof out, "%.1f%%", c->num);
	else
		snprintf(out, sizeof out, "%g", c->num);
	return out;
}

static void tables_show_the_cases(const char *path, const char *what)
{
	char *names = ts_xlsx_sheet_names(path);
	is_str(names, "產出 Outputs,成效 Outcomes,前後測 Pre-post,數據 Data",
	       "%s: the sheets, zh-HK first", what);
	free(names);

	struct ts_xlsx_sheet s;
	ts_xlsx_read(path, "產出 Outputs", &s);
	const char *g1 = "小組 Group: G1 Counselling group";
	int r = block_row(&s, g1, "招收人數 Enrolled");
	ok(r > 0, "%s: G1's block has Enrolled", what);
	is_str(shown(&s, r, 1), "40", "%s: agreed level 40", what);
	is_str(shown(&s, r, 2), "49", "%s: 49 enrolled", what);
	is_str(shown(&s, r, 3), "122.5%", "%s: achievement 122.5%%", what);
	r = block_row(&s, g1, "出席不少於指定節數 Retention (attended at least N sessions)");
	is_str(shown(&s, r, 2), "63.3%", "%s: retention shown 63.3%%", what);
	ok(r > 0 && fabs(ts_xlsx_at(&s, r, 2)->num - 3100.0 / 49) < 1e-9,
	   "%s: and held unrounded as a number", what);
	is_str(shown(&s, r, 4), "31", "%s: retention numerator 31", what);
	is_str(shown(&s, r, 5), "49", "%s: retention denominator 49", what);
	r = block_row(&s, "小組 Group: G2 Education talks", "計算節數 Sessions delivered (counted)");
	is_str(shown(&s, r, 2), "4", "%s: G2 delivered 4 (59 minutes none, a whole day 3)", what);
	r = block_row(&s, "小組類別 Group kind: 輔導 counselling",
		      "出席不少於指定節數 Retention (attended at least N sessions)");
	is_str(shown(&s, r, 1), "60.0%", "%s: the kind's retention level 60%%", what);
	is_str(shown(&s, r, 3), "105.4%", "%s: and its achievement 105.4%%", what);
	const struct ts_xlsx_cell *t = ts_xlsx_at(&s, 1, 0);
	ok(t && t->is_text && strstr(t->text, "期間 Period:"), "%s: the period in the title: %s",
	   what, t && t->is_text ? t->text : "");
	ts_xlsx_release(&s);

	ts_xlsx_read(path, "成效 Outcomes", &s);
	r = block_row(&s, g1, "今日活動意見：正面回應 Your views on today: positive");
	is_str(shown(&s, r, 1), "95.8%", "%s: satisfied 95.8%%", what);
	is_str(shown(&s, r, 2), "69", "%s: 69 satisfied", what);
	is_str(shown(&s, r, 3), "72", "%s: of 72 forms", what);
	is_str(shown(&s, r, 4), "90.0%", "%s: against 90%%", what);
	r = block_row(&s, g1, "近況問卷：有改善 How you have been: improved");
	is_str(shown(&s, r, 1), "81.3%", "%s: PHQ-9 improved 81.3%%", what);
	is_str(shown(&s, r, 2), "61", "%s: 61 improved", what);
	is_str(shown(&s, r, 3), "75", "%s: of 75 pairs", what);
	ts_xlsx_release(&s);

	ts_xlsx_read(path, "前後測 Pre-post", &s);
	r = block_row(&s, g1, "近況問卷 How you have been");
	is_str(shown(&s, r, 1), "152", "%s: 152 PHQ-9 forms", what);
	is_str(shown(&s, r, 2), "75", "%s: 75 pairs", what);
	char got[128];
	snprintf(got, sizeof got, "%s", shown(&s, r, 3));
	for (int c = 4; c <= 8; c++)
		snprintf(got + strlen(got), sizeof got - strlen(got), " %s", shown(&s, r, c));
	is_str(got, "61 81.3% 8 10.7% 6 8.0%", "%s: improved, no change, worse", what);
	is_str(shown(&s, r, 11), "74", "%s: df 74", what);
	const struct ts_xlsx_cell *p = r < 0 ? NULL : ts_xlsx_at(&s, r, 12);
	ok(p && !p->is_text && p->num > 0 && p->num < 1e-6 && strstr(p->format, "<0.001"),
	   "%s: p is a tiny number, shown <0.001", what);
	ok(r > 0 && ts_xlsx_at(&s, r, 10)->num < -5, "%s: t is strongly negative", what);
	r = block_row(&s, "小組 Group: G2 Education talks", "近況問卷 How you have been");
	is_str(shown(&s, r, 10), "少於兩對 fewer than two pairs", "%s: one pair: no t, in words",
	       what);
	is_str(shown(&s, r, 9), "-12", "%s: one pair: mean change -12", what);
	ts_xlsx_release(&s);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		bail_out("cannot write %s", path);
}

static void test_xlsx(const char *from, const char *to, const char *csv)
{
	char path[400];
	snprintf(path, sizeof path, "%s/report.xlsx", srv.dir);
	char *out = NULL, *err = NULL;
	is_int(ts_cli(&srv, &out, &err, "report", "--from", from, "--to", to, "--xlsx", path,
		      NULL), 0, "report --xlsx succeeds");
	ok(out && strstr(out, "wrote"), "it says what it wrote: %s", out);
	free(out);
	free(err);
	data_sheet_is_csv(path, csv, "CLI");
	tables_show_the_cases(path, "CLI");

	char url[200];
	snprintf(url, sizeof url, "/api/v1/indicators.xlsx?from=%s&to=%s&programme=P1", from, to);
	struct ts_response r;
	ts_request(&worker, "GET", url, NULL, &r);
	is_int(r.status, 200, "GET /api/v1/indicators.xlsx");
	ok(strstr(r.headers, "Content-Type: application/vnd.openxmlformats-officedocument."
				"spreadsheetml.sheet"), "the XLSX content type");
	char disp[160];
	snprintf(disp, sizeof disp, "attachment; filename=\"indicators_%s_%s.xlsx\"", from, to);
	ok(strstr(r.headers, disp), "downloaded as indicators_FROM_TO.xlsx");
	ok(r.len > 4 && memcmp(r.body, "PK", 2) == 0, "a zip file (%zu bytes)", r.len);
	snprintf(path, sizeof path, "%s/api.xlsx", srv.dir);
	write_file(path, r.body, r.len);
	ts_response_release(&r);

	snprintf(url, sizeof url, "/api/v1/indicators.csv?from=%s&to=%s&programme=P1", from, to);
	ts_request(&worker, "GET", url, NULL, &r);
	data_sheet_is_csv(path, r.body, "API");
	ts_response_release(&r);
	tables_show_the_cases(path, "API");
	struct ts_xlsx_sheet s;
	ts_xlsx_read(path, "產出 Outputs", &s);
	const struct ts_xlsx_cell *t = ts_xlsx_at(&s, 1, 0);
	ok(t && t->is_text && strstr(t->text, "計劃 Programme: P1 Programme one"),
	   "API: the programme in the title row");
	ts_xlsx_release(&s);

	ts_request(&worker, "GET", "/api/v1/indicators.xlsx?programme=NOPE", NULL, &r);
	is_int(r.status, 400, "xlsx: an unknown programme is refused");
	is_str(ts_error_field(&r), "programme", "xlsx: the parameter is named");
	ts_response_release(&r);

	ts_request(&admin, "GET", "/api/v1/audit?entity=programme", NULL, &r);
	json_t *items = r.json ? json_object_get(r.json, "items") : NULL, *it;
	size_t i;
	bool audited = false;
	json_array_foreach(items, i, it) {
		json_t *detail = json_object_get(it, "detail");
		if (strcmp(json_string_value(json_object_get(it, "action")), "export_indicators") == 0 &&
		    json_is_string(json_object_get(detail, "format")) &&
		    strcmp(json_string_value(json_object_get(detail, "format")), "xlsx") == 0)
			audited = true;
	}
	ok(audited, "the XLSX export is in the audit log");
	ts_response_release(&r);
}

static void test_report(void)
{
	int64_t now = tp_now();
	char from[11], to[11];
	tp_date_format_hk(now - 30 * 86400, from);
	tp_date_format_hk(now + 86400, to);

	char *out = NULL, *err = NULL;
	is_int(ts_cli(&srv, &out, &err, "report", "--from", from, "--to", to, "--csv", NULL), 0,
	       "report --csv succeeds");
	ok(strncmp(out, "scope,indicator,numerator,denominator,value,target,achievement_pct\r\n",
		   68) == 0, "the CSV header");
	check(out);
	check_targets(out);

	char path[160];
	snprintf(path, sizeof path, "/api/v1/indicators.csv?from=%s&to=%s", from, to);
	struct ts_response r;
	ts_request(&worker, "GET", path, NULL, &r);
	is_int(r.status, 200, "GET /api/v1/indicators.csv");
	is_str(r.body, out, "the API's CSV is the CLI's");
	ts_response_release(&r);

	snprintf(path, sizeof path, "/api/v1/indicators?from=%s&to=%s&programme=P1", from, to);
	ts_request(&worker, "GET", path, NULL, &r);
	is_int(r.status, 200, "GET /api/v1/indicators");
	json_t *rows = r.json ? json_object_get(r.json, "rows") : NULL;
	bool found = false;
	int stars = 0;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		if (strcmp(json_string_value(json_object_get(row, "scope")), "P1/group:G1") == 0 &&
		    strcmp(json_string_value(json_object_get(row, "indicator")), "retention") == 0) {
			found = true;
			ok(json_number_value(json_object_get(row, "numerator")) == 31 &&
			   json_number_value(json_object_get(row, "denominator")) == 49,
			   "JSON: retention 31 of 49");
		}
		if (strcmp(json_string_value(json_object_get(row, "scope")), "P1/group:G1") == 0 &&
		    strcmp(json_string_value(json_object_get(row, "indicator")), "enrolled") == 0) {
			ok(json_number_value(json_object_get(row, "target")) == 40 &&
			   json_number_value(json_object_get(row, "achievement_pct")) == 122.5,
			   "JSON: enrolled 49 against 40 is 122.5%%");
		}
		if (strcmp(json_string_value(json_object_get(row, "scope")), "*") == 0)
			stars++;
	}
	ok(found, "JSON has the group's retention");
	is_int(stars, 0, "JSON for one programme has no \"*\" scope");
	ts_response_release(&r);

	ts_request(&worker, "GET", "/api/v1/indicators?programme=NOPE", NULL, &r);
	is_int(r.status, 400, "an unknown programme is refused");
	ts_response_release(&r);
	ts_request(&worker, "GET", "/api/v1/indicators?from=2026-13-01", NULL, &r);
	is_int(r.status, 400, "a bad date is refused");
	ts_response_release(&r);

	ts_request(&admin, "GET", "/api/v1/audit?entity=programme", NULL, &r);
	ok(r.body && strstr(r.body, "export_indicators"), "the CSV export is in the audit log");
	ts_response_release(&r);

	test_xlsx(from, to, out);
	free(out);
	free(err);
	is_int(ts_cli(&srv, &out, &err, "report", "--programme", "NOPE", NULL), 1,
	       "report: an unknown programme exits 1");
	free(out);
	free(err);
}

/* A fresh server and database for the next scenario, with the same users. */
static void fresh_server(void)
{
	ts_server_stop_staff(&srv, &admin, &worker, NULL);
	ts_server_prepare(&srv);
	ts_server_start_staff(&srv, &admin, &worker, NULL);
}

static void write_ok(const char *method, const char *path, const char *body, const char *what,
		     ...) __attribute__((format(printf, 4, 5)));

static void write_ok(const char *method, const char *path, const char *body, const char *what,
		     ...)
{
	char name[160];
	va_list ap;
	va_start(ap, what);
	vsnprintf(name, sizeof name, what, ap);
	va_end(ap);
	struct ts_response r;
	ts_request(&worker, method, path, body, &r);
	is_int(r.status, 200, "%s", name);
	ts_response_release(&r);
}

/*
 * People in several groups, for distinct counts at each level: LX in two
 * counselling groups (C1, C2) of Q1, LZ in a family group of Q1 and a talk
 * of Q2, LW a walk-in at C2 and at the talk. Never counted: LU's archived
 * enrolment, LV who left C2 before the period, the session C2b (cancelled)
 * and the archived group F9 with LQ. PHQ-9: LX's pre at C1 and post at C2
 * (a pair only at the kind and above), LY's pair without a session (in the
 * groups LY is enrolled in). A response to C1's session of 45 days ago,
 * given in the period, counts; one given then does not.
 */
static void load_levels(void)
{
	int64_t now = tp_now();
	int64_t day = now - 5 * 86400;
	day -= (day + 8 * 3600) % 86400;      /* 00:00 HK, five days ago */
	char t1[32], t2[32];
	struct tp_buf csv;
	tp_buf_init(&csv, 1 << 16);
	ts_import(&worker, "programmes", "ref,name\nQ1,Levels one\nQ2,Levels two\n");
	ts_import(&worker, "participants", "ref,alias\nLX,X\nLY,Y\nLZ,Z\nLW,W\nLV,V\nLU,U\nLQ,Q\n");
	ts_import(&worker, "groups", "ref,programme_ref,name,kind,retention_n\n"
		  "C1,Q1,Counselling one,counselling,3\nC2,Q1,Counselling two,counselling,3\n"
		  "F1,Q1,Family,family,3\nF9,Q1,Family gone,family,3\nE1,Q2,Talk,education,1\n");
	static const struct { const char *ref, *group; int day, hour; } ss[] = {
		{ "C1a", "C1", 0, 10 }, { "C1b", "C1", 1, 10 }, { "C1c", "C1", 2, 10 },
		{ "C1old", "C1", -40, 10 }, { "C2a", "C2", 0, 14 }, { "C2b", "C2", 1, 14 },
		{ "F1a", "F1", 2, 14 }, { "F9a", "F9", 2, 17 }, { "E1a", "E1", 3, 10 },
	};
	tp_buf_puts(&csv, "ref,group_ref,starts_at,ends_at\n");
	for (size_t i = 0; i < sizeof ss / sizeof ss[0]; i++) {
		int64_t t = day + ss[i].day * 86400 + ss[i].hour * 3600;
		tp_buf_printf(&csv, "%s,%s,%s,%s\n", ss[i].ref, ss[i].group, at(t, t1),
			      at(t + 7200, t2));
	}
	ts_import(&worker, "sessions", tp_buf_str(&csv));
	char long_ago[11];
	tp_date_format_hk(now - 60 * 86400, long_ago);
	tp_buf_release(&csv);
	tp_buf_init(&csv, 1 << 16);
	tp_buf_printf(&csv, "group_ref,participant_ref,enrolled_on\nC1,LX,\nC1,LY,\nC1,LU,\n"
		      "C2,LX,\nC2,LV,%s\nF1,LZ,\nF9,LQ,\nE1,LZ,\n", long_ago);
	ts_import(&worker, "enrolments", tp_buf_str(&csv));
	ts_import(&worker, "attendance", "session_ref,participant_ref\n"
		  "C1a,LX\nC1b,LX\nC1c,LX\nC1a,LY\nC1b,LY\nC1c,LY\nC1old,LX\n"
		  "C2a,LX\nC2a,LW\nC2b,LY\nF1a,LZ\nF9a,LQ\nE1a,LZ\nE1a,LW\n");

	tp_buf_release(&csv);
	tp_buf_init(&csv, 1 << 16);
	tp_buf_puts(&csv, "form,participant_ref,session_ref,phase,submitted_at,"
		    "q1,q2,q3,q4,q5,q6,q7,q8,q9,overall\n"
		    "phq9,LX,C1a,pre,,3,3,3,3,3,3,2,0,0,\n"      /* 20 */
		    "phq9,LX,C2a,post,,2,2,2,2,2,0,0,0,0,\n");   /* 10 */
	tp_buf_printf(&csv, "phq9,LY,,pre,%s,3,3,3,3,3,0,0,0,0,\n", at(day + 3600, t1));
	tp_buf_printf(&csv, "phq9,LY,,post,%s,3,3,3,3,0,3,0,0,0,\n", at(day + 86400, t1));
	tp_buf_printf(&csv, "satisfaction,LZ,,,%s,,,,,,,,,,5\n", at(day + 7200, t1));
	tp_buf_printf(&csv, "satisfaction,LY,C1old,,%s,,,,,,,,,,2\n", at(day + 7200, t1));
	tp_buf_printf(&csv, "satisfaction,LX,C1old,,%s,,,,,,,,,,5\n",
		      at(now - 50 * 86400, t1));
	ts_import(&worker, "responses", tp_buf_str(&csv));
	tp_buf_release(&csv);

	char path[120], body[64];
	snprintf(path, sizeof path, "/api/v1/sessions/%lld", (long long)ts_id_of(&admin, "sessions", "C2b"));
	write_ok("PATCH", path, "{\"status\":\"cancelled\"}", "C2b is cancelled");
	snprintf(path, sizeof path, "/api/v1/groups/%lld/archive", (long long)ts_id_of(&admin, "groups", "F9"));
	write_ok("POST", path, NULL, "F9 is archived");
	static const char *const ends[][3] = { { "LU", "C1", "archive" }, { "LV", "C2", "left" } };
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "/api/v1/enrolments?participant_id=%lld&group_id=%lld",
			 (long long)ts_id_of(&admin, "participants", ends[i][0]),
			 (long long)ts_id_of(&admin, "groups", ends[i][1]));
		struct ts_response r;
		ts_request(&admin, "GET", path, NULL, &r);
		int64_t eid = r.json ? json_integer_value(json_object_get(
			json_array_get(json_object_get(r.json, "items"), 0), "id")) : 0;
		ts_response_release(&r);
		if (!eid)
			bail_out("no enrolment of %s in %s", ends[i][0], ends[i][1]);
		if (strcmp(ends[i][2], "archive") == 0) {
			snprintf(path, sizeof path, "/api/v1/enrolments/%lld/archive", (long long)eid);
			write_ok("POST", path, NULL, "LU's enrolment is archived");
		} else {
			tp_date_format_hk(now - 40 * 86400, long_ago);
			snprintf(path, sizeof path, "/api/v1/enrolments/%lld", (long long)eid);
			snprintf(body, sizeof body, "{\"left_on\":\"%s\"}", long_ago);
			write_ok("PATCH", path, body, "LV left C2 before the period");
		}
	}
}

/* The lines of csv whose scope is prog or under it. */
static void programme_lines(const char *csv, const char *prog, struct tp_buf *out)
{
	size_t n = strlen(prog);
	for (const char *p = strstr(csv, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
		const char *line = p + 2, *end = strstr(line, "\r\n");
		if (strncmp(line, prog, n) == 0 && (line[n] == ',' || line[n] == '/'))
			tp_buf_append(out, line, end ? (size_t)(end - line) + 2 : strlen(line));
	}
}

/* The report of the levels scenario's period as CSV, cut to venue (NULL:
 * none) and to prog (NULL: all); the caller frees it. */
static char *levels_report(const char *venue, const char *prog)
{
	int64_t now = tp_now();
	char from[11], to[11];
	tp_date_format_hk(now - 30 * 86400, from);
	tp_date_format_hk(now + 86400, to);
	char *out = NULL, *err = NULL;
	const char *args[8] = { "--csv" };
	int n = 1;
	if (venue)
		args[n++] = "--venue", args[n++] = venue;
	if (prog)
		args[n++] = "--programme", args[n++] = prog;
	int rc = ts_cli(&srv, &out, &err, "report", "--from", from, "--to", to, args[0],
			args[1], args[2], args[3], args[4], NULL);
	if (rc != 0)
		bail_out("report --venue %s: %s", venue ? venue : "-", err);
	free(err);
	return out;
}

static void test_levels(void)
{
	char *csv = levels_report(NULL, NULL);

	/* Groups count their own people; LX is in both counselling groups. */
	figure_is(csv, "Q1/group:C1", "enrolled", "2||2");
	figure_is(csv, "Q1/group:C1", "participants", "2||2");
	figure_is(csv, "Q1/group:C1", "attendances", "6||6");
	figure_is(csv, "Q1/group:C1", "sessions", "3||3");
	figure_is(csv, "Q1/group:C1", "retention", "2|2|100");
	figure_is(csv, "Q1/group:C2", "enrolled", "1||1");
	figure_is(csv, "Q1/group:C2", "participants", "2||2");
	figure_is(csv, "Q1/group:C2", "attendances", "2||2");
	figure_is(csv, "Q1/group:C2", "sessions", "1||1");
	figure_is(csv, "Q1/group:C2", "retention", "0|1|0");
	/* The kind: LX once among the enrolled and the participants, while
	 * attendances, sessions and retention (by enrolment) add up. */
	figure_is(csv, "Q1/kind:counselling", "enrolled", "2||2");
	figure_is(csv, "Q1/kind:counselling", "participants", "3||3");
	figure_is(csv, "Q1/kind:counselling", "attendances", "8||8");
	figure_is(csv, "Q1/kind:counselling", "sessions_delivered", "4||4");
	is_str(field(csv, "Q1/kind:counselling", "retention", 2), "2", "kind retention: 2 kept");
	is_str(field(csv, "Q1/kind:counselling", "retention", 3), "3", "of 3 enrolments");
	figure_is(csv, "Q1/kind:family", "enrolled", "1||1");
	figure_is(csv, "Q1/kind:family", "attendances", "1||1");
	ok(!strstr(csv, "F9"), "the archived group is not in the report");
	figure_is(csv, "Q1", "enrolled", "3||3");
	figure_is(csv, "Q1", "participants", "4||4");
	figure_is(csv, "Q1", "attendances", "9||9");
	figure_is(csv, "Q1", "retention", "2|4|50");
	figure_is(csv, "Q2", "enrolled", "1||1");
	figure_is(csv, "Q2", "participants", "2||2");
	figure_is(csv, "Q2/group:E1", "retention", "1|1|100");
	/* Every programme: LZ (in both) and LW (a walk-in in both) once. */
	figure_is(csv, "*", "enrolled", "3||3");
	figure_is(csv, "*", "participants", "4||4");
	figure_is(csv, "*", "attendances", "11||11");
	figure_is(csv, "*", "sessions", "6||6");
	figure_is(csv, "*", "retention", "3|5|60");

	/* LX's pre at C1 and post at C2 pair only at the kind and above; LY's
	 * forms without a session pair in C1, where LY is enrolled. */
	figure_is(csv, "Q1/group:C1", "phq9.responses", "3||3");
	figure_is(csv, "Q1/group:C1", "phq9.pairs", "1||1");
	figure_is(csv, "Q1/group:C1", "phq9.no_change", "1|1|100");
	figure_is(csv, "Q1/group:C2", "phq9.responses", "1||1");
	figure_is(csv, "Q1/group:C2", "phq9.pairs", "0||0");
	const char *const upper[] = { "Q1/kind:counselling", "Q1", "*" };
	for (int i = 0; i < 3; i++) {
		figure_is(csv, upper[i], "phq9.responses", "4||4");
		figure_is(csv, upper[i], "phq9.pairs", "2||2");
		figure_is(csv, upper[i], "phq9.improved", "1|2|50");
		figure_is(csv, upper[i], "phq9.no_change", "1|2|50");
		figure_is(csv, upper[i], "phq9.mean_change", "-10|2|-5");
		/* Differences -10 and 0: t = -1 on 1 df, two-sided p = 0.5. */
		figure_is(csv, upper[i], "phq9.t", "||-1");
		figure_is(csv, upper[i], "phq9.p", "||0.5");
	}
	/* LZ's satisfaction form without a session is in each of LZ's groups,
	 * and once for every programme; the late answer about C1's old session
	 * counts, the one given back then does not. */
	figure_is(csv, "Q1/group:F1", "satisfaction.positive", "1|1|100");
	figure_is(csv, "Q2/group:E1", "satisfaction.positive", "1|1|100");
	figure_is(csv, "Q1/group:C1", "satisfaction.positive", "0|1|0");
	figure_is(csv, "Q1", "satisfaction.positive", "1|2|50");
	figure_is(csv, "*", "satisfaction.positive", "1|2|50");

	/* One programme's report is that programme's part of the whole. */
	const char *const progs[] = { "Q1", "Q2" };
	for (int i = 0; i < 2; i++) {
		char *one = levels_report(NULL, progs[i]);
		struct tp_buf want;
		tp_buf_init(&want, 1 << 20);
		tp_buf_puts(&want, "scope,indicator,numerator,denominator,value,target,"
			    "achievement_pct\r\n");
		programme_lines(csv, progs[i], &want);
		ok(want.len > 200, "%s has rows in the whole report", progs[i]);
		is_str(one, tp_buf_str(&want), "%s alone is its part of the whole", progs[i]);
		tp_buf_release(&want);
		free(one);
	}
	free(csv);
}

/* Venues on the levels scenario: C1 and C2 are based at Kwun Tong, F1 at
 * Sha Tin, E1 nowhere; C1's second session was held at Sha Tin and E1's
 * talk at Kwun Tong. */
static void load_venues(void)
{
	static const char *const set[][3] = {
		{ "groups", "C1", "Kwun Tong" }, { "groups", "C2", "Kwun Tong" },
		{ "groups", "F1", "Sha Tin" }, { "sessions", "C1b", "Sha Tin" },
		{ "sessions", "E1a", "Kwun Tong" },
	};
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
		char path[80], body[80];
		snprintf(path, sizeof path, "/api/v1/%s/%lld", set[i][0],
			 (long long)ts_id_of(&admin, set[i][0], set[i][1]));
		snprintf(body, sizeof body, "{\"venue\":\"%s\"}", set[i][2]);
		write_ok("PATCH", path, body, "venue of %s", set[i][1]);
	}
}

static void test_venues(void)
{
	/* Kwun Tong: C1 without its Sha Tin session, C2, and E1 (its talk was
	 * there); F1 is elsewhere, so neither it nor its kind is listed. */
	char *kt = levels_report("Kwun Tong", NULL);
	figure_is(kt, "Q1/group:C1", "sessions", "2||2");
	figure_is(kt, "Q1/group:C1", "attendances", "4||4");
	figure_is(kt, "Q1/group:C1", "enrolled", "2||2");
	figure_is(kt, "Q1/group:C1", "retention", "0|2|0");
	figure_is(kt, "Q1/group:C2", "attendances", "2||2");
	figure_is(kt, "Q2/group:E1", "enrolled", "1||1");
	figure_is(kt, "Q2/group:E1", "attendances", "2||2");
	ok(!strstr(kt, "Q1/group:F1") && !strstr(kt, "Q1/kind:family"),
	   "Kwun Tong: the Sha Tin group and its kind are not listed");
	figure_is(kt, "Q1/kind:counselling", "participants", "3||3");
	figure_is(kt, "Q1/kind:counselling", "retention", "0|3|0");
	figure_is(kt, "Q1", "enrolled", "2||2");
	figure_is(kt, "Q1", "attendances", "6||6");
	figure_is(kt, "*", "enrolled", "3||3");
	figure_is(kt, "*", "participants", "4||4");
	figure_is(kt, "*", "attendances", "8||8");
	figure_is(kt, "*", "sessions", "4||4");
	figure_is(kt, "*", "retention", "1|4|25");
	/* Both of LX's PHQ-9 sessions were at Kwun Tong; LZ's form without a
	 * session is in E1 only, LZ's family group being elsewhere. */
	figure_is(kt, "Q1/kind:counselling", "phq9.pairs", "2||2");
	figure_is(kt, "Q1/group:C1", "satisfaction.positive", "0|1|0");
	figure_is(kt, "Q1", "satisfaction.positive", "0|1|0");
	figure_is(kt, "Q2", "satisfaction.positive", "1|1|100");
	figure_is(kt, "*", "satisfaction.positive", "1|2|50");

	/* Sha Tin: C1's one session there, and F1; Q2 has nothing there. */
	char *st = levels_report("Sha Tin", NULL);
	figure_is(st, "Q1/group:C1", "sessions", "1||1");
	figure_is(st, "Q1/group:C1", "attendances", "2||2");
	figure_is(st, "Q1/group:F1", "attendances", "1||1");
	ok(!strstr(st, "Q1/group:C2") && !strstr(st, "Q2/"), "Sha Tin: C2 and E1 are not listed");
	figure_is(st, "Q1", "enrolled", "3||3");
	figure_is(st, "Q1", "attendances", "3||3");
	figure_is(st, "Q2", "enrolled", "0||0");
	figure_is(st, "Q2", "attendances", "0||0");
	figure_is(st, "*", "participants", "3||3");
	/* LX's forms were given at Kwun Tong; LY's without a session stay in C1. */
	figure_is(st, "Q1/kind:counselling", "phq9.responses", "2||2");
	figure_is(st, "Q1/kind:counselling", "phq9.pairs", "1||1");
	figure_is(st, "Q1", "satisfaction.positive", "1|1|100");

	/* One programme at a venue is that programme's part of the venue's. */
	char *kt_q1 = levels_report("Kwun Tong", "Q1");
	struct tp_buf want;
	tp_buf_init(&want, 1 << 20);
	tp_buf_puts(&want, "scope,indicator,numerator,denominator,value,target,"
		    "achievement_pct\r\n");
	programme_lines(kt, "Q1", &want);
	is_str(kt_q1, tp_buf_str(&want), "Q1 at Kwun Tong is its part of Kwun Tong's report");
	tp_buf_release(&want);

	/* The API agrees with the CLI; an empty venue is no cut; a bad one is
	 * refused naming the field. */
	int64_t now = tp_now();
	char from[11], to[11], path[300];
	tp_date_format_hk(now - 30 * 86400, from);
	tp_date_format_hk(now + 86400, to);
	struct ts_response r;
	snprintf(path, sizeof path, "/api/v1/indicators.csv?from=%s&to=%s&venue=Kwun%%20Tong",
		 from, to);
	ts_request(&worker, "GET", path, NULL, &r);
	is_int(r.status, 200, "GET /api/v1/indicators.csv?venue=");
	is_str(r.body, kt, "the API's venue cut is the CLI's");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/indicators?from=%s&to=%s&venue=Sha%%20Tin", from, to);
	ts_request(&worker, "GET", path, NULL, &r);
	is_str(ts_str(&r, "venue"), "Sha Tin", "the JSON names its venue");
	ts_response_release(&r);
	char *all = levels_report(NULL, NULL);
	snprintf(path, sizeof path, "/api/v1/indicators.csv?from=%s&to=%s&venue=%%20", from, to);
	ts_request(&worker, "GET", path, NULL, &r);
	is_str(r.body, all, "a blank venue is no cut");
	ts_response_release(&r);
	char longer[160];
	memset(longer, 'x', 101);
	longer[101] = '\0';
	snprintf(path, sizeof path, "/api/v1/indicators?venue=%s", longer);
	ts_request(&worker, "GET", path, NULL, &r);
	is_int(r.status, 400, "a venue of 101 characters is refused");
	is_str(ts_error_field(&r), "venue", "naming the venue");
	ts_response_release(&r);
	char *out = NULL, *err = NULL;
	is_int(ts_cli(&srv, &out, &err, "report", "--venue", longer, NULL), 2,
	       "report --venue: too long exits 2");
	ok(err && strstr(err, "venue"), "and says the venue is wrong: %s", err);
	free(out);
	free(err);
	free(all);
	free(kt_q1);
	free(st);
	free(kt);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	ts_server_start_staff(&srv, &admin, &worker, NULL);

	load();
	load_targets();
	load_responses();
	test_report();

	fresh_server();
	load_levels();
	test_levels();
	load_venues();
	test_venues();

	ts_server_stop_staff(&srv, &admin, &worker, NULL);
	curl_global_cleanup();
	return done_testing();
}
