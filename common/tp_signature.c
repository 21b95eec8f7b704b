/* Provider webhook signatures; see tp_signature.h. */
#include "tp_signature.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_token.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

char *tp_base64(const void *in, size_t len)
{
	if (len > INT_MAX / 2)
		abort();
	char *out = tp_xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

struct tp_pair {
	const char *name, *value;
};

static int tp_pair_cmp(const void *a, const void *b)
{
	const struct tp_pair *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->value, y->value);
}

char *tp_twilio_signature(const char *token, const char *url,
			  const struct tp_urlform *params)
{
	struct tp_pair *pairs = tp_xcalloc(params->count + 1, sizeof *pairs);
	for (size_t i = 0; i < params->count; i++)
		pairs[i] = (struct tp_pair){ params->names[i], params->values[i] };
	qsort(pairs, params->count, sizeof *pairs, tp_pair_cmp);
	struct tp_buf data;
	tp_buf_init(&data, SIZE_MAX / 2);
	tp_buf_puts(&data, url);
	for (size_t i = 0; i < params->count; i++) {
		tp_buf_puts(&data, pairs[i].name);
		tp_buf_puts(&data, pairs[i].value);
	}
	free(pairs);
	unsigned char mac[20];
	tp_hmac_sha1(token, strlen(token), data.data, data.len, mac);
	tp_buf_release(&data);
	return tp_base64(mac, sizeof mac);
}

/*
 * url with its scheme's default port added (when it has no port) or
 * removed (when it has exactly that port); NULL for any other URL.
 */
static char *tp_url_toggle_port(const char *url)
{
	const char *port;
	size_t scheme_len;
	if (strncmp(url, "https://", 8) == 0) {
		port = "443";
		scheme_len = 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		port = "80";
		scheme_len = 7;
	} else {
		return NULL;
	}
	const char *host = url + scheme_len;
	size_t auth_len = strcspn(host, "/?#");
	const char *auth_end = host + auth_len;
	/* The port's colon comes after any IPv6 literal's brackets. */
	const char *bracket = memchr(host, ']', auth_len);
	const char *from = bracket ? bracket : host;
	const char *colon = memchr(from, ':', (size_t)(auth_end - from));
	if (!colon)
		return tp_xasprintf("%.*s:%s%s", (int)(auth_end - url), url, port, auth_end);
	size_t plen = (size_t)(auth_end - colon - 1);
	if (plen == strlen(port) && memcmp(colon + 1, port, plen) == 0)
		return tp_xasprintf("%.*s%s", (int)(colon - url), url, auth_end);
	return NULL;
}

static bool tp_twilio_one(const char *token, const char *url,
			  const struct tp_urlform *params, const char *header)
{
	char *sig = tp_twilio_signature(token, url, params);
	size_t n = strlen(sig);
	bool ok = strlen(header) == n && tp_ct_equal(sig, header, n);
	free(sig);
	return ok;
}

bool tp_twilio_signature_valid(const char *token, const char *url,
			       const struct tp_urlform *params, const char *header)
{
	if (!header || !token || !*token)
		return false;
	if (tp_twilio_one(token, url, params, header))
		return true;
	char *other = tp_url_toggle_port(url);
	bool ok = other && tp_twilio_one(token, other, params, header);
	free(other);
	return ok;
}

void tp_meta_signature(const char *secret, const void *body, size_t len,
		       char out[TP_META_SIGNATURE_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[32];
	tp_hmac_sha256(secret, strlen(secret), body, len, mac);
	memcpy(out, "sha256=", 7);
	for (size_t i = 0; i < sizeof mac; i++) {
		out[7 + 2 * i] = hex[mac[i] >> 4];
		out[7 + 2 * i + 1] = hex[mac[i] & 15];
	}
	out[TP_META_SIGNATURE_LEN] = '\0';
}

bool tp_meta_signature_valid(const char *secret, const void *body, size_t len,
			     const char *header)
{
	if (!header || !secret || !*secret || strlen(header) != TP_META_SIGNATURE_LEN ||
	    strncmp(header, "sha256=", 7) != 0)
		return false;
	char want[TP_META_SIGNATURE_LEN + 1], got[TP_META_SIGNATURE_LEN + 1];
	tp_meta_signature(secret, body, len, want);
	for (size_t i = 0; i <= TP_META_SIGNATURE_LEN; i++)
		got[i] = (char)tolower((unsigned char)header[i]);
	return tp_ct_equal(want, got, TP_META_SIGNATURE_LEN);
}
