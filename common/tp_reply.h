/*
 * Reading the replies people text back, as they really type them: the
 * opt-out and opt-in words, a number ("3", full-width "３", "三", the keycap
 * emoji "3️⃣", "3分"), and yes or no. Pure functions of the text: what a
 * reply means for a conversation is the server's business (conversation.c).
 * Text is UTF-8; anything that is not well-formed reads as nothing.
 */
#ifndef TP_REPLY_H
#define TP_REPLY_H

#include <stdint.h>

enum tp_reply_keyword {
	TP_REPLY_NONE,
	TP_REPLY_STOP,   /* STOP, 停止, 取消, 退訂 */
	TP_REPLY_START,  /* START, 開始 */
};

/* Whether the whole text, trimmed of spaces (ASCII and U+3000) and in any
 * case, is an opt-out or opt-in word. "STOP please" is not. */
enum tp_reply_keyword tp_reply_keyword(const char *text);

/*
 * A whole number from 0 to 9999 as the whole reply, trimmed: ASCII or
 * full-width digits, keycap emoji (a digit, an optional U+FE0F, U+20E3) and
 * U+1F51F (the keycap 10), or Chinese numerals 零/〇 to 九十九 (with 兩 for
 * two); optionally followed by 分 or 號 and a full stop or exclamation mark
 * (ASCII or full-width). Returns 0 with *n, or -EINVAL.
 */
int tp_reply_number(const char *text, int64_t *n);

/* Yes or no as the whole reply, trimmed and in any case: 1 for yes (yes,
 * y, ok, 是, 係, 有, 會, 好), 0 for no (no, n, 否, 唔係, 不是, 冇, 沒有, 唔會,
 * 不會, 不), or -EINVAL. Numbers are not read here. */
int tp_reply_yes_no(const char *text);

#endif
