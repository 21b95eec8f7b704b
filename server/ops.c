/* Health and metrics; see ops.h. */
#include "ops.h"
#include "app.h"
#include "schema.h"
#include "tp_db.h"
#include "tp_metrics.h"

int srv_healthz(struct tp_http_request *req)
{
	sqlite3 *db = srv_store_reader(&srv_app_of(req)->store);
	int64_t version = 0;
	if (!db || tp_db_int(db, &version, "PRAGMA user_version", NULL) < 0)
		return tp_http_reply_json(req, 503, json_pack("{s:s, s:s}", "status", "failing",
							      "database", "unreachable"));
	return tp_http_reply_json(req, 200, json_pack("{s:s, s:s, s:I}", "status", "ok",
						      "database", "ok", "schema_version",
						      (json_int_t)version));
}

int srv_metrics(struct tp_http_request *req)
{
	return tp_metrics_reply(req);
}
