/* Feedback by text; see surveys.h. */
#include "surveys.h"
#include "audit.h"
#include "conversation.h"
#include "forms.h"
#include "messages.h"
#include "responses.h"
#include "templates.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_reply.h"
#include "tp_time.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* WhatsApp's limit for a reply button's title. */
#define SRV_BUTTON_TITLE 20

struct srv_survey {
	int64_t id, participant_id, session_id;
	const struct tp_form *form;
	int question;
	int reprompts;
	json_t *answers;        /* owned */
	char lang[8];
};

static void srv_survey_release(struct srv_survey *s)
{
	json_decref(s->answers);
	s->answers = NULL;
}

static int srv_survey_load(sqlite3 *w, int64_t id, struct srv_survey *s)
{
	memset(s, 0, sizeof *s);
	sqlite3_stmt *st;
	int r = tp_db_prepare(w, &st, "SELECT participant_id, coalesce(session_id, 0), form,"
				      " question, reprompts, answers FROM conversations WHERE id = ?",
			      "i", id);
	if (r < 0)
		return r;
	if ((r = tp_db_step(st)) == 1) {
		s->id = id;
		s->participant_id = sqlite3_column_int64(st, 0);
		s->session_id = sqlite3_column_int64(st, 1);
		s->form = srv_form_find(tp_db_col_text(st, 2));
		s->question = sqlite3_column_int(st, 3);
		s->reprompts = sqlite3_column_int(st, 4);
		s->answers = json_loads(tp_db_col_text(st, 5), 0, NULL);
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	if (r == 0 || !s->form || !s->answers) {
		srv_survey_release(s);
		return -ENOENT;
	}
	return srv_participant_lang(w, s->participant_id, s->lang);
}

/* The question's definition (borrowed from the form). */
static json_t *srv_question_def(const struct srv_survey *s)
{
	return json_array_get(json_object_get(s->form->def, "questions"), (size_t)s->question);
}

static const char *srv_def_text(json_t *obj, const char *key, const char *lang)
{
	const char *t = json_string_value(json_object_get(json_object_get(obj, key), lang));
	return t ? t : "";
}

/*
 * The answers she may give, written out ("1 是、2 否", "1 to 5"), into out;
 * and, when they fit WhatsApp's reply buttons, *buttons (new, or NULL).
 */
static void srv_question_choices(const struct srv_survey *s, struct tp_buf *out,
				 json_t **buttons)
{
	const struct tp_form_question *q = &s->form->questions[s->question];
	json_t *def = srv_question_def(s);
	bool en = strcmp(s->lang, "en") == 0;
	const char *sep = en ? ", " : "、";
	json_t *list = json_array();   /* [number, label] pairs */
	*buttons = NULL;
	switch (q->type) {
	case TP_FORM_SCALE: {
		json_t *labels = json_object_get(json_object_get(def, "labels"), s->lang);
		for (int64_t v = q->min; labels && v <= q->max; v++)
			json_array_append_new(list, json_pack("{s:I, s:O}", "n", (json_int_t)v,
				"label", json_array_get(labels, (size_t)(v - q->min))));
		if (!labels)
			tp_buf_printf(out, en ? "%lld to %lld" : "%lld 至 %lld", (long long)q->min,
				      (long long)q->max);
		break;
	}
	case TP_FORM_YES_NO:
		json_array_append_new(list, json_pack("{s:i, s:s}", "n", 1, "label", en ? "Yes" : "是"));
		json_array_append_new(list, json_pack("{s:i, s:s}", "n", 2, "label", en ? "No" : "否"));
		break;
	case TP_FORM_CHOICE: {
		size_t i;
		json_t *o;
		json_array_foreach(json_object_get(def, "options"), i, o) {
			json_array_append_new(list, json_pack("{s:I, s:s}", "n", (json_int_t)i + 1,
				"label", srv_def_text(o, "text", s->lang)));
		}
		break;
	}
	case TP_FORM_NUMBER:
		tp_buf_printf(out, en ? "a number from %lld to %lld" : "%lld 至 %lld 之間的數字",
			      (long long)q->min, (long long)q->max);
		break;
	case TP_FORM_TEXT:
		tp_buf_puts(out, en ? "your own words, or 0 to skip" : "你的意見，或回覆 0 略過");
		break;
	}
	size_t i;
	json_t *c;
	bool fits = json_array_size(list) > 0 && json_array_size(list) <= 3;
	json_array_foreach(list, i, c) {
		const char *label = json_string_value(json_object_get(c, "label"));
		tp_buf_printf(out, "%s%lld %s", i ? sep : "",
			      (long long)json_integer_value(json_object_get(c, "n")), label);
		if (!label || tp_utf8_chars(label) > SRV_BUTTON_TITLE)
			fits = false;
	}
	if (fits) {
		*buttons = json_array();
		json_array_foreach(list, i, c) {
			char id[24];
			snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(c, "n")));
			json_array_append_new(*buttons, json_pack("{s:s, s:O}", "id", id, "title",
								  json_object_get(c, "label")));
		}
	}
	json_decref(list);
}

