/* libFuzzer target for tp_csv_parse: any bytes must parse or fail cleanly,
 * and what parses must keep the module's promises (caps, valid UTF-8,
 * increasing line numbers, a message on every failure). */
#include "tp_csv.h"
#include "tp_utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_csv csv;
	char err[256];
	int r = tp_csv_parse((const char *)data, size, &csv, err, sizeof err);

	if (r < 0) {
		if (err[0] == '\0' || csv.nrows != 0 || csv.rows != NULL)
			abort();
		return 0;
	}
	if (csv.nrows == 0 || csv.nrows > TP_CSV_MAX_ROWS)
		abort();
	for (size_t i = 0; i < csv.nrows; i++) {
		const struct tp_csv_row *row = &csv.rows[i];
		bool all_empty = true;
		if (row->nfields == 0 || row->nfields > TP_CSV_MAX_FIELDS)
			abort();
		if (i > 0 && row->line <= csv.rows[i - 1].line)
			abort();
		for (size_t f = 0; f < row->nfields; f++) {
			size_t len = strlen(row->fields[f]);
			if (len > TP_CSV_MAX_FIELD || !tp_utf8_valid(row->fields[f], len))
				abort();
			if (len)
				all_empty = false;
		}
		if (all_empty)
			abort();
	}
	int c = tp_csv_column(&csv, csv.rows[0].fields[0]);
	if (c != 0)
		abort();
	tp_csv_release(&csv);
	return 0;
}
