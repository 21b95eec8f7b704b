/*
 * Form definitions and answer checking; see tp_form.h. A definition is
 * read into a normalised copy (only known keys, defaults filled in), which
 * is what gets served, and the question table points into that copy.
 */
#include "tp_form.h"
#include "tp_dir.h"
#include "tp_alloc.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TP_FORM_MAX_QUESTIONS 100
#define TP_FORM_MAX_OPTIONS 20
#define TP_FORM_MAX_SCALE_POINTS 11
#define TP_FORM_MAX_TEXT_ANSWER 5000
#define TP_FORM_MAX_NUMBER 1000000000
#define TP_FORM_TEXT_CHARS 1000
#define TP_FORM_LABEL_CHARS 100
#define TP_FORM_MAX_FILES 200

static const char *const tp_form_langs[] = { "zh-HK", "en", NULL };
static const char *const tp_form_type_names[] = { "scale", "yes_no", "choice", "number",
						  "text", NULL };

/* Where in the file a check is, for the error message. */
struct tp_form_ctx {
	const char *name;
	char **err;
	char where[96];
};

__attribute__((format(printf, 2, 3)))
static int tp_form_fail(struct tp_form_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = tp_xvasprintf(fmt, ap);
	va_end(ap);
	*c->err = c->where[0] ? tp_xasprintf("%s: %s: %s", c->name, c->where, msg)
			      : tp_xasprintf("%s: %s", c->name, msg);
	free(msg);
	return -EINVAL;
}

static bool tp_form_key_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= TP_FORM_KEY_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* Refuses keys of obj outside allowed; what names obj in the message. */
static int tp_form_only(struct tp_form_ctx *c, json_t *obj, const char *what,
			const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		bool known = false;
		for (const char *const *a = allowed; *a; a++)
			known = known || strcmp(*a, key) == 0;
		if (!known)
			return tp_form_fail(c, "unknown key \"%s\" in %s", key, what);
	}
	return 0;
}

/* Only zh-HK and en may appear in obj (the value of key). */
static int tp_form_langs_only(struct tp_form_ctx *c, json_t *obj, const char *key)
{
	const char *lang;
	json_t *v;
	json_object_foreach(obj, lang, v) {
		if (strcmp(lang, "zh-HK") != 0 && strcmp(lang, "en") != 0)
			return tp_form_fail(c, "\"%s\" has the language \"%s\": only zh-HK and "
					    "en are used", key, lang);
	}
	return 0;
}

static int tp_form_need(struct tp_form_ctx *c, json_t *obj, const char *key, json_t **out)
{
	*out = json_object_get(obj, key);
	if (!*out || json_is_null(*out))
		return tp_form_fail(c, "missing key \"%s\"", key);
	return 0;
}

