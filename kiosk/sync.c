/* Roster refresh and phone sign-ins; see sync.h. */
#include "sync.h"
#include "tp_alloc.h"
#include "tp_client.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KIOSK_SIGNIN_POLL 3

static int64_t kiosk_json_time(json_t *v)
{
	int64_t t = 0;
	if (json_is_string(v))
		tp_time_parse(json_string_value(v), &t);
	return t;
}

int kiosk_sync_apply(struct kiosk_app *app, json_t *roster)
{
	json_t *sessions = json_object_get(roster, "sessions");
	if (!json_is_array(sessions))
		return -EINVAL;
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	r = tp_db_exec(db, "DELETE FROM sessions; DELETE FROM enrolled; DELETE FROM cards;"
			   " DELETE FROM revoked_cards");
	size_t i, j;
	json_t *s, *p;
	json_array_foreach(sessions, i, s) {
		if (r < 0)
			break;
		int64_t id = json_integer_value(json_object_get(s, "id"));
		r = tp_db_run(db, "INSERT INTO sessions (id, title, group_name, number, starts_at,"
				  " ends_at, venue, status, form, qr_key) VALUES (?, ?, ?, ?, ?, ?, ?,"
				  " coalesce(?, 'planned'), ?, ?)", "ittiiitttt", id,
			      json_string_value(json_object_get(s, "title")),
			      json_string_value(json_object_get(s, "group_name")),
			      (int64_t)json_integer_value(json_object_get(s, "number")),
			      kiosk_json_time(json_object_get(s, "starts_at")),
			      kiosk_json_time(json_object_get(s, "ends_at")),
			      json_string_value(json_object_get(s, "venue")),
			      json_string_value(json_object_get(s, "status")),
			      json_string_value(json_object_get(s, "feedback_form")),
			      json_string_value(json_object_get(s, "qr_key")));
		json_array_foreach(json_object_get(s, "enrolled"), j, p) {
			if (r < 0)
				break;
			r = tp_db_run(db, "INSERT OR IGNORE INTO enrolled (session_id, participant_id,"
					  " alias) VALUES (?, ?, ?)", "iit", id,
				      (int64_t)json_integer_value(json_object_get(p, "participant_id")),
				      json_string_value(json_object_get(p, "alias")));
		}
		/* The server's list is the truth for what has reached it: the kiosk
		 * keeps only its own sign-ins whose events still wait to be sent,
		 * and someone whose undo waits stays undone. */
		if (r == 0)
			r = tp_db_run(db, "DELETE FROM signins WHERE session_id = ? AND NOT EXISTS"
					  " (SELECT 1 FROM outbox o WHERE o.state = 'pending' AND"
					  "  o.kind = 'checkin' AND o.session_id = signins.session_id"
					  "  AND o.who = signins.who)", "i", id);
		json_array_foreach(json_object_get(s, "signed_in"), j, p) {
			if (r < 0)
				break;
			int64_t pid = json_integer_value(json_object_get(p, "participant_id"));
			char who[40];
			snprintf(who, sizeof who, "p:%lld", (long long)pid);
			r = tp_db_run(db, "INSERT OR IGNORE INTO signins (session_id, who,"
					  " participant_id, alias, method, at, source)"
					  " SELECT ?, ?, ?, coalesce((SELECT alias FROM enrolled WHERE"
					  " session_id = ? AND participant_id = ?), ?), ?, ?, 'server'"
					  " WHERE NOT EXISTS (SELECT 1 FROM signins WHERE session_id = ?"
					  " AND participant_id = ?) AND NOT EXISTS (SELECT 1 FROM outbox"
					  " WHERE state = 'pending' AND kind = 'undo' AND session_id = ?1"
					  " AND who = ?2)",
				      "itiiittiii", id, who, pid, id, pid,
				      json_string_value(json_object_get(p, "alias")),
				      json_string_value(json_object_get(p, "method")),
				      kiosk_json_time(json_object_get(p, "at")), id, pid);
		}
	}
	json_array_foreach(json_object_get(roster, "cards"), i, p) {
		if (r < 0)
			break;
		r = tp_db_run(db, "INSERT OR REPLACE INTO cards (token, participant_id, alias)"
				  " VALUES (?, ?, ?)", "tit",
			      json_string_value(json_object_get(p, "token")),
			      (int64_t)json_integer_value(json_object_get(p, "participant_id")),
			      json_string_value(json_object_get(p, "alias")));
	}
	json_array_foreach(json_object_get(roster, "revoked"), i, p) {
		if (r < 0)
			break;
		const char *token = json_is_string(p) ? json_string_value(p)
			: json_string_value(json_object_get(p, "token"));
		r = tp_db_run(db, "INSERT OR IGNORE INTO revoked_cards (token) VALUES (?)", "t",
			      token);
	}
	/* Phones reach the server at its public address, which may not be the
	 * one this kiosk uses. */
	const char *link_base = json_string_value(json_object_get(roster, "phone_link_base"));
	if (r == 0 && link_base)
		r = tp_db_run(db, "INSERT OR REPLACE INTO meta (key, value)"
				  " VALUES ('phone_link_base', ?)", "t", link_base);
	/* A card the server now lists is no longer one it refused. */
	if (r == 0)
		r = tp_db_exec(db, "DELETE FROM refused_cards WHERE token IN (SELECT token FROM cards)");
	r = tp_db_writer_end(&app->db, r);
	if (r == 0) {
		atomic_store(&app->last_sync, tp_now());
		tp_info("roster refreshed: %zu sessions", json_array_size(sessions));
	}
	return r;
}

