/*
 * SMS length: how many segments a text takes, which is what a provider
 * bills. A text written only in the GSM 03.38 default alphabet is sent as
 * GSM-7: 160 characters in one segment, 153 a segment when concatenated,
 * and the extension characters (form feed, ^ { } \ [ ~ ] | and the euro
 * sign) take two. Any other character (one Chinese character, a full-width
 * mark, an emoji, a tab) makes the whole text UCS-2: 70 UTF-16 units in one
 * segment, 67 a segment when concatenated, and characters outside the basic
 * plane take two units. Neither an extension pair nor a surrogate pair is
 * split between segments, as phones and providers do not split them.
 * National language shift tables are not used (providers do not use them
 * for Hong Kong).
 */
#ifndef TP_SMS_H
#define TP_SMS_H

#include <stdbool.h>
#include <stddef.h>

struct tp_sms_length {
	bool ucs2;           /* false: GSM-7 */
	size_t units;        /* septets (GSM-7) or UTF-16 code units (UCS-2) */
	size_t segments;     /* at least 1, even for an empty text */
	size_t per_segment;  /* 160/153 or 70/67: what this text's segments hold */
};

/* Counts text (UTF-8). Returns 0, or -EINVAL when it is not valid UTF-8
 * (out is then zeroed). */
int tp_sms_length(const char *text, struct tp_sms_length *out);

#endif
