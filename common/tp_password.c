/*
 * scrypt password hashing (libcrypto's EVP_PBE_scrypt) and the encoded
 * string around it; see tp_password.h. The parser is strict: every field
 * must be exactly as tp_password_hash writes it, apart from the numbers.
 */
#include "tp_password.h"
#include "tp_alloc.h"
#include "tp_token.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define SALT_LEN 16
#define HASH_LEN 32
#define MAX_SALT 64
#define MAX_HASH 64
#define MAX_N (1u << 20)
#define MAX_R 32u
#define MAX_P 16u
#define MAX_MEM ((uint64_t)1 << 30)

/* Derives keylen bytes; returns 0 or -EIO. */
static int derive(const char *password, const unsigned char *salt,
		  size_t saltlen, uint64_t n, uint64_t r, uint64_t p,
		  unsigned char *key, size_t keylen)
{
	/* What EVP_PBE_scrypt allocates, 128 r (N + 2 + p), plus slack. */
	uint64_t maxmem = 128 * r * (n + 2 + p) + 4096;

	if (EVP_PBE_scrypt(password, strlen(password), salt, saltlen, n, r, p,
			   maxmem, key, keylen) != 1)
		return -EIO;
	return 0;
}

int tp_password_hash(const char *password, char **out)
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	/* base64 is 4 characters for every 3 bytes, rounded up, plus NUL. */
	char salt64[(SALT_LEN + 2) / 3 * 4 + 1], hash64[(HASH_LEN + 2) / 3 * 4 + 1];

	*out = NULL;
	if (!password)
		return -EINVAL;
	if (tp_random_bytes(salt, sizeof salt) < 0)
		return -EIO;
	if (derive(password, salt, sizeof salt, TP_SCRYPT_N, TP_SCRYPT_R,
		   TP_SCRYPT_P, hash, sizeof hash) < 0)
		return -EIO;
	EVP_EncodeBlock((unsigned char *)salt64, salt, sizeof salt);
	EVP_EncodeBlock((unsigned char *)hash64, hash, sizeof hash);
	OPENSSL_cleanse(hash, sizeof hash);
	*out = tp_xasprintf("scrypt$%u$%u$%u$%s$%s", TP_SCRYPT_N, TP_SCRYPT_R,
			    TP_SCRYPT_P, salt64, hash64);
	return 0;
}

/* Parses the len bytes at s as a decimal number of 1 to 10 digits. */
static int parse_number(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int is_base64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
	       || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/*
 * Decodes the len bytes at s, which must be padded standard base64 of 1 to
 * cap bytes, into out (cap + 2 bytes of room). EVP_DecodeBlock alone would
 * skip whitespace and count the padding as data, so the form is checked
 * here first.
 */
static int decode_base64(const char *s, size_t len, unsigned char *out,
			 size_t cap, size_t *outlen)
{
	size_t pad = 0;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > cap + 2)
		return -EINVAL;
	if (s[len - 1] == '=')
		pad = s[len - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < len - pad; i++)
		if (!is_base64_char(s[i]))
			return -EINVAL;
	int n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	if (n < 0 || (size_t)n != len / 4 * 3)
		return -EINVAL;
	*outlen = (size_t)n - pad;
	if (*outlen == 0 || *outlen > cap)
		return -EINVAL;
	return 0;
}

int tp_password_verify(const char *password, const char *encoded)
{
	const char *field[6];
	size_t flen[6], nfields = 0;
	uint64_t n, r, p;
	unsigned char salt[MAX_SALT + 2], want[MAX_HASH + 2], got[MAX_HASH];
	size_t saltlen, hashlen;
	int ret;

	if (!password || !encoded)
		return -EINVAL;
	for (const char *s = encoded;;) {
		const char *end = strchr(s, '$');
		if (nfields == 6)
			return -EINVAL;
		field[nfields] = s;
		flen[nfields] = end ? (size_t)(end - s) : strlen(s);
		nfields++;
		if (!end)
			break;
		s = end + 1;
	}
	if (nfields != 6 || flen[0] != 6 || memcmp(field[0], "scrypt", 6) != 0)
		return -EINVAL;
	if (parse_number(field[1], flen[1], &n) < 0
	    || parse_number(field[2], flen[2], &r) < 0
	    || parse_number(field[3], flen[3], &p) < 0)
		return -EINVAL;
	if (n < 2 || n > MAX_N || (n & (n - 1)) != 0 || r < 1 || r > MAX_R
	    || p < 1 || p > MAX_P || 128 * n * r > MAX_MEM)
		return -EINVAL;
	if (decode_base64(field[4], flen[4], salt, MAX_SALT, &saltlen) < 0
	    || decode_base64(field[5], flen[5], want, MAX_HASH, &hashlen) < 0
	    || saltlen < 8 || hashlen < 16)
		return -EINVAL;
	if (derive(password, salt, saltlen, n, r, p, got, hashlen) < 0)
		return -EIO;
	ret = tp_ct_equal(got, want, hashlen) ? 0 : -EACCES;
	OPENSSL_cleanse(got, sizeof got);
	return ret;
}

char *tp_password_generate(void)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	const unsigned nchars = sizeof alphabet - 1;
	/* The largest multiple of nchars that fits in a byte: bytes at or
	 * above it are drawn again so that every character is equally likely. */
	const unsigned limit = 256 / nchars * nchars;
	char *out = tp_xmalloc(4 * 5);
	size_t o = 0;

	while (o < 4 * 5 - 1) {
		unsigned char rnd[32];
		if (tp_random_bytes(rnd, sizeof rnd) < 0) {
			fprintf(stderr, "touchpoint: the system random generator failed\n");
			abort();
		}
		for (size_t i = 0; i < sizeof rnd && o < 4 * 5 - 1; i++) {
			if (rnd[i] >= limit)
				continue;
			if (o % 5 == 4)
				out[o++] = '-';
			out[o++] = alphabet[rnd[i] % nchars];
		}
		OPENSSL_cleanse(rnd, sizeof rnd);
	}
	out[o] = '\0';
	return out;
}

bool tp_password_acceptable(const char *password, const char **why)
{
	const char *reason = NULL;
	size_t len = password ? strlen(password) : 0;

	if (password && !tp_utf8_valid(password, len))
		reason = "is not valid UTF-8";
	else if (len > 200)
		reason = "must be at most 200 bytes long";
	else if (!password || tp_utf8_chars(password) < 10)
		reason = "must be at least 10 characters long";
	if (reason && why)
		*why = reason;
	return reason == NULL;
}
