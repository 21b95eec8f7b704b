/* Local scan decisions; see scan.h. */
#include "scan.h"
#include "outbox.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_time.h"
#include "tp_token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIOSK_OPEN_BEFORE (30 * 60)
#define KIOSK_OPEN_AFTER (30 * 60)

#define KIOSK_SESSION_COLUMNS "id, title, group_name, number, starts_at, ends_at, venue, form, status"

static json_t *kiosk_session_row(sqlite3_stmt *st)
{
	json_t *s = json_pack("{s:I, s:s?, s:s?, s:I, s:s?, s:s?, s:s}",
			      "id", (json_int_t)sqlite3_column_int64(st, 0),
			      "title", tp_db_col_text(st, 1), "group_name", tp_db_col_text(st, 2),
			      "number", (json_int_t)sqlite3_column_int64(st, 3),
			      "venue", tp_db_col_text(st, 6), "form", tp_db_col_text(st, 7),
			      "status", tp_db_col_text(st, 8));
	tp_json_set_time(s, "starts_at", sqlite3_column_int64(st, 4));
	tp_json_set_time(s, "ends_at", sqlite3_column_int64(st, 5));
	return s;
}

json_t *kiosk_open_sessions(sqlite3 *db, int64_t now)
{
	json_t *list = json_array();
	sqlite3_stmt *st;
	if (tp_db_prepare(db, &st, "SELECT " KIOSK_SESSION_COLUMNS " FROM sessions"
				   " WHERE status = 'planned' AND starts_at - ? <= ? AND ends_at + ? >= ?"
				   " ORDER BY starts_at, id",
			  "iiii", (int64_t)KIOSK_OPEN_BEFORE, now, (int64_t)KIOSK_OPEN_AFTER, now) < 0)
		return list;
	while (tp_db_step(st) == 1)
		json_array_append_new(list, kiosk_session_row(st));
	sqlite3_finalize(st);
	return list;
}

json_t *kiosk_session_json(sqlite3 *db, int64_t session_id)
{
	sqlite3_stmt *st;
	json_t *s = NULL;
	if (tp_db_prepare(db, &st, "SELECT " KIOSK_SESSION_COLUMNS " FROM sessions WHERE id = ?",
			  "i", session_id) < 0)
		return NULL;
	if (tp_db_step(st) == 1)
		s = kiosk_session_row(st);
	sqlite3_finalize(st);
	return s;
}

/* Picks the session for a scan; sets *out's result when none can be picked. */
static json_t *kiosk_pick_session(sqlite3 *db, int64_t session_id, json_t *out)
{
	json_t *open = kiosk_open_sessions(db, tp_now());
	json_t *chosen = NULL;
	size_t i;
	json_t *s;
	json_array_foreach(open, i, s) {
		if (session_id ? json_integer_value(json_object_get(s, "id")) == session_id
			       : json_array_size(open) == 1)
			chosen = json_incref(s);
	}
	if (!chosen) {
		bool choose = !session_id && json_array_size(open) > 1;
		json_object_set_new(out, "result", json_string(choose ? "choose_session"
								       : "no_session"));
		if (choose)
			json_object_set(out, "sessions", open);
	}
	json_decref(open);
	return chosen;
}

/* Records a sign-in and its event, unless she is signed in already. */
static int kiosk_record(sqlite3 *db, struct kiosk_app *app, json_t *session, const char *who,
			int64_t participant_id, const char *alias, const char *method,
			bool walk_in, json_t *event, bool *already)
{
	int64_t session_id = json_integer_value(json_object_get(session, "id"));
	int64_t n = 0;
	int r = tp_db_int(db, &n, "SELECT count(*) FROM signins WHERE session_id = ? AND"
				  " (who = ? OR (participant_id IS NOT NULL AND participant_id = ?))",
			  "iti", session_id, who, participant_id);
	if (r < 0)
		return r;
	*already = n > 0;
	if (*already)
		return 0;
	int64_t now = tp_now();
	r = tp_db_run(db, "INSERT INTO signins (session_id, who, participant_id, alias, method,"
			  " walk_in, at, source) VALUES (?, ?, nullif(?, 0), ?, ?, ?, ?, 'local')",
		      "itittIi", session_id, who, participant_id, alias, method, walk_in ? 1 : 0,
		      now);
	if (r < 0)
		return r;
	json_object_set_new(event, "session_id", json_integer(session_id));
	char when[32];
	tp_time_format_utc(now, when);
	json_object_set_new(event, "scanned_at", json_string(when));
	char *summary = tp_xasprintf("%s: %s", alias ? alias : "?", method);
	r = kiosk_outbox_add(db, app, "checkin", event, summary, session_id, who);
	free(summary);
	return r;
}

