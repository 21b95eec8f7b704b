/* The outbox and its sender thread; see outbox.h. */
#include "outbox.h"
#include "tp_alloc.h"
#include "tp_client.h"
#include "tp_db.h"
#include "tp_log.h"
#include "tp_time.h"
#include "tp_token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int kiosk_outbox_add(sqlite3 *db, const struct kiosk_app *app, const char *kind,
		     json_t *body, const char *summary, int64_t session_id,
		     const char *who)
{
	/* Unique per kiosk: the device id and 80 random bits. */
	char *random = tp_token_new("", 10);
	char *nonce = tp_xasprintf("k%lld-%s", (long long)app->creds.device_id, random);
	free(random);
	json_object_set_new(body, "nonce", json_string(nonce));
	char *text = json_dumps(body, JSON_COMPACT);
	int r = tp_db_run(db, "INSERT INTO outbox (kind, nonce, body, summary, created_at,"
			      " session_id, who) VALUES (?, ?, ?, ?, ?, nullif(?, 0), ?)",
			  "ttttiit", kind, nonce, text, summary, tp_now(), session_id, who);
	free(text);
	free(nonce);
	return r;
}

int kiosk_outbox_counts(struct kiosk_app *app, int64_t *pending, int64_t *rejected)
{
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	r = tp_db_int(db, pending, "SELECT count(*) FROM outbox WHERE state = 'pending'", NULL);
	if (r == 0)
		r = tp_db_int(db, rejected, "SELECT count(*) FROM outbox WHERE state = 'rejected'",
			      NULL);
	return tp_db_writer_end(&app->db, r);
}

json_t *kiosk_outbox_list(struct kiosk_app *app)
{
	json_t *items = json_array();
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return items;
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT id, kind, summary, created_at, attempts, last_error, state,"
			      " rejected_status, rejected_code, rejected_message FROM outbox"
			      " ORDER BY id LIMIT 500", NULL);
	while (r == 0 && tp_db_step(st) == 1) {
		char when[32];
		tp_time_format_hk(sqlite3_column_int64(st, 3), when);
		json_t *o = json_pack("{s:I, s:s, s:s?, s:s, s:i, s:s?, s:s}",
				      "id", (json_int_t)sqlite3_column_int64(st, 0),
				      "kind", tp_db_col_text(st, 1), "summary", tp_db_col_text(st, 2),
				      "created_at", when, "attempts", sqlite3_column_int(st, 4),
				      "last_error", tp_db_col_text(st, 5), "state", tp_db_col_text(st, 6));
		if (!tp_db_col_null(st, 7)) {
			json_object_set_new(o, "rejected_status",
					    json_integer(sqlite3_column_int(st, 7)));
			json_object_set_new(o, "rejected_code",
					    json_string(tp_db_col_text(st, 8) ? tp_db_col_text(st, 8) : ""));
			json_object_set_new(o, "rejected_message",
					    json_string(tp_db_col_text(st, 9) ? tp_db_col_text(st, 9) : ""));
		}
		json_array_append_new(items, o);
	}
	if (r == 0)
		sqlite3_finalize(st);
	tp_db_writer_end(&app->db, 0);
	return items;
}

/* The next event to send: the oldest pending one. */
struct kiosk_event {
	int64_t id;
	char kind[16];
	char *body;
	int attempts;
	int64_t next_at;
	int64_t session_id;
	char who[80];
};

static int kiosk_event_head(struct kiosk_app *app, struct kiosk_event *ev)
{
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st, "SELECT id, kind, body, attempts, next_at, session_id, who"
				   " FROM outbox WHERE state = 'pending' ORDER BY id LIMIT 1", NULL);
	if (r == 0) {
		r = tp_db_step(st);
		if (r == 1) {
			ev->id = sqlite3_column_int64(st, 0);
			snprintf(ev->kind, sizeof ev->kind, "%s", tp_db_col_text(st, 1));
			ev->body = tp_xstrdup(tp_db_col_text(st, 2));
			ev->attempts = sqlite3_column_int(st, 3);
			ev->next_at = sqlite3_column_int64(st, 4);
			ev->session_id = sqlite3_column_int64(st, 5);
			snprintf(ev->who, sizeof ev->who, "%s",
				 tp_db_col_text(st, 6) ? tp_db_col_text(st, 6) : "");
		}
		sqlite3_finalize(st);
	}
	tp_db_writer_end(&app->db, 0);
	return r;
}