/* Queues the question s is at: with the survey's opening words when first,
 * or the re-prompt. */
static int srv_survey_ask(sqlite3 *w, const struct srv_survey *s, bool first, bool reprompt,
			  int64_t expires_at)
{
	struct tp_buf choices;
	tp_buf_init(&choices, 16 * 1024);
	json_t *buttons = NULL;
	srv_question_choices(s, &choices, &buttons);
	char number[16], total[16];
	snprintf(number, sizeof number, "%d", s->question + 1);
	snprintf(total, sizeof total, "%zu", s->form->nquestions);
	char *alias = NULL;
	int r = tp_db_text(w, &alias, "SELECT alias FROM participants WHERE id = ?", "i",
			   s->participant_id);
	json_t *vars = json_pack("{s:s, s:s, s:s, s:s, s:s}", "number", number, "total", total,
				 "question", srv_def_text(srv_question_def(s), "text", s->lang),
				 "choices", tp_buf_str(&choices), "alias", alias ? alias : "");
	char *body = NULL, *intro = NULL;
	json_t *wa = NULL, *none = NULL, *ignored = NULL;
	const char *key = reprompt ? "survey_reprompt" : "survey_question";
	if (r == 0)
		r = srv_template_render(key, s->lang, vars, &body, &wa, &none);
	if (r == 0 && first) {
		json_decref(none);
		r = srv_template_render("survey_start", s->lang, vars, &intro, &ignored, &none);
		json_decref(ignored);
		if (r == 0) {
			char *both = tp_xasprintf("%s\n%s", intro, body);
			free(body);
			body = both;
		}
	}
	if (r == 0) {
		int64_t now = tp_now(), id = 0;
		struct srv_message_new m = {
			.participant_id = s->participant_id, .kind = reprompt ? "reply" : "survey",
			.body = body, .template_key = key, .vars = vars, .wa_template = wa,
			.buttons = buttons, .not_before = now, .deliver_by = expires_at,
			/* The first question waits for the morning; the next ones answer her. */
			.quiet_hours = first, .session_id = s->session_id, .conversation_id = s->id,
		};
		r = srv_message_queue(w, &m, "conversation", &id, NULL);
	}
	free(alias);
	free(body);
	free(intro);
	json_decref(vars);
	json_decref(wa);
	json_decref(none);
	json_decref(buttons);
	tp_buf_release(&choices);
	return r;
}

/* Reads text as the answer to the question s is at: 1 with *value (new;
 * null for a skipped text question), or 0 when it cannot be read. */
