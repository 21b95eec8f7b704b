/* Reading replies; see tp_reply.h. */
#include "tp_reply.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* The longest reply read as a word or a number, in code points. */
#define TP_REPLY_MAX 32

/* Decodes text into cps without the leading and trailing spaces; the count,
 * or -1 when it is not UTF-8 or too long. */
static int tp_reply_decode(const char *text, uint32_t cps[TP_REPLY_MAX])
{
	if (!text)
		return -1;
	size_t len = strlen(text), i = 0;
	int n = 0;
	while (i < len) {
		uint32_t cp;
		size_t k = tp_utf8_decode(text + i, len - i, &cp);
		if (k == 0)
			return -1;
		bool space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' ||
			     cp == '\f' || cp == 0x3000 || cp == 0xA0;
		if (n == TP_REPLY_MAX) {
			/* Full: only trailing spaces may follow. */
			if (!space)
				return -1;
		} else if (!(space && n == 0)) {
			cps[n++] = cp;
		}
		i += k;
	}
	while (n > 0 && (cps[n - 1] == ' ' || cps[n - 1] == '\t' || cps[n - 1] == '\n' ||
			 cps[n - 1] == '\r' || cps[n - 1] == '\v' || cps[n - 1] == '\f' ||
			 cps[n - 1] == 0x3000 || cps[n - 1] == 0xA0))
		n--;
	return n;
}

/* Whether cps (n of them) spell word: ASCII letters in any case, others
 * exactly. word is UTF-8. */
static bool tp_reply_is(const uint32_t *cps, int n, const char *word)
{
	uint32_t w[TP_REPLY_MAX];
	int m = tp_reply_decode(word, w);
	if (m != n)
		return false;
	for (int i = 0; i < n; i++) {
		uint32_t a = cps[i], b = w[i];
		if (a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (b >= 'A' && b <= 'Z')
			b += 'a' - 'A';
		if (a != b)
			return false;
	}
	return true;
}

static bool tp_reply_any(const uint32_t *cps, int n, const char *const *words)
{
	for (const char *const *w = words; *w; w++)
		if (tp_reply_is(cps, n, *w))
			return true;
	return false;
}

enum tp_reply_keyword tp_reply_keyword(const char *text)
{
	static const char *const stop[] = { "stop", "停止", "取消", "退訂", NULL };
	static const char *const start[] = { "start", "開始", NULL };
	uint32_t cps[TP_REPLY_MAX];
	int n = tp_reply_decode(text, cps);
	if (n <= 0)
		return TP_REPLY_NONE;
	if (tp_reply_any(cps, n, stop))
		return TP_REPLY_STOP;
	if (tp_reply_any(cps, n, start))
		return TP_REPLY_START;
	return TP_REPLY_NONE;
}

/* The value of a digit (ASCII or full-width), or -1. */
static int tp_reply_digit(uint32_t cp)
{
	if (cp >= '0' && cp <= '9')
		return (int)(cp - '0');
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return (int)(cp - 0xFF10);
	return -1;
}

/* The value of a Chinese numeral 0-9, or -1 (十 is handled apart). */
static int tp_reply_hanzi(uint32_t cp)
{
	static const uint32_t digits[] = { 0x96F6, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
					   0x516D, 0x4E03, 0x516B, 0x4E5D };
	for (int i = 0; i < 10; i++)
		if (digits[i] == cp)
			return i;
	if (cp == 0x3007)            /* 〇 */
		return 0;
	if (cp == 0x5169)            /* 兩 */
		return 2;
	return -1;
}

/* Chinese numerals: one digit, or 十 with an optional tens digit before it
 * and an optional ones digit after it (十, 十三, 二十, 九十九). */
static int tp_reply_chinese(const uint32_t *cps, int n, int64_t *out)
{
	const uint32_t ten = 0x5341;
	if (n == 1 && tp_reply_hanzi(cps[0]) >= 0) {
		*out = tp_reply_hanzi(cps[0]);
		return 0;
	}
	int at = -1;
	for (int i = 0; i < n; i++)
		if (cps[i] == ten)
			at = i;
	if (at < 0 || at > 1 || n - at > 2)
		return -EINVAL;
	int tens = 1, ones = 0;
	if (at == 1) {
		tens = tp_reply_hanzi(cps[0]);
		if (tens < 2)
			return -EINVAL;    /* 一十, 零十: nobody writes them */
	}
	if (n - at == 2) {
		ones = tp_reply_hanzi(cps[at + 1]);
		if (ones < 1)
			return -EINVAL;
	}
	*out = tens * 10 + ones;
	return 0;
}

int tp_reply_number(const char *text, int64_t *out)
{
	uint32_t cps[TP_REPLY_MAX];
	int n = tp_reply_decode(text, cps);
	if (n <= 0)
		return -EINVAL;
	/* A full stop or an exclamation mark, then 分 or 號, may follow. */
	if (n > 1 && (cps[n - 1] == '.' || cps[n - 1] == 0x3002 || cps[n - 1] == '!' ||
		      cps[n - 1] == 0xFF01 || cps[n - 1] == 0xFF0E))
		n--;
	while (n > 1 && cps[n - 1] == ' ')
		n--;
	if (n > 1 && (cps[n - 1] == 0x5206 || cps[n - 1] == 0x865F))
		n--;
	while (n > 1 && (cps[n - 1] == ' ' || cps[n - 1] == 0x3000))
		n--;
	if (n == 1 && cps[0] == 0x1F51F) {
		*out = 10;
		return 0;
	}
	/* Digits, each perhaps dressed as a keycap. */
	int64_t v = 0;
	int digits = 0, i = 0;
	while (i < n) {
		int d = tp_reply_digit(cps[i]);
		if (d < 0)
			break;
		i++;
		if (i < n && cps[i] == 0xFE0F)
			i++;
		if (i < n && cps[i] == 0x20E3)
			i++;
		else if (i > 0 && cps[i - 1] == 0xFE0F)
			return -EINVAL;     /* a variation selector without the keycap */
		if (++digits > 4)
			return -EINVAL;
		v = v * 10 + d;
	}
	if (digits > 0) {
		if (i != n)
			return -EINVAL;
		*out = v;
		return 0;
	}
	return tp_reply_chinese(cps, n, out);
}

int tp_reply_yes_no(const char *text)
{
	static const char *const yes[] = { "yes", "y", "ok", "okay", "是", "係", "有", "會",
					   "好", NULL };
	static const char *const no[] = { "no", "n", "否", "唔係", "不是", "冇", "沒有", "唔會",
					  "不會", "不", "唔", NULL };
	uint32_t cps[TP_REPLY_MAX];
	int n = tp_reply_decode(text, cps);
	if (n <= 0)
		return -EINVAL;
	if (n > 1 && (cps[n - 1] == '.' || cps[n - 1] == 0x3002 || cps[n - 1] == '!' ||
		      cps[n - 1] == 0xFF01))
		n--;
	if (tp_reply_any(cps, n, yes))
		return 1;
	if (tp_reply_any(cps, n, no))
		return 0;
	return -EINVAL;
}