int kiosk_scan(struct kiosk_app *app, const char *code, int64_t session_id, json_t **out)
{
	*out = json_object();
	char token[TP_CARD_TOKEN_LEN + 1];
	if (tp_card_token_normalize(code, token) < 0) {
		json_object_set_new(*out, "result", json_string("unknown_card"));
		return 0;
	}
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	json_t *session = kiosk_pick_session(db, session_id, *out);
	if (!session)
		return tp_db_writer_end(&app->db, 0);
	json_object_set(*out, "session", session);
	int64_t revoked = 0;
	r = tp_db_int(db, &revoked, "SELECT count(*) FROM revoked_cards WHERE token = ?", "t",
		      token);
	if (r == 0 && revoked) {
		json_object_set_new(*out, "result", json_string("revoked"));
		json_decref(session);
		return tp_db_writer_end(&app->db, 0);
	}
	int64_t sid = json_integer_value(json_object_get(session, "id"));
	int64_t participant = 0, enrolled = 0;
	char *alias = NULL;
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st, "SELECT c.participant_id, c.alias, e.participant_id IS NOT NULL"
				   " FROM cards c LEFT JOIN enrolled e ON e.participant_id = c.participant_id"
				   " AND e.session_id = ? WHERE c.token = ?", "it", sid, token);
	if (r == 0) {
		if (tp_db_step(st) == 1) {
			participant = sqlite3_column_int64(st, 0);
			alias = tp_xstrdup(tp_db_col_text(st, 1));
			enrolled = sqlite3_column_int(st, 2);
		}
		sqlite3_finalize(st);
	}
	char *refused = NULL;
	if (r == 0 && !participant &&
	    tp_db_text(db, &refused, "SELECT result FROM refused_cards WHERE token = ?", "t",
		       token) == 0) {
		json_object_set_new(*out, "result", json_string(refused));
		free(refused);
		json_decref(session);
		return tp_db_writer_end(&app->db, 0);
	}
	char *who = participant ? tp_xasprintf("p:%lld", (long long)participant)
				: tp_xasprintf("c:%s", token);
	json_t *event = json_pack("{s:s, s:s}", "card", token, "method", "card");
	bool already = false;
	if (r == 0)
		r = kiosk_record(db, app, session, who, participant, alias, "card",
				 participant && !enrolled, event, &already);
	json_decref(event);
	const char *result = already ? "already" : !participant ? "provisional"
			   : enrolled ? "ok" : "walk_in";
	json_object_set_new(*out, "result", json_string(result));
	if (participant) {
		json_object_set_new(*out, "participant_id", json_integer(participant));
		json_object_set_new(*out, "alias", json_string(alias));
	}
	free(alias);
	free(who);
	json_decref(session);
	r = tp_db_writer_end(&app->db, r);
	if (r >= 0 && !already)
		kiosk_wake(app, false);
	return r;
}

int kiosk_staff_checkin(struct kiosk_app *app, int64_t session_id, int64_t participant_id,
			json_t **out)
{
	*out = json_object();
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	json_t *session = kiosk_session_json(db, session_id);
	char *alias = NULL;
	int64_t enrolled = 0;
	if (session)
		r = tp_db_text(db, &alias, "SELECT alias FROM enrolled WHERE session_id = ? AND"
					   " participant_id = ?", "ii", session_id, participant_id);
	if (!session || r == -ENOENT) {
		json_object_set_new(*out, "result", json_string(session ? "unknown_person"
									: "no_session"));
		json_decref(session);
		return tp_db_writer_end(&app->db, 0);
	}
	enrolled = r == 0;
	char *who = tp_xasprintf("p:%lld", (long long)participant_id);
	json_t *event = json_pack("{s:I, s:s}", "participant_id", (json_int_t)participant_id,
				  "method", "staff");
	bool already = false;
	if (r == 0)
		r = kiosk_record(db, app, session, who, participant_id, alias, "staff", !enrolled,
				 event, &already);
	json_decref(event);
	json_object_set_new(*out, "result", json_string(already ? "already" : "ok"));
	json_object_set_new(*out, "alias", json_string(alias ? alias : ""));
	json_object_set_new(*out, "session", session);
	free(who);
	free(alias);
	r = tp_db_writer_end(&app->db, r);
	if (r >= 0 && !already)
		kiosk_wake(app, false);
	return r;
}