static int tp_form_int(struct tp_form_ctx *c, json_t *obj, const char *key,
		       int64_t min, int64_t max, int64_t *out)
{
	json_t *v;
	int r = tp_form_need(c, obj, key, &v);
	if (r < 0)
		return r;
	if (!json_is_integer(v))
		return tp_form_fail(c, "\"%s\" must be an integer", key);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return tp_form_fail(c, "\"%s\" must be between %lld and %lld", key,
				    (long long)min, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

static int tp_form_string(struct tp_form_ctx *c, json_t *v, const char *what,
			  size_t max_chars, bool multiline, char **out)
{
	if (!json_is_string(v))
		return tp_form_fail(c, "%s must be a string", what);
	const char *why;
	if (strlen(json_string_value(v)) != json_string_length(v))
		return tp_form_fail(c, "%s contains a NUL character", what);
	if (tp_text_check(json_string_value(v), max_chars, multiline, &why) < 0)
		return tp_form_fail(c, "%s %s", what, why);
	*out = tp_text_trim(json_string_value(v));
	return 0;
}

/* A {"zh-HK": ..., "en": ...} text; *out gets the normalised copy. */
static int tp_form_texts(struct tp_form_ctx *c, json_t *obj, const char *key,
			 bool multiline, json_t **out)
{
	json_t *v;
	int r = tp_form_need(c, obj, key, &v);
	if (r < 0)
		return r;
	if (!json_is_object(v))
		return tp_form_fail(c, "\"%s\" must be an object of zh-HK and en texts", key);
	if ((r = tp_form_langs_only(c, v, key)) < 0)
		return r;
	*out = json_object();
	for (const char *const *lang = tp_form_langs; *lang; lang++) {
		json_t *t = json_object_get(v, *lang);
		char what[64], *s;
		snprintf(what, sizeof what, "\"%s\" in %s", *lang, key);
		if (!t) {
			json_decref(*out);
			return tp_form_fail(c, "\"%s\" is missing the %s text", key, *lang);
		}
		if ((r = tp_form_string(c, t, what, TP_FORM_TEXT_CHARS, multiline, &s)) < 0) {
			json_decref(*out);
			return r;
		}
		json_object_set_new(*out, *lang, json_string(s));
		free(s);
	}
	return 0;
}

/* A scale's labels: each language has exactly n labels. */
static int tp_form_labels(struct tp_form_ctx *c, json_t *q, int64_t n, json_t **out)
{
	json_t *v;
	int r = tp_form_need(c, q, "labels", &v);
	if (r < 0)
		return r;
	if (!json_is_object(v))
		return tp_form_fail(c, "\"labels\" must be an object of zh-HK and en lists");
	if ((r = tp_form_langs_only(c, v, "labels")) < 0)
		return r;
	*out = json_object();
	for (const char *const *lang = tp_form_langs; *lang; lang++) {
		json_t *list = json_object_get(v, *lang);
		if (!list) {
			json_decref(*out);
			return tp_form_fail(c, "\"labels\" is missing the %s labels", *lang);
		}
		if (!json_is_array(list) || (int64_t)json_array_size(list) != n) {
			json_decref(*out);
			return tp_form_fail(c, "\"labels\" must have %lld %s labels, one for each "
					    "point from min to max", (long long)n, *lang);
		}
		json_t *copy = json_array();
		json_object_set_new(*out, *lang, copy);
		size_t i;
		json_t *label;
		json_array_foreach(list, i, label) {
			char what[64], *s;
			snprintf(what, sizeof what, "%s label %zu", *lang, i + 1);
			if ((r = tp_form_string(c, label, what, TP_FORM_LABEL_CHARS, false, &s)) < 0) {
				json_decref(*out);
				return r;
			}
			json_array_append_new(copy, json_string(s));
			free(s);
		}
	}
	return 0;
}

static int tp_form_options(struct tp_form_ctx *c, json_t *q, struct tp_form_question *fq,
			   json_t *out)
{
	static const char *const keys[] = { "value", "text", NULL };
	json_t *v;
	int r = tp_form_need(c, q, "options", &v);
	if (r < 0)
		return r;
	if (!json_is_array(v) || json_array_size(v) < 2 ||
	    json_array_size(v) > TP_FORM_MAX_OPTIONS)
		return tp_form_fail(c, "\"options\" must be a list of 2 to %d options",
				    TP_FORM_MAX_OPTIONS);
	json_t *list = json_array();
	json_object_set_new(out, "options", list);
	fq->options = tp_xcalloc(json_array_size(v), sizeof *fq->options);
	size_t i;
	json_t *o;
	json_array_foreach(v, i, o) {
		char what[32];
		snprintf(what, sizeof what, "option %zu", i + 1);
		if (!json_is_object(o))
			return tp_form_fail(c, "%s must be an object with value and text", what);
		if ((r = tp_form_only(c, o, what, keys)) < 0)
			return r;
		json_t *value = json_object_get(o, "value");
		if (!json_is_string(value) || !tp_form_key_ok(json_string_value(value)))
			return tp_form_fail(c, "%s: \"value\" must be a short key (a-z, 0-9, _)",
					    what);
		for (size_t k = 0; k < fq->noptions; k++)
			if (strcmp(fq->options[k], json_string_value(value)) == 0)
				return tp_form_fail(c, "duplicate option value \"%s\"",
						    json_string_value(value));
		json_t *text;
		if ((r = tp_form_texts(c, o, "text", false, &text)) < 0)
			return r;
		json_t *copy = json_pack("{s:O, s:o}", "value", value, "text", text);
		json_array_append_new(list, copy);
		fq->options[fq->noptions++] = json_string_value(json_object_get(copy, "value"));
	}
	return 0;
}

static int tp_form_type_of(const char *name, enum tp_form_type *out)
{
	for (int i = 0; tp_form_type_names[i]; i++)
		if (strcmp(tp_form_type_names[i], name) == 0) {
			*out = (enum tp_form_type)i;
			return 0;
		}
	return -EINVAL;
}

/* One question into fq and its normalised copy *out. */
static int tp_form_question_parse(struct tp_form_ctx *c, json_t *q,
				  struct tp_form_question *fq, json_t **out)
{
	static const char *const keys[] = { "key", "type", "text", "min", "max", "labels",
					    "options", NULL };
	if (!json_is_object(q))
		return tp_form_fail(c, "must be an object");
	json_t *v;
	int r = tp_form_need(c, q, "key", &v);
	if (r < 0)
		return r;
	if (!json_is_string(v) || !tp_form_key_ok(json_string_value(v)))
		return tp_form_fail(c, "\"key\" must be a lowercase letter and up to %d "
				    "of a-z, 0-9 and _", TP_FORM_KEY_MAX - 2);
	size_t n = strlen(c->where);
	snprintf(c->where + n, sizeof c->where - n, " (%s)", json_string_value(v));
	if ((r = tp_form_only(c, q, "the question", keys)) < 0)
		return r;
	json_t *type;
	if ((r = tp_form_need(c, q, "type", &type)) < 0)
		return r;
	if (!json_is_string(type) || tp_form_type_of(json_string_value(type), &fq->type) < 0)
		return tp_form_fail(c, "unknown type %s%s%s (scale, yes_no, choice, number, "
				    "text)", json_is_string(type) ? "\"" : "",
				    json_is_string(type) ? json_string_value(type) : "(not a string)",
				    json_is_string(type) ? "\"" : "");
	*out = json_pack("{s:O, s:s}", "key", v, "type", tp_form_type_names[fq->type]);
	fq->key = json_string_value(json_object_get(*out, "key"));
	json_t *text;
	if ((r = tp_form_texts(c, q, "text", true, &text)) < 0)
		return r;
	json_object_set_new(*out, "text", text);

	/* Which of min, max, labels and options this type takes. */
	bool range = fq->type == TP_FORM_SCALE || fq->type == TP_FORM_NUMBER;
	static const char *const extras[] = { "min", "max", "labels", "options" };
	bool wants[4] = { range, range || fq->type == TP_FORM_TEXT, fq->type == TP_FORM_SCALE,
			  fq->type == TP_FORM_CHOICE };
	for (int i = 0; i < 4; i++)
		if (!wants[i] && json_object_get(q, extras[i]))
			return tp_form_fail(c, "a %s question has no \"%s\"",
					    tp_form_type_names[fq->type], extras[i]);
	switch (fq->type) {
	case TP_FORM_SCALE:
	case TP_FORM_NUMBER:
		if ((r = tp_form_int(c, q, "min", -TP_FORM_MAX_NUMBER, TP_FORM_MAX_NUMBER,
				     &fq->min)) < 0 ||
		    (r = tp_form_int(c, q, "max", -TP_FORM_MAX_NUMBER, TP_FORM_MAX_NUMBER,
				     &fq->max)) < 0)
			return r;
		if (fq->min > fq->max)
			return tp_form_fail(c, "min (%lld) is greater than max (%lld)",
					    (long long)fq->min, (long long)fq->max);
		json_object_set_new(*out, "min", json_integer(fq->min));
		json_object_set_new(*out, "max", json_integer(fq->max));
		if (fq->type == TP_FORM_SCALE) {
			if (fq->max - fq->min + 1 > TP_FORM_MAX_SCALE_POINTS ||
			    fq->max == fq->min)
				return tp_form_fail(c, "a scale has 2 to %d points",
						    TP_FORM_MAX_SCALE_POINTS);
			json_t *labels = NULL;
			if ((r = tp_form_labels(c, q, fq->max - fq->min + 1, &labels)) < 0)
				return r;
			json_object_set_new(*out, "labels", labels);
		}
		break;
	case TP_FORM_TEXT:
		fq->min = 1;
		if ((r = tp_form_int(c, q, "max", 1, TP_FORM_MAX_TEXT_ANSWER, &fq->max)) < 0)
			return r;
		json_object_set_new(*out, "max", json_integer(fq->max));
		break;
	case TP_FORM_CHOICE:
		if ((r = tp_form_options(c, q, fq, *out)) < 0)
			return r;
		break;
	case TP_FORM_YES_NO:
		break;
	}
	return 0;
}

static int tp_form_counting_parse(struct tp_form_ctx *c, json_t *root, struct tp_form *f)
{
	static const char *const positive_keys[] = { "kind", "question", "min", NULL };
	static const char *const score_keys[] = { "kind", "direction", NULL };
	json_t *v = json_object_get(root, "counting");
	if (!v || json_is_null(v))
		return 0;
	snprintf(c->where, sizeof c->where, "counting");
	if (!json_is_object(v))
		return tp_form_fail(c, "must be an object");
	const char *kind = json_string_value(json_object_get(v, "kind"));
	int r;
	if (kind && strcmp(kind, "positive") == 0) {
		if ((r = tp_form_only(c, v, "counting", positive_keys)) < 0)
			return r;
		const char *key = json_string_value(json_object_get(v, "question"));
		if (!key)
			return tp_form_fail(c, "missing key \"question\"");
		const struct tp_form_question *q = tp_form_question(f, key);
		if (!q)
			return tp_form_fail(c, "\"question\" names no question of the form (%s)",
					    key);
		if (q->type != TP_FORM_SCALE)
			return tp_form_fail(c, "\"question\" must be a scale question");
		if ((r = tp_form_int(c, v, "min", q->min, q->max, &f->count_min)) < 0)
			return r;
		f->counting = TP_FORM_COUNT_POSITIVE;
		f->count_question = (size_t)(q - f->questions);
		json_object_set_new(f->def, "counting",
				    json_pack("{s:s, s:s, s:I}", "kind", "positive", "question",
					      q->key, "min", (json_int_t)f->count_min));
		return 0;
	}
	if (kind && strcmp(kind, "score") == 0) {
		if ((r = tp_form_only(c, v, "counting", score_keys)) < 0)
			return r;
		const char *dir = json_string_value(json_object_get(v, "direction"));
		if (!dir || (strcmp(dir, "lower_better") != 0 && strcmp(dir, "higher_better") != 0))
			return tp_form_fail(c, "\"direction\" must be lower_better or "
					    "higher_better");
		bool scales = false;
		for (size_t i = 0; i < f->nquestions; i++)
			scales = scales || f->questions[i].type == TP_FORM_SCALE;
		if (!scales)
			return tp_form_fail(c, "a scored form needs scale questions to add up");
		f->counting = TP_FORM_COUNT_SCORE;
		f->lower_better = strcmp(dir, "lower_better") == 0;
		json_object_set_new(f->def, "counting", json_pack("{s:s, s:s}", "kind", "score",
								  "direction", dir));
		return 0;
	}
	return tp_form_fail(c, "\"kind\" must be positive or score");
}

static int tp_form_build(struct tp_form_ctx *c, json_t *root, struct tp_form *f)
{
	static const char *const keys[] = { "key", "version", "title", "intro", "anonymous",
					    "questions", "counting", NULL };
	if (!json_is_object(root))
		return tp_form_fail(c, "the file must hold one JSON object");
	int r = tp_form_only(c, root, "the form", keys);
	if (r < 0)
		return r;
	json_t *v;
	if ((r = tp_form_need(c, root, "key", &v)) < 0)
		return r;
	if (!json_is_string(v) || !tp_form_key_ok(json_string_value(v)))
		return tp_form_fail(c, "\"key\" must be a lowercase letter and up to %d of "
				    "a-z, 0-9 and _", TP_FORM_KEY_MAX - 2);
	f->def = json_pack("{s:O}", "key", v);
	f->key = json_string_value(json_object_get(f->def, "key"));
	if ((r = tp_form_int(c, root, "version", 1, 1000000, &f->version)) < 0)
		return r;
	json_object_set_new(f->def, "version", json_integer(f->version));
	json_t *text;
	if ((r = tp_form_texts(c, root, "title", false, &text)) < 0)
		return r;
	json_object_set_new(f->def, "title", text);
	if (json_object_get(root, "intro")) {
		if ((r = tp_form_texts(c, root, "intro", true, &text)) < 0)
			return r;
		json_object_set_new(f->def, "intro", text);
	}
	v = json_object_get(root, "anonymous");
	if (v && !json_is_boolean(v))
		return tp_form_fail(c, "\"anonymous\" must be true or false");
	f->anonymous = json_is_true(v);
	json_object_set_new(f->def, "anonymous", json_boolean(f->anonymous));

	if ((r = tp_form_need(c, root, "questions", &v)) < 0)
		return r;
	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > TP_FORM_MAX_QUESTIONS)
		return tp_form_fail(c, "\"questions\" must be a list of 1 to %d questions",
				    TP_FORM_MAX_QUESTIONS);
	json_t *questions = json_array();
	json_object_set_new(f->def, "questions", questions);
	f->questions = tp_xcalloc(json_array_size(v), sizeof *f->questions);
	size_t i;
	json_t *q;
	json_array_foreach(v, i, q) {
		snprintf(c->where, sizeof c->where, "questions[%zu]", i);
		struct tp_form_question *fq = &f->questions[i];
		json_t *copy = NULL;
		r = tp_form_question_parse(c, q, fq, &copy);
		if (copy)
			json_array_append_new(questions, copy);
		f->nquestions = i + 1;
		if (r < 0)
			return r;
		for (size_t k = 0; k < i; k++)
			if (strcmp(f->questions[k].key, fq->key) == 0)
				return tp_form_fail(c, "duplicate question key \"%s\"", fq->key);
	}
	c->where[0] = '\0';
	return tp_form_counting_parse(c, root, f);
}

int tp_form_parse(const char *name, const char *text, size_t len,
		  struct tp_form **out, char **err)
{
	*out = NULL;
	*err = NULL;
	struct tp_form_ctx c = { .name = name, .err = err };
	if (len > TP_FORM_MAX_FILE)
		return tp_form_fail(&c, "is larger than %d bytes", TP_FORM_MAX_FILE);
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return tp_form_fail(&c, "not valid JSON (line %d, column %d: %s)", jerr.line,
				    jerr.column, jerr.text);
	struct tp_form *f = tp_xcalloc(1, sizeof *f);
	int r = tp_form_build(&c, root, f);
	json_decref(root);
	if (r < 0) {
		tp_form_free(f);
		return r;
	}
	*out = f;
	return 0;
}

int tp_form_load(const char *path, struct tp_form **out, char **err)
{
	*out = NULL;
	char *buf = NULL;
	size_t n = 0;
	/* One byte past the cap reaches the parser, which names the size. */
	int r = tp_file_read(path, TP_FORM_MAX_FILE + 1, &buf, &n, err);
	if (r == 0)
		r = tp_form_parse(path, buf, n, out, err);
	free(buf);
	return r;
}

void tp_form_free(struct tp_form *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nquestions; i++)
		free(f->questions[i].options);
	free(f->questions);
	json_decref(f->def);
	free(f);
}

