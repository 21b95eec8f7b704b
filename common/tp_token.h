/*
 * Random tokens and the hashing around them: card tokens (what a QR card
 * carries), bearer and session tokens, base32, SHA-256, HMAC-SHA256 and a
 * constant-time compare. Everything cryptographic comes from libcrypto; this
 * module only arranges it. Staff passwords are in tp_password.h.
 */
#ifndef TP_TOKEN_H
#define TP_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/* Fills buf with len bytes from the system CSPRNG (RAND_bytes).
 * Returns 0, or -EIO when the generator fails. */
int tp_random_bytes(void *buf, size_t len);

/* The number of characters (without the NUL) that base32 of nbytes bytes
 * takes without padding: ceil(nbytes * 8 / 5). */
size_t tp_base32_len(size_t nbytes);

/* Writes the RFC 4648 base32 of the len bytes at in to out: alphabet A-Z2-7,
 * uppercase, no '=' padding. out must hold tp_base32_len(len) + 1 bytes;
 * it is NUL-terminated. */
void tp_base32_encode(const unsigned char *in, size_t len, char *out);

/*
 * Decodes the unpadded base32 string in (either case) into out, setting
 * *outlen to the number of bytes. Returns -EINVAL when in has a character
 * outside the alphabet (including '=' padding and whitespace), a length no
 * encoder produces (1, 3 or 6 characters past a multiple of 8), or non-zero
 * unused bits in its last character (so each byte string has exactly one
 * accepted encoding); -ENOBUFS when the result would exceed outcap. out and
 * *outlen are unspecified on failure.
 */
int tp_base32_decode(const char *in, unsigned char *out, size_t outcap,
		     size_t *outlen);

/* A card token: 20 random bytes (160 bits) as 32 base32 characters, all in
 * the QR code's alphanumeric set, so a card's QR code is small. */
#define TP_CARD_TOKEN_LEN 32

/* Writes a new card token and its NUL to out. Returns 0 or -EIO. */
int tp_card_token_new(char out[TP_CARD_TOKEN_LEN + 1]);

/*
 * Turns what a keyboard-wedge scanner or a person typed into a card token:
 * leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF) is
 * dropped and lowercase letters are uppercased; what remains must be exactly
 * TP_CARD_TOKEN_LEN base32 characters. Returns 0 with the token in out, or
 * -EINVAL (out is then an empty string). in may be NULL (-EINVAL).
 */
int tp_card_token_normalize(const char *in, char out[TP_CARD_TOKEN_LEN + 1]);

/*
 * A new token for bearer keys and sessions: prefix followed by the base32 of
 * nbytes random bytes, e.g. tp_token_new("tpk_", 20) gives "tpk_" and 32
 * characters. Transferred to the caller, who frees it. The process aborts if
 * the system CSPRNG fails, since no caller could do anything safer.
 */
char *tp_token_new(const char *prefix, size_t nbytes);

/* Writes the SHA-256 of the len bytes at data as 64 lowercase hex digits and
 * a NUL. data may be NULL when len is 0. */
void tp_sha256_hex(const void *data, size_t len, char out[65]);

/* Writes the HMAC-SHA256 (RFC 2104) of data under key. key and data may be
 * NULL when their lengths are 0. */
void tp_hmac_sha256(const void *key, size_t keylen, const void *data,
		    size_t len, unsigned char out[32]);

/* Writes the HMAC-SHA1 (RFC 2104) of data under key: what Twilio signs its
 * webhooks with. key and data may be NULL when their lengths are 0. */
void tp_hmac_sha1(const void *key, size_t keylen, const void *data, size_t len,
		  unsigned char out[20]);

/* True when the len bytes at a and b are equal; the time taken depends only
 * on len (CRYPTO_memcmp), for comparing secrets and MACs. */
bool tp_ct_equal(const void *a, const void *b, size_t len);

#endif
