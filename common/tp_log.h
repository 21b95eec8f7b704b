/*
 * Logging to standard error, one line per event, with the UTC time and the
 * level: "2026-11-22T13:05:01Z info  listening on 127.0.0.1:8080".
 * Thread-safe. Never logs card tokens, passwords or phone numbers: callers
 * pass ids, not secrets.
 */
#ifndef TP_LOG_H
#define TP_LOG_H

enum tp_log_level { TP_LOG_DEBUG, TP_LOG_INFO, TP_LOG_WARN, TP_LOG_ERROR };

/* Messages below this level are dropped (default TP_LOG_INFO). */
void tp_log_set_level(enum tp_log_level level);
/* Parses "debug", "info", "warn" or "error"; returns -1 when unknown. */
int tp_log_parse_level(const char *name, enum tp_log_level *out);
void tp_log(enum tp_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define tp_debug(...) tp_log(TP_LOG_DEBUG, __VA_ARGS__)
#define tp_info(...) tp_log(TP_LOG_INFO, __VA_ARGS__)
#define tp_warn(...) tp_log(TP_LOG_WARN, __VA_ARGS__)
#define tp_error(...) tp_log(TP_LOG_ERROR, __VA_ARGS__)

#endif
