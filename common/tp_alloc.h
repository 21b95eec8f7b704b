/*
 * Allocation that never returns NULL: on exhaustion the process logs and
 * aborts in one place (like redis's zmalloc), so callers need no NULL checks.
 * Every pointer returned is owned by the caller and released with free().
 */
#ifndef TP_ALLOC_H
#define TP_ALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *tp_xmalloc(size_t size);
void *tp_xcalloc(size_t count, size_t size);
void *tp_xrealloc(void *ptr, size_t size);
/* Copies s (NULL gives NULL). */
char *tp_xstrdup(const char *s);
/* Copies the first n bytes of s and NUL-terminates. */
char *tp_xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *tp_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *tp_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
