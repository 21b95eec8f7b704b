/* libFuzzer target for card tokens as a scanner types them and for base32
 * decoding: a token that normalises is 32 uppercase base32 characters that
 * normalise to themselves and decode to 20 bytes; whatever base32 decodes
 * must encode back to the same text, uppercased. */
#include "tp_token.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char tok[TP_CARD_TOKEN_LEN + 1], again[TP_CARD_TOKEN_LEN + 1];
	unsigned char raw[64];
	size_t n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (tp_card_token_normalize(s, tok) == 0) {
		if (strlen(tok) != TP_CARD_TOKEN_LEN)
			abort();
		for (size_t i = 0; i < TP_CARD_TOKEN_LEN; i++)
			if (!((tok[i] >= 'A' && tok[i] <= 'Z') || (tok[i] >= '2' && tok[i] <= '7')))
				abort();
		if (tp_card_token_normalize(tok, again) < 0 || strcmp(tok, again) != 0)
			abort();
		if (tp_base32_decode(tok, raw, sizeof raw, &n) < 0 || n != 20)
			abort();
	} else if (tok[0] != '\0') {
		abort();
	}
	if (tp_base32_decode(s, raw, sizeof raw, &n) == 0) {
		char enc[128];
		size_t len = strlen(s);
		if (n > sizeof raw || tp_base32_len(n) != len)
			abort();
		tp_base32_encode(raw, n, enc);
		for (size_t i = 0; i < len; i++) {
			char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
			if (enc[i] != c)
				abort();
		}
	}
	free(s);
	return 0;
}