static const char *kiosk_event_path(const char *kind)
{
	if (strcmp(kind, "checkin") == 0)
		return "/api/v1/checkins";
	if (strcmp(kind, "undo") == 0)
		return "/api/v1/checkins/undo";
	return "/api/v1/responses";
}

/* Seconds to wait after the n-th failure: 1, 2, 4 ... up to max, times a
 * random factor from 0.5 to 1.5 so that kiosks coming back together do not
 * all call at once. */
static int64_t kiosk_backoff(int attempts, int64_t max_seconds, int64_t retry_after)
{
	int64_t base = 1;
	for (int i = 1; i < attempts && base < max_seconds; i++)
		base *= 2;
	if (base > max_seconds)
		base = max_seconds;
	unsigned char r;
	tp_random_bytes(&r, 1);
	int64_t wait = (base * (128 + 2 * (int64_t)r)) / 384;  /* 0.33x .. 1.66x, mean ~1 */
	if (wait < 1)
		wait = 1;
	return retry_after > wait ? retry_after : wait;
}

/* The server acknowledged: delete, and bring the local sign-in in line with
 * what the server decided (a provisional card now has a name). */
static void kiosk_event_done(struct kiosk_app *app, const struct kiosk_event *ev,
			     json_t *answer)
{
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return;
	int r = tp_db_run(db, "DELETE FROM outbox WHERE id = ?", "i", ev->id);
	json_t *p = json_object_get(answer, "participant");
	if (r == 0 && strcmp(ev->kind, "checkin") == 0 && strncmp(ev->who, "c:", 2) == 0 &&
	    json_is_object(p)) {
		const char *status = json_string_value(json_object_get(answer, "status"));
		r = tp_db_run(db, "UPDATE signins SET participant_id = ?, alias = ?,"
				  " walk_in = ? WHERE session_id = ? AND who = ?", "itIit",
			      (int64_t)json_integer_value(json_object_get(p, "id")),
			      json_string_value(json_object_get(p, "alias")),
			      status && strcmp(status, "not_enrolled") == 0 ? 1 : 0,
			      ev->session_id, ev->who);
	}
	tp_db_writer_end(&app->db, r);
}

/* The server refused for good: keep the event, rejected, for staff; a
 * refused check-in is taken off the local roster. */
static void kiosk_event_rejected(struct kiosk_app *app, const struct kiosk_event *ev,
				 const struct tp_client_response *resp)
{
	json_t *err = json_object_get(resp->json, "error");
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *message = json_string_value(json_object_get(err, "message"));
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return;
	int r = tp_db_run(db, "UPDATE outbox SET state = 'rejected', rejected_status = ?,"
			      " rejected_code = ?, rejected_message = ? WHERE id = ?",
			  "Itti", (int)resp->status, code ? code : "refused",
			  message ? message : resp->body, ev->id);
	if (r == 0 && strcmp(ev->kind, "checkin") == 0 && ev->who[0])
		r = tp_db_run(db, "DELETE FROM signins WHERE session_id = ? AND who = ?"
				  " AND source = 'local'", "it", ev->session_id, ev->who);
	if (r == 0 && strncmp(ev->who, "c:", 2) == 0 && code &&
	    (strcmp(code, "unknown_card") == 0 || strcmp(code, "revoked") == 0))
		r = tp_db_run(db, "INSERT OR REPLACE INTO refused_cards (token, result)"
				  " VALUES (?, ?)", "tt", ev->who + 2, code);
	tp_db_writer_end(&app->db, r);
	tp_warn("event %lld refused by the server: %ld %s", (long long)ev->id, resp->status,
		code ? code : "");
}

