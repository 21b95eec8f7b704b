/* Messages, their history, quiet hours and opt-out; see messages.h. */
#include "messages.h"
#include "audit.h"
#include "paging.h"
#include "templates.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_time.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A one-off text from staff may wait this long by default. */
#define SRV_NOTICE_SECONDS (24 * 3600)

int srv_message_event(sqlite3 *w, int64_t id, const char *event, const char *detail)
{
	return tp_db_run(w, "INSERT INTO message_events (message_id, at, event, detail)"
			    " VALUES (?, ?, ?, ?)", "iitt", id, tp_now(), event, detail);
}

int srv_message_eventf(sqlite3 *w, int64_t id, const char *event, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *detail = tp_xvasprintf(fmt, ap);
	va_end(ap);
	int r = srv_message_event(w, id, event, detail);
	free(detail);
	return r;
}

int srv_message_check(sqlite3 *db, int64_t participant_id, const char *kind,
		      const char **channel, const char **why)
{
	*why = NULL;
	*channel = NULL;
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, "SELECT archived_at IS NOT NULL, opted_out_at IS NOT NULL,"
				       " phone IS NULL, consent, channel FROM participants"
				       " WHERE id = ?", "i", participant_id);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r < 0) {
		sqlite3_finalize(st);
		return r;
	}
	/* A sign-in code is asked for by her, now: it needs no standing
	 * consent and goes by SMS when she takes no messages otherwise. */
	bool code = strcmp(kind, "code") == 0;
	if (r == 0)
		*why = "there is no such participant";
	else if (sqlite3_column_int(st, 0))
		*why = "the participant is archived";
	else if (sqlite3_column_int(st, 1))
		*why = "opted out";
	else if (sqlite3_column_int(st, 2))
		*why = "no phone number";
	else if (!code && !sqlite3_column_int(st, 3))
		*why = "no consent";
	else if (!code && strcmp(tp_db_col_text(st, 4), "none") == 0)
		*why = "she takes no messages (channel none)";
	else
		*channel = strcmp(tp_db_col_text(st, 4), "whatsapp") == 0 ? "whatsapp" : "sms";
	sqlite3_finalize(st);
	return 0;
}

/* A time in plain words: "2026-11-24 14:00" (Hong Kong). */
static void srv_words_time(int64_t t, char out[32])
{
	char iso[32];
	tp_time_format_hk(t, iso);
	snprintf(out, 32, "%.10s %.5s", iso, iso + 11);
}

static char *srv_json_text(json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT) : NULL;
}

int srv_message_queue(sqlite3 *w, const struct srv_message_new *m, const char *by,
		      int64_t *id, const char **why_out)
{
	const char *channel, *why;
	int r = srv_message_check(w, m->participant_id, m->kind, &channel, &why);
	if (r < 0)
		return r;
	char *vars = srv_json_text(m->vars);
	char *wa = srv_json_text(m->wa_template);
	char *buttons = srv_json_text(m->buttons);
	int64_t now = tp_now();
	r = tp_db_run(w, "INSERT INTO messages (direction, participant_id, channel, to_addr, lang,"
			 " body, template, vars, wa_template, buttons, kind, not_before, deliver_by,"
			 " quiet_hours, status, reason, session_id, appointment_id, reminder_slot,"
			 " reminder_for, conversation_id, created_by, created_at, updated_at)"
			 " SELECT 'out', p.id, ?, p.phone, p.lang, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			 " nullif(?, 0), nullif(?, 0), ?, nullif(?, 0), nullif(?, 0), ?, ?, ?"
			 " FROM participants p WHERE p.id = ?",
		      "tttttttiiIttiitiitiii", channel ? channel : "sms", m->body, m->template_key,
		      vars, wa, buttons, m->kind, m->not_before, m->deliver_by,
		      m->quiet_hours ? 1 : 0, why ? "failed" : "queued", why, m->session_id,
		      m->appointment_id, m->reminder_slot, m->reminder_for, m->conversation_id,
		      by, now, now, m->participant_id);
	free(vars);
	free(wa);
	free(buttons);
	if (r < 0)
		return r;
	if (sqlite3_changes(w) != 1)
		return -ENOENT;
	*id = sqlite3_last_insert_rowid(w);
	if (why) {
		r = srv_message_eventf(w, *id, "failed", "not sent: %s", why);
	} else {
		char from[32], until[32];
		srv_words_time(m->not_before, from);
		srv_words_time(m->deliver_by, until);
		r = srv_message_eventf(w, *id, "queued", "to go by %s from %s, until %s at the latest",
				       channel, from, until);
	}
	if (why_out)
		*why_out = why;
	return r;
}

