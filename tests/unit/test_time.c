/* Tests for tp_time: parsing with and without offsets, strict ranges,
 * every day from 1970 to 2400 against a day-by-day count, formatting in UTC
 * and Hong Kong time (with clamping at the ends), dates, and the injected
 * clock. Runs the same under any TZ, which main() sets to prove it. */
#include "tp_time.h"
#include "../tap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* 2026-11-22T05:00:00Z */
#define T0 INT64_C(1795323600)

static void parses(const char *s, int64_t want)
{
	int64_t t = -1;
	is_int(tp_time_parse(s, &t), 0, "parses '%s'", s);
	is_int(t, want, "'%s' is %lld", s, (long long)want);
}

static void refuses(const char *s)
{
	int64_t t = 12345;
	is_int(tp_time_parse(s, &t), -EINVAL, "refuses '%s'", s);
	is_int(t, 12345, "output untouched for '%s'", s);
}

static void test_parse(void)
{
	parses("2026-11-22T05:00:00Z", T0);
	parses("2026-11-22t05:00:00z", T0);
	parses("2026-11-22T13:00:00+08:00", T0);
	parses("2026-11-22T13:00:00+0800", T0);
	parses("2026-11-22T13:00:00", T0);       /* Hong Kong time */
	parses("2026-11-22T13:00", T0);
	parses("2026-11-22 13:00", T0);
	parses("2026-11-22T13:00+08:00", T0);
	parses("2026-11-22T00:00:00-05:00", T0);
	parses("2026-11-22T00:00:00-0500", T0);
	parses("2026-11-22T05:00:00+00:00", T0);
	parses("2026-11-22T05:00:00-00:00", T0);
	parses("2026-11-22T13:00:00.5+08:00", T0);
	parses("2026-11-22T13:00:00.999999999999", T0);
	parses("2026-11-22T13:00:59", T0 + 59);
	parses("2026-11-22T19:00:00+14:00", T0);
	parses("2026-11-21T15:00:00-14:00", T0);
	parses("2026-11-22T10:30:00+05:30", T0);
	parses("1970-01-01T00:00:00Z", 0);
	parses("1970-01-01T00:00:00", -8 * 3600);
	parses("1970-01-01T08:00:00", 0);
	parses("9999-12-31T23:59:59Z", INT64_C(253402300799));
	parses("2024-02-29T00:00:00Z", INT64_C(1709164800));
	parses("2000-02-29T00:00:00Z", INT64_C(951782400));
	parses("2016-12-31T23:59:60Z", INT64_C(1483228799));   /* leap second */
	parses("2016-12-31T23:59:59Z", INT64_C(1483228799));

	refuses("");
	refuses("2026-11-22");
	refuses("2026-11-22T");
	refuses("2026-11-22T13");
	refuses("2026-11-22T13:");
	refuses("2026-11-22T1:00");
	refuses("2026-11-22T13:0");
	refuses("2026-11-22T13:00:0");
	refuses("2026-1-22T13:00");
	refuses("26-11-22T13:00");
	refuses("20261-11-22T13:00");
	refuses("2026/11/22T13:00");
	refuses("2026-11-22X13:00");
	refuses("2026-11-22  13:00");
	refuses("2026-00-22T13:00");
	refuses("2026-13-22T13:00");
	refuses("2026-11-00T13:00");
	refuses("2026-11-31T13:00");
	refuses("2026-04-31T13:00");
	refuses("2026-01-32T13:00");
	refuses("2023-02-29T13:00");
	refuses("2100-02-29T13:00");
	refuses("1969-12-31T23:59:59Z");
	refuses("0000-01-01T00:00:00Z");
	refuses("2026-11-22T24:00");
	refuses("2026-11-22T23:60");
	refuses("2026-11-22T23:59:61");
	refuses("2026-11-22T23:59:99");
	refuses("2026-11-22T13:00:00+14:01");
	refuses("2026-11-22T13:00:00-15:00");
	refuses("2026-11-22T13:00:00+08:60");
	refuses("2026-11-22T13:00:00+08");
	refuses("2026-11-22T13:00:00+8:00");
	refuses("2026-11-22T13:00:00+08:0");
	refuses("2026-11-22T13:00:00+08:00 ");
	refuses("2026-11-22T13:00:00+08:00Z");
	refuses("2026-11-22T13:00:00Zx");
	refuses("2026-11-22T13:00:00 ");
	refuses(" 2026-11-22T13:00:00");
	refuses("2026-11-22T13:00:00.");
	refuses("2026-11-22T13:00:00.Z");
	refuses("2026-11-22T13:00.5");
	refuses("2026-11-22T13:00:00,5");
	refuses("2026-11-22T13:00:00 +08:00");
	refuses("２０２６-11-22T13:00");
	int64_t t = 7;
	is_int(tp_time_parse(NULL, &t), -EINVAL, "NULL refused");
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Walks every day from 1970 to 2399, counting days one by one, and checks
 * parsing, formatting and tp_date_start_hk against the count. */
static void test_every_day(void)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t day = 0;
	int parse_bad = 0, format_bad = 0, start_bad = 0, hk_bad = 0;

	for (int y = 1970; y < 2400; y++) {
		for (int m = 1; m <= 12; m++) {
			int n = mdays[m - 1] + (m == 2 && is_leap(y));
			for (int d = 1; d <= n; d++, day++) {
				char s[40], out[32], date[11];
				int64_t t = 0;
				snprintf(s, sizeof s, "%04d-%02d-%02dT12:34:56Z", y, m, d);
				if (tp_time_parse(s, &t) < 0
				    || t != day * 86400 + 12 * 3600 + 34 * 60 + 56)
					parse_bad++;
				tp_time_format_utc(day * 86400 + 12 * 3600 + 34 * 60 + 56, out);
				if (strcmp(out, s) != 0)
					format_bad++;
				if (tp_date_start_hk(y, m, d) != day * 86400 - 8 * 3600)
					start_bad++;
				tp_date_format_hk(day * 86400 - 8 * 3600, date);
				snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
				if (strcmp(date, s) != 0)
					hk_bad++;
			}
		}
	}
	is_int(parse_bad, 0, "every day 1970-2399 parses to the counted day");
	is_int(format_bad, 0, "every day 1970-2399 formats back");
	is_int(start_bad, 0, "tp_date_start_hk agrees on every day");
	is_int(hk_bad, 0, "tp_date_format_hk of each HK midnight is that date");
}

