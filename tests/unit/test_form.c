/*
 * Forms: the built-in definitions load and say what reports rely on
 * (satisfaction's "overall" 1-5 positive from 4, awareness's
 * "understanding", PHQ-9's nine 0-3 items scored lower-better); a malformed
 * definition is refused with the file's name and the reason; answers are
 * checked against the form, naming the question at fault; the served JSON
 * reads back as the same form; a response's score and positive flag.
 */
#include "tp_form.h"
#include "../tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char base_text[] =
	"{\"key\": \"mini\", \"version\": 2,"
	" \"title\": {\"zh-HK\": \"問卷\", \"en\": \"Form\"},"
	" \"questions\": ["
	"  {\"key\": \"overall\", \"type\": \"scale\", \"min\": 1, \"max\": 3,"
	"   \"text\": {\"zh-HK\": \"好嗎？\", \"en\": \"Good?\"},"
	"   \"labels\": {\"zh-HK\": [\"差\", \"中\", \"好\"], \"en\": [\"Bad\", \"So-so\", \"Good\"]}},"
	"  {\"key\": \"again\", \"type\": \"yes_no\", \"text\": {\"zh-HK\": \"再來？\", \"en\": \"Again?\"}},"
	"  {\"key\": \"where\", \"type\": \"choice\", \"text\": {\"zh-HK\": \"哪裏？\", \"en\": \"Where?\"},"
	"   \"options\": [{\"value\": \"centre\", \"text\": {\"zh-HK\": \"中心\", \"en\": \"Centre\"}},"
	"                 {\"value\": \"home\", \"text\": {\"zh-HK\": \"家\", \"en\": \"Home\"}}]},"
	"  {\"key\": \"visits\", \"type\": \"number\", \"min\": 0, \"max\": 99,"
	"   \"text\": {\"zh-HK\": \"幾次？\", \"en\": \"How many?\"}},"
	"  {\"key\": \"comment\", \"type\": \"text\", \"max\": 10,"
	"   \"text\": {\"zh-HK\": \"意見\", \"en\": \"Comment\"}}],"
	" \"counting\": {\"kind\": \"positive\", \"question\": \"overall\", \"min\": 3}}";

static json_t *base(void)
{
	json_t *j = json_loads(base_text, 0, NULL);
	if (!j)
		bail_out("the test's base form is not JSON");
	return j;
}

static json_t *question(json_t *def, size_t i)
{
	return json_array_get(json_object_get(def, "questions"), i);
}

/* Parses def (taken) as "x.json"; returns the result, *err kept for checks. */
static int parse_def(json_t *def, struct tp_form **f, char **err)
{
	char *text = json_dumps(def, 0);
	json_decref(def);
	int r = tp_form_parse("x.json", text, strlen(text), f, err);
	free(text);
	return r;
}

/* A definition that must be refused with a message containing want. */
static void refused(json_t *def, const char *why, const char *want)
{
	struct tp_form *f = NULL;
	char *err = NULL;
	is_int(parse_def(def, &f, &err), -EINVAL, "%s is refused", why);
	ok(f == NULL, "%s: no form is returned", why);
	ok(err && strncmp(err, "x.json: ", 8) == 0, "%s: the message names the file (%s)", why,
	   err ? err : "(none)");
	ok(err && strstr(err, want), "%s: and says \"%s\"", why, want);
	free(err);
}

