/*
 * Strict UTF-8 decoding and the text checks built on it; see tp_utf8.h.
 * The decoder follows the well-formed byte sequences of the Unicode
 * standard's table 3-7, so it never accepts what another decoder might read
 * differently (overlong "/" or NUL, CESU-8 surrogates).
 */
#include "tp_utf8.h"
#include "tp_alloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Decodes one sequence at s (n > 0 bytes available). Returns its length
 * (1-4) and the code point in *cp, or 0 when the sequence is not well
 * formed or is a NUL byte. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len;
	uint32_t v;

	if (c == 0)
		return 0;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;       /* overlong */
		else if (c == 0xED)
			hi = 0x9F;       /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;       /* overlong */
		else if (c == 0xF4)
			hi = 0x8F;       /* above U+10FFFF */
	} else {
		return 0;                /* continuation, C0, C1, F5-FF */
	}
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	v = (v << 6) | (s[1] & 0x3F);
	for (size_t i = 2; i < len; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return len;
}

size_t tp_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	return n ? utf8_decode((const unsigned char *)s, n, cp) : 0;
}

size_t tp_utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		if (p[i] >= 0x01 && p[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

bool tp_utf8_valid(const char *s, size_t len)
{
	return tp_utf8_valid_prefix(s, len) == len;
}

size_t tp_utf8_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

static bool is_ascii_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* U+3000 IDEOGRAPHIC SPACE, what a Chinese input method types for space. */
static const char ideographic_space[] = "\xE3\x80\x80";

/* Sets [*start, *end) to s without the whitespace tp_text_trim removes. */
static void trim_bounds(const char *s, size_t *start, size_t *end)
{
	size_t b = 0, e = strlen(s);

	while (b < e) {
		if (is_ascii_space((unsigned char)s[b]))
			b++;
		else if (e - b >= 3 && memcmp(s + b, ideographic_space, 3) == 0)
			b += 3;
		else
			break;
	}
	while (e > b) {
		if (is_ascii_space((unsigned char)s[e - 1]))
			e--;
		else if (e - b >= 3 && memcmp(s + e - 3, ideographic_space, 3) == 0)
			e -= 3;
		else
			break;
	}
	*start = b;
	*end = e;
}

char *tp_text_trim(const char *s)
{
	size_t b, e;

	if (!s)
		return NULL;
	trim_bounds(s, &b, &e);
	return tp_xstrndup(s + b, e - b);
}

static _Thread_local char text_why_buf[64];

int tp_text_check(const char *s, size_t max_chars, bool multiline,
		  const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, chars = 0, b, e;
	const char *reason = "is empty";
	uint32_t cp;

	if (!s)
		goto fail;
	len = strlen(s);
	if (!tp_utf8_valid(s, len)) {
		reason = "is not valid UTF-8";
		goto fail;
	}
	while (i < len) {
		size_t n = utf8_decode(p + i, len - i, &cp);
		bool allowed = multiline && (cp == '\n' || cp == '\t');
		if ((cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) && !allowed) {
			reason = "contains control characters";
			goto fail;
		}
		i += n;
		chars++;
	}
	trim_bounds(s, &b, &e);
	if (b == e) {
		reason = "is empty";
		goto fail;
	}
	if (chars > max_chars) {
		snprintf(text_why_buf, sizeof text_why_buf,
			 "is longer than %zu characters", max_chars);
		reason = text_why_buf;
		goto fail;
	}
	return 0;
fail:
	if (why)
		*why = reason;
	return -EINVAL;
}
