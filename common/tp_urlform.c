/* Form-encoded bodies; see tp_urlform.h. */
#include "tp_urlform.h"
#include "tp_alloc.h"
#include "tp_utf8.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void tp_urlform_init(struct tp_urlform *f)
{
	memset(f, 0, sizeof *f);
}

void tp_urlform_release(struct tp_urlform *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->names[i]);
		free(f->values[i]);
	}
	free(f->names);
	free(f->values);
	tp_urlform_init(f);
}

static void tp_urlform_push(struct tp_urlform *f, char *name, char *value)
{
	f->names = tp_xrealloc(f->names, (f->count + 1) * sizeof *f->names);
	f->values = tp_xrealloc(f->values, (f->count + 1) * sizeof *f->values);
	f->names[f->count] = name;
	f->values[f->count] = value;
	f->count++;
}

void tp_urlform_add(struct tp_urlform *f, const char *name, const char *value)
{
	tp_urlform_push(f, tp_xstrdup(name), tp_xstrdup(value ? value : ""));
}

/* Decodes n bytes at s ('+' is a space); NULL when the result holds a NUL
 * byte or is not UTF-8. */
static char *tp_urlform_decode(const char *s, size_t n)
{
	if (n > INT_MAX)
		return NULL;
	char *plus = tp_xstrndup(s, n);
	for (char *p = plus; *p; p++)
		if (*p == '+')
			*p = ' ';
	int len = 0;
	char *raw = curl_easy_unescape(NULL, plus, (int)n, &len);
	free(plus);
	if (!raw)
		abort();   /* libcurl fails only when it cannot allocate */
	char *out = NULL;
	if (tp_utf8_valid(raw, (size_t)len))
		out = tp_xstrndup(raw, (size_t)len);
	curl_free(raw);
	return out;
}

int tp_urlform_parse(const char *body, size_t len, struct tp_urlform *f)
{
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if (stop > p) {
			if (f->count == TP_URLFORM_MAX_FIELDS) {
				tp_urlform_release(f);
				return -E2BIG;
			}
			const char *eq = memchr(p, '=', (size_t)(stop - p));
			const char *name_end = eq ? eq : stop;
			char *name = tp_urlform_decode(p, (size_t)(name_end - p));
			char *value = eq ? tp_urlform_decode(eq + 1, (size_t)(stop - eq - 1))
					 : tp_xstrdup("");
			if (!name || !value) {
				free(name);
				free(value);
				tp_urlform_release(f);
				return -EINVAL;
			}
			tp_urlform_push(f, name, value);
		}
		p = stop + 1;
	}
	return 0;
}

const char *tp_urlform_get(const struct tp_urlform *f, const char *name)
{
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

static int tp_urlform_put(struct tp_buf *out, const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	if (!e)
		abort();
	int r = tp_buf_puts(out, e);
	curl_free(e);
	return r;
}

int tp_urlform_encode(const struct tp_urlform *f, struct tp_buf *out)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < f->count; i++) {
		if (i)
			r = tp_buf_puts(out, "&");
		if (r == 0)
			r = tp_urlform_put(out, f->names[i]);
		if (r == 0)
			r = tp_buf_puts(out, "=");
		if (r == 0)
			r = tp_urlform_put(out, f->values[i]);
	}
	return r;
}