static void test_date(void)
{
	int y = 1, m = 2, d = 3;
	is_int(tp_date_parse("2026-11-22", &y, &m, &d), 0, "date parses");
	ok(y == 2026 && m == 11 && d == 22, "date fields");
	is_int(tp_date_parse("2024-02-29", &y, &m, &d), 0, "leap day parses");
	static const char *const bad[] = {
		"", "2026-11-22T00:00", "2026-11-31", "2023-02-29", "26-11-22",
		" 2026-11-22", "2026-11-22 ", "2026/11/22", "2026-11-2",
		"1969-12-31", "2026-13-01", "2026-11-22\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		y = m = d = -1;
		is_int(tp_date_parse(bad[i], &y, &m, &d), -EINVAL, "date %zu refused", i);
		ok(y == -1 && m == -1 && d == -1, "outputs untouched");
	}
	is_int(tp_date_parse(NULL, &y, &m, &d), -EINVAL, "NULL date refused");

	is_int(tp_date_start_hk(2026, 11, 22), T0 - 13 * 3600, "HK midnight of 2026-11-22");
	is_int(tp_date_start_hk(2026, 1, 32), tp_date_start_hk(2026, 2, 1), "day 32 of January");
	is_int(tp_date_start_hk(2024, 3, 0), tp_date_start_hk(2024, 2, 29), "day 0 of March 2024");
	is_int(tp_date_start_hk(2026, 12, 32), tp_date_start_hk(2027, 1, 1), "day 32 of December");
	is_int(tp_date_start_hk(1970, 1, 1), -8 * 3600, "HK midnight of the epoch's date");
}