static void test_builtin(void)
{
	const char *assets = getenv("TP_ASSETS");
	char dir[600];
	snprintf(dir, sizeof dir, "%s/forms", assets ? assets : "assets");
	struct tp_forms forms;
	char *err = NULL;
	is_int(tp_forms_load_dir(dir, &forms, &err), 0, "the built-in forms load (%s)",
	       err ? err : "");
	free(err);
	is_int(forms.count, 3, "there are three");

	const struct tp_form *s = tp_forms_find(&forms, "satisfaction");
	ok(s != NULL, "satisfaction is there");
	if (s) {
		is_int(s->nquestions, 3, "satisfaction is three questions, short for a touch screen");
		const struct tp_form_question *q = tp_form_question(s, "overall");
		ok(q && q->type == TP_FORM_SCALE && q->min == 1 && q->max == 5,
		   "its overall question is a 1-5 scale");
		ok(s->counting == TP_FORM_COUNT_POSITIVE && s->count_min == 4 &&
		   strcmp(s->questions[s->count_question].key, "overall") == 0,
		   "satisfied means overall 4 or 5");
		ok(!s->anonymous, "answers are tied to her");
		json_t *j = tp_form_json(s);
		json_t *labels = json_object_get(json_object_get(question(j, 0), "labels"), "zh-HK");
		is_int(json_array_size(labels), 5, "five zh-HK labels are served");
		is_str(json_string_value(json_object_get(json_object_get(j, "title"), "zh-HK")),
		       "今日活動意見", "the title is served in zh-HK");
		json_decref(j);
	}
	const struct tp_form *a = tp_forms_find(&forms, "awareness");
	ok(a != NULL, "awareness is there");
	if (a) {
		const struct tp_form_question *q = tp_form_question(a, "understanding");
		ok(q && q->type == TP_FORM_SCALE && q->min == 1 && q->max == 5,
		   "understanding is a 1-5 scale");
		ok(a->counting == TP_FORM_COUNT_POSITIVE && a->count_min == 4,
		   "improved means 4 or 5");
		json_t *j = tp_form_json(a);
		const char *zh = json_string_value(json_object_get(json_object_get(j, "title"),
								   "zh-HK"));
		const char *en = json_string_value(json_object_get(json_object_get(j, "title"), "en"));
		ok(zh && !strstr(zh, "藥") && !strstr(zh, "毒"), "its zh-HK title names no drug (%s)",
		   zh);
		ok(en && !strstr(en, "drug") && !strstr(en, "Drug"), "nor its English one (%s)", en);
		json_decref(j);
	}
	const struct tp_form *p = tp_forms_find(&forms, "phq9");
	ok(p != NULL, "phq9 is there");
	if (p) {
		is_int(p->nquestions, 9, "nine items");
		bool all = true;
		for (size_t i = 0; i < p->nquestions; i++) {
			char key[32];
			snprintf(key, sizeof key, "q%zu", i + 1);
			all = all && strcmp(p->questions[i].key, key) == 0 &&
			      p->questions[i].type == TP_FORM_SCALE && p->questions[i].min == 0 &&
			      p->questions[i].max == 3;
		}
		ok(all, "q1 to q9, each 0-3");
		ok(p->counting == TP_FORM_COUNT_SCORE && p->lower_better, "scored, lower is better");
		json_t *answers = json_object();
		for (int i = 1; i <= 9; i++) {
			char key[16];
			snprintf(key, sizeof key, "q%d", i);
			json_object_set_new(answers, key, json_integer(3));
		}
		int64_t score = 0;
		is_int(tp_form_score(p, answers, &score), 0, "all nine answered has a score");
		is_int(score, 27, "the highest is 27");
		json_object_del(answers, "q9");
		is_int(tp_form_score(p, answers, &score), -ENODATA, "an item skipped: no score");
		json_decref(answers);
	}
	ok(tp_forms_find(&forms, "nosuch") == NULL, "an unknown key finds nothing");
	tp_forms_release(&forms);
}