int srv_message_ids(sqlite3 *db, json_t **ids, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	va_start(ap, types);
	int r = tp_db_vprepare(db, &st, sql, types, ap);
	va_end(ap);
	if (r < 0)
		return r;
	*ids = json_array();
	while ((r = tp_db_step(st)) == 1)
		json_array_append_new(*ids, json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(*ids);
		*ids = NULL;
	}
	return r;
}

int srv_message_withdraw(sqlite3 *w, int64_t id, const char *why)
{
	int64_t now = tp_now();
	int r = tp_db_run(w, "UPDATE messages SET status = 'withdrawn', reason = ?, updated_at = ?"
			     " WHERE id = ?", "tii", why, now, id);
	/* A reminder never sent asks nothing: its question closes. */
	if (r == 0)
		r = tp_db_run(w, "UPDATE conversations SET status = 'closed', updated_at = ?"
				 " WHERE kind = 'reminder' AND status = 'open' AND id = (SELECT"
				 " conversation_id FROM messages WHERE id = ?)", "ii", now, id);
	return r < 0 ? r : srv_message_event(w, id, "withdrawn", why);
}

int srv_participant_lang(sqlite3 *db, int64_t participant_id, char out[8])
{
	char *lang = NULL;
	int r = tp_db_text(db, &lang, "SELECT lang FROM participants WHERE id = ?", "i",
			   participant_id);
	snprintf(out, 8, "%s", r == 0 && lang && strcmp(lang, "en") == 0 ? "en" : "zh-HK");
	free(lang);
	return r;
}

int srv_message_queue_template(sqlite3 *w, struct srv_message_new *m, const char *key,
			       json_t *vars, const char *by, int64_t *id, const char **why)
{
	char lang[8];
	int r = srv_participant_lang(w, m->participant_id, lang);
	if (r < 0)
		return r;
	char *body = NULL;
	json_t *wa = NULL, *buttons = NULL;
	r = srv_template_render(key, lang, vars, &body, &wa, &buttons);
	if (r == 0) {
		m->body = body;
		m->template_key = key;
		m->vars = vars;
		m->wa_template = wa;
		m->buttons = buttons;
		r = srv_message_queue(w, m, by, id, why);
		m->body = NULL;
		m->wa_template = m->buttons = NULL;
	}
	free(body);
	json_decref(wa);
	json_decref(buttons);
	return r;
}

/* Withdraws what still waits for her: queued, or claimed by a lease that
 * has run out (a live lease is being sent right now). */
static int srv_messages_withdraw_for(sqlite3 *w, int64_t participant_id, const char *reason)
{
	json_t *ids = NULL;
	int r = srv_message_ids(w, &ids, "SELECT id FROM messages WHERE participant_id = ?"
				    " AND direction = 'out' AND (status = 'queued' OR"
				    " (status = 'claimed' AND lease_until <= ?))", "ii",
				participant_id, tp_now());
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		if (r < 0)
			break;
		r = srv_message_withdraw(w, json_integer_value(v), reason);
	}
	json_decref(ids);
	return r;
}

int srv_participant_opt_out(sqlite3 *w, int64_t participant_id, const char *how,
			    const struct srv_actor *actor)
{
	int r = tp_db_run(w, "UPDATE participants SET opted_out_at = ?, opted_out_how = ?"
			     " WHERE id = ? AND opted_out_at IS NULL", "iti", tp_now(), how,
			  participant_id);
	if (r < 0 || sqlite3_changes(w) == 0)
		return r;
	json_t *detail = json_pack("{s:s}", "how", how);
	r = srv_audit(w, actor, "opt_out", "participant", participant_id, detail);
	json_decref(detail);
	char *why = tp_xasprintf("opted out: %s", how);
	if (r == 0)
		r = srv_messages_withdraw_for(w, participant_id, why);
	free(why);
	return r;
}

