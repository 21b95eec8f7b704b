/*
 * The CSV parser behind tp_csv.h. The input is checked for UTF-8 once, then
 * read record by record: a record's fields are gathered in a scratch buffer
 * and copied into one allocation (pointer array, then the strings), so a
 * row is freed with a single free().
 */
#include "tp_csv.h"
#include "tp_alloc.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csv_parser {
	const char *data;
	size_t len;
	size_t pos;
	size_t line;            /* physical line of data[pos] */
	char *err;
	size_t errlen;
	char *scratch;          /* the current record's fields, each NUL-ended */
	size_t used;
	size_t alloc;
	size_t start[TP_CSV_MAX_FIELDS];  /* offset of each field in scratch */
	size_t nfields;
	size_t rows_alloc;
};

static int csv_error(struct csv_parser *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int csv_error(struct csv_parser *p, int code, const char *fmt, ...)
{
	va_list ap;

	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Line breaks in the n bytes at s: LF, CRLF and a lone CR count once each.
 * end is the end of the whole input, to see the LF after a final CR. */
static size_t count_breaks(const char *s, size_t n, const char *end)
{
	size_t breaks = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			breaks++;
		else if (s[i] == '\r' && (s + i + 1 == end || s[i + 1] != '\n'))
			breaks++;
	}
	return breaks;
}

static void scratch_append(struct csv_parser *p, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (p->used + n > p->alloc) {
		size_t want = p->alloc ? p->alloc : 1024;
		while (want < p->used + n)
			want *= 2;
		p->scratch = tp_xrealloc(p->scratch, want);
		p->alloc = want;
	}
	memcpy(p->scratch + p->used, s, n);
	p->used += n;
}

/* Appends n bytes of the current field, which began at offset field. */
static int field_append(struct csv_parser *p, size_t field, const char *s,
			size_t n)
{
	if (p->used - field + n > TP_CSV_MAX_FIELD)
		return csv_error(p, -E2BIG,
				 "line %zu: a field is longer than %d bytes",
				 p->line, TP_CSV_MAX_FIELD);
	scratch_append(p, s, n);
	return 0;
}

static int read_quoted(struct csv_parser *p, size_t field)
{
	const char *end = p->data + p->len;
	size_t first_line = p->line;
	int r;

	p->pos++;               /* the opening quote */
	for (;;) {
		const char *s = p->data + p->pos;
		const char *q = memchr(s, '"', p->len - p->pos);
		if (!q)
			return csv_error(p, -EINVAL,
					 "line %zu: unterminated quoted field",
					 first_line);
		r = field_append(p, field, s, (size_t)(q - s));
		if (r < 0)
			return r;
		p->line += count_breaks(s, (size_t)(q - s), end);
		p->pos = (size_t)(q - p->data) + 1;
		if (p->pos < p->len && p->data[p->pos] == '"') {
			r = field_append(p, field, "\"", 1);
			if (r < 0)
				return r;
			p->pos++;
			continue;
		}
		break;
	}
	if (p->pos < p->len) {
		char c = p->data[p->pos];
		if (c != ',' && c != '\n' && c != '\r')
			return csv_error(p, -EINVAL,
					 "line %zu: text after closing quote",
					 p->line);
	}
	return 0;
}

static int read_plain(struct csv_parser *p, size_t field)
{
	size_t b = p->pos;

	while (p->pos < p->len) {
		char c = p->data[p->pos];
		if (c == ',' || c == '\n' || c == '\r')
			break;
		if (c == '"')
			return csv_error(p, -EINVAL,
					 "line %zu: stray quote in an unquoted field",
					 p->line);
		p->pos++;
	}
	return field_append(p, field, p->data + b, p->pos - b);
}

/* Reads one record into the scratch buffer; *blank is set when every field
 * is empty. */
static int read_record(struct csv_parser *p, bool *blank)
{
	int r;

	p->used = 0;
	p->nfields = 0;
	*blank = true;
	for (;;) {
		size_t field = p->used;
		if (p->nfields == TP_CSV_MAX_FIELDS)
			return csv_error(p, -E2BIG,
					 "line %zu: a record has more than %d fields",
					 p->line, TP_CSV_MAX_FIELDS);
		p->start[p->nfields++] = field;
		if (p->pos < p->len && p->data[p->pos] == '"')
			r = read_quoted(p, field);
		else
			r = read_plain(p, field);
		if (r < 0)
			return r;
		if (p->used > field)
			*blank = false;
		scratch_append(p, "", 1);
		if (p->pos < p->len && p->data[p->pos] == ',') {
			p->pos++;
			continue;
		}
		break;
	}
	/* At the end of the data or of the line: step over CRLF, LF or CR. */
	if (p->pos < p->len) {
		if (p->data[p->pos] == '\r' && p->pos + 1 < p->len
		    && p->data[p->pos + 1] == '\n')
			p->pos++;
		p->pos++;
		p->line++;
	}
	return 0;
}

static void add_row(struct csv_parser *p, struct tp_csv *out, size_t line)
{
	size_t ptrs = p->nfields * sizeof(char *);
	char **fields = tp_xmalloc(ptrs + p->used);
	char *strings = (char *)fields + ptrs;

	memcpy(strings, p->scratch, p->used);
	for (size_t i = 0; i < p->nfields; i++)
		fields[i] = strings + p->start[i];
	if (out->nrows == p->rows_alloc) {
		p->rows_alloc = p->rows_alloc ? p->rows_alloc * 2 : 64;
		out->rows = tp_xrealloc(out->rows,
					p->rows_alloc * sizeof *out->rows);
	}
	out->rows[out->nrows].nfields = p->nfields;
	out->rows[out->nrows].fields = fields;
	out->rows[out->nrows].line = line;
	out->nrows++;
}

int tp_csv_parse(const char *data, size_t len, struct tp_csv *out, char *err,
		 size_t errlen)
{
	struct csv_parser p = { .data = data, .len = len, .line = 1,
				.err = err, .errlen = errlen };
	size_t bad;
	int r = 0;

	out->nrows = 0;
	out->rows = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (len == 0)
		return csv_error(&p, -EINVAL, "the file is empty");
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		p.pos = 3;
	bad = p.pos + tp_utf8_valid_prefix(data + p.pos, len - p.pos);
	if (bad != len)
		return csv_error(&p, -EINVAL,
				 "line %zu: invalid UTF-8 (in Excel, save as \"CSV UTF-8\")",
				 1 + count_breaks(data, bad, data + len));
	while (p.pos < p.len) {
		size_t line = p.line;
		bool blank;
		r = read_record(&p, &blank);
		if (r < 0)
			break;
		if (blank)
			continue;
		if (out->nrows == TP_CSV_MAX_ROWS) {
			r = csv_error(&p, -E2BIG,
				      "line %zu: the file has more than %d rows",
				      line, TP_CSV_MAX_ROWS);
			break;
		}
		add_row(&p, out, line);
	}
	free(p.scratch);
	if (r == 0 && out->nrows == 0)
		r = csv_error(&p, -EINVAL, "the file is empty");
	if (r < 0)
		tp_csv_release(out);
	return r;
}

void tp_csv_release(struct tp_csv *csv)
{
	for (size_t i = 0; i < csv->nrows; i++)
		free(csv->rows[i].fields);
	free(csv->rows);
	csv->nrows = 0;
	csv->rows = NULL;
}

static bool ascii_case_equal(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

int tp_csv_column(const struct tp_csv *csv, const char *name)
{
	int found = -1;
	char *want;

	if (csv->nrows == 0)
		return -1;
	want = tp_text_trim(name);
	for (size_t i = 0; i < csv->rows[0].nfields && found < 0; i++) {
		char *have = tp_text_trim(csv->rows[0].fields[i]);
		if (ascii_case_equal(have, want))
			found = (int)i;
		free(have);
	}
	free(want);
	return found;
}
