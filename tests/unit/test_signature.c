/* Tests for tp_signature against the providers' published vectors: Twilio's
 * request-validator test (with and without :443), HMAC-SHA1 from RFC 2202
 * and HMAC-SHA256 from RFC 4231 for Meta's X-Hub-Signature-256. */
#include "tp_signature.h"
#include "tp_token.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void twilio_params(struct tp_urlform *f)
{
	tp_urlform_init(f);
	/* Given out of order: the signature sorts them. */
	tp_urlform_add(f, "To", "+18005551212");
	tp_urlform_add(f, "CallSid", "CA1234567890ABCDE");
	tp_urlform_add(f, "Digits", "1234");
	tp_urlform_add(f, "Caller", "+14158675309");
	tp_urlform_add(f, "From", "+14158675309");
}

static void test_twilio_vectors(void)
{
	struct tp_urlform f;
	twilio_params(&f);
	const char *url = "https://mycompany.com/myapp.php?foo=1&bar=2";
	const char *url443 = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
	char *sig = tp_twilio_signature("12345", url, &f);
	is_str(sig, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "Twilio's published signature");
	free(sig);
	sig = tp_twilio_signature("12345", url443, &f);
	is_str(sig, "kvajT1Ptam85bY51eRf/AJRuM3w=", "the same URL with :443");
	free(sig);

	ok(tp_twilio_signature_valid("12345", url, &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
	   "valid as called");
	ok(tp_twilio_signature_valid("12345", url, &f, "kvajT1Ptam85bY51eRf/AJRuM3w="),
	   "a signature made with :443 is accepted on the URL without it");
	ok(tp_twilio_signature_valid("12345", url443, &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
	   "a signature made without the port is accepted on the URL with :443");
	ok(!tp_twilio_signature_valid("12346", url, &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
	   "another token fails");
	ok(!tp_twilio_signature_valid("12345", "https://mycompany.com/myapp.php?foo=1&bar=3",
				      &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
	   "another query string fails");
	ok(!tp_twilio_signature_valid("12345", "https://mycompany.com:8443/myapp.php?foo=1&bar=2",
				      &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
	   "a port that is not the default is not dropped");
	ok(!tp_twilio_signature_valid("12345", "http://mycompany.com/myapp.php?foo=1&bar=2",
				      &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
	   "http instead of https fails");
	ok(!tp_twilio_signature_valid("12345", url, &f, NULL), "no header fails");
	ok(!tp_twilio_signature_valid("12345", url, &f, ""), "an empty header fails");
	ok(!tp_twilio_signature_valid("12345", url, &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8"),
	   "a truncated header fails");
	tp_urlform_add(&f, "Body", "1");
	ok(!tp_twilio_signature_valid("12345", url, &f, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
	   "an added parameter fails");
	tp_urlform_release(&f);

	/* http and :80, and a URL without a path. */
	struct tp_urlform empty;
	tp_urlform_init(&empty);
	char *a = tp_twilio_signature("tok", "http://gw.example.org:80/webhooks/twilio", &empty);
	ok(tp_twilio_signature_valid("tok", "http://gw.example.org/webhooks/twilio", &empty, a),
	   "http with :80 matches without it");
	free(a);
	a = tp_twilio_signature("tok", "https://gw.example.org:443", &empty);
	ok(tp_twilio_signature_valid("tok", "https://gw.example.org", &empty, a),
	   "a URL without a path, with and without the port");
	free(a);
}

static void test_twilio_repeated_names(void)
{
	struct tp_urlform a, b;
	tp_urlform_init(&a);
	tp_urlform_init(&b);
	tp_urlform_add(&a, "MediaUrl", "https://x/2");
	tp_urlform_add(&a, "MediaUrl", "https://x/1");
	tp_urlform_add(&b, "MediaUrl", "https://x/1");
	tp_urlform_add(&b, "MediaUrl", "https://x/2");
	char *sa = tp_twilio_signature("t", "https://h/p", &a);
	char *sb = tp_twilio_signature("t", "https://h/p", &b);
	is_str(sa, sb, "a repeated name's values are sorted too");
	free(sa);
	free(sb);
	tp_urlform_release(&a);
	tp_urlform_release(&b);
}

static void hex(const unsigned char *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", in[i]);
}

static void test_hmac_sha1(void)
{
	/* RFC 2202, test cases 1 and 2. */
	unsigned char key[20], mac[20];
	char out[41];
	memset(key, 0x0b, sizeof key);
	tp_hmac_sha1(key, sizeof key, "Hi There", 8, mac);
	hex(mac, sizeof mac, out);
	is_str(out, "b617318655057264e28bc0b6fb378c8ef146be00", "RFC 2202 case 1");
	tp_hmac_sha1("Jefe", 4, "what do ya want for nothing?", 28, mac);
	hex(mac, sizeof mac, out);
	is_str(out, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", "RFC 2202 case 2");
}

static void test_meta(void)
{
	/* RFC 4231 test case 2 as Meta's header. */
	const char *body = "what do ya want for nothing?";
	const char *want =
		"sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
	char sig[TP_META_SIGNATURE_LEN + 1];
	tp_meta_signature("Jefe", body, strlen(body), sig);
	is_str(sig, want, "RFC 4231 case 2 as X-Hub-Signature-256");
	ok(tp_meta_signature_valid("Jefe", body, strlen(body), want), "valid");
	ok(tp_meta_signature_valid("Jefe", body, strlen(body),
				   "sha256=5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"),
	   "upper-case hex is the same signature");
	ok(!tp_meta_signature_valid("Jefe", body, strlen(body) - 1, want),
	   "one byte less of the body fails");
	ok(!tp_meta_signature_valid("jefe", body, strlen(body), want), "another secret fails");
	ok(!tp_meta_signature_valid("Jefe", body, strlen(body), want + 7),
	   "the hex without sha256= fails");
	ok(!tp_meta_signature_valid("Jefe", body, strlen(body),
				    "sha1=5bdcc146bf60754e6a042426089575c75a003f08"),
	   "an X-Hub-Signature (SHA-1) value fails");
	ok(!tp_meta_signature_valid("Jefe", body, strlen(body), NULL), "no header fails");
	ok(!tp_meta_signature_valid("", body, strlen(body), want), "no secret configured fails");

	/* RFC 4231 test case 1: a binary key is not text, so through the MAC. */
	unsigned char key[20], mac[32];
	char out[65];
	memset(key, 0x0b, sizeof key);
	tp_hmac_sha256(key, sizeof key, "Hi There", 8, mac);
	hex(mac, sizeof mac, out);
	is_str(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	       "RFC 4231 case 1");
}

static void test_base64(void)
{
	/* RFC 4648 section 10. */
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		char *b = tp_base64(vec[i][0], strlen(vec[i][0]));
		is_str(b, vec[i][1], "base64 of \"%s\"", vec[i][0]);
		free(b);
	}
}

int main(void)
{
	test_twilio_vectors();
	test_twilio_repeated_names();
	test_hmac_sha1();
	test_meta();
	test_base64();
	return done_testing();
}
