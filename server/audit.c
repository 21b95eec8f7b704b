/* The audit log; see audit.h. */
#include "audit.h"
#include "paging.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_time.h"

#include <stdlib.h>

int srv_audit(sqlite3 *w, const struct srv_actor *actor, const char *action,
	      const char *entity, int64_t entity_id, json_t *detail)
{
	char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int r = tp_db_run(w,
			  "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail)"
			  " VALUES (?, ?, ?, ?, ?, ?)",
			  "itttit", tp_now(), actor->label, action, entity,
			  entity_id, text);
	free(text);
	return r;
}

int srv_audit_now(struct srv_app *app, const struct srv_actor *actor,
		  const char *action, const char *entity, int64_t entity_id,
		  json_t *detail)
{
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		return r;
	r = srv_audit(w, actor, action, entity, entity_id, detail);
	return srv_store_write_end(&app->store, r);
}

int srv_audit_list(struct tp_http_request *req)
{
	struct tp_error e;
	tp_error_clear(&e);
	struct srv_page page;
	if (srv_page_parse(req, &page, &e) < 0)
		return srv_reply_error(req, &e);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	const char *entity = tp_http_query(req, "entity");
	const char *entity_id = tp_http_query(req, "entity_id");
	int64_t eid = entity_id ? strtoll(entity_id, NULL, 10) : 0;
	/* Newest first: the cursor is the smallest id seen. */
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT id, at, actor, action, entity, entity_id, detail"
			      " FROM audit_log"
			      " WHERE (?1 = 0 OR id < ?1)"
			      "   AND (?2 IS NULL OR entity = ?2)"
			      "   AND (?3 = 0 OR entity_id = ?3)"
			      " ORDER BY id DESC LIMIT ?4",
			      "itii", page.after, entity, eid, page.limit + 1);
	if (r < 0)
		return r;
	json_t *items = json_array();
	int64_t last = 0;
	int n = 0;
	while ((r = tp_db_step(st)) == 1) {
		if (n++ == page.limit)
			break;
		json_t *o = json_object();
		last = sqlite3_column_int64(st, 0);
		json_object_set_new(o, "id", json_integer(last));
		tp_json_set_time(o, "at", sqlite3_column_int64(st, 1));
		tp_json_set_text(o, "actor", tp_db_col_text(st, 2));
		tp_json_set_text(o, "action", tp_db_col_text(st, 3));
		tp_json_set_text(o, "entity", tp_db_col_text(st, 4));
		json_object_set_new(o, "entity_id", tp_db_col_null(st, 5) ? json_null()
						     : json_integer(sqlite3_column_int64(st, 5)));
		const char *detail = tp_db_col_text(st, 6);
		json_object_set_new(o, "detail",
				    detail ? json_loads(detail, 0, NULL) : json_null());
		json_array_append_new(items, o);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(items);
		return r;
	}
	return srv_page_reply(req, items, n > page.limit ? last : 0);
}
