/*
 * Time parsing, formatting and the replaceable clock; see tp_time.h. Dates
 * convert to and from day numbers with Howard Hinnant's public-domain
 * civil-date algorithms (http://howardhinnant.github.io/date_algorithms.html),
 * which are exact for the proleptic Gregorian calendar.
 */
#include "tp_time.h"
#include "tp_log.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Days from 1970-01-01 to y-m-d (m 1-12; d may be out of the month). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of day z counted from 1970-01-01. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads exactly n ASCII digits at *p into *out and advances *p. */
static bool read_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Reads "YYYY-MM-DD" at *p, checking the ranges, and advances *p. */
static bool read_date(const char **p, int *y, int *m, int *d)
{
	const char *s = *p;

	if (!read_digits(&s, 4, y) || *s++ != '-' || !read_digits(&s, 2, m)
	    || *s++ != '-' || !read_digits(&s, 2, d))
		return false;
	if (*y < 1970 || *m < 1 || *m > 12 || *d < 1
	    || *d > days_in_month(*y, *m))
		return false;
	*p = s;
	return true;
}

int tp_date_parse(const char *s, int *year, int *month, int *day)
{
	int y, m, d;

	if (!s || !read_date(&s, &y, &m, &d) || *s != '\0')
		return -EINVAL;
	*year = y;
	*month = m;
	*day = d;
	return 0;
}

/* Reads an optional offset at *p into seconds east of UTC. */
static bool read_offset(const char **p, int *offset)
{
	const char *s = *p;
	int sign, hh, mm;

	if (*s == '\0') {
		*offset = TP_HK_OFFSET;
		return true;
	}
	if (*s == 'Z' || *s == 'z') {
		*offset = 0;
		*p = s + 1;
		return true;
	}
	if (*s != '+' && *s != '-')
		return false;
	sign = *s++ == '-' ? -1 : 1;
	if (!read_digits(&s, 2, &hh))
		return false;
	if (*s == ':')
		s++;
	if (!read_digits(&s, 2, &mm) || mm > 59 || hh * 60 + mm > 14 * 60)
		return false;
	*offset = sign * (hh * 3600 + mm * 60);
	*p = s;
	return true;
}

int tp_time_parse(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0, offset;

	if (!s || !read_date(&s, &y, &mo, &d))
		return -EINVAL;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -EINVAL;
	s++;
	if (!read_digits(&s, 2, &h) || *s++ != ':' || !read_digits(&s, 2, &mi)
	    || h > 23 || mi > 59)
		return -EINVAL;
	if (*s == ':') {
		s++;
		if (!read_digits(&s, 2, &sec) || sec > 60)
			return -EINVAL;
		if (sec == 60)
			sec = 59;
		if (*s == '.') {
			s++;
			if (*s < '0' || *s > '9')
				return -EINVAL;
			while (*s >= '0' && *s <= '9')
				s++;
		}
	}
	if (!read_offset(&s, &offset) || *s != '\0')
		return -EINVAL;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec
	       - offset;
	return 0;
}

int64_t tp_date_start_hk(int year, int month, int day)
{
	return days_from_civil(year, month, day) * 86400 - TP_HK_OFFSET;
}

/* Writes value as exactly width digits (value is not negative). */
static char *put_digits(char *p, int64_t value, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + value % 10);
		value /= 10;
	}
	return p + width;
}

/* Writes the date and, if with_time, "THH:MM:SS" of t + offset to out,
 * returning the end (not terminated). */
static char *put_time(char *out, int64_t t, int offset, bool with_time)
{
	/* 0000-01-01T00:00:00 and 9999-12-31T23:59:59 as local seconds. */
	const int64_t lo = -62167219200, hi = 253402300799;
	int64_t y, days, secs;
	int m, d;

	/* Clamp before adding, so that t near INT64_MAX cannot overflow. */
	if (t < lo - offset)
		t = lo - offset;
	else if (t > hi - offset)
		t = hi - offset;
	t += offset;
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	out = put_digits(out, y, 4);
	*out++ = '-';
	out = put_digits(out, m, 2);
	*out++ = '-';
	out = put_digits(out, d, 2);
	if (with_time) {
		*out++ = 'T';
		out = put_digits(out, secs / 3600, 2);
		*out++ = ':';
		out = put_digits(out, secs / 60 % 60, 2);
		*out++ = ':';
		out = put_digits(out, secs % 60, 2);
	}
	return out;
}

void tp_time_format_utc(int64_t t, char out[32])
{
	char *p = put_time(out, t, 0, true);
	*p++ = 'Z';
	*p = '\0';
}

void tp_time_format_hk(int64_t t, char out[32])
{
	static const char suffix[] = "+08:00";
	char *p = put_time(out, t, TP_HK_OFFSET, true);
	for (size_t i = 0; i < sizeof suffix; i++)
		p[i] = suffix[i];
}

void tp_date_format_hk(int64_t t, char out[11])
{
	char *p = put_time(out, t, TP_HK_OFFSET, false);
	*p = '\0';
}

static _Atomic(int64_t (*)(void)) tp_clock;

int64_t tp_now(void)
{
	int64_t (*now)(void) = atomic_load(&tp_clock);
	return now ? now() : (int64_t)time(NULL);
}

void tp_time_set_clock(int64_t (*now)(void))
{
	atomic_store(&tp_clock, now);
}

static char tp_clock_path[4096];
static _Atomic int64_t tp_clock_last;
static atomic_bool tp_clock_warned;

/* Reads the clock file: 0 with the time, or -EINVAL. */
static int tp_clock_file_read(const char *path, int64_t *out)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -EINVAL;
	char buf[64];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *end;
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	if (errno || end == buf || v < 0)
		return -EINVAL;
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int64_t tp_clock_file_now(void)
{
	int64_t t;
	if (tp_clock_file_read(tp_clock_path, &t) == 0) {
		atomic_store(&tp_clock_last, t);
		return t;
	}
	/* A test rewriting the file may be caught half-way: keep the last. */
	if (!atomic_exchange(&tp_clock_warned, true))
		tp_warn("cannot read the clock file %s: keeping the last time read",
			tp_clock_path);
	return atomic_load(&tp_clock_last);
}

int tp_time_use_clock_file(const char *path)
{
	if (!path) {
		tp_time_set_clock(NULL);
		return 0;
	}
	if (strlen(path) >= sizeof tp_clock_path)
		return -ENAMETOOLONG;
	int64_t t;
	if (tp_clock_file_read(path, &t) < 0)
		return -EINVAL;
	memcpy(tp_clock_path, path, strlen(path) + 1);
	atomic_store(&tp_clock_last, t);
	tp_time_set_clock(tp_clock_file_now);
	return 0;
}

int64_t tp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
