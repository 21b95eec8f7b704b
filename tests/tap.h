/*
 * A small TAP producer for Touchpoint's tests, run by prove. No fork: a test
 * is one process, so sanitizers and gdb see it directly. Every check prints
 * "ok N - name" or "not ok N - name" with the place and the values on a
 * failure; done_testing() prints the plan and gives the exit status.
 * Thread-safe: checks may be made from several threads.
 */
#ifndef TP_TAP_H
#define TP_TAP_H

#include <stdint.h>

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
	tap_is_int((int64_t)(got), (int64_t)(want), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)

int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int tap_is_int(int64_t got, int64_t want, const char *file, int line,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Either string may be NULL; two NULLs are equal. */
int tap_is_str(const char *got, const char *want, const char *file, int line,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Stops the test at once, printing "Bail out!" and the reason. */
_Noreturn void bail_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan; returns the process exit status (0 when all passed). */
int done_testing(void);

#endif
