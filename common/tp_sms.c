/* SMS segment counting; see tp_sms.h. The alphabet is 3GPP TS 23.038's
 * GSM 7-bit default alphabet and its extension table. */
#include "tp_sms.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* The default alphabet's characters outside printable ASCII. */
static const uint32_t tp_gsm_basic_extra[] = {
	0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x00D8, 0x00F8,
	0x00C5, 0x00E5, 0x0394, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, 0x03A3,
	0x0398, 0x039E, 0x00C6, 0x00E6, 0x00DF, 0x00C9, 0x00A4, 0x00A1, 0x00C4, 0x00D6,
	0x00D1, 0x00DC, 0x00A7, 0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
	'\n', '\r',
};

/* Septets cp takes in GSM-7: 1, 2 (extension table), or 0 (not GSM-7). */
static int tp_gsm_septets(uint32_t cp)
{
	switch (cp) {
	case '^': case '{': case '}': case '\\': case '[': case ']': case '~': case '|':
	case 0x20AC: case '\f':
		return 2;
	case '`':
		return 0;
	default:
		break;
	}
	if (cp >= 0x20 && cp < 0x7F)
		return 1;
	for (size_t i = 0; i < sizeof tp_gsm_basic_extra / sizeof tp_gsm_basic_extra[0]; i++)
		if (tp_gsm_basic_extra[i] == cp)
			return 1;
	return 0;
}

int tp_sms_length(const char *text, struct tp_sms_length *out)
{
	memset(out, 0, sizeof *out);
	size_t len = strlen(text), i;
	uint32_t cp;
	/* First pass: the encoding. */
	bool ucs2 = false;
	for (i = 0; i < len;) {
		size_t n = tp_utf8_decode(text + i, len - i, &cp);
		if (n == 0)
			return -EINVAL;
		if (tp_gsm_septets(cp) == 0)
			ucs2 = true;
		i += n;
	}
	size_t single = ucs2 ? 70 : 160, part = ucs2 ? 67 : 153;
	/* Second pass: fill segments without splitting a pair. */
	size_t units = 0, segments = 1, used = 0;
	for (i = 0; i < len;) {
		size_t n = tp_utf8_decode(text + i, len - i, &cp);
		size_t w = ucs2 ? (cp > 0xFFFF ? 2 : 1) : (size_t)tp_gsm_septets(cp);
		units += w;
		if (used + w > part) {
			segments++;
			used = 0;
		}
		used += w;
		i += n;
	}
	if (units <= single)
		segments = 1;
	out->ucs2 = ucs2;
	out->units = units;
	out->segments = segments;
	out->per_segment = segments == 1 ? single : part;
	return 0;
}
