/* The kiosk's download; see kiosk_sync.h. */
#include "kiosk_sync.h"
#include "enrolments.h"
#include "sessions.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_session_code.h"
#include "tp_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV_ROSTER_MAX_DAYS 14
/* Revoked cards stay known to kiosks this long, so they can say "revoked". */
#define SRV_REVOKED_KEPT (365 * 24 * 3600)
#define SRV_SIGNINS_MAX 200

/* The kiosk's venue (a new string), or a 409 reply and NULL. */
static char *srv_kiosk_venue(struct tp_http_request *req, sqlite3 *db, int *r)
{
	char *venue = NULL;
	*r = tp_db_text(db, &venue, "SELECT venue FROM devices WHERE id = ?", "i",
			srv_actor_of(req)->id);
	if (*r == 0 && !venue)
		*r = tp_http_reply_error(req, 409, "no_venue",
					 "this kiosk has no venue: an admin sets it on the device");
	else if (*r == -ENOENT)
		*r = -EIO;
	return venue;
}

/* A query value of 1..max days, default 1. */
static int srv_query_days(struct tp_http_request *req, int64_t *days, struct tp_error *e)
{
	const char *v = tp_http_query(req, "days");
	*days = 1;
	if (!v)
		return 0;
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v || *end || n < 1 || n > SRV_ROSTER_MAX_DAYS)
		return tp_error_set(e, 400, "invalid_query", "days", "must be a number from 1 to %d",
				    SRV_ROSTER_MAX_DAYS);
	*days = n;
	return 0;
}

/* Adds the people enrolled on the session's day (not left by then) and
 * those signed in to s. */
static int srv_roster_people(sqlite3 *db, int64_t session, int64_t group, json_t *s)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT p.id, p.alias FROM enrolments e"
			      " JOIN participants p ON p.id = e.participant_id"
			      " WHERE e.group_id = ?1 AND p.archived_at IS NULL AND"
			      SRV_ENROLMENT_ON("e", SRV_SQL_HK_DAY(
				      "(SELECT starts_at FROM sessions WHERE id = ?2)"))
			      " ORDER BY p.alias, p.id", "ii", group, session);
	if (r < 0)
		return r;
	json_t *enrolled = json_array();
	json_object_set_new(s, "enrolled", enrolled);
	while ((r = tp_db_step(st)) == 1)
		json_array_append_new(enrolled, json_pack("{s:I, s:s}", "participant_id",
				      (json_int_t)sqlite3_column_int64(st, 0), "alias",
				      tp_db_col_text(st, 1)));
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	r = tp_db_prepare(db, &st,
			  "SELECT a.participant_id, p.alias, a.method, a.scanned_at FROM attendance a"
			  " JOIN participants p ON p.id = a.participant_id"
			  " WHERE a.session_id = ? AND a.undone_at IS NULL ORDER BY a.scanned_at, a.id",
			  "i", session);
	if (r < 0)
		return r;
	json_t *signed_in = json_array();
	json_object_set_new(s, "signed_in", signed_in);
	while ((r = tp_db_step(st)) == 1) {
		json_t *a = json_pack("{s:I, s:s, s:s}", "participant_id",
				      (json_int_t)sqlite3_column_int64(st, 0), "alias",
				      tp_db_col_text(st, 1), "method", tp_db_col_text(st, 2));
		tp_json_set_time(a, "at", sqlite3_column_int64(st, 3));
		json_array_append_new(signed_in, a);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

/* The people enrolled in the groups of the venue's sessions in the range:
 * ?1 venue, ?2 from, ?3 to. */
#define SRV_ROSTER_PEOPLE                                                        \
	"SELECT e.participant_id FROM enrolments e WHERE e.archived_at IS NULL"  \
	" AND e.group_id IN (SELECT group_id FROM sessions WHERE venue = ?1"     \
	"   AND archived_at IS NULL AND starts_at >= ?2 AND starts_at < ?3)"

static int srv_roster_cards(sqlite3 *db, const char *venue, int64_t from, int64_t to,
			    json_t *out)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT c.token, p.id, p.alias FROM cards c"
			      " JOIN participants p ON p.id = c.participant_id"
			      " WHERE c.revoked_at IS NULL AND p.archived_at IS NULL"
			      "   AND p.id IN (" SRV_ROSTER_PEOPLE ") ORDER BY p.id",
			      "tii", venue, from, to);
	if (r < 0)
		return r;
	json_t *cards = json_array();
	json_object_set_new(out, "cards", cards);
	while ((r = tp_db_step(st)) == 1)
		json_array_append_new(cards, json_pack("{s:s, s:I, s:s}", "token",
				      tp_db_col_text(st, 0), "participant_id",
				      (json_int_t)sqlite3_column_int64(st, 1), "alias",
				      tp_db_col_text(st, 2)));
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	/* Revoked: replaced or withdrawn within the year, and the live cards of
	 * people archived since (the server refuses those as revoked too). */
	r = tp_db_prepare(db, &st,
			  "SELECT c.token FROM cards c JOIN participants p ON p.id = c.participant_id"
			  " WHERE p.id IN (" SRV_ROSTER_PEOPLE ")"
			  "   AND (c.revoked_at >= ?4 OR (c.revoked_at IS NULL AND"
			  "        p.archived_at IS NOT NULL)) ORDER BY c.id",
			  "tiii", venue, from, to, tp_now() - SRV_REVOKED_KEPT);
	if (r < 0)
		return r;
	json_t *revoked = json_array();
	json_object_set_new(out, "revoked", revoked);
	while ((r = tp_db_step(st)) == 1)
		json_array_append_new(revoked, json_string(tp_db_col_text(st, 0)));
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

