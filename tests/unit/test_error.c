/* Tests for tp_error: tp_error_set returns the negative status so that
 * validation is one line, the message names the field only when there is
 * one, and every part is cut safely to its array (under ASan an overrun
 * would stop the test). */
#include "tp_error.h"
#include "../tap.h"

#include <string.h>

static void test_set(void)
{
	struct tp_error e;
	tp_error_clear(&e);
	ok(e.status == 0 && e.code[0] == '\0' && e.field[0] == '\0' && e.message[0] == '\0',
	   "a cleared error is empty");

	is_int(tp_error_set(&e, 400, "invalid_field", "phone", "must be %d digits", 8), -400,
	       "set returns -status");
	is_int(e.status, 400, "status");
	is_str(e.code, "invalid_field", "code");
	is_str(e.field, "phone", "field");
	is_str(e.message, "phone: must be 8 digits", "the message starts with the field's name");

	is_int(tp_error_set(&e, 404, "not_found", NULL, "no session %d", 12), -404,
	       "a 404 returns -404");
	is_str(e.field, "", "a NULL field is stored as empty");
	is_str(e.message, "no session 12", "and the message has no prefix");

	tp_error_set(&e, 409, "conflict", "", "already checked in");
	is_str(e.message, "already checked in", "an empty field gives no prefix either");
	is_str(e.field, "", "and no field");

	/* The field is text, not a format. */
	tp_error_set(&e, 400, "invalid_field", "a%sb%n", "bad");
	is_str(e.message, "a%sb%n: bad", "a field with %% signs is copied as it is");

	tp_error_clear(&e);
	ok(e.status == 0 && e.message[0] == '\0', "clear empties a filled error");
}

static void test_truncation(void)
{
	struct tp_error e;
	char long_text[2000];
	memset(long_text, 'm', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';

	tp_error_set(&e, 400, "invalid_field", "notes", "%s", long_text);
	is_int(strlen(e.message), sizeof e.message - 1, "a long message fills the array and no more");
	ok(strncmp(e.message, "notes: mmm", 10) == 0, "keeping the field prefix");

	tp_error_set(&e, 400, long_text, long_text, "x");
	is_int(strlen(e.code), sizeof e.code - 1, "a long code is cut to its array");
	is_int(strlen(e.field), sizeof e.field - 1, "a long field is cut to its array");
	is_int(strlen(e.message), sizeof e.message - 1,
	       "a field longer than the message array still leaves a terminated message");
	ok(e.message[0] == 'm', "made of the field's text");

	/* A field exactly one short of the message array: prefix fills it. */
	char field[sizeof e.message];
	memset(field, 'f', sizeof field - 3);
	field[sizeof field - 3] = '\0';
	tp_error_set(&e, 400, "invalid_field", field, "tail");
	is_int(strlen(e.message), sizeof e.message - 1, "a prefix that fills the array is cut");
	ok(memcmp(e.message + sizeof e.message - 3, ": ", 2) == 0,
	   "and ends with the separator, with no room for the text");
}

int main(void)
{
	test_set();
	test_truncation();
	return done_testing();
}