int tp_forms_load_dir(const char *dir, struct tp_forms *out, char **err)
{
	memset(out, 0, sizeof *out);
	char **names = NULL;
	size_t count = 0;
	int r = tp_dir_list(dir, ".json", TP_FORM_MAX_FILES, &names, &count, err);
	if (r < 0)
		return r;
	out->items = tp_xcalloc(count ? count : 1, sizeof *out->items);
	for (size_t i = 0; r == 0 && i < count; i++) {
		char *path = tp_xasprintf("%s/%s", dir, names[i]);
		struct tp_form *f = NULL;
		r = tp_form_load(path, &f, err);
		if (r == 0) {
			size_t stem = strlen(names[i]) - 5;
			if (strlen(f->key) != stem || strncmp(f->key, names[i], stem) != 0) {
				*err = tp_xasprintf("%s: the key \"%s\" must be the file's name "
						    "(%.*s.json holds key \"%.*s\")", path, f->key,
						    (int)stem, names[i], (int)stem, names[i]);
				tp_form_free(f);
				r = -EINVAL;
			} else {
				out->items[out->count++] = f;
			}
		}
		free(path);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return r;
}

void tp_forms_release(struct tp_forms *forms)
{
	for (size_t i = 0; i < forms->count; i++)
		tp_form_free(forms->items[i]);
	free(forms->items);
	memset(forms, 0, sizeof *forms);
}

const struct tp_form *tp_forms_find(const struct tp_forms *forms, const char *key)
{
	for (size_t i = 0; key && i < forms->count; i++)
		if (strcmp(forms->items[i]->key, key) == 0)
			return forms->items[i];
	return NULL;
}

const struct tp_form_question *tp_form_question(const struct tp_form *f, const char *key)
{
	for (size_t i = 0; i < f->nquestions; i++)
		if (strcmp(f->questions[i].key, key) == 0)
			return &f->questions[i];
	return NULL;
}

/* One answer: 0 with *value (a new reference, or NULL when skipped). */
static int tp_form_answer(const struct tp_form_question *q, json_t *v, json_t **value,
			  struct tp_error *e)
{
	char field[64];
	snprintf(field, sizeof field, "answers.%s", q->key);
	*value = NULL;
	if (json_is_null(v))
		return 0;
	switch (q->type) {
	case TP_FORM_SCALE:
	case TP_FORM_NUMBER:
		if (!json_is_integer(v))
			return tp_error_set(e, 400, "invalid_field", field, "must be a whole number");
		if (json_integer_value(v) < q->min || json_integer_value(v) > q->max)
			return tp_error_set(e, 400, "invalid_field", field,
					    "must be between %lld and %lld", (long long)q->min,
					    (long long)q->max);
		*value = json_integer(json_integer_value(v));
		return 0;
	case TP_FORM_YES_NO:
		if (!json_is_boolean(v))
			return tp_error_set(e, 400, "invalid_field", field, "must be true or false");
		*value = json_boolean(json_is_true(v));
		return 0;
	case TP_FORM_CHOICE:
		for (size_t i = 0; json_is_string(v) && i < q->noptions; i++)
			if (strcmp(q->options[i], json_string_value(v)) == 0) {
				*value = json_string(q->options[i]);
				return 0;
			}
		char list[256] = "";
		for (size_t i = 0; i < q->noptions; i++) {
			size_t n = strlen(list);
			snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", q->options[i]);
		}
		return tp_error_set(e, 400, "invalid_field", field, "must be one of: %s", list);
	case TP_FORM_TEXT: {
		if (!json_is_string(v))
			return tp_error_set(e, 400, "invalid_field", field, "must be text");
		if (strlen(json_string_value(v)) != json_string_length(v))
			return tp_error_set(e, 400, "invalid_field", field,
					    "contains a NUL character");
		char *trimmed = tp_text_trim(json_string_value(v));
		const char *why;
		int r = 0;
		if (*trimmed == '\0')
			; /* blank: skipped */
		else if (tp_text_check(trimmed, (size_t)q->max, true, &why) < 0)
			r = tp_error_set(e, 400, "invalid_field", field, "%s", why);
		else
			*value = json_string(trimmed);
		free(trimmed);
		return r;
	}
	}
	return tp_error_set(e, 400, "invalid_field", field, "has an unknown type");
}

int tp_form_check_answers(const struct tp_form *f, json_t *answers,
			  json_t **normalised, struct tp_error *e)
{
	*normalised = NULL;
	if (!json_is_object(answers))
		return tp_error_set(e, 400, "invalid_field", "answers",
				    "must be an object of question keys and answers");
	const char *key;
	json_t *v;
	json_object_foreach(answers, key, v) {
		if (!tp_form_question(f, key)) {
			char field[64];
			snprintf(field, sizeof field, "answers.%.50s", key);
			return tp_error_set(e, 400, "unknown_field", field,
					    "is not a question of the form %s", f->key);
		}
	}
	json_t *out = json_object();
	for (size_t i = 0; i < f->nquestions; i++) {
		v = json_object_get(answers, f->questions[i].key);
		if (!v)
			continue;
		json_t *value;
		int r = tp_form_answer(&f->questions[i], v, &value, e);
		if (r < 0) {
			json_decref(out);
			return r;
		}
		if (value)
			json_object_set_new(out, f->questions[i].key, value);
	}
	*normalised = out;
	return 0;
}

json_t *tp_form_json(const struct tp_form *f)
{
	return json_deep_copy(f->def);
}

int tp_form_score(const struct tp_form *f, json_t *answers, int64_t *score)
{
	if (f->counting != TP_FORM_COUNT_SCORE)
		return -EINVAL;
	int64_t sum = 0;
	for (size_t i = 0; i < f->nquestions; i++) {
		if (f->questions[i].type != TP_FORM_SCALE)
			continue;
		json_t *v = json_object_get(answers, f->questions[i].key);
		if (!json_is_integer(v))
			return -ENODATA;
		sum += json_integer_value(v);
	}
	*score = sum;
	return 0;
}

int tp_form_positive(const struct tp_form *f, json_t *answers)
{
	if (f->counting != TP_FORM_COUNT_POSITIVE)
		return -EINVAL;
	json_t *v = json_object_get(answers, f->questions[f->count_question].key);
	if (!json_is_integer(v))
		return -ENODATA;
	return json_integer_value(v) >= f->count_min;
}
