/* libFuzzer target for tp_reply: any text is read as a keyword or not, a
 * number from 0 to 9999 or not, yes, no or neither; and spaces around a
 * reply never change what it is read as. */
#include "tp_reply.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *padded = malloc(size + 3);
	if (!s || !padded) {
		free(s);
		free(padded);
		return 0;
	}
	memcpy(s, data, size);
	s[size] = '\0';
	padded[0] = ' ';
	memcpy(padded + 1, s, strlen(s));
	padded[strlen(s) + 1] = '\n';
	padded[strlen(s) + 2] = '\0';
	enum tp_reply_keyword k = tp_reply_keyword(s);
	if (k != TP_REPLY_NONE && k != TP_REPLY_STOP && k != TP_REPLY_START)
		abort();
	if (tp_reply_keyword(padded) != k)
		abort();
	int64_t n = -1, m = -1;
	int r = tp_reply_number(s, &n);
	if (r != 0 && r != -EINVAL)
		abort();
	if (r == 0 && (n < 0 || n > 9999))
		abort();
	if (tp_reply_number(padded, &m) != r || (r == 0 && m != n))
		abort();
	int yn = tp_reply_yes_no(s);
	if (yn != 0 && yn != 1 && yn != -EINVAL)
		abort();
	if (tp_reply_yes_no(padded) != yn)
		abort();
	/* A keyword is never also an answer. */
	if (k != TP_REPLY_NONE && (r == 0 || yn >= 0))
		abort();
	free(s);
	free(padded);
	return 0;
}
