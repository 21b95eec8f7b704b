/* Tests for tp_urlform: Twilio's webhook bodies as they arrive, and the
 * encoding of API requests. */
#include "tp_urlform.h"
#include "../tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void test_parse(void)
{
	const char *body = "ToCountry=HK&Body=%E4%BD%A0%E5%A5%BD+1&From=%2B85291234567"
			   "&NumMedia=0&&Empty=&Flag&Body=second";
	struct tp_urlform f;
	tp_urlform_init(&f);
	is_int(tp_urlform_parse(body, strlen(body), &f), 0, "a Twilio body parses");
	is_int(f.count, 7, "seven fields (the empty piece is skipped)");
	is_str(tp_urlform_get(&f, "Body"), "你好 1", "UTF-8 and '+' as a space");
	is_str(tp_urlform_get(&f, "From"), "+85291234567", "an escaped plus is a plus");
	is_str(tp_urlform_get(&f, "Empty"), "", "an empty value");
	is_str(tp_urlform_get(&f, "Flag"), "", "a name without '='");
	ok(tp_urlform_get(&f, "Missing") == NULL, "an absent name is NULL");
	is_str(f.values[6], "second", "a repeated name is kept in order");
	tp_urlform_release(&f);

	is_int(tp_urlform_parse("a=%00b", 6, &f), -EINVAL, "a NUL byte is refused");
	is_int(f.count, 0, "and leaves the form empty");
	is_int(tp_urlform_parse("a=%FF%FE", 8, &f), -EINVAL, "invalid UTF-8 is refused");
	is_int(tp_urlform_parse("", 0, &f), 0, "an empty body is an empty form");
	is_int(f.count, 0, "with no fields");
}

static void test_too_many(void)
{
	char *body = malloc(TP_URLFORM_MAX_FIELDS * 4 + 8);
	body[0] = '\0';
	for (int i = 0; i <= TP_URLFORM_MAX_FIELDS; i++)
		strcat(body, "a=1&");
	struct tp_urlform f;
	tp_urlform_init(&f);
	is_int(tp_urlform_parse(body, strlen(body), &f), -E2BIG, "past the field cap");
	free(body);
}

static void test_encode_roundtrip(void)
{
	struct tp_urlform f, back;
	tp_urlform_init(&f);
	tp_urlform_add(&f, "To", "whatsapp:+85291234567");
	tp_urlform_add(&f, "Body", "陳太你好 & 1+1=2");
	tp_urlform_add(&f, "ContentVariables", "{\"1\":\"a b\"}");
	struct tp_buf out;
	tp_buf_init(&out, 4096);
	is_int(tp_urlform_encode(&f, &out), 0, "encodes");
	ok(strncmp(tp_buf_str(&out), "To=whatsapp%3A%2B85291234567&Body=", 34) == 0,
	   "reserved characters are escaped: %s", tp_buf_str(&out));
	ok(!strchr(tp_buf_str(&out), ' ') && !strchr(tp_buf_str(&out) + 3, '+'),
	   "no raw space or plus in the body");
	tp_urlform_init(&back);
	is_int(tp_urlform_parse(out.data, out.len, &back), 0, "parses back");
	is_str(tp_urlform_get(&back, "Body"), "陳太你好 & 1+1=2", "the same text");
	is_str(tp_urlform_get(&back, "ContentVariables"), "{\"1\":\"a b\"}", "the same JSON");
	tp_buf_release(&out);
	tp_urlform_release(&f);
	tp_urlform_release(&back);
}

int main(void)
{
	test_parse();
	test_too_many();
	test_encode_roundtrip();
	return done_testing();
}