int srv_quiet_parse(const char *text, int *start, int *end)
{
	*start = *end = 0;
	if (!text || !*text || strcmp(text, "none") == 0)
		return 0;
	int h1, m1, h2, m2, n = 0;
	if (sscanf(text, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &n) != 4 ||
	    text[n] != '\0' || h1 < 0 || h1 > 23 || m1 < 0 || m1 > 59 || h2 < 0 || h2 > 23 ||
	    m2 < 0 || m2 > 59)
		return -EINVAL;
	*start = h1 * 60 + m1;
	*end = h2 * 60 + m2;
	return 0;
}

int64_t srv_quiet_until(const struct srv_app *app, int64_t t)
{
	int start = app->quiet_start, end = app->quiet_end;
	if (start == end)
		return 0;
	int64_t local = t + TP_HK_OFFSET;
	int64_t into = ((local % 86400) + 86400) % 86400;
	int64_t midnight = t - into;
	int64_t minute = into / 60;
	if (start < end)
		return minute >= start && minute < end ? midnight + end * 60 : 0;
	/* Over midnight: 21:00-09:00. */
	if (minute >= start)
		return midnight + 86400 + end * 60;
	if (minute < end)
		return midnight + end * 60;
	return 0;
}

#define SRV_MESSAGE_COLUMNS \
	"m.id, m.direction, m.participant_id, p.alias, m.channel, m.to_addr, m.from_addr," \
	" m.lang, m.body, m.template, m.kind, m.not_before, m.deliver_by, m.quiet_hours," \
	" m.status, m.attempts, m.provider, m.provider_id, m.error_code, m.reason," \
	" m.button_id, m.sent_at, m.session_id, m.created_by, m.created_at, m.updated_at," \
	" m.appointment_id, m.conversation_id, m.handled, m.handled_by, m.handled_at" \
	" FROM messages m LEFT JOIN participants p ON p.id = m.participant_id"

static json_t *srv_col_int(sqlite3_stmt *st, int col)
{
	return tp_db_col_null(st, col) ? json_null() : json_integer(sqlite3_column_int64(st, col));
}

static void srv_col_time(json_t *o, const char *key, sqlite3_stmt *st, int col)
{
	tp_json_set_time(o, key, tp_db_col_null(st, col) ? 0 : sqlite3_column_int64(st, col));
}

static json_t *srv_message_row(sqlite3_stmt *st)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	tp_json_set_text(o, "direction", tp_db_col_text(st, 1));
	json_object_set_new(o, "participant_id", srv_col_int(st, 2));
	tp_json_set_text(o, "alias", tp_db_col_text(st, 3));
	tp_json_set_text(o, "channel", tp_db_col_text(st, 4));
	tp_json_set_text(o, "to", tp_db_col_text(st, 5));
	tp_json_set_text(o, "from", tp_db_col_text(st, 6));
	tp_json_set_text(o, "lang", tp_db_col_text(st, 7));
	/* A sign-in code is for her eyes: staff see the text without it. */
	const char *body = tp_db_col_text(st, 8);
	if (body && strcmp(tp_db_col_text(st, 10), "code") == 0) {
		char *masked = tp_xstrdup(body);
		for (char *c = masked; *c; c++)
			if (*c >= '0' && *c <= '9')
				*c = '*';
		json_object_set_new(o, "body", json_string(masked));
		free(masked);
	} else {
		tp_json_set_text(o, "body", body);
	}
	tp_json_set_text(o, "template", tp_db_col_text(st, 9));
	tp_json_set_text(o, "kind", tp_db_col_text(st, 10));
	srv_col_time(o, "not_before", st, 11);
	srv_col_time(o, "deliver_by", st, 12);
	json_object_set_new(o, "quiet_hours", json_boolean(sqlite3_column_int(st, 13)));
	tp_json_set_text(o, "status", tp_db_col_text(st, 14));
	json_object_set_new(o, "attempts", json_integer(sqlite3_column_int64(st, 15)));
	tp_json_set_text(o, "provider", tp_db_col_text(st, 16));
	tp_json_set_text(o, "provider_id", tp_db_col_text(st, 17));
	tp_json_set_text(o, "error_code", tp_db_col_text(st, 18));
	tp_json_set_text(o, "reason", tp_db_col_text(st, 19));
	tp_json_set_text(o, "button_id", tp_db_col_text(st, 20));
	srv_col_time(o, "sent_at", st, 21);
	json_object_set_new(o, "session_id", srv_col_int(st, 22));
	tp_json_set_text(o, "created_by", tp_db_col_text(st, 23));
	srv_col_time(o, "created_at", st, 24);
	srv_col_time(o, "updated_at", st, 25);
	json_object_set_new(o, "appointment_id", srv_col_int(st, 26));
	json_object_set_new(o, "conversation_id", srv_col_int(st, 27));
	tp_json_set_text(o, "handled", tp_db_col_text(st, 28));
	json_object_set_new(o, "handled_by", srv_col_int(st, 29));
	srv_col_time(o, "handled_at", st, 30);
	return o;
}

