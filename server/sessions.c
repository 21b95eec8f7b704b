/* The session resource; see sessions.h. */
#include "sessions.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_token.h"

#include <stdlib.h>

static const char *const srv_session_statuses[] = { "planned", "cancelled", NULL };

#define SRV_SESSION_MAX_SECONDS (24 * 3600)

static int srv_session_check(struct srv_write *wr)
{
	json_t *from = json_object_get(wr->row, "starts_at");
	json_t *to = json_object_get(wr->row, "ends_at");
	if (json_is_integer(from) && json_is_integer(to)) {
		json_int_t length = json_integer_value(to) - json_integer_value(from);
		if (length <= 0)
			return tp_error_set(wr->e, 400, "invalid_field", "ends_at",
					    "must be after starts_at");
		if (length > SRV_SESSION_MAX_SECONDS)
			return tp_error_set(wr->e, 400, "invalid_field", "ends_at",
					    "a session lasts at most 24 hours");
	}
	if (!wr->id) {
		char *key = tp_token_new("", 20);
		json_object_set_new(wr->vals, "qr_key", json_string(key));
		free(key);
	}
	return 0;
}

int srv_session_describe(sqlite3 *db, int64_t id, json_t *obj)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT g.name, g.id,"
			      " (SELECT count(*) FROM sessions o WHERE o.group_id = s.group_id"
			      "   AND o.archived_at IS NULL AND o.status = 'planned'"
			      "   AND (o.starts_at < s.starts_at"
			      "        OR (o.starts_at = s.starts_at AND o.id <= s.id))),"
			      " (SELECT count(*) FROM attendance a WHERE a.session_id = s.id"
			      "   AND a.undone_at IS NULL)"
			      " FROM sessions s JOIN groups g ON g.id = s.group_id"
			      " WHERE s.id = ?", "i", id);
	if (r < 0)
		return r;
	if ((r = tp_db_step(st)) == 1) {
		json_object_set_new(obj, "group_name", json_string(tp_db_col_text(st, 0)));
		json_object_set_new(obj, "number", json_integer(sqlite3_column_int64(st, 2)));
		json_object_set_new(obj, "attended", json_integer(sqlite3_column_int64(st, 3)));
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

static int srv_session_decorate(sqlite3 *db, int64_t id, json_t *obj,
				const struct srv_actor *actor)
{
	(void)actor;
	return srv_session_describe(db, id, obj);
}

static const struct srv_field srv_session_fields[] = {
	{ "ref", SRV_F_TEXT, SRV_F_FILTER, 0, 64, NULL, NULL, NULL },
	{ "group_id", SRV_F_REF, SRV_F_REQUIRED | SRV_F_FILTER, 0, 0, NULL, "groups", NULL },
	{ "title", SRV_F_TEXT, 0, 0, 200, NULL, NULL, NULL },
	{ "starts_at", SRV_F_TIME, SRV_F_REQUIRED | SRV_F_RANGE, 0, 0, NULL, NULL, NULL },
	{ "ends_at", SRV_F_TIME, SRV_F_REQUIRED, 0, 0, NULL, NULL, NULL },
	{ "venue", SRV_F_TEXT, SRV_F_FILTER, 0, 100, NULL, NULL, NULL },
	{ "status", SRV_F_ENUM, SRV_F_FILTER | SRV_F_NONULL, 0, 0, srv_session_statuses, NULL, NULL },
	{ "qr_key", SRV_F_TEXT, SRV_F_SECRET, 0, 64, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

const struct srv_resource srv_sessions = {
	.path = "sessions",
	.entity = "session",
	.table = "sessions",
	.fields = srv_session_fields,
	.search = "(title LIKE :q ESCAPE '\\' OR ref LIKE :q ESCAPE '\\')",
	.before_write = srv_session_check,
	.decorate = srv_session_decorate,
	.computed = (const char *const[]){ "group_name", "number", "attended", NULL },
};
