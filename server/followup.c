/* The follow-up list; see followup.h. */
#include "followup.h"
#include "enrolments.h"
#include "audit.h"
#include "paging.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_time.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/*
 * Each live group with its last two sessions (s1 the latest), then each
 * live enrolment of the group whose participant signed in at neither.
 * ?1 programme id (0: all), ?2 group id (0: all), ?3 now, ?4 today
 * (YYYY-MM-DD, Hong Kong). Whether both sessions come after the
 * enrolment is checked in C, where Hong Kong dates are made.
 */
static const char srv_followup_sql[] =
	"WITH g AS (SELECT gr.id, gr.ref, gr.name, gr.programme_id, p.ref AS pref,"
	"   (SELECT s.id FROM sessions s WHERE s.group_id = gr.id AND s.archived_at IS NULL"
	"     AND s.status <> 'cancelled' AND s.ends_at <= ?3"
	"     ORDER BY s.starts_at DESC, s.id DESC LIMIT 1) AS s1,"
	"   (SELECT s.id FROM sessions s WHERE s.group_id = gr.id AND s.archived_at IS NULL"
	"     AND s.status <> 'cancelled' AND s.ends_at <= ?3"
	"     ORDER BY s.starts_at DESC, s.id DESC LIMIT 1 OFFSET 1) AS s2"
	"  FROM groups gr JOIN programmes p ON p.id = gr.programme_id"
	"  WHERE gr.archived_at IS NULL AND p.archived_at IS NULL"
	"    AND (?1 = 0 OR gr.programme_id = ?1) AND (?2 = 0 OR gr.id = ?2))"
	" SELECT pt.id, pt.ref, pt.alias, pt.phone, pt.lang, e.enrolled_on,"
	"  g.id, g.ref, g.name, g.programme_id, g.pref,"
	"  s1.id, s1.starts_at, s2.id, s2.starts_at,"
	"  (SELECT max(s.starts_at) FROM attendance a JOIN sessions s ON s.id = a.session_id"
	"    WHERE a.participant_id = e.participant_id AND s.group_id = e.group_id"
	"      AND a.undone_at IS NULL)"
	" FROM g JOIN sessions s1 ON s1.id = g.s1 JOIN sessions s2 ON s2.id = g.s2"
	" JOIN enrolments e ON e.group_id = g.id"
	" JOIN participants pt ON pt.id = e.participant_id"
	" WHERE" SRV_ENROLMENT_ON("e", "?4")
	"   AND pt.archived_at IS NULL"
	"   AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.participant_id = e.participant_id"
	"     AND a.session_id IN (g.s1, g.s2) AND a.undone_at IS NULL)"
	" ORDER BY g.programme_id, g.ref IS NULL, g.ref, g.id, pt.alias, pt.id";

/* {"session_id", "date", "starts_at"} of the session in columns col, col + 1. */
static json_t *srv_followup_session(sqlite3_stmt *st, int col)
{
	int64_t at = sqlite3_column_int64(st, col + 1);
	char date[11];
	tp_date_format_hk(at, date);
	json_t *o = json_pack("{s:I, s:s}", "session_id",
			      (json_int_t)sqlite3_column_int64(st, col), "date", date);
	tp_json_set_time(o, "starts_at", at);
	return o;
}

/* One person to call, as the actor may see her. */
static json_t *srv_followup_item(sqlite3_stmt *st, bool phones)
{
	json_t *o = json_object();
	json_object_set_new(o, "participant_id", json_integer(sqlite3_column_int64(st, 0)));
	tp_json_set_text(o, "participant_ref", tp_db_col_text(st, 1));
	tp_json_set_text(o, "alias", tp_db_col_text(st, 2));
	if (phones)
		tp_json_set_text(o, "phone", tp_db_col_text(st, 3));
	tp_json_set_text(o, "lang", tp_db_col_text(st, 4));
	json_object_set_new(o, "programme_id", json_integer(sqlite3_column_int64(st, 9)));
	tp_json_set_text(o, "programme_ref", tp_db_col_text(st, 10));
	json_object_set_new(o, "group_id", json_integer(sqlite3_column_int64(st, 6)));
	tp_json_set_text(o, "group_ref", tp_db_col_text(st, 7));
	tp_json_set_text(o, "group_name", tp_db_col_text(st, 8));
	json_t *missed = json_array();
	json_array_append_new(missed, srv_followup_session(st, 11));
	json_array_append_new(missed, srv_followup_session(st, 13));
	json_object_set_new(o, "missed", missed);
	if (tp_db_col_null(st, 15)) {
		json_object_set_new(o, "last_attended_on", json_null());
	} else {
		char last[11];
		tp_date_format_hk(sqlite3_column_int64(st, 15), last);
		json_object_set_new(o, "last_attended_on", json_string(last));
	}
	return o;
}