static int srv_survey_read(const struct srv_survey *s, const char *text, json_t **value)
{
	const struct tp_form_question *q = &s->form->questions[s->question];
	int64_t n = -1;
	bool number = tp_reply_number(text, &n) == 0;
	*value = NULL;
	switch (q->type) {
	case TP_FORM_SCALE:
	case TP_FORM_NUMBER:
		if (number && n >= q->min && n <= q->max)
			*value = json_integer(n);
		break;
	case TP_FORM_YES_NO: {
		int yn = number ? (n == 1 ? 1 : n == 2 ? 0 : -1) : tp_reply_yes_no(text);
		if (yn >= 0)
			*value = json_boolean(yn);
		break;
	}
	case TP_FORM_CHOICE:
		if (number && n >= 1 && (size_t)n <= q->noptions)
			*value = json_string(q->options[n - 1]);
		break;
	case TP_FORM_TEXT: {
		if (number && n == 0) {
			*value = json_null();
			break;
		}
		char *t = tp_text_trim(text);
		if (t && *t && tp_text_check(t, (size_t)q->max, true, NULL) == 0)
			*value = json_string(t);
		free(t);
		break;
	}
	}
	return *value ? 1 : 0;
}

/* Stores what she answered as a response (if anything) and ends the
 * conversation as status. */
static int srv_survey_finish(sqlite3 *w, const struct srv_actor *actor, struct srv_survey *s,
			     const char *channel, const char *status)
{
	struct tp_error e;
	tp_error_clear(&e);
	json_t *norm = NULL;
	int64_t response = 0, now = tp_now();
	int r = tp_form_check_answers(s->form, s->answers, &norm, &e);
	if (r < 0) {
		tp_error("conversation %lld: its answers do not fit form %s: %s", (long long)s->id,
			 s->form->key, e.message);
		r = 0;
	} else if (json_object_size(norm) > 0) {
		char nonce[48];
		snprintf(nonce, sizeof nonce, "conversation:%lld", (long long)s->id);
		struct srv_response_new n = {
			.form = s->form, .participant_id = s->participant_id,
			.session_id = s->session_id, .channel = channel, .submitted_at = now,
			.answers = norm, .client = "conversation", .nonce = nonce,
		};
		r = srv_response_store(w, &n, actor, &response);
	}
	json_decref(norm);
	if (r == 0)
		r = tp_db_run(w, "UPDATE conversations SET status = ?, response_id = nullif(?, 0),"
				 " updated_at = ? WHERE id = ?", "tiii", status, response, now, s->id);
	return r;
}

