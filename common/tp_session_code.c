/* Rotating session codes; see tp_session_code.h. */
#include "tp_session_code.h"
#include "tp_token.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t tp_session_code_window(int64_t t)
{
	return t / TP_SESSION_CODE_WINDOW;
}

void tp_session_code(const char *key, int64_t session_id, int64_t window,
		     char out[TP_SESSION_CODE_LEN + 1])
{
	char msg[64];
	int n = snprintf(msg, sizeof msg, "%" PRId64 ".%" PRId64, session_id, window);
	unsigned char mac[32];
	tp_hmac_sha256(key, strlen(key), msg, (size_t)n, mac);
	/* 50 bits of the MAC: 10 base32 characters from the first 7 bytes. */
	char b32[16];
	tp_base32_encode(mac, 7, b32);
	memcpy(out, b32, TP_SESSION_CODE_LEN);
	out[TP_SESSION_CODE_LEN] = '\0';
}

void tp_session_code_path(const char *key, int64_t session_id, int64_t now,
			  char *out, size_t len)
{
	int64_t window = tp_session_code_window(now);
	char code[TP_SESSION_CODE_LEN + 1];
	tp_session_code(key, session_id, window, code);
	snprintf(out, len, "/p/%" PRId64 ".%" PRId64 ".%s", session_id, window, code);
}

static int tp_parse_id(const char *s, const char *end, int64_t *out)
{
	if (s == end || end - s > 18)
		return -EINVAL;
	int64_t n = 0;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		n = n * 10 + (*p - '0');
	}
	*out = n;
	return 0;
}

int tp_session_code_parse(const char *text, int64_t *session_id, int64_t *window,
			  char code[TP_SESSION_CODE_LEN + 1])
{
	const char *dot1 = strchr(text, '.');
	const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot2 || tp_parse_id(text, dot1, session_id) < 0 ||
	    tp_parse_id(dot1 + 1, dot2, window) < 0 || *session_id < 1 ||
	    strlen(dot2 + 1) != TP_SESSION_CODE_LEN)
		return -EINVAL;
	for (int i = 0; i < TP_SESSION_CODE_LEN; i++) {
		char c = dot2[1 + i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
			return -EINVAL;
		code[i] = c;
	}
	code[TP_SESSION_CODE_LEN] = '\0';
	return 0;
}

bool tp_session_code_check(const char *key, int64_t session_id, int64_t window,
			   const char *code, int64_t now)
{
	int64_t current = tp_session_code_window(now);
	if (window != current && window != current - 1)
		return false;
	if (strlen(code) != TP_SESSION_CODE_LEN)
		return false;
	char want[TP_SESSION_CODE_LEN + 1];
	tp_session_code(key, session_id, window, want);
	return tp_ct_equal(want, code, TP_SESSION_CODE_LEN);
}
