/* Reading a workbook back in tests; see xlsx.h. */
#include "xlsx.h"
#include "../tap.h"
#include "tp_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes of one part of the zip (caller frees), NUL-terminated. */
static char *ts_xlsx_part(const char *path, const char *part)
{
	if (strpbrk(path, "'\\") || strpbrk(part, "'\\*?["))
		bail_out("xlsx: unusual path %s %s", path, part);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", path, part);
	FILE *p = popen(cmd, "r");
	if (!p)
		bail_out("xlsx: cannot run unzip");
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	int rc = pclose(p);
	if (!buf)
		bail_out("xlsx: out of memory");
	buf[len] = '\0';
	if (rc != 0 || len == 0)
		bail_out("xlsx: %s has no part %s (is unzip installed?)", path, part);
	return buf;
}

/* The value of attribute name in the tag starting at tag (up to its '>'),
 * unescaped into a new string, or NULL. */
static char *ts_xlsx_unescape(const char *s, size_t n);

/* The whole number s starts with (an attribute's value, a cell's row, an
 * index); the workbook is refused when there is none. */
static long ts_xlsx_number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (end == s || n < 0)
		bail_out("xlsx: a number was expected at \"%.20s\"", s);
	return n;
}

static char *ts_xlsx_attr(const char *tag, const char *name)
{
	const char *end = strchr(tag, '>');
	char key[64];
	snprintf(key, sizeof key, " %s=\"", name);
	const char *p = strstr(tag, key);
	if (!p || (end && p > end))
		return NULL;
	p += strlen(key);
	const char *q = strchr(p, '"');
	return q ? ts_xlsx_unescape(p, (size_t)(q - p)) : NULL;
}

/* XML text with the five entities and numeric references undone. */
static char *ts_xlsx_unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	for (size_t i = 0; i < n;) {
		if (s[i] != '&') {
			*o++ = s[i++];
			continue;
		}
		static const struct { const char *ent; char c; } ents[] = {
			{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
			{ "&quot;", '"' }, { "&apos;", '\'' },
		};
		size_t k;
		for (k = 0; k < 5; k++) {
			size_t l = strlen(ents[k].ent);
			if (i + l <= n && strncmp(s + i, ents[k].ent, l) == 0) {
				*o++ = ents[k].c;
				i += l;
				break;
			}
		}
		if (k == 5)
			*o++ = s[i++];   /* numeric references do not occur in ours */
	}
	*o = '\0';
	return out;
}

char *ts_xlsx_sheet_names(const char *path)
{
	char *wb = ts_xlsx_part(path, "xl/workbook.xml");
	size_t cap = strlen(wb) + 1, len = 0;
	char *out = calloc(1, cap);
	for (const char *p = strstr(wb, "<sheet "); p; p = strstr(p + 1, "<sheet ")) {
		char *name = ts_xlsx_attr(p, "name");
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "," : "", name);
		free(name);
	}
	free(wb);
	return out;
}

/* The part name of the sheet called name ("xl/worksheets/sheet2.xml"). */
static char *ts_xlsx_sheet_part(const char *path, const char *name)
{
	char *wb = ts_xlsx_part(path, "xl/workbook.xml");
	char *rid = NULL;
	for (const char *p = strstr(wb, "<sheet "); p && !rid; p = strstr(p + 1, "<sheet ")) {
		char *n = ts_xlsx_attr(p, "name");
		if (n && strcmp(n, name) == 0)
			rid = ts_xlsx_attr(p, "r:id");
		free(n);
	}
	free(wb);
	if (!rid)
		bail_out("xlsx: %s has no sheet \"%s\"", path, name);
	char *rels = ts_xlsx_part(path, "xl/_rels/workbook.xml.rels");
	char *target = NULL;
	for (const char *p = strstr(rels, "<Relationship "); p && !target;
	     p = strstr(p + 1, "<Relationship ")) {
		char *id = ts_xlsx_attr(p, "Id");
		if (id && strcmp(id, rid) == 0)
			target = ts_xlsx_attr(p, "Target");
		free(id);
	}
	free(rels);
	free(rid);
	if (!target)
		bail_out("xlsx: sheet \"%s\" has no part", name);
	char *part = tp_xasprintf("xl/%s", target);
	free(target);
	return part;
}

/* Shared strings in order. */
static char **ts_xlsx_strings(const char *path, size_t *count)
{
	char *xml = ts_xlsx_part(path, "xl/sharedStrings.xml");
	size_t n = 0, cap = 64;
	char **v = malloc(cap * sizeof *v);
	for (const char *p = strstr(xml, "<si>"); p; p = strstr(p + 1, "<si>")) {
		const char *t = strstr(p, "<t");
		const char *gt = t ? strchr(t, '>') : NULL;
		const char *end = gt ? strstr(gt, "</t>") : NULL;
		if (!end)
			bail_out("xlsx: a shared string without text");
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof *v);
		v[n++] = ts_xlsx_unescape(gt + 1, (size_t)(end - gt - 1));
	}
	free(xml);
	*count = n;
	return v;
}

