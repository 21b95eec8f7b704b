/* Tests for tp_csv: what Excel writes (BOM, CRLF, quoted commas, quotes and
 * line breaks, empty rows), the errors a staff member sees with the line
 * they point to, the hard caps, and header lookup. */
#include "tp_csv.h"
#include "../tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse(const char *s, struct tp_csv *csv, char *err, size_t errlen)
{
	return tp_csv_parse(s, strlen(s), csv, err, errlen);
}

static void check_row(const struct tp_csv *csv, size_t i, size_t line,
		      size_t n, const char *const *want)
{
	if (!ok(i < csv->nrows, "row %zu exists", i))
		return;
	const struct tp_csv_row *row = &csv->rows[i];
	is_int(row->line, line, "row %zu starts on line %zu", i, line);
	if (!is_int(row->nfields, n, "row %zu has %zu fields", i, n))
		return;
	for (size_t f = 0; f < n; f++)
		is_str(row->fields[f], want[f], "row %zu field %zu", i, f);
}

static void test_simple(void)
{
	struct tp_csv csv;
	char err[128];

	is_int(parse("name,phone\nChan,91234567\nLee,61234567\n", &csv, err, sizeof err), 0, "simple file");
	is_int(csv.nrows, 3, "three rows");
	check_row(&csv, 0, 1, 2, (const char *[]){ "name", "phone" });
	check_row(&csv, 1, 2, 2, (const char *[]){ "Chan", "91234567" });
	check_row(&csv, 2, 3, 2, (const char *[]){ "Lee", "61234567" });
	tp_csv_release(&csv);
	is_int(csv.nrows, 0, "released");
	ok(csv.rows == NULL, "rows freed");

	is_int(parse("\xEF\xBB\xBF" "姓名,電話\r\n陳大文,9123 4567\r\n", &csv, err, sizeof err), 0, "Excel CSV UTF-8");
	check_row(&csv, 0, 1, 2, (const char *[]){ "姓名", "電話" });
	check_row(&csv, 1, 2, 2, (const char *[]){ "陳大文", "9123 4567" });
	is_int(csv.nrows, 2, "the final CRLF makes no row");
	tp_csv_release(&csv);

	is_int(parse("a,b\r1,2\r", &csv, err, sizeof err), 0, "old Mac CR line endings");
	check_row(&csv, 1, 2, 2, (const char *[]){ "1", "2" });
	tp_csv_release(&csv);

	is_int(parse("a,b,c\n1,,3\n4,5,\n, x ,\" y \"", &csv, err, sizeof err), 0, "empty and spaced fields");
	check_row(&csv, 1, 2, 3, (const char *[]){ "1", "", "3" });
	check_row(&csv, 2, 3, 3, (const char *[]){ "4", "5", "" });
	check_row(&csv, 3, 4, 3, (const char *[]){ "", " x ", " y " });
	tp_csv_release(&csv);
}

static void test_quotes(void)
{
	struct tp_csv csv;
	char err[128];

	const char *s = "name,note\n"
			"\"Chan, Tai Man\",\"He said \"\"hi\"\"\nsecond line\"\n"
			"Lee,\"\"\n"
			"\"\"\"\",\"a\r\nb\"\n"
			"Ho,last";
	is_int(parse(s, &csv, err, sizeof err), 0, "quoted fields");
	is_int(csv.nrows, 5, "five rows");
	check_row(&csv, 1, 2, 2, (const char *[]){ "Chan, Tai Man", "He said \"hi\"\nsecond line" });
	check_row(&csv, 2, 4, 2, (const char *[]){ "Lee", "" });
	check_row(&csv, 3, 5, 2, (const char *[]){ "\"", "a\r\nb" });
	check_row(&csv, 4, 7, 2, (const char *[]){ "Ho", "last" });
	tp_csv_release(&csv);
}

