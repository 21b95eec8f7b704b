/* Tests for tp_token: base32 (RFC 4648 vectors), card tokens as scanners
 * type them, bearer tokens, SHA-256 (FIPS 180 examples), HMAC-SHA256
 * (RFC 4231) and the constant-time compare. */
#include "tp_token.h"
#include "../tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex(const unsigned char *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", in[i]);
}

static bool all_base32(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '2' && *s <= '7')))
			return false;
	return true;
}

static void test_base32_vectors(void)
{
	/* RFC 4648 section 10, with the padding removed. */
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "MY" }, { "fo", "MZXQ" }, { "foo", "MZXW6" },
		{ "foob", "MZXW6YQ" }, { "fooba", "MZXW6YTB" },
		{ "foobar", "MZXW6YTBOI" },
	};
	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		const char *in = vec[i][0], *want = vec[i][1];
		char out[32];
		unsigned char back[16];
		size_t n = 99;
		is_int(tp_base32_len(strlen(in)), strlen(want), "len of \"%s\"", in);
		tp_base32_encode((const unsigned char *)in, strlen(in), out);
		is_str(out, want, "encode \"%s\"", in);
		is_int(tp_base32_decode(want, back, sizeof back, &n), 0, "decode %s", want);
		ok(n == strlen(in) && memcmp(back, in, n) == 0, "decode %s gives \"%s\"", want, in);
	}
	unsigned char back[16];
	size_t n = 0;
	is_int(tp_base32_decode("mzxw6ytboi", back, sizeof back, &n), 0, "lowercase decodes");
	ok(n == 6 && memcmp(back, "foobar", 6) == 0, "lowercase gives foobar");
	is_int(tp_base32_decode("MzXw6YtBoI", back, sizeof back, &n), 0, "mixed case decodes");
	is_int(tp_base32_len(20), 32, "20 bytes are 32 characters");
	is_int(tp_base32_len(32), 52, "32 bytes are 52 characters");
}