static void kiosk_event_retry(struct kiosk_app *app, const struct kiosk_event *ev,
			      const char *error, int64_t retry_after)
{
	int64_t max = 60;
	char *err = NULL;
	if (tp_config_int(&app->config, "retry_max", 1, 3600, &max, &err) < 0)
		free(err);
	int64_t wait = kiosk_backoff(ev->attempts + 1, max, retry_after);
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return;
	int r = tp_db_run(db, "UPDATE outbox SET attempts = attempts + 1, next_at = ?,"
			      " last_error = ? WHERE id = ?", "iti", tp_now() + wait, error, ev->id);
	tp_db_writer_end(&app->db, r);
	tp_info("event %lld not sent (%s): next try in %llds", (long long)ev->id, error,
		(long long)wait);
}

/* A server older than this kiosk may not have the route yet (404
 * "not_found", or 405): that is no verdict on the event, so it is retried
 * until the server is upgraded, never dropped. */
static bool kiosk_route_missing(const struct tp_client_response *resp)
{
	const char *code = json_string_value(json_object_get(json_object_get(resp->json, "error"),
							     "code"));
	return resp->status == 405 ||
	       (resp->status == 404 && (!code || strcmp(code, "not_found") == 0));
}

/* Sleeps until woken, stopped, or until the given time (Unix seconds). */
static void kiosk_sleep_until(struct kiosk_app *app, int64_t until)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = ts.tv_sec;
	if (until <= now)
		return;
	ts.tv_sec = until;
	ts.tv_nsec = 0;
	pthread_mutex_lock(&app->lock);
	/* An event queued since the sender last looked is not slept past. */
	if (!app->stopping && !app->events_queued)
		pthread_cond_timedwait(&app->wake_sender, &app->lock, &ts);
	app->events_queued = false;
	pthread_mutex_unlock(&app->lock);
}

static bool kiosk_stopping(struct kiosk_app *app)
{
	pthread_mutex_lock(&app->lock);
	bool stop = app->stopping;
	pthread_mutex_unlock(&app->lock);
	return stop;
}

static void *kiosk_sender_main(void *arg)
{
	struct kiosk_app *app = arg;
	struct tp_client client;
	tp_client_init(&client, app->creds.server, app->creds.token, 15000);
	while (!kiosk_stopping(app)) {
		struct kiosk_event ev = { 0 };
		int r = kiosk_event_head(app, &ev);
		if (r != 1) {
			/* Nothing to send: wait for a new event (or a minute). */
			kiosk_sleep_until(app, tp_now() + 60);
			continue;
		}
		if (ev.next_at > tp_now()) {
			free(ev.body);
			kiosk_sleep_until(app, ev.next_at);
			continue;
		}
		struct tp_client_response resp;
		tp_client_request(&client, "POST", kiosk_event_path(ev.kind), ev.body, &resp);
		if (resp.status > 0 && resp.status != 401)
			atomic_store(&app->last_contact, tp_now());
		/* Only the server's own JSON answer acknowledges: a proxy or captive
		 * portal answering 200 with a web page must not empty the queue. */
		if (resp.status >= 200 && resp.status < 300 && json_is_object(resp.json)) {
			kiosk_event_done(app, &ev, resp.json);
		} else if (resp.status == 401) {
			/* Revoked or re-paired elsewhere: keep everything, retry slowly,
			 * and let staff see why nothing goes out. */
			atomic_store(&app->revoked, true);
			kiosk_event_retry(app, &ev, "the server does not accept this kiosk's token",
					  300);
		} else if (resp.status >= 200 && resp.status < 300) {
			kiosk_event_retry(app, &ev, "the answer was not the server's", 0);
		} else if (resp.status >= 400 && resp.status < 500 && resp.status != 408 &&
			   resp.status != 429 && !kiosk_route_missing(&resp)) {
			kiosk_event_rejected(app, &ev, &resp);
		} else {
			char error[300];
			tp_client_why(&resp, error, sizeof error);
			kiosk_event_retry(app, &ev, error, resp.retry_after);
		}
		tp_client_response_release(&resp);
		free(ev.body);
	}
	tp_client_release(&client);
	return NULL;
}

int kiosk_sender_start(struct kiosk_app *app)
{
	return -pthread_create(&app->sender_thread, NULL, kiosk_sender_main, app);
}

void kiosk_sender_stop(struct kiosk_app *app)
{
	pthread_join(app->sender_thread, NULL);
}
