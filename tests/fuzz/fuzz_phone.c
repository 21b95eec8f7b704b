/* libFuzzer target for tp_phone_normalize: any string must be accepted as
 * well-formed E.164 (which normalises to itself) or refused with a reason;
 * masking and the mobile check must cope with whatever comes back. */
#include "tp_phone.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char out[TP_PHONE_MAX], again[TP_PHONE_MAX], mask[TP_PHONE_MAX];
	const char *why = NULL;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (tp_phone_normalize(s, out, &why) < 0) {
		if (!why || out[0] != '\0')
			abort();
	} else {
		size_t n = strlen(out);
		if (out[0] != '+' || n < 9 || n > 16)
			abort();
		for (size_t i = 1; i < n; i++)
			if (out[i] < '0' || out[i] > '9')
				abort();
		if (tp_phone_normalize(out, again, &why) < 0 || strcmp(out, again) != 0)
			abort();
		if (strncmp(out, "+852", 4) == 0 && (n != 12 || out[4] < '2'))
			abort();
		tp_phone_mask(out, mask);
		if (strlen(mask) != n || strcmp(mask + n - 4, out + n - 4) != 0)
			abort();
	}
	tp_phone_mask(s, mask);
	if (strlen(mask) >= TP_PHONE_MAX)
		abort();
	(void)tp_phone_is_hk_mobile(s);
	free(s);
	return 0;
}
