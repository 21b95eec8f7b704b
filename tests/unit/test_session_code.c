/*
 * The rotating session code: the same inputs give the same code (kiosk
 * offline and server agree), a different key, session or window gives
 * another; the current window and one before are accepted, older and
 * future ones are not; the link parses back.
 */
#include "../tap.h"
#include "tp_session_code.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
	char a[TP_SESSION_CODE_LEN + 1], b[TP_SESSION_CODE_LEN + 1];
	tp_session_code("KEY1", 5, 1000, a);
	tp_session_code("KEY1", 5, 1000, b);
	is_str(a, b, "the same key, session and window give the same code");
	is_int(strlen(a), TP_SESSION_CODE_LEN, "ten characters");
	ok(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == TP_SESSION_CODE_LEN, "in base32");
	tp_session_code("KEY2", 5, 1000, b);
	ok(strcmp(a, b) != 0, "another key gives another code");
	tp_session_code("KEY1", 6, 1000, b);
	ok(strcmp(a, b) != 0, "another session gives another code");
	tp_session_code("KEY1", 5, 1001, b);
	ok(strcmp(a, b) != 0, "the next window gives another code");

	int64_t t = 1800000000; /* a time on a window boundary plus a bit */
	int64_t w = tp_session_code_window(t);
	is_int(tp_session_code_window(t + TP_SESSION_CODE_WINDOW), w + 1,
	       "windows are %d seconds", TP_SESSION_CODE_WINDOW);
	tp_session_code("KEY1", 5, w, a);
	ok(tp_session_code_check("KEY1", 5, w, a, t), "the current code is accepted");
	ok(tp_session_code_check("KEY1", 5, w, a, t + TP_SESSION_CODE_WINDOW),
	   "and during the next window (grace)");
	ok(!tp_session_code_check("KEY1", 5, w, a, t + 2 * TP_SESSION_CODE_WINDOW),
	   "but not after that");
	ok(!tp_session_code_check("KEY1", 5, w, a, t - TP_SESSION_CODE_WINDOW),
	   "nor before its window");
	ok(!tp_session_code_check("KEY2", 5, w, a, t), "nor under another key");
	ok(!tp_session_code_check("KEY1", 6, w, a, t), "nor for another session");
	char wrong[TP_SESSION_CODE_LEN + 1];
	snprintf(wrong, sizeof wrong, "%s", a);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	ok(!tp_session_code_check("KEY1", 5, w, wrong, t), "a code one letter off is refused");
	ok(!tp_session_code_check("KEY1", 5, w, "ABC", t), "a short code is refused");

	char path[96];
	tp_session_code_path("KEY1", 42, t, path, sizeof path);
	char expect[96];
	tp_session_code("KEY1", 42, w, a);
	snprintf(expect, sizeof expect, "/p/42.%lld.%s", (long long)w, a);
	is_str(path, expect, "the link path carries id, window and code");
	int64_t id = 0, win = 0;
	char code[TP_SESSION_CODE_LEN + 1];
	is_int(tp_session_code_parse(path + 3, &id, &win, code), 0, "the link parses");
	ok(id == 42 && win == w && strcmp(code, a) == 0, "back to the same parts");
	const char *bad[] = { "", "42", "42.1", "42.1.", "x.1.ABCDEFGHIJ", "42.1.abcdefghij",
			      "42.1.ABCDEFGHI", "42.1.ABCDEFGHIJK", "0.1.ABCDEFGHIJ",
			      "42.-1.ABCDEFGHIJ", "42.1.ABCDEFGH1J", "99999999999999999999.1.ABCDEFGHIJ" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(tp_session_code_parse(bad[i], &id, &win, code) < 0, "'%s' is refused", bad[i]);
	return done_testing();
}