static void test_format(void)
{
	char out[32], date[11];

	tp_time_format_utc(T0, out);
	is_str(out, "2026-11-22T05:00:00Z", "UTC format");
	tp_time_format_hk(T0, out);
	is_str(out, "2026-11-22T13:00:00+08:00", "HK format");
	tp_date_format_hk(T0, date);
	is_str(date, "2026-11-22", "HK date");
	tp_date_format_hk(INT64_C(1795276800), date);
	is_str(date, "2026-11-22", "16:00Z is the next day in Hong Kong");
	tp_date_format_hk(INT64_C(1795276799), date);
	is_str(date, "2026-11-21", "15:59:59Z is still the day before");
	tp_time_format_hk(INT64_C(1795276799), out);
	is_str(out, "2026-11-21T23:59:59+08:00", "a second before HK midnight");
	tp_time_format_utc(0, out);
	is_str(out, "1970-01-01T00:00:00Z", "epoch");
	tp_time_format_utc(-1, out);
	is_str(out, "1969-12-31T23:59:59Z", "a second before the epoch");
	tp_time_format_hk(-8 * 3600 - 1, out);
	is_str(out, "1969-12-31T23:59:59+08:00", "negative time in HK");
	tp_time_format_utc(INT64_C(-62135596800), out);
	is_str(out, "0001-01-01T00:00:00Z", "year 1");
	tp_time_format_utc(INT64_MAX, out);
	is_str(out, "9999-12-31T23:59:59Z", "INT64_MAX clamps to the end of 9999");
	tp_time_format_utc(INT64_MIN, out);
	is_str(out, "0000-01-01T00:00:00Z", "INT64_MIN clamps to year 0");
	tp_time_format_hk(INT64_MAX, out);
	is_str(out, "9999-12-31T23:59:59+08:00", "HK clamps too");
	tp_date_format_hk(INT64_MAX, date);
	is_str(date, "9999-12-31", "HK date clamps and fits 11 bytes");
	tp_date_format_hk(INT64_MIN, date);
	is_str(date, "0000-01-01", "HK date clamps at year 0");

	int64_t t;
	tp_time_format_hk(T0 + 12345, out);
	is_int(tp_time_parse(out, &t), 0, "HK format parses back");
	is_int(t, T0 + 12345, "to the same time");
}

static int64_t fake_now;
static int64_t fake_clock(void)
{
	return fake_now;
}

static void test_clock(void)
{
	int64_t real = (int64_t)time(NULL);
	ok(llabs(tp_now() - real) <= 5, "tp_now is the system time by default");
	ok(llabs(tp_now_ms() - real * 1000) <= 5000, "tp_now_ms is too");
	fake_now = T0;
	tp_time_set_clock(fake_clock);
	is_int(tp_now(), T0, "the injected clock is used");
	fake_now += 86400;
	is_int(tp_now(), T0 + 86400, "and moves without sleeping");
	ok(llabs(tp_now_ms() - real * 1000) <= 5000, "tp_now_ms ignores the injected clock");
	tp_time_set_clock(NULL);
	ok(llabs(tp_now() - (int64_t)time(NULL)) <= 5, "NULL restores the system clock");
}

static void write_clock(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		bail_out("cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static void test_clock_file(void)
{
	char dir[] = "/tmp/tp-clock-XXXXXX";
	if (!mkdtemp(dir))
		bail_out("mkdtemp");
	char path[64];
	snprintf(path, sizeof path, "%s/now", dir);
	is_int(tp_time_use_clock_file(path), -EINVAL, "a missing clock file is refused");
	ok(llabs(tp_now() - (int64_t)time(NULL)) <= 5, "and the system clock stays");
	write_clock(path, "soon");
	is_int(tp_time_use_clock_file(path), -EINVAL, "so is one that holds no time");
	write_clock(path, "1795276800\n");
	is_int(tp_time_use_clock_file(path), 0, "a clock file with a time is taken");
	is_int(tp_now(), 1795276800, "tp_now reads it");
	write_clock(path, "1795363200");
	is_int(tp_now(), 1795363200, "rewriting the file moves the clock a day on");
	write_clock(path, "");
	is_int(tp_now(), 1795363200, "a file caught half-written keeps the last time");
	tp_time_use_clock_file(NULL);
	ok(llabs(tp_now() - (int64_t)time(NULL)) <= 5, "NULL restores the system clock");
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	/* Nothing may depend on the process's time zone. */
	setenv("TZ", "America/New_York", 1);
	tzset();
	test_parse();
	test_every_day();
	test_date();
	test_format();
	test_clock();
	test_clock_file();
	return done_testing();
}
