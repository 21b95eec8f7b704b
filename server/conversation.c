/* The conversation engine; see conversation.h. */
#include "conversation.h"
#include "audit.h"
#include "messages.h"
#include "surveys.h"
#include "templates.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_log.h"
#include "tp_reply.h"
#include "tp_time.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The engine's replies may wait this long for a gateway. */
#define SRV_REPLY_SECONDS 3600

int srv_conversation_open(sqlite3 *w, int64_t participant_id, const char *kind,
			  int64_t appointment_id, int64_t session_id, const char *form,
			  int64_t expires_at, int64_t *id)
{
	int64_t now = tp_now();
	int r = 0;
	if (appointment_id)
		r = tp_db_run(w, "UPDATE conversations SET status = 'closed', updated_at = ?"
				 " WHERE appointment_id = ? AND participant_id = ? AND status = 'open'",
			      "iii", now, appointment_id, participant_id);
	if (r == 0)
		r = tp_db_run(w, "INSERT INTO conversations (participant_id, kind, appointment_id,"
				 " session_id, form, expires_at, created_at, updated_at)"
				 " VALUES (?, ?, nullif(?, 0), nullif(?, 0), ?, ?, ?, ?)", "itiitiii",
			      participant_id, kind, appointment_id, session_id, form, expires_at,
			      now, now);
	if (r == 0)
		*id = sqlite3_last_insert_rowid(w);
	return r;
}

int srv_conversation_handled(sqlite3 *w, int64_t message_id, int64_t conversation_id,
			     const char *handled, const char *detail)
{
	int r = tp_db_run(w, "UPDATE messages SET handled = ?, conversation_id = nullif(?, 0),"
			     " updated_at = ? WHERE id = ?", "tiii", handled, conversation_id,
			  tp_now(), message_id);
	return r < 0 ? r : srv_message_event(w, message_id, handled, detail);
}

int srv_conversation_reply(sqlite3 *w, int64_t participant_id, int64_t conversation_id,
			   const char *key, json_t *vars)
{
	int64_t now = tp_now(), id = 0;
	struct srv_message_new m = {
		.participant_id = participant_id, .kind = "reply", .not_before = now,
		.deliver_by = now + SRV_REPLY_SECONDS, .quiet_hours = false,
		.conversation_id = conversation_id,
	};
	json_t *none = vars ? NULL : json_object();
	int r = srv_message_queue_template(w, &m, key, vars ? vars : none, "conversation", &id,
					   NULL);
	json_decref(none);
	return r;
}

/* Ends her open conversations (she opted out). */
static int srv_conversations_end(sqlite3 *w, int64_t pid, const char *status)
{
	return tp_db_run(w, "UPDATE conversations SET status = ?, updated_at = ?"
			    " WHERE participant_id = ? AND status = 'open'", "tii", status,
			 tp_now(), pid);
}

static int srv_inbound_stop(sqlite3 *w, const struct srv_actor *actor, int64_t msg,
			    int64_t pid)
{
	int r = srv_participant_opt_out(w, pid, "replied STOP", actor);
	if (r == 0)
		r = srv_conversations_end(w, pid, "stopped");
	return r < 0 ? r : srv_conversation_handled(w, msg, 0, "stop", "replied STOP: she is sent"
						    " nothing more until she replies START");
}

static int srv_inbound_start(sqlite3 *w, const struct srv_actor *actor, int64_t msg,
			     int64_t pid)
{
	int r = tp_db_run(w, "UPDATE participants SET opted_out_at = NULL, opted_out_how = NULL"
			     " WHERE id = ? AND opted_out_at IS NOT NULL", "i", pid);
	if (r < 0)
		return r;
	if (sqlite3_changes(w) == 0)
		return srv_conversation_handled(w, msg, 0, "start", "replied START; she was not"
						" opted out");
	r = srv_audit(w, actor, "opt_in", "participant", pid, NULL);
	if (r == 0)
		r = srv_conversation_handled(w, msg, 0, "start", "replied START: she gets messages"
					     " again");
	return r < 0 ? r : srv_conversation_reply(w, pid, 0, "started", NULL);
}

/* Whether she sent the very same text in the last day and it was not read
 * as anything: an automatic reply, answered once already at most. */
static int srv_inbound_repeated(sqlite3 *w, int64_t msg, int64_t pid, const char *body,
				bool *repeated)
{
	int64_t n = 0;
	int r = tp_db_int(w, &n, "SELECT count(*) FROM messages WHERE direction = 'in'"
				 " AND participant_id = ? AND id != ? AND body = ? AND created_at > ?"
				 " AND handled IN ('reprompt', 'inbox', 'rested')", "iiti", pid, msg,
			  body, tp_now() - 86400);
	*repeated = n > 0;
	return r;
}

/* A reply to a reminder's question: 1 (or yes) confirms, 2 asks for a
 * change; another number gets one re-prompt; words go to the inbox. */