/* The number format of each cell style. */
static void ts_xlsx_formats(const char *path, struct ts_xlsx_sheet *s)
{
	static const char *const builtin[] = { "General", "0", "0.00", "#,##0", "#,##0.00" };
	char *xml = ts_xlsx_part(path, "xl/styles.xml");
	const char *xfs = strstr(xml, "<cellXfs");
	size_t cap = 16;
	s->formats = malloc(cap * sizeof *s->formats);
	s->nformats = 0;
	const char *xfs_end = xfs ? strstr(xfs, "</cellXfs>") : NULL;
	for (const char *p = xfs ? strstr(xfs, "<xf ") : NULL; p && p < xfs_end;
	     p = strstr(p + 1, "<xf ")) {
		char *id = ts_xlsx_attr(p, "numFmtId");
		int n = id ? (int)ts_xlsx_number(id) : 0;
		free(id);
		char *code = NULL;
		if (n < 5) {
			code = strdup(builtin[n]);
		} else {
			char key[64];
			snprintf(key, sizeof key, "<numFmt numFmtId=\"%d\"", n);
			const char *f = strstr(xml, key);
			code = f ? ts_xlsx_attr(f, "formatCode") : NULL;
			if (!code)
				code = strdup("?");
		}
		if (s->nformats == cap)
			s->formats = realloc(s->formats, (cap *= 2) * sizeof *s->formats);
		s->formats[s->nformats++] = code;
	}
	free(xml);
}

/* "AB12" as 0-based row and column. */
static void ts_xlsx_ref(const char *ref, int *row, int *col)
{
	int c = 0;
	const char *p = ref;
	for (; *p >= 'A' && *p <= 'Z'; p++)
		c = c * 26 + (*p - 'A' + 1);
	*col = c - 1;
	*row = (int)ts_xlsx_number(p) - 1;
}

void ts_xlsx_read(const char *path, const char *name, struct ts_xlsx_sheet *out)
{
	memset(out, 0, sizeof *out);
	char *part = ts_xlsx_sheet_part(path, name);
	char *xml = ts_xlsx_part(path, part);
	free(part);
	size_t nstrings;
	char **strings = ts_xlsx_strings(path, &nstrings);
	ts_xlsx_formats(path, out);
	size_t cap = 256;
	out->cells = calloc(cap, sizeof *out->cells);
	for (const char *p = strstr(xml, "<c "); p; p = strstr(p + 1, "<c ")) {
		if (out->count == cap) {
			out->cells = realloc(out->cells, (cap *= 2) * sizeof *out->cells);
			memset(out->cells + out->count, 0, (cap - out->count) * sizeof *out->cells);
		}
		struct ts_xlsx_cell *c = &out->cells[out->count++];
		char *ref = ts_xlsx_attr(p, "r"), *style = ts_xlsx_attr(p, "s"),
		     *type = ts_xlsx_attr(p, "t");
		if (!ref)
			bail_out("xlsx: a cell without a reference");
		ts_xlsx_ref(ref, &c->row, &c->col);
		size_t si = style ? (size_t)ts_xlsx_number(style) : 0;
		c->format = si < out->nformats ? out->formats[si] : "General";
		const char *gt = strchr(p, '>');
		const char *v = gt && gt[-1] != '/' ? strstr(gt, "<v>") : NULL;
		const char *close = gt ? strstr(gt, "</c>") : NULL;
		if (!v || (close && v > close)) {
			c->blank = true;
		} else if (type && strcmp(type, "s") == 0) {
			size_t k = (size_t)ts_xlsx_number(v + 3);
			if (k >= nstrings)
				bail_out("xlsx: cell %s names string %zu of %zu", ref, k, nstrings);
			c->is_text = true;
			c->text = strdup(strings[k]);
		} else if (type && strcmp(type, "str") == 0) {
			const char *e = strstr(v, "</v>");
			c->is_text = true;
			c->text = ts_xlsx_unescape(v + 3, (size_t)(e - v - 3));
		} else {
			c->num = strtod(v + 3, NULL);
		}
		free(ref);
		free(style);
		free(type);
	}
	for (size_t i = 0; i < nstrings; i++)
		free(strings[i]);
	free(strings);
	free(xml);
}

void ts_xlsx_release(struct ts_xlsx_sheet *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->cells[i].text);
	free(s->cells);
	for (size_t i = 0; i < s->nformats; i++)
		free(s->formats[i]);
	free(s->formats);
	memset(s, 0, sizeof *s);
}

const struct ts_xlsx_cell *ts_xlsx_at(const struct ts_xlsx_sheet *s, int row, int col)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->cells[i].row == row && s->cells[i].col == col)
			return &s->cells[i];
	return NULL;
}

int ts_xlsx_find_text(const struct ts_xlsx_sheet *s, int col, const char *text, int from_row)
{
	int best = -1;
	for (size_t i = 0; i < s->count; i++) {
		const struct ts_xlsx_cell *c = &s->cells[i];
		if (c->col == col && c->row >= from_row && c->is_text &&
		    strcmp(c->text, text) == 0 && (best < 0 || c->row < best))
			best = c->row;
	}
	return best;
}
