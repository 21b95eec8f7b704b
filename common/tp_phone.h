/*
 * Phone numbers as staff type them and as participants give them, turned
 * into E.164 ("+85291234567") for storage and for the messaging providers,
 * and masked for screens and logs. Hong Kong numbers are checked closely;
 * other countries only for shape (a country code and 8 to 15 digits in all).
 * This module does not know which numbers exist or take texts.
 */
#ifndef TP_PHONE_H
#define TP_PHONE_H

#include <stdbool.h>

/* '+', at most 15 digits (E.164's limit) and a NUL. */
#define TP_PHONE_MAX 17

/*
 * Normalises a phone number to E.164.
 * - Hong Kong: 8 digits whose first is 2-9, optionally after +852, 852,
 *   00852 or (852), gives "+852" and the 8 digits.
 * - Elsewhere: '+' or 00, then a country code (not starting with 0) and
 *   the number, 8 to 15 digits in all, gives '+' and the digits.
 * Spaces, tabs, dashes, dots and parentheses may appear anywhere; '+' only
 * before the first digit (after an optional '(').
 * Returns 0 with the number in out, or -EINVAL with out set to "" and *why
 * (if why is not NULL) set to a static reason that reads after "The phone
 * number": "is empty", "contains letters", "contains characters other than
 * digits", "must be 8 digits", "is too short", "is too long",
 * "has a country code starting with 0", or the whole sentence
 * "Hong Kong numbers do not start with 0 or 1". in may be NULL ("is empty").
 */
int tp_phone_normalize(const char *in, char out[TP_PHONE_MAX], const char **why);

/* True for a Hong Kong number in E.164 whose first digit after +852 is 4-9
 * (mobile and paging ranges; 2 and 3 are landlines). */
bool tp_phone_is_hk_mobile(const char *e164);

/*
 * Writes a masked form that shows only the last 4 digits: "+852****1234"
 * for Hong Kong; elsewhere '+', a '*' for each hidden digit and the last 4
 * ("+44*******0123"). Anything that is not E.164 (including NULL) gives
 * "****", so a malformed value is never shown.
 */
void tp_phone_mask(const char *e164, char out[TP_PHONE_MAX]);

#endif