static void kiosk_refresh(struct kiosk_app *app, struct tp_client *client)
{
	struct tp_client_response resp;
	tp_client_request(client, "GET", "/api/v1/kiosk/roster?days=1", NULL, &resp);
	if (resp.status && resp.status != 401)
		atomic_store(&app->last_contact, tp_now());
	if (resp.status == 401)
		atomic_store(&app->revoked, true);
	if (resp.status == 200 && resp.json) {
		atomic_store(&app->revoked, false);
		if (kiosk_sync_apply(app, resp.json) < 0)
			tp_warn("the roster from the server could not be read");
	} else {
		tp_info("roster refresh failed: %s", resp.status ? resp.body : resp.error);
	}
	tp_client_response_release(&resp);
}

static void kiosk_poll_signins(struct kiosk_app *app, struct tp_client *client)
{
	sqlite3 *db;
	int64_t after = 0;
	char *text = NULL;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return;
	if (tp_db_text(db, &text, "SELECT value FROM meta WHERE key = 'signins_after'", NULL) == 0 &&
	    text)
		after = strtoll(text, NULL, 10);
	free(text);
	tp_db_writer_end(&app->db, 0);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/kiosk/signins?after=%lld", (long long)after);
	struct tp_client_response resp;
	tp_client_request(client, "GET", path, NULL, &resp);
	if (resp.status == 401) {
		atomic_store(&app->revoked, true);
	} else if (resp.status) {
		atomic_store(&app->last_contact, tp_now());
		if (resp.status == 200)
			atomic_store(&app->revoked, false);
	}
	json_t *items = json_object_get(resp.json, "items");
	if (resp.status == 200 && json_array_size(items) > 0 &&
	    tp_db_writer_begin(&app->db, &db) == 0) {
		int r = 0;
		size_t i;
		json_t *p;
		json_array_foreach(items, i, p) {
			int64_t id = json_integer_value(json_object_get(p, "id"));
			int64_t session = json_integer_value(json_object_get(p, "session_id"));
			int64_t pid = json_integer_value(json_object_get(p, "participant_id"));
			const char *alias = json_string_value(json_object_get(p, "alias"));
			int64_t at = kiosk_json_time(json_object_get(p, "at"));
			char who[40];
			snprintf(who, sizeof who, "p:%lld", (long long)pid);
			if (r == 0)
				r = tp_db_run(db, "INSERT OR IGNORE INTO phone_signins (id, session_id,"
						  " participant_id, alias, at) VALUES (?, ?, ?, ?, ?)",
					      "iiiti", id, session, pid, alias, at);
			if (r == 0)
				r = tp_db_run(db, "INSERT OR IGNORE INTO signins (session_id, who,"
						  " participant_id, alias, method, at, source)"
						  " SELECT ?1, ?2, ?3, ?4, 'phone', ?5, 'server' WHERE NOT"
						  " EXISTS (SELECT 1 FROM signins WHERE session_id = ?1 AND"
						  " participant_id = ?3)",
					      "ititi", session, who, pid, alias, at);
			if (id > after)
				after = id;
		}
		char value[32];
		snprintf(value, sizeof value, "%lld", (long long)after);
		if (r == 0)
			r = tp_db_run(db, "INSERT OR REPLACE INTO meta (key, value)"
					  " VALUES ('signins_after', ?)", "t", value);
		tp_db_writer_end(&app->db, r);
	}
	tp_client_response_release(&resp);
}

json_t *kiosk_phone_signins(struct kiosk_app *app, int64_t after)
{
	json_t *items = json_array();
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return items;
	sqlite3_stmt *st;
	if (tp_db_prepare(db, &st, "SELECT id, session_id, alias, at FROM phone_signins"
				   " WHERE id > ? ORDER BY id LIMIT 50", "i", after) == 0) {
		while (tp_db_step(st) == 1) {
			json_t *o = json_pack("{s:I, s:I, s:s?}", "id",
					      (json_int_t)sqlite3_column_int64(st, 0), "session_id",
					      (json_int_t)sqlite3_column_int64(st, 1), "alias",
					      tp_db_col_text(st, 2));
			tp_json_set_time(o, "at", sqlite3_column_int64(st, 3));
			json_array_append_new(items, o);
		}
		sqlite3_finalize(st);
	}
	tp_db_writer_end(&app->db, 0);
	return items;
}

static void *kiosk_sync_main(void *arg)
{
	struct kiosk_app *app = arg;
	struct tp_client client;
	tp_client_init(&client, app->creds.server, app->creds.token, 15000);
	int64_t next_refresh = 0;
	for (;;) {
		pthread_mutex_lock(&app->lock);
		bool stop = app->stopping;
		bool asked = app->sync_requested;
		app->sync_requested = false;
		pthread_mutex_unlock(&app->lock);
		if (stop)
			break;
		if (asked || tp_now() >= next_refresh) {
			kiosk_refresh(app, &client);
			next_refresh = tp_now() + app->refresh_seconds;
		}
		kiosk_poll_signins(app, &client);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += KIOSK_SIGNIN_POLL;
		pthread_mutex_lock(&app->lock);
		if (!app->stopping && !app->sync_requested)
			pthread_cond_timedwait(&app->wake_sync, &app->lock, &ts);
		pthread_mutex_unlock(&app->lock);
	}
	tp_client_release(&client);
	return NULL;
}

int kiosk_sync_start(struct kiosk_app *app)
{
	return -pthread_create(&app->sync_thread, NULL, kiosk_sync_main, app);
}

void kiosk_sync_stop(struct kiosk_app *app)
{
	pthread_join(app->sync_thread, NULL);
}