static void test_blank_lines(void)
{
	struct tp_csv csv;
	char err[128];

	is_int(parse("a,b\n\n1,2\n\r\n,\n,,,\n\"\",\n3,4\n\n\n", &csv, err, sizeof err), 0, "blank lines");
	is_int(csv.nrows, 3, "blank and all-empty records skipped");
	check_row(&csv, 1, 3, 2, (const char *[]){ "1", "2" });
	check_row(&csv, 2, 8, 2, (const char *[]){ "3", "4" });
	tp_csv_release(&csv);

	is_int(parse("\n\na\n", &csv, err, sizeof err), 0, "leading blank lines");
	check_row(&csv, 0, 3, 1, (const char *[]){ "a" });
	tp_csv_release(&csv);
}

static void fails(const char *data, size_t len, int code, const char *msg,
		  const char *name)
{
	struct tp_csv csv = { 99, NULL };
	char err[160] = "unset";
	int r = tp_csv_parse(data, len, &csv, err, sizeof err);
	is_int(r, code, "%s: error code", name);
	is_str(err, msg, "%s: message", name);
	ok(csv.nrows == 0 && csv.rows == NULL, "%s: nothing returned", name);
}

#define FAILS(lit, code, msg, name) fails(lit, sizeof(lit) - 1, code, msg, name)

static void test_errors(void)
{
	FAILS("", -EINVAL, "the file is empty", "empty");
	FAILS("\xEF\xBB\xBF", -EINVAL, "the file is empty", "only a BOM");
	FAILS("\n\r\n\n", -EINVAL, "the file is empty", "only line breaks");
	FAILS(",,\n,\n", -EINVAL, "the file is empty", "only empty records");
	FAILS("a,b\n1,2\n\"open,3\n4,5\n", -EINVAL, "line 3: unterminated quoted field", "unterminated");
	FAILS("a,b\n\"x\"y,2\n", -EINVAL, "line 2: text after closing quote", "text after quote");
	FAILS("a\n\"x\ny\" \n", -EINVAL, "line 3: text after closing quote", "text after a multi-line quote");
	FAILS("a,b\n1,2\n3,x\"y\n", -EINVAL, "line 3: stray quote in an unquoted field", "stray quote");
	FAILS("a,b\n1,2\n\xB3\xAF,3\n", -EINVAL,
	      "line 3: invalid UTF-8 (in Excel, save as \"CSV UTF-8\")", "Big5 text");
	FAILS("\xFF\xFE" "a\0,\0", -EINVAL,
	      "line 1: invalid UTF-8 (in Excel, save as \"CSV UTF-8\")", "UTF-16");
	FAILS("a\n\"x\r\ny\xC3\"\n", -EINVAL,
	      "line 3: invalid UTF-8 (in Excel, save as \"CSV UTF-8\")", "bad byte inside quotes");
	FAILS("a,b\n1,\0\n", -EINVAL,
	      "line 2: invalid UTF-8 (in Excel, save as \"CSV UTF-8\")", "NUL byte");
	FAILS("a\r1\r\r\xED\xA0\x80\n", -EINVAL,
	      "line 4: invalid UTF-8 (in Excel, save as \"CSV UTF-8\")", "surrogate after CR lines");

	struct tp_csv csv;
	is_int(tp_csv_parse("\"x", 2, &csv, NULL, 0), -EINVAL, "err may be NULL");
	char small[8];
	is_int(tp_csv_parse("\"x", 2, &csv, small, sizeof small), -EINVAL, "a short err buffer");
	is_str(small, "line 1:", "message truncated, NUL-terminated");
}

