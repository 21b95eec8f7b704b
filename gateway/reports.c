/* Reports of outcomes to the server; see reports.h. */
#include "reports.h"
#include "pacing.h"
#include "tp_alloc.h"
#include "tp_client.h"
#include "tp_db.h"
#include "tp_log.h"
#include "tp_time.h"
#include "tp_token.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_REPORTS_BATCH 50

int gw_report_add_in(sqlite3 *db, const struct gw_report *rp)
{
	/* The server takes a provider only with its message id. */
	bool has_id = rp->provider_id && *rp->provider_id;
	json_t *j = json_pack("{s:s, s:s?, s:s?, s:s, s:s?, s:s?, s:s?}", "outcome", rp->outcome,
			      "provider", has_id ? rp->provider : NULL, "provider_id",
			      has_id ? rp->provider_id : NULL, "channel", rp->channel, "note",
			      rp->note && *rp->note ? rp->note : NULL, "error_code",
			      rp->error_code && *rp->error_code ? rp->error_code : NULL, "reason",
			      rp->reason && *rp->reason ? rp->reason : NULL);
	json_object_set_new(j, "retry_after", strcmp(rp->outcome, "retry") == 0
						      ? json_integer(rp->retry_after)
						      : json_null());
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	int r = tp_db_run(db, "INSERT OR REPLACE INTO reports (message_id, lease, outcome, body,"
			      " created_at) VALUES (?, ?, ?, ?, ?)", "ittti", rp->message_id,
			  rp->lease, rp->outcome, body, tp_now_ms());
	free(body);
	return r;
}

int gw_reports_pending(struct gw_app *app, int64_t *pending)
{
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	r = tp_db_int(db, pending, "SELECT count(*) FROM reports WHERE state = 'pending'", NULL);
	return tp_db_writer_end(&app->db, r);
}

static void gw_report_state(struct gw_app *app, int64_t id, const char *state,
			    const char *error)
{
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return;
	int r = tp_db_run(db, "UPDATE reports SET state = ?, last_error = ? WHERE message_id = ?",
			  "tti", state, error, id);
	tp_db_writer_end(&app->db, r);
}

static void gw_report_later(struct gw_app *app, int64_t id, int attempts, int64_t retry_after,
			    const char *error)
{
	unsigned char dice[2];
	tp_random_bytes(dice, sizeof dice);
	int64_t wait = gw_backoff(attempts + 1, 1, 60, retry_after,
				  (unsigned)(dice[0] << 8 | dice[1]));
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return;
	int r = tp_db_run(db, "UPDATE reports SET attempts = attempts + 1, next_ms = ?,"
			      " last_error = ? WHERE message_id = ?", "iti",
			  tp_now_ms() + wait * 1000, error, id);
	tp_db_writer_end(&app->db, r);
}

struct gw_due {
	int64_t id;
	char *lease;
	char *body;
	int attempts;
};

static size_t gw_reports_due(struct gw_app *app, struct gw_due *due, size_t max)
{
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return 0;
	sqlite3_stmt *st;
	size_t n = 0;
	if (tp_db_prepare(db, &st, "SELECT message_id, lease, body, attempts FROM reports"
				   " WHERE state = 'pending' AND next_ms <= ? ORDER BY created_at"
				   " LIMIT ?", "ii", tp_now_ms(), (int64_t)max) == 0) {
		while (n < max && tp_db_step(st) == 1) {
			due[n].id = sqlite3_column_int64(st, 0);
			due[n].lease = tp_xstrdup(tp_db_col_text(st, 1));
			due[n].body = tp_xstrdup(tp_db_col_text(st, 2));
			due[n].attempts = sqlite3_column_int(st, 3);
			n++;
		}
		sqlite3_finalize(st);
	}
	tp_db_writer_end(&app->db, 0);
	return n;
}

/* Posts one report; false when the server could not take it (try later). */
static bool gw_report_post(struct gw_app *app, struct tp_client *client,
			   const struct gw_due *d)
{
	json_t *body = json_loads(d->body, 0, NULL);
	if (!body) {
		gw_report_state(app, d->id, "refused", "the stored report could not be read");
		return true;
	}
	json_object_set_new(body, "lease", json_string(d->lease));
	char *text = json_dumps(body, JSON_COMPACT);
	const char *outcome = json_string_value(json_object_get(body, "outcome"));
	char path[96];
	snprintf(path, sizeof path, "/api/v1/gateway/messages/%lld/result", (long long)d->id);
	struct tp_client_response resp;
	tp_client_request(client, "POST", path, text, &resp);
	free(text);
	json_t *err = json_object_get(resp.json, "error");
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *message = json_string_value(json_object_get(err, "message"));
	bool taken = true;
	if (resp.status == 200) {
		gw_report_state(app, d->id, "done", NULL);
		tp_debug("message %lld: %s reported", (long long)d->id, outcome ? outcome : "?");
	} else if ((resp.status == 409 && code && strcmp(code, "lease_lost") == 0) ||
		   resp.status == 404) {
		/* Claimed again (or gone): its new lease will carry the answer. */
		gw_report_state(app, d->id, "superseded", code);
		tp_info("message %lld: the server no longer holds this lease (%s)",
			(long long)d->id, code ? code : "?");
	} else if (resp.status == 400 || resp.status == 409 || resp.status == 422) {
		gw_report_state(app, d->id, "refused", message ? message : resp.body);
		tp_error("message %lld: the server refused the report %s: %s", (long long)d->id,
			 outcome ? outcome : "?", message ? message : resp.body);
	} else {
		char error[300];
		tp_client_why(&resp, error, sizeof error);
		if (resp.status == 401)
			atomic_store(&app->token_refused, true);
		gw_report_later(app, d->id, d->attempts, resp.retry_after, error);
		tp_info("message %lld: report kept for later (%s)", (long long)d->id, error);
		taken = false;
	}
	tp_client_response_release(&resp);
	json_decref(body);
	return taken;
}

int gw_reports_flush(struct gw_app *app, struct tp_client *client)
{
	struct gw_due due[GW_REPORTS_BATCH];
	for (;;) {
		size_t n = gw_reports_due(app, due, GW_REPORTS_BATCH);
		bool blocked = false;
		for (size_t i = 0; i < n; i++) {
			if (!blocked && !gw_report_post(app, client, &due[i]))
				blocked = true;
			free(due[i].lease);
			free(due[i].body);
		}
		if (blocked || n < GW_REPORTS_BATCH)
			break;
	}
	int64_t pending = 0;
	int r = gw_reports_pending(app, &pending);
	return r < 0 ? r : (int)pending;
}
