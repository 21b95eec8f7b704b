/*
 * The webhook signatures of the messaging providers, so that the gateway
 * can check what Twilio and Meta send it and the tests' fake providers can
 * sign what they send the gateway. The MACs and Base64 are libcrypto's.
 *
 * Twilio: X-Twilio-Signature is Base64(HMAC-SHA1(auth token, URL followed by
 * every POST parameter's name and value, sorted by name)), the URL exactly
 * as Twilio called it, query string included. Meta: X-Hub-Signature-256 is
 * "sha256=" and the hex HMAC-SHA256 of the raw body under the app secret.
 * Neither check knows what the payload means.
 */
#ifndef TP_SIGNATURE_H
#define TP_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

#include "tp_urlform.h"

/* "sha256=" and 64 hex digits. */
#define TP_META_SIGNATURE_LEN 71

/* The Base64 of the len bytes at in, NUL-terminated (caller frees). */
char *tp_base64(const void *in, size_t len);

/*
 * Twilio's signature of a request to url with the POST parameters params
 * (for a GET, pass an empty form). Pairs are sorted by name, then by value
 * for a repeated name, comparing bytes. Returns a new Base64 string.
 */
char *tp_twilio_signature(const char *token, const char *url,
			  const struct tp_urlform *params);
/*
 * True when header is the signature of the request to url, or to url with
 * the scheme's default port written out (":443" for https, ":80" for http)
 * when url has none, or without it when url has it: Twilio signs the URL as
 * it was configured, with or without the port. header may be NULL (false).
 * The comparison takes constant time.
 */
bool tp_twilio_signature_valid(const char *token, const char *url,
			       const struct tp_urlform *params, const char *header);

/* Writes "sha256=<hex>" of body under secret to out. */
void tp_meta_signature(const char *secret, const void *body, size_t len,
		       char out[TP_META_SIGNATURE_LEN + 1]);
/* True when header is exactly that (the hex in either case); header may be
 * NULL (false). Constant time. */
bool tp_meta_signature_valid(const char *secret, const void *body, size_t len,
			     const char *header);

#endif