static void test_caps(void)
{
	struct tp_csv csv;
	char err[128];
	size_t cap = 2 * 300 * 2 + 16 + 200002 * 2 + 9000;
	char *s = malloc(cap);
	size_t n;

	/* 256 fields fit; 257 do not. */
	n = 0;
	s[n++] = 'h';
	s[n++] = '\n';
	for (int i = 0; i < 256; i++) {
		s[n++] = 'x';
		s[n++] = i == 255 ? '\n' : ',';
	}
	is_int(tp_csv_parse(s, n, &csv, err, sizeof err), 0, "256 fields");
	is_int(csv.nrows == 2 ? csv.rows[1].nfields : 0, 256, "all 256 kept");
	tp_csv_release(&csv);
	s[n - 1] = ',';
	s[n++] = 'y';
	is_int(tp_csv_parse(s, n, &csv, err, sizeof err), -E2BIG, "257 fields");
	is_str(err, "line 2: a record has more than 256 fields", "fields message");

	/* A field of 8192 bytes fits, quoted or not; 8193 does not. */
	n = 0;
	memcpy(s, "h\n", 2);
	n = 2;
	memset(s + n, 'a', 8192);
	n += 8192;
	is_int(tp_csv_parse(s, n, &csv, err, sizeof err), 0, "8192-byte field");
	is_int(csv.nrows == 2 ? strlen(csv.rows[1].fields[0]) : 0, 8192, "kept whole");
	tp_csv_release(&csv);
	s[n++] = 'a';
	is_int(tp_csv_parse(s, n, &csv, err, sizeof err), -E2BIG, "8193-byte field");
	is_str(err, "line 2: a field is longer than 8192 bytes", "field message");
	s[2] = '"';
	memset(s + 3, 'a', 8192);
	s[3 + 8192] = '"';
	is_int(tp_csv_parse(s, 3 + 8192 + 1, &csv, err, sizeof err), 0, "8192-byte quoted field");
	tp_csv_release(&csv);
	s[3 + 8000] = '"';     /* an escaped quote makes the value 8192 bytes */
	s[3 + 8001] = '"';
	s[3 + 8192] = 'a';
	s[3 + 8193] = '"';
	is_int(tp_csv_parse(s, 3 + 8193 + 1, &csv, err, sizeof err), 0, "8192 bytes with an escaped quote");
	is_int(csv.nrows == 2 ? strlen(csv.rows[1].fields[0]) : 0, 8192, "quoted value length");
	tp_csv_release(&csv);
	s[3 + 8193] = 'a';
	s[3 + 8194] = '"';
	is_int(tp_csv_parse(s, 3 + 8194 + 1, &csv, err, sizeof err), -E2BIG, "8193-byte quoted field");
	is_str(err, "line 2: a field is longer than 8192 bytes", "quoted field message");

	/* 200000 rows (the header included) fit; one more does not. */
	n = 0;
	for (int i = 0; i < 200000; i++) {
		s[n++] = 'r';
		s[n++] = '\n';
	}
	is_int(tp_csv_parse(s, n, &csv, err, sizeof err), 0, "200000 rows");
	is_int(csv.nrows, 200000, "all rows kept");
	is_int(csv.nrows ? csv.rows[csv.nrows - 1].line : 0, 200000, "last row's line");
	tp_csv_release(&csv);
	s[n++] = 'r';
	is_int(tp_csv_parse(s, n, &csv, err, sizeof err), -E2BIG, "200001 rows");
	is_str(err, "line 200001: the file has more than 200000 rows", "rows message");
	free(s);
}

static void test_column(void)
{
	struct tp_csv csv;
	char err[128];

	is_int(parse(" Name ,PHONE,電話\xE3\x80\x80,name\n1,2,3,4\n", &csv, err, sizeof err), 0, "header");
	is_int(tp_csv_column(&csv, "name"), 0, "trimmed, any case; the first of two");
	is_int(tp_csv_column(&csv, "Phone"), 1, "uppercase header");
	is_int(tp_csv_column(&csv, "  phone "), 1, "name trimmed too");
	is_int(tp_csv_column(&csv, "電話"), 2, "Chinese header with an ideographic space");
	is_int(tp_csv_column(&csv, "email"), -1, "absent");
	is_int(tp_csv_column(&csv, "nam"), -1, "no prefix match");
	tp_csv_release(&csv);
	is_int(tp_csv_column(&csv, "name"), -1, "empty csv");
}

int main(void)
{
	test_simple();
	test_quotes();
	test_blank_lines();
	test_errors();
	test_caps();
	test_column();
	return done_testing();
}
