/*
 * The rotating code of a session's phone QR. The kiosk shows a QR that
 * changes every TP_SESSION_CODE_WINDOW seconds: a link carrying the session
 * id, the time window and an HMAC-SHA256 of both under the session's secret
 * key. The kiosk computes it from its own copy of the key, offline; the
 * server checks it, accepting the current window and the one before (a
 * window of grace for a phone that took a moment to open the link). A photo
 * of the QR sent to a friend stops working within a minute.
 *
 * Link path: /p/<session id>.<window>.<code>, code 10 base32 characters.
 */
#ifndef TP_SESSION_CODE_H
#define TP_SESSION_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TP_SESSION_CODE_WINDOW 30
#define TP_SESSION_CODE_LEN 10

/* The window that contains time t (Unix seconds). */
int64_t tp_session_code_window(int64_t t);
/* The code of session_id in window, under key (NUL-terminated text). */
void tp_session_code(const char *key, int64_t session_id, int64_t window,
		     char out[TP_SESSION_CODE_LEN + 1]);
/* Writes "/p/<id>.<window>.<code>" for time now into out. */
void tp_session_code_path(const char *key, int64_t session_id, int64_t now,
			  char *out, size_t len);
/*
 * Parses "<id>.<window>.<code>" (the part after /p/). Returns 0 and fills
 * the fields, or -EINVAL when it is not of that form.
 */
int tp_session_code_parse(const char *text, int64_t *session_id, int64_t *window,
			  char code[TP_SESSION_CODE_LEN + 1]);
/* True when code is right for session_id in window under key, and window is
 * the current one at now or the one before. */
bool tp_session_code_check(const char *key, int64_t session_id, int64_t window,
			   const char *code, int64_t now);

#endif