int kiosk_staff_undo(struct kiosk_app *app, int64_t session_id, int64_t participant_id,
		     const char *reason, json_t **out)
{
	*out = json_object();
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	char *alias = NULL;
	r = tp_db_text(db, &alias, "SELECT alias FROM signins WHERE session_id = ? AND"
				   " participant_id = ?", "ii", session_id, participant_id);
	if (r == -ENOENT) {
		json_object_set_new(*out, "result", json_string("not_signed_in"));
		return tp_db_writer_end(&app->db, 0);
	}
	if (r == 0)
		r = tp_db_run(db, "DELETE FROM signins WHERE session_id = ? AND participant_id = ?",
			      "ii", session_id, participant_id);
	json_t *event = json_pack("{s:I, s:I, s:s}", "session_id", (json_int_t)session_id,
				  "participant_id", (json_int_t)participant_id, "reason", reason);
	char *summary = tp_xasprintf("%s: undo", alias ? alias : "?");
	char *who = tp_xasprintf("p:%lld", (long long)participant_id);
	if (r == 0)
		r = kiosk_outbox_add(db, app, "undo", event, summary, session_id, who);
	free(who);
	free(summary);
	json_decref(event);
	json_object_set_new(*out, "result", json_string("undone"));
	json_object_set_new(*out, "alias", json_string(alias ? alias : ""));
	free(alias);
	r = tp_db_writer_end(&app->db, r);
	if (r >= 0)
		kiosk_wake(app, false);
	return r;
}

json_t *kiosk_roster(struct kiosk_app *app, int64_t session_id)
{
	json_t *people = json_array();
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return people;
	sqlite3_stmt *st;
	/* Enrolled people with their sign-in if any, then signed-in others. */
	int r = tp_db_prepare(db, &st,
			      "SELECT e.participant_id, e.alias, 1, s.method, s.at, s.source"
			      " FROM enrolled e LEFT JOIN signins s ON s.session_id = e.session_id"
			      "   AND s.participant_id = e.participant_id"
			      " WHERE e.session_id = ?1"
			      " UNION ALL"
			      " SELECT s.participant_id, coalesce(s.alias, '?'), 0, s.method, s.at, s.source"
			      " FROM signins s WHERE s.session_id = ?1 AND (s.participant_id IS NULL"
			      "   OR s.participant_id NOT IN (SELECT participant_id FROM enrolled"
			      "   WHERE session_id = ?1))"
			      " ORDER BY 2", "i", session_id);
	while (r == 0 && tp_db_step(st) == 1) {
		json_t *p = json_pack("{s:s, s:b}", "alias", tp_db_col_text(st, 1), "enrolled",
				      sqlite3_column_int(st, 2));
		json_object_set_new(p, "participant_id", tp_db_col_null(st, 0) ? json_null()
					: json_integer(sqlite3_column_int64(st, 0)));
		if (!tp_db_col_null(st, 3)) {
			json_t *a = json_pack("{s:s, s:s}", "method", tp_db_col_text(st, 3),
					      "source", tp_db_col_text(st, 5));
			tp_json_set_time(a, "at", sqlite3_column_int64(st, 4));
			json_object_set_new(p, "arrived", a);
		} else {
			json_object_set_new(p, "arrived", json_null());
		}
		json_array_append_new(people, p);
	}
	if (r == 0)
		sqlite3_finalize(st);
	tp_db_writer_end(&app->db, 0);
	return people;
}