static int srv_roster_build(struct tp_http_request *req, sqlite3 *db, const char *venue,
			    int64_t from, int64_t to, json_t *out)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT s.id, s.title, g.id, s.starts_at, s.ends_at, s.venue, s.status,"
			      " g.feedback_form, s.qr_key FROM sessions s"
			      " JOIN groups g ON g.id = s.group_id"
			      " WHERE s.venue = ? AND s.archived_at IS NULL"
			      "   AND s.starts_at >= ? AND s.starts_at < ?"
			      " ORDER BY s.starts_at, s.id", "tii", venue, from, to);
	if (r < 0)
		return r;
	json_t *sessions = json_array();
	json_object_set_new(out, "sessions", sessions);
	while ((r = tp_db_step(st)) == 1) {
		json_t *s = json_pack("{s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0));
		tp_json_set_text(s, "title", tp_db_col_text(st, 1));
		json_object_set_new(s, "group_id", json_integer(sqlite3_column_int64(st, 2)));
		tp_json_set_time(s, "starts_at", sqlite3_column_int64(st, 3));
		tp_json_set_time(s, "ends_at", sqlite3_column_int64(st, 4));
		tp_json_set_text(s, "venue", tp_db_col_text(st, 5));
		tp_json_set_text(s, "status", tp_db_col_text(st, 6));
		tp_json_set_text(s, "feedback_form", tp_db_col_text(st, 7));
		tp_json_set_text(s, "qr_key", tp_db_col_text(st, 8));
		json_array_append_new(sessions, s);
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	size_t i;
	json_t *s;
	json_array_foreach(sessions, i, s) {
		int64_t id = json_integer_value(json_object_get(s, "id"));
		r = srv_session_describe(db, id, s);
		if (r == 0)
			r = srv_roster_people(db, id, json_integer_value(json_object_get(s, "group_id")),
					      s);
		if (r < 0)
			return r;
		/* The count of arrivals is in signed_in; describe's copy is dropped. */
		json_object_del(s, "attended");
	}
	r = srv_roster_cards(db, venue, from, to, out);
	if (r < 0)
		return r;
	int64_t last = 0;
	r = tp_db_int(db, &last, "SELECT coalesce(max(id), 0) FROM attendance", NULL);
	if (r < 0)
		return r;
	json_object_set_new(out, "signins_after", json_integer(last));
	char *base = tp_xasprintf("%s/p/", srv_app_of(req)->public_url);
	json_object_set_new(out, "phone_link_base", json_string(base));
	free(base);
	json_object_set_new(out, "code_window", json_integer(TP_SESSION_CODE_WINDOW));
	return 0;
}

int srv_kiosk_roster(struct tp_http_request *req)
{
	struct tp_error e;
	tp_error_clear(&e);
	int64_t days = 1;
	int y = 0, m = 0, d = 0;
	const char *from_text = tp_http_query(req, "from");
	char today[11];
	tp_date_format_hk(tp_now(), today);
	if (tp_date_parse(from_text ? from_text : today, &y, &m, &d) < 0)
		tp_error_set(&e, 400, "invalid_query", "from", "must be a date written YYYY-MM-DD");
	else
		srv_query_days(req, &days, &e);
	if (e.status)
		return srv_reply_error(req, &e);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	int r;
	char *venue = srv_kiosk_venue(req, db, &r);
	if (!venue)
		return r;
	int64_t from = tp_date_start_hk(y, m, d), to = tp_date_start_hk(y, m, d + (int)days);
	json_t *out = json_object();
	json_object_set_new(out, "venue", json_string(venue));
	char first[11];
	tp_date_format_hk(from, first);
	json_object_set_new(out, "from", json_string(first));
	json_object_set_new(out, "days", json_integer(days));
	tp_json_set_time(out, "generated_at", tp_now());
	/* One read transaction: every part of the answer is of one moment. */
	r = tp_db_exec(db, "BEGIN");
	if (r == 0) {
		r = srv_roster_build(req, db, venue, from, to, out);
		if (r == 0)
			r = tp_db_exec(db, "COMMIT");
		if (r < 0)
			tp_db_rollback(db);
	}
	free(venue);
	if (r < 0) {
		json_decref(out);
		return r;
	}
	return tp_http_reply_json(req, 200, out);
}

int srv_kiosk_signins(struct tp_http_request *req)
{
	struct tp_error e;
	tp_error_clear(&e);
	int64_t after = 0;
	const char *v = tp_http_query(req, "after");
	if (v) {
		char *end;
		long long n = strtoll(v, &end, 10);
		if (end == v || *end || n < 0)
			tp_error_set(&e, 400, "invalid_query", "after",
				     "must be the last id seen (0 at first)");
		after = n;
	}
	if (e.status)
		return srv_reply_error(req, &e);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	int r;
	char *venue = srv_kiosk_venue(req, db, &r);
	if (!venue)
		return r;
	int64_t now = tp_now();
	char today[11];
	int y, m, d;
	tp_date_format_hk(now, today);
	tp_date_parse(today, &y, &m, &d);
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st,
			  "SELECT a.id, a.session_id, a.participant_id, p.alias, a.scanned_at"
			  " FROM attendance a JOIN sessions s ON s.id = a.session_id"
			  " JOIN participants p ON p.id = a.participant_id"
			  " WHERE a.id > ? AND a.method = 'phone' AND a.undone_at IS NULL"
			  "   AND s.venue = ? AND s.starts_at >= ? AND s.starts_at < ?"
			  " ORDER BY a.id LIMIT ?",
			  "itiiI", after, venue, tp_date_start_hk(y, m, d),
			  tp_date_start_hk(y, m, d + 1), SRV_SIGNINS_MAX);
	free(venue);
	if (r < 0)
		return r;
	json_t *items = json_array();
	int64_t last = after;
	while ((r = tp_db_step(st)) == 1) {
		last = sqlite3_column_int64(st, 0);
		json_t *o = json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)last, "session_id",
				      (json_int_t)sqlite3_column_int64(st, 1), "participant_id",
				      (json_int_t)sqlite3_column_int64(st, 2), "alias",
				      tp_db_col_text(st, 3));
		tp_json_set_time(o, "at", sqlite3_column_int64(st, 4));
		json_array_append_new(items, o);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(items);
		return r;
	}
	return tp_http_reply_json(req, 200, json_pack("{s:o, s:I}", "items", items, "last_id",
						      (json_int_t)last));
}
