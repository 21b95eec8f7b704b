/*
 * A growable byte buffer with a mandatory cap (like curl's dynbuf): appending
 * past the cap fails with -E2BIG and leaves the buffer as it was. The data is
 * always NUL-terminated so it can be used as a string.
 */
#ifndef TP_BUF_H
#define TP_BUF_H

#include <stddef.h>

struct tp_buf {
	char *data;   /* owned; NULL until the first append */
	size_t len;
	size_t alloc;
	size_t cap;   /* largest len allowed */
};

void tp_buf_init(struct tp_buf *b, size_t cap);
/* Frees the data; the buffer can be used again after tp_buf_init. */
void tp_buf_release(struct tp_buf *b);
int tp_buf_append(struct tp_buf *b, const void *data, size_t len);
int tp_buf_puts(struct tp_buf *b, const char *s);
int tp_buf_printf(struct tp_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends s with &, <, >, " and ' escaped for HTML and XML. */
int tp_buf_put_escaped(struct tp_buf *b, const char *s);
/* Returns the data (never NULL), transferring ownership; resets the buffer. */
char *tp_buf_steal(struct tp_buf *b);
/* The current contents as a string, borrowed ("" when empty). */
const char *tp_buf_str(const struct tp_buf *b);

#endif
