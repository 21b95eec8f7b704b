/*
 * Forms: the versioned questionnaires of assets/forms/ (satisfaction,
 * awareness, PHQ-9, ...), read from JSON definition files, checked strictly
 * (a malformed file is refused with its name and the reason), served as
 * JSON to the kiosk and the console, and used to validate a filled form's
 * answers before they are stored. Every text a participant sees comes in
 * zh-HK and en.
 *
 * A definition:
 *   {"key": "satisfaction", "version": 1,
 *    "title": {"zh-HK": "...", "en": "..."},
 *    "intro": {"zh-HK": "...", "en": "..."},          (optional)
 *    "anonymous": false,                               (optional, false)
 *    "questions": [
 *      {"key": "overall", "type": "scale", "min": 1, "max": 5,
 *       "text": {...}, "labels": {"zh-HK": [5 labels], "en": [5 labels]}},
 *      {"key": "again", "type": "yes_no", "text": {...}},
 *      {"key": "where", "type": "choice", "text": {...},
 *       "options": [{"value": "centre", "text": {...}}, ...]},
 *      {"key": "visits", "type": "number", "min": 0, "max": 99, "text": {...}},
 *      {"key": "comment", "type": "text", "max": 200, "text": {...}}],
 *    "counting": {"kind": "positive", "question": "overall", "min": 4}}
 *                or {"kind": "score", "direction": "lower_better"}  (optional)
 *
 * Answers are an object from question key to value: an integer (scale,
 * number), true/false (yes_no), an option's value (choice) or text. Every
 * question may be skipped. This module knows nothing of who answered or
 * where answers are stored; it does not compute indicators over many
 * responses, only what one response says (its score, whether it counts as
 * positive).
 */
#ifndef TP_FORM_H
#define TP_FORM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tp_error.h"

/* The largest definition file read, in bytes. */
#define TP_FORM_MAX_FILE (256 * 1024)
/* Form and question keys: a lowercase letter, then up to 31 of a-z 0-9 _. */
#define TP_FORM_KEY_MAX 32

enum tp_form_type {
	TP_FORM_SCALE,   /* an integer min..max, each point labelled */
	TP_FORM_YES_NO,  /* true or false */
	TP_FORM_CHOICE,  /* one of the options' values */
	TP_FORM_NUMBER,  /* an integer min..max */
	TP_FORM_TEXT,    /* free text of at most max characters */
};

enum tp_form_counting {
	TP_FORM_COUNT_NONE,
	TP_FORM_COUNT_POSITIVE, /* positive when question's answer >= min */
	TP_FORM_COUNT_SCORE,    /* score = sum of the scale questions */
};

/* One question. Strings are borrowed from the form's definition. */
struct tp_form_question {
	const char *key;
	enum tp_form_type type;
	int64_t min, max;             /* scale, number: the range; text: 1, max characters */
	const char **options;         /* choice: the values, noptions of them */
	size_t noptions;
};

/* A loaded form: read-only once loaded, safe to share between threads. */
struct tp_form {
	const char *key;
	int64_t version;
	bool anonymous;
	struct tp_form_question *questions;
	size_t nquestions;
	enum tp_form_counting counting;
	size_t count_question;        /* positive: index into questions */
	int64_t count_min;            /* positive: the lowest positive answer */
	bool lower_better;            /* score: a lower score is better */
	json_t *def;                  /* the normalised definition (owned) */
};

/* The forms of a folder, sorted by key. */
struct tp_forms {
	struct tp_form **items;
	size_t count;
};

/*
 * Parses a definition from the len bytes at text. name (the file's path)
 * starts every error message. Returns 0 with *out (free with tp_form_free),
 * or -EINVAL with *err set to "NAME: reason" (the caller frees it), such as
 * "forms/x.json: questions[2] (mood): unknown type \"slider\"".
 */
int tp_form_parse(const char *name, const char *text, size_t len,
		  struct tp_form **out, char **err);
/* Reads and parses a definition file; errors as tp_form_parse, and -errno
 * when the file cannot be read. */
int tp_form_load(const char *path, struct tp_form **out, char **err);
void tp_form_free(struct tp_form *f);

/*
 * Loads every *.json file of dir into out (which the caller releases with
 * tp_forms_release, also after a failure). Each file's name must be its
 * form's key ("phq9.json" holds key "phq9"). Returns 0, or a negative code
 * with *err naming the file and the reason.
 */
int tp_forms_load_dir(const char *dir, struct tp_forms *out, char **err);
void tp_forms_release(struct tp_forms *forms);
/* The form with key, borrowed from forms; NULL when there is none. */
const struct tp_form *tp_forms_find(const struct tp_forms *forms, const char *key);

/* The question with key, or NULL. */
const struct tp_form_question *tp_form_question(const struct tp_form *f,
						const char *key);

/*
 * Checks a filled form's answers (a JSON object; borrowed): every key must
 * be a question of f and every value of the question's type and range.
 * Skipped questions are allowed: absent, null, or (for text) blank. On
 * success *normalised (owned by the caller) holds the answers in question
 * order, text trimmed, skipped ones left out. On failure returns -400 with
 * e naming the question as "answers.KEY" (or "answers").
 */
int tp_form_check_answers(const struct tp_form *f, json_t *answers,
			  json_t **normalised, struct tp_error *e);

/* The form as served to the kiosk and the console: a new reference to a
 * copy of the normalised definition, owned by the caller. */
json_t *tp_form_json(const struct tp_form *f);

/*
 * What one response (normalised answers) says under the form's counting.
 * tp_form_score: 0 with *score the sum of the scale answers; -ENODATA when
 * a scale question was skipped (an incomplete measure has no score);
 * -EINVAL when the form is not scored. tp_form_positive: 1 or 0; -ENODATA
 * when the counted question was skipped; -EINVAL when the form does not
 * count positives.
 */
int tp_form_score(const struct tp_form *f, json_t *answers, int64_t *score);
int tp_form_positive(const struct tp_form *f, json_t *answers);

#endif