/* The history of message id in plain words, oldest first. */
static int srv_message_history(sqlite3 *db, int64_t id, json_t **out)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, "SELECT at, event, detail FROM message_events"
				       " WHERE message_id = ? ORDER BY id", "i", id);
	if (r < 0)
		return r;
	json_t *items = json_array();
	while ((r = tp_db_step(st)) == 1) {
		const char *event = tp_db_col_text(st, 1), *detail = tp_db_col_text(st, 2);
		json_t *o = json_object();
		tp_json_set_time(o, "at", sqlite3_column_int64(st, 0));
		tp_json_set_text(o, "event", event);
		tp_json_set_text(o, "detail", detail);
		char *text = detail ? tp_xasprintf("%s: %s", event, detail) : tp_xstrdup(event);
		json_object_set_new(o, "text", json_string(text));
		free(text);
		json_array_append_new(items, o);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(items);
		return r;
	}
	*out = items;
	return 0;
}

int srv_message_json(sqlite3 *db, int64_t id, bool history, json_t **out)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, "SELECT " SRV_MESSAGE_COLUMNS " WHERE m.id = ?", "i", id);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 1)
		*out = srv_message_row(st);
	sqlite3_finalize(st);
	if (r <= 0)
		return r < 0 ? r : -ENOENT;
	if (history) {
		json_t *h = NULL;
		r = srv_message_history(db, id, &h);
		if (r < 0) {
			json_decref(*out);
			*out = NULL;
			return r;
		}
		json_object_set_new(*out, "history", h);
	}
	return 0;
}

/* Newest first, with each message's history; filters from the query. */
static int srv_messages_reply(struct tp_http_request *req, int64_t participant_id)
{
	struct tp_error e;
	tp_error_clear(&e);
	struct srv_page page;
	int64_t pid = participant_id;
	if (srv_page_parse(req, &page, &e) < 0 ||
	    (!pid && srv_query_id(req, "participant_id", &pid, &e) < 0))
		return srv_reply_error(req, &e);
	const char *direction = tp_http_query(req, "direction");
	const char *status = tp_http_query(req, "status");
	const char *kind = tp_http_query(req, "kind");
	if (direction && strcmp(direction, "in") != 0 && strcmp(direction, "out") != 0) {
		tp_error_set(&e, 400, "invalid_query", "direction", "must be in or out");
		return srv_reply_error(req, &e);
	}
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, "SELECT " SRV_MESSAGE_COLUMNS
				       " WHERE (?1 = 0 OR m.id < ?1) AND (?2 = 0 OR m.participant_id = ?2)"
				       "   AND (?3 IS NULL OR m.direction = ?3)"
				       "   AND (?4 IS NULL OR m.status = ?4)"
				       "   AND (?5 IS NULL OR m.kind = ?5)"
				       " ORDER BY m.id DESC LIMIT ?6",
			      "iitttI", page.after, pid, direction, status, kind, page.limit + 1);
	if (r < 0)
		return r;
	json_t *items = json_array();
	int64_t last = 0;
	int n = 0;
	while ((r = tp_db_step(st)) == 1) {
		if (n++ == page.limit)
			break;
		json_t *o = srv_message_row(st);
		last = sqlite3_column_int64(st, 0);
		json_t *h = NULL;
		r = srv_message_history(db, last, &h);
		if (r < 0) {
			json_decref(o);
			break;
		}
		json_object_set_new(o, "history", h);
		json_array_append_new(items, o);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(items);
		return r;
	}
	return srv_page_reply(req, items, n > page.limit ? last : 0);
}

