/* Allocation wrappers: the one place where out-of-memory is handled. */
#include "tp_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void tp_oom(size_t size)
{
	fprintf(stderr, "touchpoint: out of memory allocating %zu bytes\n", size);
	abort();
}

void *tp_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		tp_oom(size);
	return p;
}

void *tp_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		tp_oom(count * size);
	return p;
}

void *tp_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		tp_oom(size);
	return p;
}

char *tp_xstrdup(const char *s)
{
	return s ? tp_xstrndup(s, strlen(s)) : NULL;
}

char *tp_xstrndup(const char *s, size_t n)
{
	char *p = tp_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *tp_xvasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		tp_oom(0);
	char *p = tp_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *tp_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = tp_xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}