int srv_survey_answer(sqlite3 *w, const struct srv_actor *actor, int64_t conv, int64_t msg,
		      const char *text, bool repeated)
{
	struct srv_survey s;
	int r = srv_survey_load(w, conv, &s);
	if (r == -ENOENT)
		return srv_conversation_handled(w, msg, conv, "inbox", "its survey is gone: to the"
						" workers' inbox");
	if (r < 0)
		return r;
	char *channel = NULL;
	int64_t expires = 0, now = tp_now();
	r = tp_db_text(w, &channel, "SELECT channel FROM messages WHERE id = ?", "i", msg);
	if (r == 0)
		r = tp_db_int(w, &expires, "SELECT expires_at FROM conversations WHERE id = ?", "i",
			      conv);
	json_t *value = NULL;
	const char *qkey = s.form->questions[s.question].key;
	if (r == 0 && srv_survey_read(&s, text, &value)) {
		json_object_set_new(s.answers, qkey, value);
		char *answers = json_dumps(s.answers, JSON_COMPACT);
		s.question++;
		r = tp_db_run(w, "UPDATE conversations SET answers = ?, question = ?, reprompts = 0,"
				 " updated_at = ? WHERE id = ?", "tIii", answers, s.question, now, conv);
		free(answers);
		if (r == 0)
			r = srv_message_eventf(w, msg, "answer", "read as the answer to %s", qkey);
		if (r == 0)
			r = tp_db_run(w, "UPDATE messages SET handled = 'answer', conversation_id = ?"
					 " WHERE id = ?", "ii", conv, msg);
		if (r == 0 && (size_t)s.question < s.form->nquestions) {
			r = srv_survey_ask(w, &s, false, false, expires);
		} else if (r == 0) {
			r = srv_survey_finish(w, actor, &s, channel, "answered");
			char *alias = NULL;
			if (r == 0)
				r = tp_db_text(w, &alias, "SELECT alias FROM participants WHERE id = ?",
					       "i", s.participant_id);
			json_t *vars = json_pack("{s:s}", "alias", alias ? alias : "");
			if (r == 0)
				r = srv_conversation_reply(w, s.participant_id, conv, "survey_thanks",
							   vars);
			json_decref(vars);
			free(alias);
		}
	} else if (r == 0 && !repeated && s.reprompts == 0) {
		r = tp_db_run(w, "UPDATE conversations SET reprompts = 1, updated_at = ? WHERE id = ?",
			      "ii", now, conv);
		if (r == 0)
			r = srv_conversation_handled(w, msg, conv, "reprompt", "not an answer to the"
						     " question: asked once more");
		if (r == 0)
			r = srv_survey_ask(w, &s, false, true, expires);
	} else if (r == 0) {
		r = srv_survey_finish(w, actor, &s, channel, "rested");
		if (r == 0)
			r = srv_conversation_handled(w, msg, conv, "inbox", "still not an answer: the survey"
						     " rests (what she answered is kept); to the"
						     " workers' inbox");
	}
	free(channel);
	srv_survey_release(&s);
	return r;
}

/* A text in any string of def that would say what the service is. */
static const char *srv_form_revealing(json_t *def)
{
	if (json_is_string(def))
		return srv_revealing_word(json_string_value(def));
	const char *found = NULL, *key;
	size_t i;
	json_t *v;
	if (json_is_object(def)) {
		json_object_foreach(def, key, v) {
			if (!found)
				found = srv_form_revealing(v);
		}
	} else if (json_is_array(def)) {
		json_array_foreach(def, i, v) {
			if (!found)
				found = srv_form_revealing(v);
		}
	}
	return found;
}

/* Sends the survey to one who attended, or says why not into skipped. */
static int srv_survey_send_one(sqlite3 *w, const struct tp_form *f, int64_t session,
			       int64_t pid, const char *alias, json_t *queued, json_t *skipped)
{
	const char *channel, *why = NULL;
	int64_t n = 0, now = tp_now();
	int r = srv_message_check(w, pid, "survey", &channel, &why);
	if (r == 0 && !why) {
		r = tp_db_int(w, &n, "SELECT count(*) FROM conversations WHERE participant_id = ?"
				     " AND session_id = ? AND form = ?", "iit", pid, session, f->key);
		if (n)
			why = "it was sent to her before";
	}
	if (r == 0 && !why) {
		r = tp_db_int(w, &n, "SELECT count(*) FROM responses WHERE participant_id = ?"
				     " AND session_id = ? AND form = ?", "iit", pid, session, f->key);
		if (n)
			why = "she has answered it already";
	}
	if (r < 0)
		return r;
	if (why) {
		json_array_append_new(skipped, json_pack("{s:I, s:s, s:s}", "participant_id",
							 (json_int_t)pid, "alias", alias, "reason", why));
		return 0;
	}
	struct srv_survey s = { .participant_id = pid, .session_id = session, .form = f };
	int64_t expires = now + SRV_SURVEY_SECONDS;
	r = srv_conversation_open(w, pid, "survey", 0, session, f->key, expires, &s.id);
	if (r == 0)
		r = srv_participant_lang(w, pid, s.lang);
	if (r == 0)
		r = srv_survey_ask(w, &s, true, false, expires);
	if (r == 0)
		json_array_append_new(queued, json_pack("{s:I, s:s, s:I}", "participant_id",
							(json_int_t)pid, "alias", alias,
							"conversation_id", (json_int_t)s.id));
	return r;
}