int srv_messages_list(struct tp_http_request *req)
{
	return srv_messages_reply(req, 0);
}

int srv_participant_messages(struct tp_http_request *req)
{
	int64_t id = srv_param_id(req, 0);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	int64_t found = 0;
	int r = id ? tp_db_int(db, &found, "SELECT id FROM participants WHERE id = ?", "i", id)
		   : -ENOENT;
	if (r == -ENOENT)
		return tp_http_reply_error(req, 404, "not_found", "there is no participant with id %s",
					   req->params[0]);
	if (r < 0)
		return r;
	return srv_messages_reply(req, id);
}

int srv_message_get(struct tp_http_request *req)
{
	int64_t id = srv_param_id(req, 0);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	json_t *out = NULL;
	int r = id ? srv_message_json(db, id, true, &out) : -ENOENT;
	if (r == -ENOENT)
		return tp_http_reply_error(req, 404, "not_found", "there is no message with id %s",
					   req->params[0]);
	if (r < 0)
		return r;
	return tp_http_reply_json(req, 200, out);
}

int srv_message_post(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	const struct srv_actor *actor = srv_actor_of(req);
	static const char *const keys[] = { "participant_id", "body", "not_before", "deliver_by",
					    "quiet_hours", NULL };
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	const char *body = NULL;
	int64_t pid = 0, now = tp_now(), not_before = now, deliver_by = 0;
	bool quiet = true;
	int r = tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e);
	if (r >= 0)
		r = tp_json_only_keys(in, keys, &e);
	if (r >= 0)
		r = tp_json_int(in, "participant_id", true, 1, INT64_MAX, &pid, &e);
	if (r >= 0)
		r = tp_json_text(in, "body", true, 1000, true, &body, &e);
	if (r >= 0)
		r = tp_json_time(in, "not_before", false, &not_before, &e);
	if (r >= 0)
		r = tp_json_time(in, "deliver_by", false, &deliver_by, &e);
	if (r >= 0)
		r = tp_json_bool(in, "quiet_hours", false, &quiet, &e);
	if (r >= 0 && !deliver_by)
		deliver_by = (not_before > now ? not_before : now) + SRV_NOTICE_SECONDS;
	if (r >= 0 && deliver_by <= now)
		r = tp_error_set(&e, 400, "invalid_field", "deliver_by", "is in the past");
	if (r >= 0 && deliver_by <= not_before)
		r = tp_error_set(&e, 400, "invalid_field", "deliver_by", "must be after not_before");
	if (r < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	struct srv_message_new m = { .participant_id = pid, .kind = "notice", .body = body,
				     .not_before = not_before, .deliver_by = deliver_by,
				     .quiet_hours = quiet };
	int64_t id = 0;
	json_t *out = NULL;
	sqlite3 *w;
	r = srv_store_write_begin(&app->store, &w);
	if (r < 0) {
		json_decref(in);
		return r;
	}
	const char *channel, *why;
	r = srv_message_check(w, pid, "notice", &channel, &why);
	if (r == 0 && why && strcmp(why, "there is no such participant") == 0)
		r = tp_error_set(&e, 400, "unknown_reference", "participant_id", "%s", why);
	else if (r == 0 && why)
		r = tp_error_set(&e, 409, "cannot_message", "participant_id",
				 "she cannot be sent messages: %s", why);
	if (r == 0)
		r = srv_message_queue(w, &m, actor->label, &id, NULL);
	if (r == 0) {
		json_t *detail = json_pack("{s:s}", "kind", "notice");
		r = srv_audit(w, actor, "create", "message", id, detail);
		json_decref(detail);
	}
	if (r == 0)
		r = srv_message_json(w, id, true, &out);
	r = srv_store_write_end(&app->store, r);
	json_decref(in);
	if (r < 0) {
		json_decref(out);
		return e.status ? srv_reply_error(req, &e) : r;
	}
	return tp_http_reply_json(req, 201, out);
}
