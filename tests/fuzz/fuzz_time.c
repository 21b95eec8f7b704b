/* libFuzzer target for tp_time_parse and tp_date_parse: any string must
 * parse or be refused; a parsed time must format and parse back to itself,
 * and a parsed date must be the Hong Kong date of its own midnight. */
#include "tp_time.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 9999-12-31T23:59:59Z */
#define MAX_T INT64_C(253402300799)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char out[32], date[11];
	int64_t t, back;
	int y, m, d;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* Times whose date in the zone shown is in years 1970-9999 format
	 * and parse back to themselves; an offset can push a parsed time just
	 * outside that range, where formatting clamps. */
	if (tp_time_parse(s, &t) == 0) {
		tp_time_format_utc(t, out);
		if (t >= 0 && t <= MAX_T
		    && (tp_time_parse(out, &back) < 0 || back != t))
			abort();
		tp_time_format_hk(t, out);
		if (t + TP_HK_OFFSET >= 0 && t + TP_HK_OFFSET <= MAX_T
		    && (tp_time_parse(out, &back) < 0 || back != t))
			abort();
	}
	if (tp_date_parse(s, &y, &m, &d) == 0) {
		if (strlen(s) != 10)
			abort();
		tp_date_format_hk(tp_date_start_hk(y, m, d), date);
		if (strcmp(date, s) != 0)
			abort();
	}
	/* Formatting must cope with any value, including the extremes. */
	if (size >= 8) {
		memcpy(&t, data, 8);
		tp_time_format_utc(t, out);
		tp_time_format_hk(t, out);
		tp_date_format_hk(t, date);
		if (strlen(out) != 25 || strlen(date) != 10)
			abort();
	}
	free(s);
	return 0;
}
