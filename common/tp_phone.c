/*
 * Phone number normalisation and masking; see tp_phone.h. The input is read
 * once, keeping the digits and noting anything that is not a separator;
 * the digits are then classified as a Hong Kong or an international number.
 */
#include "tp_phone.h"

#include <errno.h>
#include <string.h>

/* The most digits kept while reading: "00" and 15 digits is 17. */
#define MAX_READ 20

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')';
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Writes prefix and the n digits at d to out (which the caller has sized). */
static void put_number(char *out, const char *prefix, const char *d, size_t n)
{
	size_t plen = strlen(prefix);
	memcpy(out, prefix, plen);
	memcpy(out + plen, d, n);
	out[plen + n] = '\0';
}

int tp_phone_normalize(const char *in, char out[TP_PHONE_MAX], const char **why)
{
	char digits[MAX_READ];
	size_t nd = 0;
	bool plus = false, letters = false, other = false, plus_late = false;
	const char *reason;
	const char *d;
	size_t n;

	out[0] = '\0';
	if (!in) {
		reason = "is empty";
		goto fail;
	}
	for (const char *p = in; *p; p++) {
		char c = *p;
		/* A Chinese input method types full-width forms: ０-９, ＋, －, and
		 * the ideographic space. They mean the same as their ASCII twins. */
		const unsigned char *u = (const unsigned char *)p;
		if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
			c = (char)('0' + (u[2] - 0x90));
			p += 2;
		} else if (u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x8B || u[2] == 0x8D)) {
			c = u[2] == 0x8B ? '+' : '-';
			p += 2;
		} else if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) {
			c = ' ';
			p += 2;
		}
		if (is_digit(c)) {
			if (nd < MAX_READ)
				digits[nd] = c;
			nd++;
		} else if (c == '+') {
			if (nd > 0 || plus)
				plus_late = true;
			plus = true;
		} else if (is_letter(c)) {
			letters = true;
		} else if (!is_separator(c)) {
			other = true;
		}
	}
	if (letters) {
		reason = "contains letters";
		goto fail;
	}
	if (other || plus_late) {
		reason = "contains characters other than digits";
		goto fail;
	}
	if (nd == 0) {
		reason = plus ? "is too short" : "is empty";
		goto fail;
	}
	if (nd > MAX_READ) {
		reason = "is too long";
		goto fail;
	}

	d = digits;
	n = nd;
	if (!plus && n >= 2 && d[0] == '0' && d[1] == '0') {
		plus = true;
		d += 2;
		n -= 2;
	}
	if (plus) {
		if (n >= 3 && memcmp(d, "852", 3) == 0) {
			d += 3;
			n -= 3;
			goto hong_kong;
		}
		if (n > 0 && d[0] == '0') {
			reason = "has a country code starting with 0";
			goto fail;
		}
		if (n < 8) {
			reason = "is too short";
			goto fail;
		}
		if (n > 15) {
			reason = "is too long";
			goto fail;
		}
		put_number(out, "+", d, n);
		return 0;
	}
	if (n == 11 && memcmp(d, "852", 3) == 0) {
		d += 3;
		n -= 3;
	}
hong_kong:
	if (n != 8) {
		reason = n > 15 ? "is too long" : "must be 8 digits";
		goto fail;
	}
	if (d[0] == '0' || d[0] == '1') {
		reason = "Hong Kong numbers do not start with 0 or 1";
		goto fail;
	}
	put_number(out, "+852", d, n);
	return 0;
fail:
	if (why)
		*why = reason;
	return -EINVAL;
}

/* The number of digits after the '+' of an E.164 number, or 0 if e164 is
 * not '+' and 1 to 15 digits. */
static size_t e164_digits(const char *e164)
{
	size_t n = 0;

	if (!e164 || e164[0] != '+')
		return 0;
	for (const char *p = e164 + 1; *p; p++) {
		if (!is_digit(*p) || ++n > 15)
			return 0;
	}
	return n;
}

bool tp_phone_is_hk_mobile(const char *e164)
{
	return e164_digits(e164) == 11 && memcmp(e164, "+852", 4) == 0
	       && e164[4] >= '4' && e164[4] <= '9';
}

void tp_phone_mask(const char *e164, char out[TP_PHONE_MAX])
{
	size_t n = e164_digits(e164);

	if (n < 5) {
		memcpy(out, "****", 5);
		return;
	}
	if (n == 11 && memcmp(e164, "+852", 4) == 0) {
		put_number(out, "+852****", e164 + 8, 4);
		return;
	}
	out[0] = '+';
	memset(out + 1, '*', n - 4);
	put_number(out + 1 + n - 4, "", e164 + 1 + n - 4, 4);
}
