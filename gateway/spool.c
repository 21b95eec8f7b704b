/* The event spool and its forwarder; see spool.h. */
#include "spool.h"
#include "pacing.h"
#include "store.h"
#include "tp_alloc.h"
#include "tp_client.h"
#include "tp_db.h"
#include "tp_log.h"
#include "tp_metrics.h"
#include "tp_time.h"
#include "tp_token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_FORWARD_BATCH 100
/* How long a status for a provider id no intent knows waits for its send to
 * be recorded (the provider can call back before its own answer is read). */
#define GW_STATUS_GRACE_MS 30000

int gw_spool_add_in(sqlite3 *db, json_t *events, int *added, int *duplicates)
{
	int n_added = 0, n_dup = 0, r = 0;
	size_t i;
	json_t *ev;
	int64_t now_ms = tp_now_ms();
	json_array_foreach(events, i, ev) {
		const char *kind = json_string_value(json_object_get(ev, "type"));
		const char *provider = json_string_value(json_object_get(ev, "provider"));
		const char *pid = json_string_value(json_object_get(ev, "provider_id"));
		const char *status = json_string_value(json_object_get(ev, "status"));
		if (!kind || !provider || !pid)
			return -EINVAL;
		r = tp_db_run(db, "INSERT INTO seen (provider, kind, provider_id, status, first_ms)"
				  " VALUES (?, ?, ?, coalesce(?, ''), ?)", "tttti", provider, kind,
			      pid, status, now_ms);
		if (r < 0 && r != -EEXIST)
			return r;
		if (r == -EEXIST) {
			n_dup++;
			r = tp_db_run(db, "UPDATE seen SET times = times + 1 WHERE provider = ? AND"
					  " kind = ? AND provider_id = ? AND status = coalesce(?, '')",
				      "tttt", provider, kind, pid, status);
			if (r < 0)
				return r;
			continue;
		}
		char *text = json_dumps(ev, JSON_COMPACT);
		r = tp_db_run(db, "INSERT INTO spool (kind, provider, provider_id, event, received_ms)"
				  " VALUES (?, ?, ?, ?, ?)", "tttti", kind, provider, pid, text, now_ms);
		free(text);
		if (r < 0)
			return r;
		n_added++;
	}
	if (added)
		*added = n_added;
	if (duplicates)
		*duplicates = n_dup;
	return 0;
}

int gw_spool_add_one(sqlite3 *db, json_t *event)
{
	json_t *events = json_array();
	json_array_append_new(events, event);
	int r = gw_spool_add_in(db, events, NULL, NULL);
	json_decref(events);
	return r;
}

int gw_spool_add(struct gw_app *app, json_t *events, int *added, int *duplicates)
{
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	r = gw_spool_add_in(db, events, added, duplicates);
	r = tp_db_writer_end(&app->db, r);
	if (r == 0)
		gw_wake_forwarder(app);
	return r;
}

int gw_spool_counts(struct gw_app *app, int64_t *pending, int64_t *refused)
{
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	r = tp_db_int(db, pending, "SELECT count(*) FROM spool WHERE state = 'pending'", NULL);
	if (r == 0)
		r = tp_db_int(db, refused, "SELECT count(*) FROM spool WHERE state = 'refused'", NULL);
	return tp_db_writer_end(&app->db, r);
}

/* The next events to forward: {"events": [...]}, with their row ids in ids
 * and kinds in inbound (true for an inbound text). Returns the count. */
static size_t gw_spool_next(struct gw_app *app, size_t limit, json_t **body, int64_t *ids,
			    bool *inbound)
{
	*body = NULL;
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return 0;
	sqlite3_stmt *st;
	size_t n = 0;
	int r = tp_db_prepare(
		db, &st,
		"SELECT s.id, s.event, s.kind FROM spool s WHERE s.state = 'pending' AND"
		" (s.kind = 'inbound' OR (NOT EXISTS (SELECT 1 FROM intents i JOIN reports r"
		"   ON r.message_id = i.message_id WHERE i.provider = s.provider AND"
		"   i.provider_id = s.provider_id AND r.state = 'pending')"
		"  AND (EXISTS (SELECT 1 FROM intents i WHERE i.provider = s.provider AND"
		"   i.provider_id = s.provider_id) OR s.provider = 'console'"
		"   OR s.received_ms <= ?)))"
		" ORDER BY s.id LIMIT ?",
		"ii", tp_now_ms() - GW_STATUS_GRACE_MS, (int64_t)limit);
	if (r == 0) {
		json_t *events = json_array();
		while (tp_db_step(st) == 1) {
			json_t *ev = json_loads(tp_db_col_text(st, 1), 0, NULL);
			if (!ev)
				continue;
			ids[n] = sqlite3_column_int64(st, 0);
			inbound[n] = strcmp(tp_db_col_text(st, 2), "inbound") == 0;
			json_array_append_new(events, ev);
			n++;
		}
		sqlite3_finalize(st);
		*body = json_pack("{s:o}", "events", events);
	}
	tp_db_writer_end(&app->db, 0);
	return n;
}

