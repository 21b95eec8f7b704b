/* Tests for tp_phone: Hong Kong numbers as staff and participants write
 * them, international numbers, the reasons given for bad input, the mobile
 * check and masking. */
#include "tp_phone.h"
#include "../tap.h"

#include <errno.h>
#include <string.h>

static void accepts(const char *in, const char *want)
{
	char out[TP_PHONE_MAX];
	const char *why = "unset";
	int r = tp_phone_normalize(in, out, &why);
	is_int(r, 0, "accepted: '%s'", in);
	if (r < 0)
		diag("why: %s", why);
	is_str(out, want, "'%s' -> %s", in, want);
}

static void refuses(const char *in, const char *reason)
{
	char out[TP_PHONE_MAX] = "junk";
	const char *why = NULL;
	is_int(tp_phone_normalize(in, out, &why), -EINVAL, "refused: '%s'", in);
	is_str(why, reason, "reason for '%s'", in);
	is_str(out, "", "out emptied for '%s'", in);
}

static void test_hong_kong(void)
{
	accepts("91234567", "+85291234567");
	accepts("9123 4567", "+85291234567");
	accepts("9123-4567", "+85291234567");
	accepts("9123.4567", "+85291234567");
	accepts("  2345 6789  ", "+85223456789");
	accepts("+852 9123 4567", "+85291234567");
	accepts("+85291234567", "+85291234567");
	accepts("852 9123 4567", "+85291234567");
	accepts("85291234567", "+85291234567");
	accepts("00852 9123 4567", "+85291234567");
	accepts("(852) 9123 4567", "+85291234567");
	accepts("(+852) 9123-4567", "+85291234567");
	accepts("+852-6123-4567", "+85261234567");
	accepts("3123 4567", "+85231234567");
	/* Eight digits that happen to begin with 852 are a local number. */
	accepts("85212345", "+85285212345");
	accepts("\t5123\t4567", "+85251234567");
}

/* What a Chinese input method types: full-width digits, plus and hyphen,
 * and the ideographic space. */
static void test_full_width(void)
{
	accepts("９１２３　４５６７", "+85291234567");
	accepts("＋８５２ ６１２３－４５６７", "+85261234567");
	refuses("９１２３　４５６", "must be 8 digits");
	refuses("９１２３ ４５６７８９０１２３４５６７８９０１", "is too long");
}

static void test_international(void)
{
	accepts("+44 20 7946 0958", "+442079460958");
	accepts("0044 20 7946 0958", "+442079460958");
	accepts("+86 138 0013 8000", "+8613800138000");
	accepts("+1 (415) 555-2671", "+14155552671");
	accepts("+853 6612 3456", "+85366123456");
	accepts("+65 6123 4567", "+6561234567");
	accepts("+12345678", "+12345678");                 /* 8 digits: shortest */
	accepts("+123456789012345", "+123456789012345");   /* 15 digits: longest */
	refuses("+1234567", "is too short");
	refuses("+1234567890123456", "is too long");
	refuses("001234567890123456", "is too long");
	refuses("+0 123 456 789", "has a country code starting with 0");
	refuses("000 123 456 789", "has a country code starting with 0");
}

static void test_refused(void)
{
	refuses("", "is empty");
	refuses("   ", "is empty");
	refuses("--()", "is empty");
	refuses(NULL, "is empty");
	refuses("+", "is too short");
	refuses("9123456", "must be 8 digits");
	refuses("912345678", "must be 8 digits");
	refuses("+852 9123 456", "must be 8 digits");
	refuses("+852 9123 45678", "must be 8 digits");
	refuses("8529123456", "must be 8 digits");
	refuses("12345678", "Hong Kong numbers do not start with 0 or 1");
	refuses("01234567", "Hong Kong numbers do not start with 0 or 1");
	refuses("+852 1234 5678", "Hong Kong numbers do not start with 0 or 1");
	refuses("852 0234 5678", "Hong Kong numbers do not start with 0 or 1");
	refuses("9123 4567 ext 2", "contains letters");
	refuses("abc", "contains letters");
	refuses("9123#4567", "contains characters other than digits");
	refuses("9123/4567", "contains characters other than digits");
	refuses("9123 4567 +", "contains characters other than digits");
	refuses("++852 9123 4567", "contains characters other than digits");
	refuses("1234567890123456789012345", "is too long");
	refuses("12345678901234567890", "is too long");
	refuses("1234567890123456", "is too long");
	refuses("123456789012345", "must be 8 digits");
}

static void test_mobile(void)
{
	ok(tp_phone_is_hk_mobile("+85291234567"), "9 is mobile");
	ok(tp_phone_is_hk_mobile("+85241234567"), "4 is mobile");
	ok(tp_phone_is_hk_mobile("+85251234567"), "5 is mobile");
	ok(tp_phone_is_hk_mobile("+85261234567"), "6 is mobile");
	ok(tp_phone_is_hk_mobile("+85271234567"), "7 is mobile");
	ok(tp_phone_is_hk_mobile("+85281234567"), "8 is mobile");
	ok(!tp_phone_is_hk_mobile("+85221234567"), "2 is a landline");
	ok(!tp_phone_is_hk_mobile("+85231234567"), "3 is a landline");
	ok(!tp_phone_is_hk_mobile("+8529123456"), "too short is not");
	ok(!tp_phone_is_hk_mobile("+852912345678"), "too long is not");
	ok(!tp_phone_is_hk_mobile("+85391234567"), "Macau is not");
	ok(!tp_phone_is_hk_mobile("91234567"), "not E.164 is not");
	ok(!tp_phone_is_hk_mobile("+8529123456x"), "a letter is not");
	ok(!tp_phone_is_hk_mobile(NULL), "NULL is not");
}

static void test_mask(void)
{
	char out[TP_PHONE_MAX];
	tp_phone_mask("+85291231234", out);
	is_str(out, "+852****1234", "Hong Kong mask");
	tp_phone_mask("+442079460958", out);
	is_str(out, "+********0958", "international mask keeps the last 4");
	tp_phone_mask("+123456789012345", out);
	is_str(out, "+***********2345", "15 digits fit");
	tp_phone_mask("91234567", out);
	is_str(out, "****", "not E.164 hides all");
	tp_phone_mask("+1234", out);
	is_str(out, "****", "too short to mask hides all");
	tp_phone_mask("+1234567890123456", out);
	is_str(out, "****", "too long hides all");
	tp_phone_mask("+852 9123 4567", out);
	is_str(out, "****", "spaces are not E.164");
	tp_phone_mask(NULL, out);
	is_str(out, "****", "NULL hides all");
}

int main(void)
{
	test_hong_kong();
	test_full_width();
	test_international();
	test_refused();
	test_mobile();
	test_mask();
	return done_testing();
}
