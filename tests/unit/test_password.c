/* Tests for tp_password: hashing and verifying (with an RFC 7914 scrypt
 * vector written in our encoding), malformed and over-costly encodings,
 * generated passwords and the acceptance rule. */
#include "tp_password.h"
#include "../tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 7914 section 12: scrypt("pleaseletmein", "SodiumChloride", N=16384,
 * r=8, p=1, dkLen=64), salt and key in base64. */
#define RFC7914 "scrypt$16384$8$1$U29kaXVtQ2hsb3JpZGU=$" \
	"cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofLVQylVYT8Pz2LUlwUkKpr55h6F3A1lHkDfzwF7RVdYhw=="

static void test_hash_verify(void)
{
	char *h1 = NULL, *h2 = NULL;

	is_int(tp_password_hash("correct horse battery", &h1), 0, "hash");
	ok(h1 && strncmp(h1, "scrypt$32768$8$1$", 17) == 0, "default parameters: %s", h1);
	/* 16-byte salt: 24 base64 characters; 32-byte hash: 44. */
	ok(h1 && strlen(h1) == 17 + 24 + 1 + 44, "salt and hash lengths");
	is_int(tp_password_verify("correct horse battery", h1), 0, "right password matches");
	is_int(tp_password_verify("correct horse batterY", h1), -EACCES, "one letter off does not");
	is_int(tp_password_verify("", h1), -EACCES, "empty password does not");
	is_int(tp_password_hash("correct horse battery", &h2), 0, "hash again");
	ok(h1 && h2 && strcmp(h1, h2) != 0, "a fresh salt each time");
	is_int(tp_password_verify("correct horse battery", h2), 0, "second hash matches too");

	/* Change one character of the stored hash: the password no longer matches. */
	char *tampered = strdup(h1);
	size_t n = strlen(tampered);
	tampered[n - 3] = tampered[n - 3] == 'A' ? 'B' : 'A';
	is_int(tp_password_verify("correct horse battery", tampered), -EACCES,
	       "a changed hash does not match");
	free(tampered);
	free(h1);
	free(h2);

	char *h3 = NULL;
	is_int(tp_password_hash("密碼是一段很長的中文句子", &h3), 0, "hash UTF-8 password");
	is_int(tp_password_verify("密碼是一段很長的中文句子", h3), 0, "UTF-8 password matches");
	free(h3);
	is_int(tp_password_hash(NULL, &h3), -EINVAL, "NULL password");
	ok(h3 == NULL, "no output on failure");
}

static void test_rfc7914(void)
{
	is_int(tp_password_verify("pleaseletmein", RFC7914), 0,
	       "RFC 7914 vector verifies (parameters and 64-byte key read from the string)");
	is_int(tp_password_verify("pleaseletmeout", RFC7914), -EACCES,
	       "RFC 7914 vector with another password");
}

static void test_malformed(void)
{
	static const char *const bad[] = {
		"",
		"scrypt",
		"bcrypt$16384$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$8$1$U29kaXVtQ2hsb3JpZGU=",
		"scrypt$16384$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=$",
		"scrypt$16384$8$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16383$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$2097152$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$1048576$16$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$1$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$0$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$0$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$33$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$8$0$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$8$17$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16k$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$-16384$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$000000000016384$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$8$1$$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$8$1$U29kaXVtQ2hsb3JpZGU=$",
		"scrypt$16384$8$1$U29kaXVt*2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$8$1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$8$1$U29kaXVt Q2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$8$1$U29k=XVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
		"scrypt$16384$8$1$TmFDbA==$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",   /* 4-byte salt */
		"scrypt$16384$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0g=",   /* 8-byte hash */
		"scrypt$16384$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofLVQylVYT8Pz2LUlwUkKpr55h6F3A1lHkDfzwF7RVdYhwAAAA==",  /* 67-byte hash */
		" scrypt$16384$8$1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI=",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(tp_password_verify("pleaseletmein", bad[i]), -EINVAL,
		       "malformed or over-costly %zu: %.40s", i, bad[i]);
	is_int(tp_password_verify(NULL, RFC7914), -EINVAL, "NULL password");
	is_int(tp_password_verify("x", NULL), -EINVAL, "NULL encoding");
}

static void test_generate(void)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	int seen[256] = { 0 };
	int bad_shape = 0, repeats = 0;
	char *prev = NULL;

	for (int i = 0; i < 1000; i++) {
		char *pw = tp_password_generate();
		if (strlen(pw) != 19)
			bad_shape++;
		for (int j = 0; j < 19 && pw[j]; j++) {
			if (j % 5 == 4) {
				if (pw[j] != '-')
					bad_shape++;
			} else if (!strchr(alphabet, pw[j])) {
				bad_shape++;
			} else {
				seen[(unsigned char)pw[j]]++;
			}
		}
		if (prev && strcmp(prev, pw) == 0)
			repeats++;
		if (i == 0) {
			const char *why = NULL;
			ok(tp_password_acceptable(pw, &why), "a generated password is acceptable: %s", pw);
		}
		free(prev);
		prev = pw;
	}
	free(prev);
	is_int(bad_shape, 0, "1000 passwords are xxxx-xxxx-xxxx-xxxx from the alphabet");
	is_int(repeats, 0, "no password repeats the one before");
	int unused = 0, rare = 0;
	for (const char *c = alphabet; *c; c++) {
		if (seen[(unsigned char)*c] == 0)
			unused++;
		/* 16000 draws over 31 characters: about 516 each. */
		if (seen[(unsigned char)*c] < 350)
			rare++;
	}
	is_int(unused, 0, "every character of the alphabet is used");
	is_int(rare, 0, "no character is much rarer than the others");
	ok(seen['0'] + seen['o'] + seen['1'] + seen['l'] + seen['i'] == 0,
	   "no ambiguous characters");
}

static void test_acceptable(void)
{
	const char *why = NULL;
	char long_pw[202];

	ok(!tp_password_acceptable("short", &why), "5 characters refused");
	is_str(why, "must be at least 10 characters long", "reason for short");
	ok(!tp_password_acceptable("123456789", NULL), "9 characters refused (why may be NULL)");
	ok(tp_password_acceptable("1234567890", NULL), "10 characters accepted");
	why = NULL;
	ok(!tp_password_acceptable("一二三四五六七八九", &why), "9 Chinese characters (27 bytes) refused");
	is_str(why, "must be at least 10 characters long", "counted in characters, not bytes");
	ok(tp_password_acceptable("一二三四五六七八九十", NULL), "10 Chinese characters accepted");
	memset(long_pw, 'a', 200);
	long_pw[200] = '\0';
	ok(tp_password_acceptable(long_pw, NULL), "200 bytes accepted");
	long_pw[200] = 'a';
	long_pw[201] = '\0';
	why = NULL;
	ok(!tp_password_acceptable(long_pw, &why), "201 bytes refused");
	is_str(why, "must be at most 200 bytes long", "reason for long");
	why = NULL;
	ok(!tp_password_acceptable("abcdefghij\xff", &why), "invalid UTF-8 refused");
	is_str(why, "is not valid UTF-8", "reason for invalid UTF-8");
	ok(!tp_password_acceptable(NULL, &why), "NULL refused");
}

int main(void)
{
	test_hash_verify();
	test_rfc7914();
	test_malformed();
	test_generate();
	test_acceptable();
	return done_testing();
}