/* The server answered for events ids[0..n): delete them, keeping an
 * inbound text it refused (a person wrote it) for staff to see. */
static void gw_spool_answered(struct gw_app *app, const int64_t *ids, const bool *inbound,
			      size_t n, json_t *results)
{
	static struct tp_counter *forwarded, *refused;
	if (!forwarded) {
		forwarded = tp_counter_get("touchpoint_gateway_events_forwarded_total",
					   "Provider events handed to the server", NULL);
		refused = tp_counter_get("touchpoint_gateway_events_refused_total",
					 "Provider events the server refused", NULL);
	}
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return;
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		json_t *res = json_array_get(results, i);
		if (!res || json_is_true(json_object_get(res, "ok"))) {
			r = tp_db_run(db, "DELETE FROM spool WHERE id = ?", "i", ids[i]);
			tp_counter_add(forwarded, 1);
			continue;
		}
		json_t *err = json_object_get(res, "error");
		const char *code = json_string_value(json_object_get(err, "code"));
		const char *message = json_string_value(json_object_get(err, "message"));
		tp_warn("the server refused event %lld: %s: %s", (long long)ids[i],
			code ? code : "?", message ? message : "");
		tp_counter_add(refused, 1);
		if (inbound[i])
			r = tp_db_run(db, "UPDATE spool SET state = 'refused', refused_reason = ?"
					  " WHERE id = ?", "ti", message ? message : "refused", ids[i]);
		else
			r = tp_db_run(db, "DELETE FROM spool WHERE id = ?", "i", ids[i]);
	}
	tp_db_writer_end(&app->db, r);
}

static void gw_spool_tried(struct gw_app *app, const int64_t *ids, size_t n)
{
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return;
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = tp_db_run(db, "UPDATE spool SET attempts = attempts + 1 WHERE id = ?", "i", ids[i]);
	tp_db_writer_end(&app->db, r);
}

static void *gw_forwarder_main(void *arg)
{
	struct gw_app *app = arg;
	struct tp_client client;
	tp_client_init(&client, app->server_url, app->server_token, 15000);
	int failures = 0;
	size_t one_by_one = 0;    /* after a 400 for a batch: find the bad event */
	int64_t ids[GW_FORWARD_BATCH];
	bool inbound[GW_FORWARD_BATCH];
	int64_t next_prune = 0;
	while (!gw_stopping(app)) {
		if (tp_now_ms() >= next_prune) {
			if (gw_store_prune(app, tp_now_ms()) < 0)
				tp_warn("could not prune old rows from the gateway's database");
			next_prune = tp_now_ms() + 3600 * 1000;
		}
		json_t *body;
		size_t n = gw_spool_next(app, one_by_one ? 1 : GW_FORWARD_BATCH, &body, ids, inbound);
		if (n == 0) {
			json_decref(body);
			/* Held statuses are looked at again within a few seconds. */
			gw_sleep(app, &app->wake_forwarder, &app->events_queued, 2000);
			continue;
		}
		char *text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		struct tp_client_response resp;
		tp_client_request(&client, "POST", "/api/v1/gateway/events", text, &resp);
		free(text);
		json_t *results = json_object_get(resp.json, "results");
		int64_t wait_ms = 0;
		if (resp.status == 200 && json_is_array(results) && json_array_size(results) == n) {
			gw_spool_answered(app, ids, inbound, n, results);
			failures = 0;
			if (one_by_one)
				one_by_one--;
		} else if (resp.status == 400 && n > 1) {
			/* One event spoils the batch: send them one by one. */
			one_by_one = n;
		} else if (resp.status == 400 || resp.status == 422) {
			json_t *err = json_object_get(resp.json, "error");
			json_t *one = json_pack("[{s:b, s:O?}]", "ok", 0, "error", err);
			gw_spool_answered(app, ids, inbound, 1, one);
			json_decref(one);
			if (one_by_one)
				one_by_one--;
		} else {
			gw_spool_tried(app, ids, n);
			unsigned char dice[2];
			tp_random_bytes(dice, sizeof dice);
			failures++;
			int64_t s = gw_backoff(failures, 1, 60, resp.retry_after,
					       (unsigned)(dice[0] << 8 | dice[1]));
			wait_ms = s * 1000;
			if (resp.status == 401)
				atomic_store(&app->token_refused, true);
			char why[300];
			tp_client_why(&resp, why, sizeof why);
			tp_info("%zu events wait for the server (%s): next try in %llds", n, why,
				(long long)s);
		}
		tp_client_response_release(&resp);
		if (wait_ms)
			gw_sleep(app, &app->wake_forwarder, NULL, wait_ms);
	}
	tp_client_release(&client);
	return NULL;
}

int gw_forwarder_start(struct gw_app *app)
{
	return -pthread_create(&app->forwarder_thread, NULL, gw_forwarder_main, app);
}

void gw_forwarder_stop(struct gw_app *app)
{
	pthread_join(app->forwarder_thread, NULL);
}
