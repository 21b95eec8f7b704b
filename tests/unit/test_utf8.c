/* Tests for tp_utf8: strict validation at every boundary of Unicode's
 * table 3-7, code point counts, the text check people's input goes through
 * (with its per-thread reason buffer) and trimming. */
#include "tp_utf8.h"
#include "../tap.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_valid(void)
{
	static const char *const good[] = {
		"", "abc", "陳大文", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80",
		"\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
		"\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "a\xF0\x9F\x98\x80z",
		"\x7F",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ok(tp_utf8_valid(good[i], strlen(good[i])), "valid %zu", i);
	ok(tp_utf8_valid(NULL, 0), "NULL with length 0 is valid");

	static const char *const bad[] = {
		"\xC0\x80", "\xC1\xBF",                   /* overlong 2-byte */
		"\xE0\x80\x80", "\xE0\x9F\xBF",           /* overlong 3-byte */
		"\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF",   /* overlong 4-byte */
		"\xED\xA0\x80", "\xED\xBF\xBF",           /* surrogates */
		"\xF4\x90\x80\x80", "\xF5\x80\x80\x80",   /* above U+10FFFF */
		"\xFE", "\xFF", "\x80", "a\xBFz",         /* never lead bytes */
		"\xE9\x99", "\xF0\x9F\x98", "\xC3",       /* truncated */
		"\xE9\x41\x41", "\xC3\xC3\xA9",           /* missing continuation */
		"\xF0\x9F\x98\x80\x80",                   /* extra continuation */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(!tp_utf8_valid(bad[i], strlen(bad[i])), "invalid %zu", i);
	ok(!tp_utf8_valid("a\0b", 3), "an embedded NUL is invalid");
	ok(tp_utf8_valid("a\0b", 1), "the length is respected");
	/* A truncated sequence at the end of the given length. */
	ok(!tp_utf8_valid("陳", 2), "a sequence cut by the length is invalid");

	is_int(tp_utf8_valid_prefix("ab\xFF" "cd", 5), 2, "prefix stops at the bad byte");
	is_int(tp_utf8_valid_prefix("陳\xE9\x99", 5), 3, "prefix stops at a truncated sequence");
	is_int(tp_utf8_valid_prefix("陳大文", 9), 9, "whole valid string");
	is_int(tp_utf8_valid_prefix("ab\0cd", 5), 2, "prefix stops at NUL");
}

static void test_chars(void)
{
	is_int(tp_utf8_chars(""), 0, "empty has 0");
	is_int(tp_utf8_chars("abc"), 3, "ASCII");
	is_int(tp_utf8_chars("陳大文"), 3, "Chinese counts characters, not bytes");
	is_int(tp_utf8_chars("a\xF0\x9F\x98\x80z"), 3, "an emoji is one");
}

static void check_refused(const char *s, size_t max, bool multiline,
			  const char *reason, const char *name)
{
	const char *why = NULL;
	is_int(tp_text_check(s, max, multiline, &why), -EINVAL, "refused: %s", name);
	is_str(why, reason, "reason: %s", name);
}

static void test_text_check(void)
{
	const char *why = NULL;

	is_int(tp_text_check("Chan Tai Man", 40, false, &why), 0, "a name");
	is_int(tp_text_check("陳大文", 3, false, &why), 0, "three characters fit in 3");
	is_int(tp_text_check("  padded  ", 10, false, &why), 0, "length counts the text as given");
	is_int(tp_text_check("\xC2\xA0x", 10, false, &why), 0, "no-break space is not a control");
	is_int(tp_text_check("line 1\nline 2\tend", 40, true, &why), 0, "newline and tab in multiline");
	is_int(tp_text_check("x", 1, false, NULL), 0, "why may be NULL");

	check_refused("陳大文", 2, false, "is longer than 2 characters", "3 characters in 2");
	check_refused("  padded  ", 9, false, "is longer than 9 characters", "spaces count");
	check_refused("", 10, false, "is empty", "empty");
	check_refused("   ", 10, false, "is empty", "blanks");
	check_refused(" \t \n", 10, true, "is empty", "blanks in multiline");
	check_refused("\xE3\x80\x80\xE3\x80\x80", 10, false, "is empty", "ideographic spaces");
	check_refused("\n\n", 10, true, "is empty", "only newlines");
	check_refused(NULL, 10, false, "is empty", "NULL");
	check_refused("a\nb", 10, false, "contains control characters", "newline in one line");
	check_refused("a\tb", 10, false, "contains control characters", "tab in one line");
	check_refused("a\r\nb", 10, true, "contains control characters", "CR in multiline");
	check_refused("a\x01", 10, true, "contains control characters", "C0");
	check_refused("a\x1b[31m", 10, false, "contains control characters", "escape");
	check_refused("a\x7f", 10, false, "contains control characters", "DEL");
	check_refused("a\xC2\x85", 10, true, "contains control characters", "C1 NEL");
	check_refused("a\xC2\x9F", 10, false, "contains control characters", "C1 APC");
	check_refused("a\xFF", 10, false, "is not valid UTF-8", "invalid UTF-8");
	check_refused("\x01\xFF", 10, false, "is not valid UTF-8", "UTF-8 is checked first");
	check_refused("\xED\xA0\x80", 10, false, "is not valid UTF-8", "surrogate");
}

static char their_why[64];

static void *other_thread(void *arg)
{
	const char *why = "";
	(void)arg;
	tp_text_check("abcdefghij", 5, false, &why);
	snprintf(their_why, sizeof their_why, "%s", why);
	return NULL;
}

static void test_why_per_thread(void)
{
	const char *mine = NULL;
	pthread_t th;

	tp_text_check("abcdefghij", 7, false, &mine);
	pthread_create(&th, NULL, other_thread, NULL);
	pthread_join(th, NULL);
	is_str(their_why, "is longer than 5 characters", "the other thread's reason");
	is_str(mine, "is longer than 7 characters", "this thread's reason survives another thread's");
}

static void trims(const char *in, const char *want, const char *name)
{
	char *got = tp_text_trim(in);
	is_str(got, want, "trim: %s", name);
	free(got);
}

static void test_trim(void)
{
	trims("  abc  ", "abc", "ASCII spaces");
	trims("\t\r\n\v\f x \n", "x", "all ASCII whitespace");
	trims("\xE3\x80\x80陳大文\xE3\x80\x80 \n", "陳大文", "ideographic spaces");
	trims(" \xE3\x80\x80 \xE3\x80\x80x", "x", "mixed leading");
	trims("a b\xE3\x80\x80" "c", "a b\xE3\x80\x80" "c", "inner spaces kept");
	trims("   ", "", "all blank");
	trims("", "", "empty");
	trims("\xC2\xA0x\xC2\xA0", "\xC2\xA0x\xC2\xA0", "no-break space kept");
	trims("a\x80\x80", "a\x80\x80", "a partial sequence is not a space");
	ok(tp_text_trim(NULL) == NULL, "NULL gives NULL");
}

static void test_decode(void)
{
	uint32_t cp = 0;
	is_int(tp_utf8_decode("a", 1, &cp), 1, "ASCII is one byte");
	is_int(cp, 'a', "its own code point");
	is_int(tp_utf8_decode("３", 3, &cp), 3, "a full-width digit is three bytes");
	is_int(cp, 0xFF13, "U+FF13");
	is_int(tp_utf8_decode("😀", 4, &cp), 4, "an emoji is four");
	is_int(cp, 0x1F600, "U+1F600");
	is_int(tp_utf8_decode("\xE4\xB8", 2, &cp), 0, "a truncated sequence is refused");
	is_int(tp_utf8_decode("\xC0\x80", 2, &cp), 0, "so is an overlong NUL");
	is_int(tp_utf8_decode("", 0, &cp), 0, "and nothing");
}

int main(void)
{
	test_decode();
	test_valid();
	test_chars();
	test_text_check();
	test_why_per_thread();
	test_trim();
	return done_testing();
}