static void test_base32_invalid(void)
{
	unsigned char out[16];
	size_t n;
	static const char *const bad[] = {
		"MY======",     /* padding is not accepted */
		"MZXW6YQ1", "MZXW6YQ0", "MZXW6YQ8", "MZXW 6YQ", "MZXW-6YQ",
		"M", "MZX", "MZXW6Y",   /* lengths no encoder writes */
		"MZ",           /* "f" with non-zero unused bits */
		"MZXR",         /* "fo" with non-zero unused bits */
		"MZXW6\xC3\x84", /* non-ASCII */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(tp_base32_decode(bad[i], out, sizeof out, &n), -EINVAL,
		       "bad base32 %zu is refused", i);
	is_int(tp_base32_decode("MZXW6YTBOI", out, 5, &n), -ENOBUFS,
	       "6 bytes do not fit in 5");
	is_int(tp_base32_decode("MZXW6YTBOI", out, 6, &n), 0, "6 bytes fit in 6");
	is_int(tp_base32_decode("", out, 0, &n), 0, "empty decodes to nothing");
	is_int(n, 0, "empty gives 0 bytes");
}

static void test_base32_roundtrip(void)
{
	int failures = 0;
	for (size_t len = 0; len <= 64; len++) {
		unsigned char in[64], back[64];
		char enc[128];
		size_t n = 0;
		if (tp_random_bytes(in, len) < 0)
			failures++;
		tp_base32_encode(in, len, enc);
		if (strlen(enc) != tp_base32_len(len) || !all_base32(enc)
		    || tp_base32_decode(enc, back, sizeof back, &n) < 0
		    || n != len || memcmp(in, back, len) != 0)
			failures++;
	}
	is_int(failures, 0, "random bytes of every length 0-64 round-trip");
}

static void test_random(void)
{
	unsigned char a[32] = { 0 }, b[32] = { 0 }, zero[32] = { 0 };
	is_int(tp_random_bytes(a, sizeof a), 0, "random bytes");
	is_int(tp_random_bytes(b, sizeof b), 0, "random bytes again");
	ok(memcmp(a, b, sizeof a) != 0, "two draws differ");
	ok(memcmp(a, zero, sizeof a) != 0, "a draw is not all zero");
	is_int(tp_random_bytes(NULL, 0), 0, "zero bytes is fine");
}

static void test_card_token(void)
{
	char t1[TP_CARD_TOKEN_LEN + 1], t2[TP_CARD_TOKEN_LEN + 1];
	char out[TP_CARD_TOKEN_LEN + 1];
	unsigned char raw[32];
	size_t n = 0;

	is_int(tp_card_token_new(t1), 0, "new card token");
	is_int(tp_card_token_new(t2), 0, "another card token");
	is_int(strlen(t1), 32, "32 characters");
	ok(all_base32(t1), "only A-Z and 2-7 (%s)", t1);
	ok(strcmp(t1, t2) != 0, "two tokens differ");
	is_int(tp_base32_decode(t1, raw, sizeof raw, &n), 0, "decodes");
	is_int(n, 20, "carries 160 bits");

	is_int(tp_card_token_normalize(t1, out), 0, "a token normalizes");
	is_str(out, t1, "to itself");

	char buf[80];
	snprintf(buf, sizeof buf, "%s\r\n", t1);
	is_int(tp_card_token_normalize(buf, out), 0, "scanner's CR LF is dropped");
	is_str(out, t1, "same token after CR LF");
	snprintf(buf, sizeof buf, " \t%s\n", t1);
	is_int(tp_card_token_normalize(buf, out), 0, "surrounding blanks dropped");
	is_str(out, t1, "same token after blanks");
	for (size_t i = 0; i < 32; i++)
		buf[i] = (char)(t1[i] >= 'A' && t1[i] <= 'Z' ? t1[i] - 'A' + 'a' : t1[i]);
	buf[32] = '\0';
	is_int(tp_card_token_normalize(buf, out), 0, "lowercase accepted");
	is_str(out, t1, "lowercase uppercased");

	static const char *const bad[] = {
		"",
		"   \r\n",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ23456",     /* 31 */
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ2345677",   /* 33 */
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ234561",    /* '1' */
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ234560",    /* '0' */
		"ABCDEFGHIJKLMNOP QRSTUVWXYZ23456",    /* inner space */
		"ABCDEFGHIJKLMNOP-RSTUVWXYZ234567",    /* dash */
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ23456=",    /* padding */
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ23456\xC3\x89",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		out[0] = 'X';
		out[1] = '\0';
		is_int(tp_card_token_normalize(bad[i], out), -EINVAL,
		       "bad card token %zu refused", i);
		is_str(out, "", "out emptied");
	}
	is_int(tp_card_token_normalize(NULL, out), -EINVAL, "NULL refused");
	is_int(tp_card_token_normalize("abcdefghijklmnopqrstuvwxyz234567", out), 0,
	       "the whole alphabet in lowercase");
	is_str(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "uppercased");
}

static void test_token_new(void)
{
	char *a = tp_token_new("tpk_", 20), *b = tp_token_new("tpk_", 20);
	ok(strncmp(a, "tpk_", 4) == 0, "prefix kept: %s", a);
	is_int(strlen(a), 4 + 32, "prefix and 32 characters");
	ok(all_base32(a + 4), "base32 after the prefix");
	ok(strcmp(a, b) != 0, "two tokens differ");
	free(a);
	free(b);
	a = tp_token_new("", 32);
	is_int(strlen(a), 52, "32 bytes without prefix are 52 characters");
	free(a);
	a = tp_token_new("x", 0);
	is_str(a, "x", "no random bytes leaves the prefix");
	free(a);
}

static void test_sha256(void)
{
	char out[65];
	tp_sha256_hex("", 0, out);
	is_str(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 of empty");
	tp_sha256_hex(NULL, 0, out);
	is_str(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 of NULL, 0");
	tp_sha256_hex("abc", 3, out);
	is_str(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 of abc");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	tp_sha256_hex(m, strlen(m), out);
	is_str(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "sha256 of the 448-bit message");
	char *million = malloc(1000000);
	memset(million, 'a', 1000000);
	tp_sha256_hex(million, 1000000, out);
	is_str(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "sha256 of a million a");
	free(million);
}

static void check_hmac(const void *key, size_t keylen, const void *data,
		       size_t len, const char *want, const char *name)
{
	unsigned char mac[32];
	char got[65];
	tp_hmac_sha256(key, keylen, data, len, mac);
	hex(mac, 32, got);
	is_str(got, want, "HMAC-SHA256 %s", name);
}

static void test_hmac(void)
{
	unsigned char k[131], d[50];

	memset(k, 0x0b, 20);
	check_hmac(k, 20, "Hi There", 8,
		   "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", "RFC 4231 case 1");
	check_hmac("Jefe", 4, "what do ya want for nothing?", 28,
		   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "RFC 4231 case 2");
	memset(k, 0xaa, 20);
	memset(d, 0xdd, 50);
	check_hmac(k, 20, d, 50,
		   "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", "RFC 4231 case 3");
	for (int i = 0; i < 25; i++)
		k[i] = (unsigned char)(i + 1);
	memset(d, 0xcd, 50);
	check_hmac(k, 25, d, 50,
		   "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", "RFC 4231 case 4");
	memset(k, 0xaa, 131);
	const char *d6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	check_hmac(k, 131, d6, strlen(d6),
		   "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", "RFC 4231 case 6");
	const char *d7 = "This is a test using a larger than block-size key and a "
			 "larger than block-size data. The key needs to be hashed "
			 "before being used by the HMAC algorithm.";
	check_hmac(k, 131, d7, strlen(d7),
		   "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", "RFC 4231 case 7");
	check_hmac(NULL, 0, NULL, 0,
		   "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad", "empty key and data");
}

static void test_ct_equal(void)
{
	ok(tp_ct_equal("secret-value", "secret-value", 12), "equal bytes");
	ok(!tp_ct_equal("secret-value", "secret-valuf", 12), "last byte differs");
	ok(!tp_ct_equal("Secret-value", "secret-value", 12), "first byte differs");
	ok(tp_ct_equal("a", "b", 0), "zero length is equal");
}

int main(void)
{
	test_base32_vectors();
	test_base32_invalid();
	test_base32_roundtrip();
	test_random();
	test_card_token();
	test_token_new();
	test_sha256();
	test_hmac();
	test_ct_equal();
	return done_testing();
}