static void test_malformed(void)
{
	struct tp_form *f = NULL;
	char *err = NULL;
	is_int(parse_def(base(), &f, &err), 0, "the base form parses (%s)", err ? err : "");
	ok(f && f->nquestions == 5 && f->version == 2, "with five questions, version 2");
	tp_form_free(f);
	free(err);

	json_t *d = base();
	json_object_del(d, "title");
	refused(d, "a form without a title", "missing key \"title\"");
	d = base();
	json_object_del(d, "key");
	refused(d, "a form without a key", "missing key \"key\"");
	d = base();
	json_object_set_new(d, "key", json_string("Bad Key"));
	refused(d, "a key with capitals and a space", "\"key\" must be");
	d = base();
	json_object_set_new(d, "version", json_integer(0));
	refused(d, "version 0", "\"version\" must be between 1");
	d = base();
	json_object_set_new(d, "colour", json_string("red"));
	refused(d, "an unknown key", "unknown key \"colour\"");
	d = base();
	json_object_set_new(question(d, 1), "key", json_string("overall"));
	refused(d, "a duplicate question key", "duplicate question key \"overall\"");
	d = base();
	json_object_set_new(question(d, 0), "type", json_string("slider"));
	refused(d, "an unknown type", "unknown type \"slider\"");
	d = base();
	json_object_set_new(question(d, 3), "min", json_integer(100));
	refused(d, "min above max", "min (100) is greater than max (99)");
	d = base();
	json_array_remove(json_object_get(json_object_get(question(d, 0), "labels"), "en"), 2);
	refused(d, "two English labels for a 3-point scale", "must have 3 en labels");
	d = base();
	json_object_del(json_object_get(question(d, 0), "text"), "en");
	refused(d, "a question without English", "missing the en text");
	d = base();
	json_object_set_new(json_object_get(d, "title"), "fr", json_string("Formulaire"));
	refused(d, "a language we do not use", "the language \"fr\"");
	d = base();
	json_object_del(json_object_get(question(d, 0), "labels"), "zh-HK");
	refused(d, "labels without zh-HK", "missing the zh-HK labels");
	d = base();
	json_object_set_new(json_object_get(question(d, 1), "text"), "zh-HK", json_string("  "));
	refused(d, "a blank text", "is empty");
	d = base();
	json_object_set_new(question(d, 1), "min", json_integer(0));
	refused(d, "a yes_no question with a min", "a yes_no question has no \"min\"");
	d = base();
	json_object_del(question(d, 4), "max");
	refused(d, "a text question without max", "missing key \"max\"");
	d = base();
	json_object_set_new(json_array_get(json_object_get(question(d, 2), "options"), 1), "value",
			    json_string("centre"));
	refused(d, "two options with one value", "duplicate option value \"centre\"");
	d = base();
	json_object_set_new(json_object_get(d, "counting"), "question", json_string("mood"));
	refused(d, "counting a question that is not there", "names no question");
	d = base();
	json_object_set_new(json_object_get(d, "counting"), "question", json_string("again"));
	refused(d, "counting a yes_no question as a scale", "must be a scale question");
	d = base();
	json_object_set_new(json_object_get(d, "counting"), "min", json_integer(9));
	refused(d, "a positive threshold past the scale", "\"min\" must be between 1 and 3");
	d = base();
	json_object_set_new(d, "counting", json_pack("{s:s, s:s}", "kind", "score", "direction",
						     "up"));
	refused(d, "a score with an unknown direction", "lower_better or higher_better");
	d = base();
	json_object_set_new(d, "questions", json_array());
	refused(d, "no questions", "1 to 100 questions");
	d = base();
	json_object_set_new(question(d, 0), "max", json_real(3.0));
	refused(d, "a max that is not an integer", "\"max\" must be an integer");

	const char *broken = "{\"key\": \"x\",";
	is_int(tp_form_parse("y.json", broken, strlen(broken), &f, &err), -EINVAL,
	       "a truncated file is refused");
	ok(err && strstr(err, "y.json: not valid JSON (line 1"), "saying where (%s)", err);
	free(err);
	const char *dup = "{\"key\": \"a\", \"key\": \"b\"}";
	is_int(tp_form_parse("y.json", dup, strlen(dup), &f, &err), -EINVAL,
	       "a key given twice in the JSON is refused");
	free(err);
	is_int(tp_form_load("/nonexistent/z.json", &f, &err), -ENOENT, "a missing file");
	ok(err && strstr(err, "/nonexistent/z.json: cannot open"), "is named (%s)", err);
	free(err);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	if (!fp)
		bail_out("cannot write %s", path);
	fputs(text, fp);
	fclose(fp);
}

static void test_dir(void)
{
	char dir[] = "/tmp/tp-forms-XXXXXX";
	if (!mkdtemp(dir))
		bail_out("mkdtemp");
	char path[256], path2[256];
	snprintf(path, sizeof path, "%s/mini.json", dir);
	write_file(path, base_text);
	struct tp_forms forms;
	char *err = NULL;
	is_int(tp_forms_load_dir(dir, &forms, &err), 0, "a folder with one form loads");
	is_int(forms.count, 1, "one form");
	ok(tp_forms_find(&forms, "mini") != NULL, "found by key");
	tp_forms_release(&forms);
	free(err);

	snprintf(path2, sizeof path2, "%s/other.json", dir);
	write_file(path2, base_text);
	is_int(tp_forms_load_dir(dir, &forms, &err), -EINVAL,
	       "a file whose name is not its key is refused");
	ok(err && strstr(err, "other.json") && strstr(err, "must be the file's name"),
	   "naming the file (%s)", err);
	tp_forms_release(&forms);
	free(err);
	unlink(path2);

	snprintf(path2, sizeof path2, "%s/bad.json", dir);
	write_file(path2, "{\"key\": \"bad\", \"version\": 1}");
	is_int(tp_forms_load_dir(dir, &forms, &err), -EINVAL, "a malformed file is refused");
	ok(err && strstr(err, "bad.json: missing key \"title\""), "naming it and why (%s)", err);
	tp_forms_release(&forms);
	free(err);
	unlink(path2);
	unlink(path);
	rmdir(dir);

	is_int(tp_forms_load_dir("/nonexistent-forms", &forms, &err), -ENOENT,
	       "a missing folder is refused");
	ok(err && strstr(err, "/nonexistent-forms"), "naming it");
	tp_forms_release(&forms);
	free(err);
}

