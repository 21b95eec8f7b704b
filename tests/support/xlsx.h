/*
 * Reading an XLSX workbook back in tests: one sheet's cells (numbers as
 * numbers, text through the shared strings) and each cell's number format,
 * as a spreadsheet program would see them. The parts are taken out with
 * `unzip -p`; the XML is read only as far as the workbooks libxlsxwriter
 * writes need (sheet list, relationships, shared strings, cells, styles).
 * Not a general XLSX reader.
 */
#ifndef TS_XLSX_H
#define TS_XLSX_H

#include <stdbool.h>
#include <stddef.h>

struct ts_xlsx_cell {
	int row, col;        /* 0-based, as libxlsxwriter counts */
	bool is_text;
	char *text;          /* text cells */
	double num;          /* number cells */
	bool blank;          /* a cell with a style but no value */
	const char *format;  /* its number format ("General" when none) */
};

struct ts_xlsx_sheet {
	struct ts_xlsx_cell *cells;
	size_t count;
	char **formats;      /* the number format of each style index */
	size_t nformats;
};

/* The sheets' names in order, comma-separated (caller frees). Bails out
 * when the file is not a workbook. */
char *ts_xlsx_sheet_names(const char *path);
/* Reads the sheet called name; bails out when there is none. */
void ts_xlsx_read(const char *path, const char *name, struct ts_xlsx_sheet *out);
void ts_xlsx_release(struct ts_xlsx_sheet *s);
/* The cell at (row, col), or NULL when the sheet has none there. */
const struct ts_xlsx_cell *ts_xlsx_at(const struct ts_xlsx_sheet *s, int row, int col);
/* The first text cell in column col whose text is text; its row, or -1. */
int ts_xlsx_find_text(const struct ts_xlsx_sheet *s, int col, const char *text, int from_row);

#endif