int srv_session_survey(struct tp_http_request *req)
{
	static const char *const keys[] = { "form", NULL };
	struct srv_app *app = srv_app_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	int64_t session = srv_param_id(req, 0);
	json_t *in = NULL;
	const char *form_key = NULL;
	int r = req->body.len ? tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e)
			      : 0;
	if (r == 0 && in)
		r = tp_json_only_keys(in, keys, &e);
	if (r == 0 && in)
		r = tp_json_text(in, "form", false, TP_FORM_KEY_MAX, false, &form_key, &e);
	if (r < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	json_t *queued = json_array(), *skipped = json_array();
	const struct tp_form *f = NULL;
	sqlite3 *w;
	r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		goto out;
	sqlite3_stmt *st;
	r = tp_db_prepare(w, &st, "SELECT s.status, s.starts_at, g.feedback_form FROM sessions s"
				  " JOIN groups g ON g.id = s.group_id WHERE s.id = ?"
				  " AND s.archived_at IS NULL", "i", session);
	if (r == 0) {
		int found = tp_db_step(st);
		if (found == 1) {
			const char *key = form_key ? form_key : tp_db_col_text(st, 2);
			f = srv_form_find(key);
			const char *word = f ? srv_form_revealing(f->def) : NULL;
			if (strcmp(tp_db_col_text(st, 0), "cancelled") == 0)
				r = tp_error_set(&e, 409, "session_cancelled", NULL,
						 "the session was cancelled");
			else if (sqlite3_column_int64(st, 1) > tp_now())
				r = tp_error_set(&e, 409, "not_yet", NULL, "the session has not started"
						 " yet: its survey goes to those who attended");
			else if (!f)
				r = tp_error_set(&e, 400, "invalid_field", "form", "there is no form"
						 " \"%s\" (the forms are: %s)", key, srv_form_keys());
			else if (word)
				r = tp_error_set(&e, 409, "form_not_discreet", "form", "the form \"%s\""
						 " says \"%s\", which must not reach her phone: use it on"
						 " the kiosk", f->key, word);
		} else if (found == 0) {
			r = tp_error_set(&e, 404, "not_found", NULL, "there is no session with id %s",
					 req->params[0]);
		} else {
			r = found;
		}
		sqlite3_finalize(st);
	}
	if (r == 0)
		r = tp_db_prepare(w, &st, "SELECT p.id, p.alias FROM attendance a JOIN participants p"
					  " ON p.id = a.participant_id WHERE a.session_id = ?"
					  " AND a.undone_at IS NULL AND p.archived_at IS NULL"
					  " ORDER BY a.id", "i", session);
	if (r == 0) {
		while ((r = tp_db_step(st)) == 1) {
			int64_t pid = sqlite3_column_int64(st, 0);
			char *alias = tp_xstrdup(tp_db_col_text(st, 1));
			r = srv_survey_send_one(w, f, session, pid, alias, queued, skipped);
			free(alias);
			if (r < 0)
				break;
		}
		sqlite3_finalize(st);
	}
	if (r == 0) {
		json_t *detail = json_pack("{s:s, s:I, s:I}", "form", f->key, "queued",
					   (json_int_t)json_array_size(queued), "skipped",
					   (json_int_t)json_array_size(skipped));
		r = srv_audit(w, srv_actor_of(req), "send_survey", "session", session, detail);
		json_decref(detail);
	}
	r = srv_store_write_end(&app->store, r);
out:
	json_decref(in);
	if (r < 0) {
		json_decref(queued);
		json_decref(skipped);
		return e.status ? srv_reply_error(req, &e) : r;
	}
	return tp_http_reply_json(req, 200, json_pack("{s:I, s:s, s:o, s:o}", "session_id",
						      (json_int_t)session, "form", f->key, "queued",
						      queued, "skipped", skipped));
}
