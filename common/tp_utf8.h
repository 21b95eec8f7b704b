/*
 * UTF-8 validation and the checks every piece of text a person types goes
 * through (names, aliases, notes, free-text answers) before it is stored.
 * Validation is strict (Unicode's table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequences) and rejects NUL
 * bytes. This module does not normalise (NFC) or transliterate text.
 */
#ifndef TP_UTF8_H
#define TP_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when the len bytes at s are strict UTF-8 without NUL bytes.
 * s may be NULL when len is 0. */
bool tp_utf8_valid(const char *s, size_t len);

/* The offset of the first byte of the first invalid sequence (or NUL byte)
 * in the len bytes at s; len when they are all valid. For reporting where a
 * file goes wrong. */
size_t tp_utf8_valid_prefix(const char *s, size_t len);

/* Decodes the sequence at s (n > 0 bytes available) strictly: returns its
 * length (1-4) with the code point in *cp, or 0 when it is ill-formed,
 * truncated or a NUL byte. */
size_t tp_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* The number of code points in s, which must be valid UTF-8 (for invalid
 * input the count is of bytes that are not continuation bytes). */
size_t tp_utf8_chars(const char *s);

/*
 * Checks text a person entered: s must be valid UTF-8; must contain no C0
 * or C1 control character and no DEL, except '\n' and '\t' when multiline
 * (so a "\r\n" from an HTML form's textarea must be turned into "\n" first);
 * must not be empty once ASCII whitespace and U+3000 are trimmed; and must be
 * at most max_chars code points long, counted on s as given (trim first when
 * the trimmed text is what gets stored). A NULL s "is empty".
 * Returns 0, or -EINVAL with *why (if why is not NULL) set to a reason that
 * reads after the field's name: "is not valid UTF-8", "contains control
 * characters", "is empty" or "is longer than N characters". The last one
 * lives in a per-thread buffer that stays valid until this thread's next
 * call; the others are static.
 */
int tp_text_check(const char *s, size_t max_chars, bool multiline,
		  const char **why);

/* A new copy of s without leading and trailing ASCII whitespace (space,
 * \t, \n, \v, \f, \r) and U+3000 IDEOGRAPHIC SPACE; the caller frees it.
 * NULL gives NULL. */
char *tp_text_trim(const char *s);

#endif
