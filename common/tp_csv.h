/*
 * An RFC 4180 CSV parser for the files staff export from Excel ("CSV
 * UTF-8"): UTF-8 with or without a BOM, LF, CRLF (or old Mac CR) line
 * endings, quoted fields with "" escapes and commas and line breaks inside
 * quotes. The whole file is parsed into memory at once, within hard caps;
 * errors name the line, in words a staff member can act on. What the
 * columns mean is the importer's business, not this module's.
 */
#ifndef TP_CSV_H
#define TP_CSV_H

#include <stddef.h>

#define TP_CSV_MAX_ROWS 200000    /* records, the header included */
#define TP_CSV_MAX_FIELDS 256     /* fields in a record */
#define TP_CSV_MAX_FIELD 8192     /* bytes in a field */

struct tp_csv_row {
	size_t nfields;
	char **fields;  /* NUL-terminated values, exactly as in the file */
	size_t line;    /* 1-based physical line where the record starts */
};

struct tp_csv {
	size_t nrows;
	struct tp_csv_row *rows;  /* rows[0] is the header */
};

/*
 * Parses the len bytes at data into *out, which the caller later passes to
 * tp_csv_release. A leading BOM is dropped; records whose fields are all
 * empty (blank lines, the final line break, Excel's ",,,," rows) are
 * skipped; values are not trimmed. The rows and their strings belong to
 * *out and stay valid until tp_csv_release: do not free or keep them.
 * Returns 0, or on failure leaves *out empty and writes a message to err
 * (errlen bytes, NUL-terminated; err may be NULL):
 * -EINVAL for "the file is empty" (no record that is not blank),
 *   "line N: invalid UTF-8 ...", "line N: unterminated quoted field",
 *   "line N: text after closing quote", "line N: stray quote in an unquoted
 *   field";
 * -E2BIG for a record past TP_CSV_MAX_ROWS, a record with more than
 *   TP_CSV_MAX_FIELDS fields or a field longer than TP_CSV_MAX_FIELD bytes.
 * Memory grows with len (up to about nine bytes for each byte of a file of
 * empty fields, plus about 10 MB of row records at the row cap), so
 * callers cap len.
 */
int tp_csv_parse(const char *data, size_t len, struct tp_csv *out, char *err,
		 size_t errlen);

/* Frees what tp_csv_parse put in csv and leaves it empty. */
void tp_csv_release(struct tp_csv *csv);

/* The index of the header field equal to name, both trimmed of whitespace
 * (as tp_text_trim does) and compared ignoring ASCII case; the first one if
 * several match, -1 if none does or csv has no rows. */
int tp_csv_column(const struct tp_csv *csv, const char *name);

#endif
