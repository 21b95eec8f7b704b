/* libFuzzer target for tp_urlform and the signature checks that read what
 * a webhook sends: any bytes are a form or refused; a form encodes and
 * parses back to the same pairs; a header made of the bytes never passes
 * for a signature it is not. */
#include "tp_signature.h"
#include "tp_urlform.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_urlform f, back;
	tp_urlform_init(&f);
	if (tp_urlform_parse((const char *)data, size, &f) == 0) {
		struct tp_buf out;
		tp_buf_init(&out, 16 * 1024 * 1024);
		if (tp_urlform_encode(&f, &out) < 0)
			abort();
		tp_urlform_init(&back);
		if (tp_urlform_parse(out.data ? out.data : "", out.len, &back) < 0 ||
		    back.count != f.count)
			abort();
		for (size_t i = 0; i < f.count; i++)
			if (strcmp(f.names[i], back.names[i]) != 0 ||
			    strcmp(f.values[i], back.values[i]) != 0)
				abort();
		char *sig = tp_twilio_signature("token", "https://gw.example.org/webhooks/twilio", &f);
		if (!tp_twilio_signature_valid("token", "https://gw.example.org/webhooks/twilio", &back,
					       sig))
			abort();
		free(sig);
		tp_urlform_release(&back);
		tp_buf_release(&out);
	}
	char *header = malloc(size + 1);
	if (header) {
		memcpy(header, data, size);
		header[size] = '\0';
		char want[TP_META_SIGNATURE_LEN + 1];
		tp_meta_signature("secret", data, size, want);
		if (tp_meta_signature_valid("secret", data, size, header) &&
		    strncasecmp(header, want, sizeof want) != 0)
			abort();
		if (tp_twilio_signature_valid("token", "https://h/p", &f, header)) {
			char *sig = tp_twilio_signature("token", "https://h/p", &f);
			char *sig443 = tp_twilio_signature("token", "https://h:443/p", &f);
			if (strcmp(sig, header) != 0 && strcmp(sig443, header) != 0)
				abort();
			free(sig);
			free(sig443);
		}
		free(header);
	}
	tp_urlform_release(&f);
	return 0;
}
