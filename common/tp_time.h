/*
 * Time: stored as int64 Unix seconds (UTC), shown and entered as Hong Kong
 * time (UTC+8, no daylight saving). Parsing and formatting use civil-date
 * arithmetic (Howard Hinnant's days_from_civil), never the process's TZ or
 * the C library's time zone functions. The clock can be replaced, so tests
 * move time forward without sleeping. Calendars other than the Gregorian
 * and time zones other than UTC and Hong Kong's are not handled here.
 */
#ifndef TP_TIME_H
#define TP_TIME_H

#include <stdint.h>

/* Hong Kong's offset from UTC, in seconds. */
#define TP_HK_OFFSET (8 * 3600)

/*
 * Parses an ISO 8601 / RFC 3339 time: "YYYY-MM-DDTHH:MM[:SS[.fraction]]"
 * ('T' may also be 't' or a space) followed by 'Z' (or 'z'), "+HH:MM",
 * "-HH:MM", "+HHMM" or "-HHMM"; without an offset the time is Hong Kong
 * time. Each field has exactly its number of digits; the year is
 * 1970-9999, the day exists in that month, second 60 (a leap second) is
 * read as 59, the offset is at most 14:00 either way, and the fraction (any
 * number of digits) is dropped. Returns 0 with the Unix time in *out, or
 * -EINVAL for anything else, including text after the time.
 */
int tp_time_parse(const char *s, int64_t *out);

/* Parses exactly "YYYY-MM-DD" (year 1970-9999, a day that exists).
 * Returns 0, or -EINVAL leaving the outputs unchanged. */
int tp_date_parse(const char *s, int *year, int *month, int *day);

/*
 * The Unix time of 00:00 Hong Kong time on the given date. month must be
 * 1-12; day may run past either end of the month (day 32 of January is
 * 1 February, day 0 is the last day of the month before), which makes "the
 * next day" simply day + 1.
 */
int64_t tp_date_start_hk(int year, int month, int day);

/*
 * Format t as "2026-11-22T05:00:00Z", "2026-11-22T13:00:00+08:00" and
 * "2026-11-22" (the Hong Kong date). A time whose date in the shown zone
 * falls outside years 0000-9999 is shown as the nearest end of that range.
 */
void tp_time_format_utc(int64_t t, char out[32]);
void tp_time_format_hk(int64_t t, char out[32]);
void tp_date_format_hk(int64_t t, char out[11]);

/* The current Unix time: time(NULL), or the injected clock's value. */
int64_t tp_now(void);

/* Replaces the clock behind tp_now (NULL restores the system clock). For
 * tests; safe to call while other threads read the time. */
void tp_time_set_clock(int64_t (*now)(void));

/*
 * For end-to-end tests only: makes tp_now() read "now" from the file at
 * path (a decimal Unix time, optionally followed by whitespace) on every
 * call, so that a test moves the clock of a running daemon by rewriting
 * the file. The path is copied. Returns 0, -ENAMETOOLONG, or -EINVAL when
 * the file cannot be read as a time now (the clock is then left as it
 * was). While in use, a read that fails later gives the last time read
 * (logged once). NULL restores the system clock. Call it before other
 * threads start.
 */
int tp_time_use_clock_file(const char *path);

/* The current Unix time in milliseconds from CLOCK_REALTIME, for durations
 * and log stamps. It ignores the injected clock, so never mix it with
 * tp_now() in logic that tests drive through the clock. */
int64_t tp_now_ms(void);

#endif