static int srv_inbound_reminder(sqlite3 *w, const struct srv_actor *actor, int64_t msg,
				int64_t pid, int64_t conv, int64_t appointment, int64_t expires,
				int reprompts, const char *text, bool repeated)
{
	int64_t n = -1, starts = 0, now = tp_now();
	if (tp_reply_number(text, &n) < 0 && tp_reply_yes_no(text) == 1)
		n = 1;
	char *status = NULL;
	int r = tp_db_text(w, &status, "SELECT CASE WHEN archived_at IS NULL THEN status"
				       " ELSE 'removed' END FROM appointments WHERE id = ?", "i",
			   appointment);
	if (r == 0)
		r = tp_db_int(w, &starts, "SELECT starts_at FROM appointments WHERE id = ?", "i",
			      appointment);
	if (r < 0) {
		free(status);
		return r;
	}
	bool live = (strcmp(status, "scheduled") == 0 || strcmp(status, "confirmed") == 0) &&
		    starts == expires;
	free(status);
	if (!live) {
		/* Cancelled, moved or changed since she was asked: a worker reads it. */
		r = tp_db_run(w, "UPDATE conversations SET status = 'closed', updated_at = ?"
				 " WHERE id = ?", "ii", now, conv);
		return r < 0 ? r : srv_conversation_handled(w, msg, conv, "inbox", "the appointment it"
							    " answers has changed since: to the"
							    " workers' inbox");
	}
	if (n == 1 || n == 2) {
		const char *to = n == 1 ? "confirmed" : "change_requested";
		r = tp_db_run(w, "UPDATE appointments SET status = ?, updated_at = ? WHERE id = ?",
			      "tii", to, now, appointment);
		json_t *detail = json_pack("{s:s, s:I}", "status", to, "message_id",
					   (json_int_t)msg);
		if (r == 0)
			r = srv_audit(w, actor, "update", "appointment", appointment, detail);
		json_decref(detail);
		if (r == 0)
			r = tp_db_run(w, "UPDATE conversations SET status = 'answered', updated_at = ?"
					 " WHERE id = ?", "ii", now, conv);
		if (r == 0 && n == 1)
			r = srv_conversation_handled(w, msg, conv, "confirmed", "read as 1: she confirmed"
						     " the appointment");
		else if (r == 0)
			r = srv_conversation_handled(w, msg, conv, "change", "read as 2: she asks to change"
						     " the appointment; flagged for the worker");
		if (r < 0)
			return r;
		char lang[8], when[64];
		r = srv_participant_lang(w, pid, lang);
		srv_template_time(starts, lang, when);
		json_t *vars = json_pack("{s:s}", "time", when);
		if (r == 0)
			r = srv_conversation_reply(w, pid, conv, n == 1 ? "confirmed"
						   : "change_requested", vars);
		json_decref(vars);
		return r;
	}
	if (n < 0 || repeated)
		return srv_conversation_handled(w, msg, conv, "inbox", n < 0 ? "not an answer: to the"
						" workers' inbox" : "the same text again: to the"
						" workers' inbox, not answered twice");
	if (reprompts == 0) {
		r = tp_db_run(w, "UPDATE conversations SET reprompts = 1, updated_at = ? WHERE id = ?",
			      "ii", now, conv);
		if (r == 0)
			r = srv_conversation_handled(w, msg, conv, "reprompt", "not 1 or 2: asked once more");
		return r < 0 ? r : srv_conversation_reply(w, pid, conv, "reprompt_reminder", NULL);
	}
	r = tp_db_run(w, "UPDATE conversations SET status = 'rested', updated_at = ? WHERE id = ?",
		      "ii", now, conv);
	return r < 0 ? r : srv_conversation_handled(w, msg, conv, "inbox", "still not 1 or 2: the"
						    " question rests; to the workers' inbox");
}

int srv_conversation_inbound(sqlite3 *w, const struct srv_actor *actor, int64_t message_id)
{
	sqlite3_stmt *st;
	int r = tp_db_row(w, &st, "SELECT m.participant_id, m.body, m.button_id,"
				  " p.opted_out_at IS NOT NULL FROM messages m"
				  " JOIN participants p ON p.id = m.participant_id WHERE m.id = ?",
			  "i", message_id);
	if (r <= 0)
		return r;
	int64_t pid = sqlite3_column_int64(st, 0);
	char *body = tp_xstrdup(tp_db_col_text(st, 1));
	char *button = tp_db_col_null(st, 2) ? NULL : tp_xstrdup(tp_db_col_text(st, 2));
	bool opted_out = sqlite3_column_int(st, 3);
	sqlite3_finalize(st);
	/* A button's id is what she chose; the words on it are not read. */
	const char *text = button ? button : body;
	enum tp_reply_keyword kw = tp_reply_keyword(body);
	bool repeated = false;
	if (kw == TP_REPLY_STOP) {
		r = srv_inbound_stop(w, actor, message_id, pid);
	} else if (kw == TP_REPLY_START) {
		r = srv_inbound_start(w, actor, message_id, pid);
	} else if (opted_out) {
		r = srv_conversation_handled(w, message_id, 0, "inbox", "she is opted out: to the"
					     " workers' inbox, not answered");
	} else if ((r = srv_inbound_repeated(w, message_id, pid, body, &repeated)) == 0) {
		r = tp_db_prepare(w, &st, "SELECT id, kind, appointment_id, expires_at, reprompts"
					  " FROM conversations WHERE participant_id = ?"
					  " AND status = 'open' AND expires_at > ? ORDER BY id DESC"
					  " LIMIT 1", "ii", pid, tp_now());
		if (r == 0) {
			r = tp_db_step(st);
			if (r == 0) {
				r = srv_conversation_handled(w, message_id, 0, "inbox", "no open question:"
							     " to the workers' inbox");
			} else if (r == 1) {
				int64_t conv = sqlite3_column_int64(st, 0);
				bool survey = strcmp(tp_db_col_text(st, 1), "survey") == 0;
				int64_t appointment = sqlite3_column_int64(st, 2);
				int64_t expires = sqlite3_column_int64(st, 3);
				int reprompts = sqlite3_column_int(st, 4);
				r = survey ? srv_survey_answer(w, actor, conv, message_id, text, repeated)
					   : srv_inbound_reminder(w, actor, message_id, pid, conv,
								  appointment, expires, reprompts,
								  text, repeated);
			}
			sqlite3_finalize(st);
		}
	}
	free(body);
	free(button);
	return r;
}