/* A given id must name a row of table (programmes or groups). */
static int srv_followup_exists(sqlite3 *db, const char *table, const char *field, int64_t id,
			       struct tp_error *e)
{
	if (!id)
		return 0;
	int64_t n = 0;
	int r = strcmp(table, "groups") == 0
		? tp_db_int(db, &n, "SELECT count(*) FROM groups WHERE id = ?", "i", id)
		: tp_db_int(db, &n, "SELECT count(*) FROM programmes WHERE id = ?", "i", id);
	if (r < 0)
		return r;
	if (!n)
		return tp_error_set(e, 400, "unknown_reference", field, "there is no %s with id %lld",
				    strcmp(table, "groups") == 0 ? "group" : "programme",
				    (long long)id);
	return 0;
}

int srv_followup_get(struct tp_http_request *req)
{
	const struct srv_actor *actor = srv_actor_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	int64_t programme_id = 0, group_id = 0;
	if (srv_query_id(req, "programme_id", &programme_id, &e) < 0 ||
	    srv_query_id(req, "group_id", &group_id, &e) < 0)
		return srv_reply_error(req, &e);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	int r;
	if ((r = srv_followup_exists(db, "programmes", "programme_id", programme_id, &e)) < 0 ||
	    (r = srv_followup_exists(db, "groups", "group_id", group_id, &e)) < 0)
		return e.status ? srv_reply_error(req, &e) : r;
	bool phones = actor->perm != SRV_P_VIEWER;
	int64_t now = tp_now();
	char today[11];
	tp_date_format_hk(now, today);
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st, srv_followup_sql, "iiit", programme_id, group_id, now, today);
	if (r < 0)
		return r;
	json_t *items = json_array();
	bool truncated = false;
	while ((r = tp_db_step(st)) == 1) {
		/* Both sessions on or after the day she enrolled (s2 is the
		 * earlier one). */
		char held[11];
		tp_date_format_hk(sqlite3_column_int64(st, 14), held);
		const char *enrolled = tp_db_col_text(st, 5);
		if (!enrolled || strcmp(enrolled, held) > 0)
			continue;
		if (json_array_size(items) == SRV_FOLLOWUP_MAX) {
			truncated = true;
			break;
		}
		json_array_append_new(items, srv_followup_item(st, phones));
	}
	sqlite3_finalize(st);
	if (r >= 0) {
		/* Names and phone numbers leave the server: an export. */
		json_t *detail = json_pack("{s:i, s:b}", "count", (int)json_array_size(items),
					   "phones", phones);
		if (programme_id)
			json_object_set_new(detail, "programme_id", json_integer(programme_id));
		if (group_id)
			json_object_set_new(detail, "group_id", json_integer(group_id));
		r = srv_audit_now(srv_app_of(req), actor, "export", "followup", 0, detail);
		json_decref(detail);
	}
	if (r < 0) {
		json_decref(items);
		return r;
	}
	json_t *body = json_object();
	tp_json_set_time(body, "as_of", now);
	json_object_set_new(body, "phones", json_boolean(phones));
	json_object_set_new(body, "truncated", json_boolean(truncated));
	json_object_set_new(body, "count", json_integer((json_int_t)json_array_size(items)));
	json_object_set_new(body, "items", items);
	return tp_http_reply_json(req, 200, body);
}
