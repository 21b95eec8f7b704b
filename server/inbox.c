/* The workers' inbox and change requests; see inbox.h. */
#include "inbox.h"
#include "audit.h"
#include "messages.h"
#include "paging.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int srv_inbox_list(struct tp_http_request *req)
{
	struct tp_error e;
	tp_error_clear(&e);
	struct srv_page page;
	if (srv_page_parse(req, &page, &e) < 0)
		return srv_reply_error(req, &e);
	const char *all = tp_http_query(req, "all");
	bool everything = all && strcmp(all, "1") == 0;
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	json_t *ids = NULL;
	int r = srv_message_ids(db, &ids, "SELECT id FROM messages WHERE direction = 'in'"
				     " AND handled = 'inbox' AND (?1 OR handled_by IS NULL)"
				     " AND (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3", "IiI",
				everything ? 1 : 0, page.after, page.limit + 1);
	if (r < 0)
		return r;
	json_t *items = json_array();
	size_t i;
	json_t *v;
	int64_t last = 0;
	json_array_foreach(ids, i, v) {
		if (i == (size_t)page.limit)
			break;
		json_t *m = NULL;
		last = json_integer_value(v);
		r = srv_message_json(db, last, true, &m);
		if (r < 0)
			break;
		json_array_append_new(items, m);
	}
	bool more = json_array_size(ids) > (size_t)page.limit;
	json_decref(ids);
	if (r < 0) {
		json_decref(items);
		return r;
	}
	return srv_page_reply(req, items, more ? last : 0);
}

int srv_inbox_claim(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	const struct srv_actor *actor = srv_actor_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	int64_t id = srv_param_id(req, 0), by = 0;
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		return r;
	r = tp_db_int(w, &by, "SELECT coalesce(handled_by, 0) FROM messages WHERE id = ?"
			      " AND direction = 'in' AND handled = 'inbox'", "i", id);
	if (r == -ENOENT)
		r = tp_error_set(&e, 404, "not_found", NULL, "there is no text %s in the inbox",
				 req->params[0]);
	else if (r == 0 && by && by != actor->id)
		r = tp_error_set(&e, 409, "taken", NULL, "another worker has taken this text");
	else if (r == 0 && !by && actor->kind == SRV_ACTOR_STAFF)
		r = tp_db_run(w, "UPDATE messages SET handled_by = ?, handled_at = ?, updated_at = ?"
				 " WHERE id = ?", "iiii", actor->id, tp_now(), tp_now(), id);
	if (r == 0 && !by)
		r = srv_message_event(w, id, "taken", actor->label);
	if (r == 0 && !by)
		r = srv_audit(w, actor, "take", "message", id, NULL);
	json_t *out = NULL;
	if (r == 0)
		r = srv_message_json(w, id, true, &out);
	r = srv_store_write_end(&app->store, r);
	if (r < 0)
		return e.status ? srv_reply_error(req, &e) : r;
	return tp_http_reply_json(req, 200, out);
}

int srv_change_requests(struct tp_http_request *req)
{
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT a.id, a.participant_id, p.alias, a.kind, a.starts_at, a.place,"
			      " a.worker_id, coalesce(u.display_name, u.username), m.id, m.body,"
			      " m.created_at FROM appointments a"
			      " JOIN participants p ON p.id = a.participant_id"
			      " LEFT JOIN staff_users u ON u.id = a.worker_id"
			      " LEFT JOIN messages m ON m.id = (SELECT max(x.id) FROM messages x"
			      "   JOIN conversations c ON c.id = x.conversation_id"
			      "   WHERE c.appointment_id = a.id AND x.direction = 'in'"
			      "   AND x.handled = 'change')"
			      " WHERE a.status = 'change_requested' AND a.archived_at IS NULL"
			      " ORDER BY a.starts_at, a.id", NULL);
	if (r < 0)
		return r;
	json_t *items = json_array();
	while ((r = tp_db_step(st)) == 1) {
		json_t *o = json_pack("{s:I, s:I, s:s, s:s}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "participant_id",
				      (json_int_t)sqlite3_column_int64(st, 1), "alias",
				      tp_db_col_text(st, 2), "kind", tp_db_col_text(st, 3));
		tp_json_set_time(o, "starts_at", sqlite3_column_int64(st, 4));
		tp_json_set_text(o, "place", tp_db_col_text(st, 5));
		json_object_set_new(o, "worker_id", tp_db_col_null(st, 6) ? json_null()
				    : json_integer(sqlite3_column_int64(st, 6)));
		tp_json_set_text(o, "worker_name", tp_db_col_text(st, 7));
		json_object_set_new(o, "message_id", tp_db_col_null(st, 8) ? json_null()
				    : json_integer(sqlite3_column_int64(st, 8)));
		tp_json_set_text(o, "reply", tp_db_col_text(st, 9));
		tp_json_set_time(o, "requested_at", tp_db_col_null(st, 10) ? 0
				 : sqlite3_column_int64(st, 10));
		json_array_append_new(items, o);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(items);
		return r;
	}
	return tp_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