/* Checks answers (text) that must be refused, naming field. */
static void bad_answers(const struct tp_form *f, const char *text, const char *field,
			const char *why)
{
	json_t *answers = json_loads(text, JSON_DECODE_ANY, NULL);
	json_t *norm = NULL;
	struct tp_error e;
	tp_error_clear(&e);
	is_int(tp_form_check_answers(f, answers, &norm, &e), -400, "%s is refused", why);
	is_str(e.field, field, "%s: the error names %s", why, field);
	ok(norm == NULL, "%s: nothing normalised", why);
	json_decref(answers);
}

static void test_answers(void)
{
	struct tp_form *f = NULL;
	char *err = NULL;
	if (parse_def(base(), &f, &err) < 0)
		bail_out("base form: %s", err);
	json_t *answers = json_loads("{\"comment\": \"  好  \", \"overall\": 3, \"again\": false,"
				     " \"where\": \"home\", \"visits\": 0}", 0, NULL);
	json_t *norm = NULL;
	struct tp_error e;
	tp_error_clear(&e);
	is_int(tp_form_check_answers(f, answers, &norm, &e), 0, "a full set of answers is right");
	char *text = json_dumps(norm, JSON_COMPACT);
	is_str(text, "{\"overall\":3,\"again\":false,\"where\":\"home\",\"visits\":0,"
		     "\"comment\":\"好\"}", "normalised: question order, text trimmed");
	free(text);
	is_int(tp_form_positive(f, norm), 1, "overall 3 of 3 counts as positive");
	json_decref(norm);
	json_decref(answers);

	answers = json_loads("{\"overall\": null, \"comment\": \" \"}", 0, NULL);
	is_int(tp_form_check_answers(f, answers, &norm, &e), 0, "skipped questions are allowed");
	is_int(json_object_size(norm), 0, "null and blank answers are left out");
	is_int(tp_form_positive(f, norm), -ENODATA, "skipped overall: neither positive nor not");
	json_decref(norm);
	json_decref(answers);

	bad_answers(f, "{\"mood\": 3}", "answers.mood", "an answer to no question");
	bad_answers(f, "{\"overall\": 4}", "answers.overall", "a scale answer past max");
	bad_answers(f, "{\"overall\": 0}", "answers.overall", "a scale answer under min");
	bad_answers(f, "{\"overall\": \"3\"}", "answers.overall", "a scale answer as text");
	bad_answers(f, "{\"overall\": 2.5}", "answers.overall", "a fractional scale answer");
	bad_answers(f, "{\"again\": 1}", "answers.again", "yes_no as a number");
	bad_answers(f, "{\"where\": \"park\"}", "answers.where", "a choice not offered");
	bad_answers(f, "{\"visits\": 100}", "answers.visits", "a number past max");
	bad_answers(f, "{\"comment\": \"12345678901\"}", "answers.comment", "text past max");
	bad_answers(f, "{\"comment\": \"a\\u0007b\"}", "answers.comment", "text with a bell");
	bad_answers(f, "[1, 2]", "answers", "answers that are not an object");

	json_t *served = tp_form_json(f);
	char *dumped = json_dumps(served, 0);
	struct tp_form *again = NULL;
	is_int(tp_form_parse("served", dumped, strlen(dumped), &again, &err), 0,
	       "the served JSON is itself a valid definition");
	json_t *served2 = again ? tp_form_json(again) : NULL;
	ok(served2 && json_equal(served, served2), "and reads back as the same form");
	json_decref(served);
	json_decref(served2);
	free(dumped);
	tp_form_free(again);
	tp_form_free(f);
}

int main(void)
{
	test_builtin();
	test_malformed();
	test_dir();
	test_answers();
	return done_testing();
}
