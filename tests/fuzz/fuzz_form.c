/* libFuzzer target for tp_form: any bytes must parse as a form definition or
 * fail with a message naming the file; a form that parses must serve JSON
 * that reads back as the same form. When the input holds a line "===", what
 * follows is a set of answers: checking them must succeed or fail with a
 * field named, and answers once normalised must check again unchanged. */
#include "tp_form.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *find_separator(const char *text, size_t size)
{
	for (size_t i = 0; i + 5 <= size; i++)
		if (memcmp(text + i, "\n===\n", 5) == 0)
			return text + i;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *sep = find_separator(text, size);
	size_t form_len = sep ? (size_t)(sep - text) : size;
	struct tp_form *f = NULL;
	char *err = NULL;
	int r = tp_form_parse("fuzz.json", text, form_len, &f, &err);
	if (r < 0) {
		if (r != -EINVAL || f || !err || strncmp(err, "fuzz.json: ", 11) != 0)
			abort();
		free(err);
		return 0;
	}
	if (err || !f || f->nquestions == 0)
		abort();

	json_t *served = tp_form_json(f);
	char *dumped = json_dumps(served, 0);
	struct tp_form *again = NULL;
	if (tp_form_parse("served", dumped, strlen(dumped), &again, &err) < 0)
		abort();
	json_t *served2 = tp_form_json(again);
	if (!json_equal(served, served2))
		abort();
	json_decref(served2);
	json_decref(served);
	free(dumped);
	tp_form_free(again);

	if (sep) {
		const char *a = sep + 5;
		json_t *answers = json_loadb(a, size - (size_t)(a - text), JSON_DECODE_ANY, NULL);
		if (answers) {
			json_t *norm = NULL, *norm2 = NULL;
			struct tp_error e;
			tp_error_clear(&e);
			if (tp_form_check_answers(f, answers, &norm, &e) == 0) {
				if (!norm || tp_form_check_answers(f, norm, &norm2, &e) != 0 ||
				    !json_equal(norm, norm2))
					abort();
				int64_t score;
				tp_form_score(f, norm, &score);
				tp_form_positive(f, norm);
			} else if (norm || e.status != 400 || strncmp(e.field, "answers", 7) != 0) {
				abort();
			}
			json_decref(norm);
			json_decref(norm2);
			json_decref(answers);
		}
	}
	tp_form_free(f);
	return 0;
}
