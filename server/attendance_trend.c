/* Attendance over time; see attendance_trend.h. */
#include "attendance_trend.h"
#include "app.h"
#include "groups.h"
#include "indicators.h"
#include "programmes.h"
#include "resource.h"
#include "tp_db.h"
#include "tp_time.h"

#include <errno.h>
#include <stdlib.h>
#include <jansson.h>

/* Hong Kong is UTC+8 all year; weeks start on Monday (day 0, 1 January
 * 1970, was a Thursday, hence the 3). */
#define HK_OFFSET "28800"
#define WEEK_OF(t) "(((" t ") + " HK_OFFSET ") / 86400 - ((((" t ") + " HK_OFFSET ") / 86400 + 3) % 7))"

/* ?1 programme id (0: all), ?2 group id (0: all), ?3 from, ?4 to, ?5 now:
 * a session not yet begun has no attendance to show; ?6 venue (NULL: all),
 * a session's own, else its group's, as the indicator engine cuts. */
#define TREND_SESSIONS                                                               \
	"SELECT s.id, s.ref, s.starts_at FROM sessions s JOIN groups g ON g.id = s.group_id" \
	" WHERE g.archived_at IS NULL AND (?1 = 0 OR g.programme_id = ?1)"                  \
	"   AND (?2 = 0 OR g.id = ?2) AND s.archived_at IS NULL"                              \
	"   AND s.status <> 'cancelled' AND s.starts_at >= ?3 AND s.starts_at < ?4"          \
	"   AND s.starts_at <= ?5 AND (?6 IS NULL OR coalesce(s.venue, g.venue) = ?6)"

static const char trend_by_week[] =
	"SELECT " WEEK_OF("s.starts_at") " AS week, COUNT(DISTINCT s.id),"
	"  COUNT(a.id), COUNT(DISTINCT a.participant_id), COALESCE(SUM(a.walk_in), 0)"
	" FROM (" TREND_SESSIONS ") s"
	" LEFT JOIN attendance a ON a.session_id = s.id AND a.undone_at IS NULL"
	" GROUP BY week ORDER BY week";

static const char trend_by_session[] =
	"SELECT s.id, s.ref, s.starts_at, COUNT(a.id), COALESCE(SUM(a.walk_in), 0)"
	" FROM (" TREND_SESSIONS ") s"
	" LEFT JOIN attendance a ON a.session_id = s.id AND a.undone_at IS NULL"
	" GROUP BY s.id ORDER BY s.starts_at, s.id";

/* Finds ?name=REF in res; 0 when absent, 1 after replying with the error. */
static int trend_ref(struct tp_http_request *req, sqlite3 *db, const char *name,
		     const struct srv_resource *res, int64_t *id)
{
	const char *ref = tp_http_query(req, name);
	*id = 0;
	if (!ref || !*ref)
		return 0;
	int r = srv_resource_find_ref(db, res, ref, id);
	if (r == -ENOENT) {
		struct tp_error e;
		tp_error_set(&e, 400, "unknown_reference", name, "there is no %s \"%s\"", name,
			     ref);
		srv_reply_error(req, &e);
		return 1;
	}
	return r;
}

static json_t *trend_week_point(sqlite3_stmt *st)
{
	char date[11];
	tp_date_format_hk(sqlite3_column_int64(st, 0) * 86400 - 28800, date);
	return json_pack("{s:s, s:I, s:I, s:I, s:I}", "week", date,
			 "sessions", (json_int_t)sqlite3_column_int64(st, 1),
			 "attendances", (json_int_t)sqlite3_column_int64(st, 2),
			 "participants", (json_int_t)sqlite3_column_int64(st, 3),
			 "walk_ins", (json_int_t)sqlite3_column_int64(st, 4));
}

static json_t *trend_session_point(sqlite3_stmt *st)
{
	char when[32];
	tp_time_format_hk(sqlite3_column_int64(st, 2), when);
	json_t *o = json_pack("{s:I, s:s, s:I, s:I}", "session_id",
			      (json_int_t)sqlite3_column_int64(st, 0), "starts_at", when,
			      "attendances", (json_int_t)sqlite3_column_int64(st, 3),
			      "walk_ins", (json_int_t)sqlite3_column_int64(st, 4));
	const char *ref = tp_db_col_text(st, 1);
	json_object_set_new(o, "ref", ref ? json_string(ref) : json_null());
	return o;
}

int srv_attendance_trend(struct tp_http_request *req)
{
	struct tp_error e;
	tp_error_clear(&e);
	int64_t from, to;
	if (srv_ind_period(tp_http_query(req, "from"), tp_http_query(req, "to"), tp_now(),
			   &from, &to, &e) < 0)
		return srv_reply_error(req, &e);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	int64_t programme_id, group_id;
	int r = trend_ref(req, db, "programme", &srv_programmes, &programme_id);
	if (r == 0)
		r = trend_ref(req, db, "group", &srv_groups, &group_id);
	if (r != 0)
		return r < 0 ? r : 0;

	char *venue;
	if (srv_ind_venue(tp_http_query(req, "venue"), &venue, &e) < 0)
		return srv_reply_error(req, &e);
	bool by_session = group_id != 0;
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st, by_session ? trend_by_session : trend_by_week, "iiiiit",
			  programme_id, group_id, from, to, tp_now(), venue);
	free(venue);
	if (r < 0)
		return r;
	json_t *points = json_array();
	while ((r = tp_db_step(st)) == 1)
		json_array_append_new(points, by_session ? trend_session_point(st)
							 : trend_week_point(st));
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(points);
		return r;
	}
	char d_from[11], d_to[11];
	tp_date_format_hk(from, d_from);
	tp_date_format_hk(to - 1, d_to);
	return tp_http_reply_json(req, 200, json_pack("{s:s, s:s, s:s, s:o}", "from", d_from,
						      "to", d_to, "by",
						      by_session ? "session" : "week",
						      "points", points));
}
