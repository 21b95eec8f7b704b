/*
 * Tokens, base32 and hashing; see tp_token.h. Randomness, digests and MACs
 * are libcrypto's; base32 is here because libcrypto has none.
 */
#include "tp_token.h"
#include "tp_alloc.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int tp_random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		int n = len > INT_MAX ? INT_MAX : (int)len;
		if (RAND_bytes(p, n) != 1)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

size_t tp_base32_len(size_t nbytes)
{
	return nbytes / 5 * 8 + (nbytes % 5 * 8 + 4) / 5;
}

void tp_base32_encode(const unsigned char *in, size_t len, char *out)
{
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			*out++ = base32_alphabet[(acc >> bits) & 31];
		}
		acc &= (1u << bits) - 1;
	}
	if (bits > 0)
		*out++ = base32_alphabet[(acc << (5 - bits)) & 31];
	*out = '\0';
}

/* The value of base32 character c in either case, or -1. */
static int base32_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int tp_base32_decode(const char *in, unsigned char *out, size_t outcap,
		     size_t *outlen)
{
	size_t len = strlen(in), n = 0;
	unsigned acc = 0;
	int bits = 0;

	switch (len % 8) {
	case 1: case 3: case 6:
		return -EINVAL;
	}
	if (len / 8 * 5 + len % 8 * 5 / 8 > outcap)
		return -ENOBUFS;
	for (size_t i = 0; i < len; i++) {
		int v = base32_value((unsigned char)in[i]);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 5) | (unsigned)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
		acc &= (1u << bits) - 1;
	}
	if (acc != 0)
		return -EINVAL;
	*outlen = n;
	return 0;
}

int tp_card_token_new(char out[TP_CARD_TOKEN_LEN + 1])
{
	unsigned char raw[TP_CARD_TOKEN_LEN * 5 / 8];

	out[0] = '\0';
	if (tp_random_bytes(raw, sizeof raw) < 0)
		return -EIO;
	tp_base32_encode(raw, sizeof raw, out);
	OPENSSL_cleanse(raw, sizeof raw);
	return 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

int tp_card_token_normalize(const char *in, char out[TP_CARD_TOKEN_LEN + 1])
{
	size_t b = 0, e;

	out[0] = '\0';
	if (!in)
		return -EINVAL;
	e = strlen(in);
	while (b < e && is_space((unsigned char)in[b]))
		b++;
	while (e > b && is_space((unsigned char)in[e - 1]))
		e--;
	if (e - b != TP_CARD_TOKEN_LEN)
		return -EINVAL;
	for (size_t i = 0; i < TP_CARD_TOKEN_LEN; i++) {
		int v = base32_value((unsigned char)in[b + i]);
		if (v < 0) {
			out[0] = '\0';
			return -EINVAL;
		}
		out[i] = base32_alphabet[v];
	}
	out[TP_CARD_TOKEN_LEN] = '\0';
	return 0;
}

char *tp_token_new(const char *prefix, size_t nbytes)
{
	size_t plen = strlen(prefix);
	size_t elen = tp_base32_len(nbytes);
	unsigned char *raw = tp_xmalloc(nbytes);
	char *out = tp_xmalloc(plen + elen + 1);

	if (tp_random_bytes(raw, nbytes) < 0) {
		fprintf(stderr, "touchpoint: the system random generator failed\n");
		abort();
	}
	memcpy(out, prefix, plen);
	tp_base32_encode(raw, nbytes, out + plen);
	OPENSSL_cleanse(raw, nbytes);
	free(raw);
	return out;
}

/* libcrypto fails these only when it cannot allocate a few bytes. */
static _Noreturn void crypto_failed(const char *what)
{
	fprintf(stderr, "touchpoint: libcrypto %s failed\n", what);
	abort();
}

void tp_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;

	if (EVP_Digest(len ? data : "", len, md, &mdlen, EVP_sha256(), NULL) != 1
	    || mdlen != sizeof md)
		crypto_failed("SHA-256");
	for (size_t i = 0; i < sizeof md; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

void tp_hmac_sha256(const void *key, size_t keylen, const void *data,
		    size_t len, unsigned char out[32])
{
	unsigned int outlen = 0;

	/* A NULL key means "reuse the previous key" to some HMAC entry
	 * points, so an empty key is passed as a real pointer. */
	if (keylen > INT_MAX
	    || !HMAC(EVP_sha256(), keylen ? key : "", (int)keylen,
		     len ? data : (const void *)"", len, out, &outlen)
	    || outlen != 32)
		crypto_failed("HMAC-SHA256");
}

void tp_hmac_sha1(const void *key, size_t keylen, const void *data, size_t len,
		  unsigned char out[20])
{
	unsigned int outlen = 0;

	if (keylen > INT_MAX
	    || !HMAC(EVP_sha1(), keylen ? key : "", (int)keylen,
		     len ? data : (const void *)"", len, out, &outlen)
	    || outlen != 20)
		crypto_failed("HMAC-SHA1");
}

bool tp_ct_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}
