/* Capped growable buffer; see tp_buf.h. */
#include "tp_buf.h"
#include "tp_alloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tp_buf_init(struct tp_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void tp_buf_release(struct tp_buf *b)
{
	free(b->data);
	tp_buf_init(b, b->cap);
}

int tp_buf_append(struct tp_buf *b, const void *data, size_t len)
{
	if (len > b->cap || b->len > b->cap - len)
		return -E2BIG;
	if (b->len + len + 1 > b->alloc) {
		size_t want = b->alloc ? b->alloc : 256;
		while (want < b->len + len + 1)
			want *= 2;
		b->data = tp_xrealloc(b->data, want);
		b->alloc = want;
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int tp_buf_puts(struct tp_buf *b, const char *s)
{
	return tp_buf_append(b, s, strlen(s));
}

int tp_buf_printf(struct tp_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = tp_xvasprintf(fmt, ap);
	va_end(ap);
	int r = tp_buf_puts(b, s);
	free(s);
	return r;
}

int tp_buf_put_escaped(struct tp_buf *b, const char *s)
{
	size_t start = b->len;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		}
		int r = rep ? tp_buf_puts(b, rep) : tp_buf_append(b, s, 1);
		if (r < 0) {
			/* All or nothing, like every other append. */
			b->len = start;
			if (b->data)
				b->data[start] = '\0';
			return r;
		}
	}
	return 0;
}

char *tp_buf_steal(struct tp_buf *b)
{
	char *p = b->data ? b->data : tp_xstrdup("");
	tp_buf_init(b, b->cap);
	return p;
}

const char *tp_buf_str(const struct tp_buf *b)
{
	return b->data ? b->data : "";
}
