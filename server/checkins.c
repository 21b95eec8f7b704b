/*
 * Check-ins, undo and the session roster; see checkins.h. The whole
 * decision runs inside one write transaction, and writes are serialised
 * through the store's single writer, so two scans of one card cannot both
 * count; UNIQUE(session_id, participant_id) keeps that true regardless.
 */
#include "checkins.h"
#include "audit.h"
#include "enrolments.h"
#include "sessions.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_metrics.h"
#include "tp_time.h"
#include "tp_token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const srv_checkin_methods[] = { "card", "phone", "staff", "import", NULL };

/* A session is open for sign-in from this long before it starts until this
 * long after it ends. */
#define SRV_OPEN_BEFORE (30 * 60)
#define SRV_OPEN_AFTER (30 * 60)
/* A scan time may be this far in the future (clock skew) ... */
#define SRV_MAX_SKEW (5 * 60)
/* ... and this far in the past (a kiosk that was offline for days). */
#define SRV_MAX_AGE (31 * 24 * 3600)

struct srv_checkin {
	/* Input. */
	const char *card;
	int64_t participant_id;
	int64_t session_id;
	const char *venue;
	int64_t scanned_at;
	const char *nonce;
	const char *method;
	/* Outcome. */
	int http_status;
	json_t *reply;
};

static void srv_checkin_count(const char *status)
{
	char labels[64];
	snprintf(labels, sizeof labels, "status=\"%s\"", status);
	tp_counter_add(tp_counter_get("touchpoint_checkins_total",
				      "Check-in requests answered, by status", labels), 1);
}

int srv_attendance_record(sqlite3 *w, int64_t session_id, int64_t participant_id,
			  const char *method, int64_t scanned_at,
			  const struct srv_actor *actor)
{
	int64_t undone = 0;
	int r = tp_db_int(w, &undone, "SELECT undone_at IS NOT NULL FROM attendance"
				      " WHERE session_id = ? AND participant_id = ?",
			  "ii", session_id, participant_id);
	if (r == 0 && !undone)
		return 0;
	if (r < 0 && r != -ENOENT)
		return r;
	/* Not a member on the session's day (never, or she had left): a walk-in. */
	int64_t enrolled = 0;
	r = tp_db_int(w, &enrolled,
		      "SELECT count(*) FROM enrolments e JOIN sessions s ON s.group_id = e.group_id"
		      " WHERE s.id = ? AND e.participant_id = ? AND"
		      SRV_ENROLMENT_ON("e", SRV_SQL_HK_DAY("s.starts_at")),
		      "ii", session_id, participant_id);
	if (r < 0)
		return r;
	int64_t device = actor->kind == SRV_ACTOR_DEVICE ? actor->id : 0;
	int64_t user = actor->kind == SRV_ACTOR_STAFF ? actor->id : 0;
	if (undone) {
		/* Signed in again after an undo: the row comes back to life. */
		r = tp_db_run(w, "UPDATE attendance SET method = ?, walk_in = ?, scanned_at = ?,"
				 " recorded_at = ?, device_id = nullif(?, 0), user_id = nullif(?, 0),"
				 " undone_at = NULL, undone_by = NULL, undo_reason = NULL"
				 " WHERE session_id = ? AND participant_id = ?",
			      "tIiiiiii", method, enrolled ? 0 : 1, scanned_at, tp_now(),
			      device, user, session_id, participant_id);
	} else {
		r = tp_db_run(w, "INSERT INTO attendance (session_id, participant_id, method,"
				 " walk_in, scanned_at, recorded_at, device_id, user_id)"
				 " VALUES (?, ?, ?, ?, ?, ?, nullif(?, 0), nullif(?, 0))",
			      "iitIiiii", session_id, participant_id, method, enrolled ? 0 : 1,
			      scanned_at, tp_now(), device, user);
	}
	if (r == -EEXIST)
		return 0;
	return r < 0 ? r : 1;
}

static int srv_checkin_parse(struct tp_http_request *req, json_t *in,
			     struct srv_checkin *c, struct tp_error *e)
{
	static const char *const keys[] = { "card", "participant_id", "session_id", "venue",
					     "scanned_at", "nonce", "method", NULL };
	const struct srv_actor *actor = srv_actor_of(req);
	int r = tp_json_only_keys(in, keys, e);
	if (r < 0)
		return r;
	json_t *card = json_object_get(in, "card");
	if (card && !json_is_null(card)) {
		if (!json_is_string(card))
			return tp_error_set(e, 400, "invalid_field", "card", "must be a string");
		c->card = json_string_value(card);
		if (strlen(c->card) > 200)
			return tp_error_set(e, 400, "invalid_field", "card", "is too long");
	}
	if ((r = tp_json_int(in, "participant_id", false, 1, INT64_MAX, &c->participant_id, e)) < 0 ||
	    (r = tp_json_int(in, "session_id", false, 1, INT64_MAX, &c->session_id, e)) < 0 ||
	    (r = tp_json_text(in, "venue", false, 100, false, &c->venue, e)) < 0 ||
	    (r = tp_json_text(in, "nonce", false, 100, false, &c->nonce, e)) < 0 ||
	    (r = tp_json_enum(in, "method", false, srv_checkin_methods, &c->method, e)) < 0)
		return r;
	if (!c->card == !c->participant_id)
		return tp_error_set(e, 400, "missing_field", "card",
				    "give either card (the scanned card token) or participant_id");
	if (actor->kind == SRV_ACTOR_DEVICE && !c->nonce)
		return tp_error_set(e, 400, "missing_field", "nonce",
				    "is required from devices, so that a resend counts once");
	int64_t now = tp_now();
	c->scanned_at = now;
	r = tp_json_time(in, "scanned_at", false, &c->scanned_at, e);
	if (r < 0)
		return r;
	if (c->scanned_at > now + SRV_MAX_SKEW) {
		/* A device's clock may run fast; what it saw is kept, at the time
		 * it reached us, rather than thrown away. A person typing a
		 * future time has made a mistake. */
		if (actor->kind != SRV_ACTOR_DEVICE)
			return tp_error_set(e, 400, "invalid_field", "scanned_at",
					    "is in the future");
		tp_warn("device %lld's clock is %llds fast", (long long)actor->id,
			(long long)(c->scanned_at - now));
		c->scanned_at = now;
	}
	if (c->scanned_at < now - SRV_MAX_AGE)
		return tp_error_set(e, 400, "invalid_field", "scanned_at",
				    "is more than 31 days ago");
	if (!c->method)
		c->method = c->card ? "card" : "staff";
	if (strcmp(c->method, "import") == 0)
		return tp_error_set(e, 400, "invalid_field", "method",
				    "import is for CSV imports; use card, phone or staff");
	return 0;
}

static void srv_checkin_answer(struct srv_checkin *c, int status_code, const char *status,
			       const char *message)
{
	c->http_status = status_code;
	json_object_set_new(c->reply, "status", json_string(status));
	if (status_code >= 400)
		json_object_set_new(c->reply, "error", json_pack("{s:s, s:s}", "code", status,
								 "message", message));
	else
		json_object_set_new(c->reply, "message", json_string(message));
}

/* Finds the session: the given one, or the one open at this venue now. */
static int srv_checkin_session(sqlite3 *w, struct srv_checkin *c, const char *venue)
{
	sqlite3_stmt *st;
	int r;
	if (c->session_id) {
		r = tp_db_prepare(w, &st, "SELECT id, status FROM sessions"
					  " WHERE id = ? AND archived_at IS NULL", "i", c->session_id);
	} else {
		if (!venue) {
			srv_checkin_answer(c, 400, "no_session",
					   "give session_id, or a venue to find the open session");
			return 0;
		}
		r = tp_db_prepare(w, &st,
				  "SELECT id, status FROM sessions"
				  " WHERE venue = ? AND archived_at IS NULL AND status = 'planned'"
				  "   AND starts_at - ? <= ? AND ends_at + ? >= ?"
				  " ORDER BY starts_at",
				  "tiiii", venue, (int64_t)SRV_OPEN_BEFORE, c->scanned_at,
				  (int64_t)SRV_OPEN_AFTER, c->scanned_at);
	}
	if (r < 0)
		return r;
	json_t *open = json_array();
	int64_t found = 0;
	bool cancelled = false;
	while ((r = tp_db_step(st)) == 1) {
		found = sqlite3_column_int64(st, 0);
		cancelled = strcmp(tp_db_col_text(st, 1), "cancelled") == 0;
		json_t *s = json_pack("{s:I}", "id", (json_int_t)found);
		json_array_append_new(open, s);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(open);
		return r;
	}
	if (json_array_size(open) == 0) {
		srv_checkin_answer(c, 422, "no_session", c->session_id
				   ? "there is no such session"
				   : "no session is open at this venue now");
	} else if (cancelled) {
		srv_checkin_answer(c, 422, "session_cancelled", "this session was cancelled");
	} else if (json_array_size(open) > 1) {
		size_t i;
		json_t *s;
		json_array_foreach(open, i, s) {
			srv_session_describe(w, json_integer_value(json_object_get(s, "id")), s);
		}
		json_object_set(c->reply, "sessions", open);
		srv_checkin_answer(c, 409, "choose_session",
				   "more than one session is open here: choose one");
	} else {
		c->session_id = found;
	}
	json_decref(open);
	return 0;
}

/* Finds the participant from the card or the id. */
static int srv_checkin_participant(sqlite3 *w, struct srv_checkin *c)
{
	char token[TP_CARD_TOKEN_LEN + 1];
	sqlite3_stmt *st;
	int r;
	if (c->card) {
		if (tp_card_token_normalize(c->card, token) < 0) {
			srv_checkin_answer(c, 422, "unknown_card",
					   "this card is not one of ours: please ask a worker");
			return 0;
		}
		r = tp_db_prepare(w, &st,
				  "SELECT p.id, p.alias, c.revoked_at IS NOT NULL OR"
				  " p.archived_at IS NOT NULL"
				  " FROM cards c JOIN participants p ON p.id = c.participant_id"
				  " WHERE c.token = ?", "t", token);
	} else {
		r = tp_db_prepare(w, &st, "SELECT id, alias, archived_at IS NOT NULL"
					  " FROM participants WHERE id = ?", "i", c->participant_id);
	}
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 0) {
		srv_checkin_answer(c, 422, "unknown_card", c->card
				   ? "this card is not known: please ask a worker"
				   : "there is no such participant");
	} else if (r == 1 && sqlite3_column_int(st, 2) && c->card) {
		/* A revoked card (or an archived person's) names no one on the
		 * screen. */
		srv_checkin_answer(c, 422, "revoked",
				   "this card is no longer valid: please ask a worker");
	} else if (r == 1 && sqlite3_column_int(st, 2)) {
		srv_checkin_answer(c, 422, "archived",
				   "this participant is archived: restore her to sign her in");
	} else if (r == 1) {
		c->participant_id = sqlite3_column_int64(st, 0);
		json_object_set_new(c->reply, "participant",
				    json_pack("{s:I, s:s}", "id", (json_int_t)c->participant_id,
					      "alias", tp_db_col_text(st, 1)));
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

static int srv_checkin_decide(sqlite3 *w, struct srv_checkin *c,
			      const struct srv_actor *actor, const char *venue)
{
	int r = srv_checkin_participant(w, c);
	if (r < 0 || c->http_status)
		return r;
	r = srv_checkin_session(w, c, venue);
	if (r < 0 || c->http_status)
		return r;
	json_t *session = json_pack("{s:I}", "id", (json_int_t)c->session_id);
	r = srv_session_describe(w, c->session_id, session);
	json_object_set_new(c->reply, "session", session);
	if (r < 0)
		return r;
	r = srv_attendance_record(w, c->session_id, c->participant_id, c->method,
				  c->scanned_at, actor);
	if (r < 0)
		return r;
	bool recorded = r == 1;
	sqlite3_stmt *st;
	r = tp_db_prepare(w, &st, "SELECT id, method, walk_in, scanned_at, recorded_at"
				  " FROM attendance WHERE session_id = ? AND participant_id = ?",
			  "ii", c->session_id, c->participant_id);
	if (r < 0)
		return r;
	bool walk_in = false;
	int64_t attendance_id = 0;
	if ((r = tp_db_step(st)) == 1) {
		attendance_id = sqlite3_column_int64(st, 0);
		walk_in = sqlite3_column_int(st, 2);
		json_t *a = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)attendance_id,
				      "method", tp_db_col_text(st, 1), "walk_in", walk_in);
		tp_json_set_time(a, "scanned_at", sqlite3_column_int64(st, 3));
		tp_json_set_time(a, "recorded_at", sqlite3_column_int64(st, 4));
		json_object_set_new(c->reply, "attendance", a);
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	if (!recorded) {
		srv_checkin_answer(c, 200, "already", "already signed in");
		return 0;
	}
	if (walk_in)
		srv_checkin_answer(c, 201, "not_enrolled",
				   "signed in as a walk-in: a worker will follow up");
	else
		srv_checkin_answer(c, 201, "ok", "signed in");
	json_t *detail = json_pack("{s:I, s:s, s:b}", "session_id", (json_int_t)c->session_id,
				   "method", c->method, "walk_in", walk_in);
	r = srv_audit(w, actor, "checkin", "attendance", attendance_id, detail);
	json_decref(detail);
	return r;
}

int srv_checkin_record(sqlite3 *w, int64_t session_id, int64_t participant_id,
		       const char *method, int64_t at, const struct srv_actor *actor,
		       json_t **reply)
{
	struct srv_checkin c = { .participant_id = participant_id, .session_id = session_id,
				 .method = method, .scanned_at = at };
	c.reply = json_object();
	int r = srv_checkin_decide(w, &c, actor, NULL);
	if (r < 0) {
		json_decref(c.reply);
		return r;
	}
	srv_checkin_count(json_string_value(json_object_get(c.reply, "status")));
	*reply = c.reply;
	return c.http_status;
}

int srv_checkin_post(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	const struct srv_actor *actor = srv_actor_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	struct srv_checkin c = { 0 };
	if (tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e) < 0 ||
	    srv_checkin_parse(req, in, &c, &e) < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	char client[48];
	snprintf(client, sizeof client, "%s:%lld",
		 actor->kind == SRV_ACTOR_DEVICE ? "device" : "user", (long long)actor->id);
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0) {
		json_decref(in);
		return r;
	}
	/* A nonce seen before gets the answer it got then. */
	if (c.nonce) {
		char *body = NULL;
		int64_t status = 0;
		r = tp_db_int(w, &status, "SELECT http_status FROM checkin_requests"
					  " WHERE client = ? AND nonce = ?", "tt", client, c.nonce);
		if (r == 0)
			r = tp_db_text(w, &body, "SELECT response FROM checkin_requests"
						 " WHERE client = ? AND nonce = ?", "tt", client, c.nonce);
		if (r == 0) {
			srv_store_write_end(&app->store, 0);
			json_decref(in);
			srv_checkin_count("replayed");
			r = tp_http_reply(req, (int)status, "application/json; charset=utf-8",
					  body, strlen(body));
			free(body);
			return r;
		}
		if (r == -ENOENT)
			r = 0;
	}
	char *venue = NULL;
	if (r >= 0 && !c.session_id) {
		if (c.venue)
			venue = tp_xstrdup(c.venue);
		else if (actor->kind == SRV_ACTOR_DEVICE)
			tp_db_text(w, &venue, "SELECT venue FROM devices WHERE id = ?", "i",
				   actor->id);
	}
	c.reply = json_object();
	if (r >= 0)
		r = srv_checkin_decide(w, &c, actor, venue);
	char *text = NULL;
	if (r >= 0) {
		text = json_dumps(c.reply, JSON_COMPACT);
		if (c.nonce)
			r = tp_db_run(w, "INSERT INTO checkin_requests (client, nonce, http_status,"
					 " response, created_at) VALUES (?, ?, ?, ?, ?)",
				      "ttIti", client, c.nonce, c.http_status, text, tp_now());
	}
	r = srv_store_write_end(&app->store, r);
	free(venue);
	json_decref(in);
	if (r < 0) {
		free(text);
		json_decref(c.reply);
		return r;
	}
	srv_checkin_count(json_string_value(json_object_get(c.reply, "status")));
	json_decref(c.reply);
	r = tp_http_reply(req, c.http_status, "application/json; charset=utf-8", text,
			  strlen(text));
	free(text);
	return r;
}

/* Undoes attendance id (live) on the writer, with its audit record. */
static int srv_attendance_undo_in(sqlite3 *w, int64_t id, const char *reason,
				  const struct srv_actor *actor)
{
	int r = tp_db_run(w, "UPDATE attendance SET undone_at = ?, undone_by = nullif(?, 0),"
			     " undo_reason = ? WHERE id = ?", "iiti", tp_now(),
			  actor->kind == SRV_ACTOR_STAFF ? actor->id : (int64_t)0, reason, id);
	if (r < 0)
		return r;
	json_t *detail = json_pack("{s:s}", "reason", reason);
	r = srv_audit(w, actor, "undo_checkin", "attendance", id, detail);
	json_decref(detail);
	return r;
}

int srv_attendance_undo(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	const struct srv_actor *actor = srv_actor_of(req);
	int64_t id = srv_param_id(req, 0);
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	const char *reason = NULL;
	static const char *const keys[] = { "reason", NULL };
	if (tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e) < 0 ||
	    tp_json_only_keys(in, keys, &e) < 0 ||
	    tp_json_text(in, "reason", true, 500, false, &reason, &e) < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0) {
		json_decref(in);
		return r;
	}
	int64_t undone = 0;
	r = tp_db_int(w, &undone, "SELECT undone_at IS NOT NULL FROM attendance WHERE id = ?",
		      "i", id);
	if (r == -ENOENT)
		r = tp_error_set(&e, 404, "not_found", NULL, "there is no attendance with id %s",
				 req->params[0]);
	else if (r == 0 && undone)
		r = tp_error_set(&e, 409, "already_undone", NULL,
				 "this check-in was already undone");
	if (r == 0)
		r = srv_attendance_undo_in(w, id, reason, actor);
	r = srv_store_write_end(&app->store, r);
	json_decref(in);
	if (r < 0)
		return e.status ? srv_reply_error(req, &e) : r;
	return tp_http_reply_json(req, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id,
						      "undone", 1));
}

/*
 * Undo by session and participant, for a kiosk that signed her in offline
 * and never learnt the attendance id. The nonce is kept with the check-in
 * nonces (marked as an undo's, so the two kinds cannot meet), and a resend
 * gets the first answer: it must not undo a sign-in made again since.
 */
int srv_checkin_undo_post(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	const struct srv_actor *actor = srv_actor_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	const char *reason = NULL, *nonce = NULL;
	int64_t session_id = 0, participant_id = 0;
	static const char *const keys[] = { "session_id", "participant_id", "reason", "nonce",
					     NULL };
	int r = tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e);
	if (r >= 0)
		r = tp_json_only_keys(in, keys, &e);
	if (r >= 0)
		r = tp_json_int(in, "session_id", true, 1, INT64_MAX, &session_id, &e);
	if (r >= 0)
		r = tp_json_int(in, "participant_id", true, 1, INT64_MAX, &participant_id, &e);
	if (r >= 0)
		r = tp_json_text(in, "reason", true, 500, false, &reason, &e);
	if (r >= 0)
		r = tp_json_text(in, "nonce", false, 100, false, &nonce, &e);
	if (r >= 0 && actor->kind == SRV_ACTOR_DEVICE && !nonce)
		r = tp_error_set(&e, 400, "missing_field", "nonce",
				 "is required from devices, so that a resend counts once");
	if (r < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	char client[48];
	snprintf(client, sizeof client, "%s:%lld",
		 actor->kind == SRV_ACTOR_DEVICE ? "device" : "user", (long long)actor->id);
	char *stored_nonce = nonce ? tp_xasprintf("undo:%s", nonce) : NULL;
	char *text = NULL;
	sqlite3 *w;
	r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		goto done;
	/* A nonce seen before gets the answer it got then. */
	if (stored_nonce) {
		r = tp_db_text(w, &text, "SELECT response FROM checkin_requests"
					 " WHERE client = ? AND nonce = ?", "tt", client, stored_nonce);
		if (r == -ENOENT)
			r = 0;
		else
			goto end;
	}
	int64_t id = 0, undone = 0;
	r = tp_db_int(w, &id, "SELECT id FROM attendance WHERE session_id = ?"
			      " AND participant_id = ?", "ii", session_id, participant_id);
	if (r == 0)
		r = tp_db_int(w, &undone, "SELECT undone_at IS NOT NULL FROM attendance"
					  " WHERE id = ?", "i", id);
	if (r == -ENOENT)
		r = tp_error_set(&e, 404, "not_signed_in", NULL,
				 "participant %lld is not signed in to session %lld",
				 (long long)participant_id, (long long)session_id);
	if (r == 0 && !undone)
		r = srv_attendance_undo_in(w, id, reason, actor);
	if (r == 0) {
		json_t *reply = json_pack("{s:s, s:I, s:I, s:I}", "status",
					  undone ? "already_undone" : "undone", "attendance_id",
					  (json_int_t)id, "session_id", (json_int_t)session_id,
					  "participant_id", (json_int_t)participant_id);
		text = json_dumps(reply, JSON_COMPACT);
		json_decref(reply);
		if (stored_nonce)
			r = tp_db_run(w, "INSERT INTO checkin_requests (client, nonce, http_status,"
					 " response, created_at) VALUES (?, ?, 200, ?, ?)",
				      "ttti", client, stored_nonce, text, tp_now());
	}
end:
	r = srv_store_write_end(&app->store, r);
done:
	free(stored_nonce);
	json_decref(in);
	if (r < 0) {
		free(text);
		return e.status ? srv_reply_error(req, &e) : r;
	}
	r = tp_http_reply(req, 200, "application/json; charset=utf-8", text, strlen(text));
	free(text);
	return r;
}

int srv_session_roster(struct tp_http_request *req)
{
	int64_t id = srv_param_id(req, 0);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	json_t *session = json_pack("{s:I}", "id", (json_int_t)id);
	int64_t group_id = 0;
	int r = tp_db_int(db, &group_id, "SELECT group_id FROM sessions WHERE id = ?", "i", id);
	if (r == -ENOENT) {
		json_decref(session);
		return tp_http_reply_error(req, 404, "not_found", "there is no session with id %s",
					   req->params[0]);
	}
	if (r == 0)
		r = srv_session_describe(db, id, session);
	if (r < 0) {
		json_decref(session);
		return r;
	}
	/* Everyone enrolled on the session's day (not left by then, not
	 * archived), then walk-ins; with how and when each arrived. Whoever
	 * signed in stays, whatever happened to her since. */
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st,
			  "SELECT p.id, p.alias, p.ref, a.id, a.method, a.walk_in, a.scanned_at,"
			  "       a.recorded_at, e.id IS NOT NULL"
			  " FROM participants p"
			  " LEFT JOIN enrolments e ON e.participant_id = p.id AND e.group_id = ?1"
			  "      AND p.archived_at IS NULL AND"
			  SRV_ENROLMENT_ON("e", SRV_SQL_HK_DAY(
				  "(SELECT starts_at FROM sessions WHERE id = ?2)"))
			  " LEFT JOIN attendance a ON a.participant_id = p.id AND a.session_id = ?2"
			  "      AND a.undone_at IS NULL"
			  " WHERE e.id IS NOT NULL OR a.id IS NOT NULL"
			  " ORDER BY a.id IS NULL, a.scanned_at, p.alias",
			  "ii", group_id, id);
	if (r < 0) {
		json_decref(session);
		return r;
	}
	json_t *people = json_array();
	int arrived = 0, enrolled = 0, walk_ins = 0;
	while ((r = tp_db_step(st)) == 1) {
		json_t *p = json_pack("{s:I, s:s, s:s?, s:b}", "participant_id",
				      (json_int_t)sqlite3_column_int64(st, 0), "alias",
				      tp_db_col_text(st, 1), "ref", tp_db_col_text(st, 2),
				      "enrolled", sqlite3_column_int(st, 8));
		enrolled += sqlite3_column_int(st, 8);
		if (!tp_db_col_null(st, 3)) {
			arrived++;
			walk_ins += sqlite3_column_int(st, 5);
			json_t *a = json_pack("{s:I, s:s, s:b}", "id",
					      (json_int_t)sqlite3_column_int64(st, 3), "method",
					      tp_db_col_text(st, 4), "walk_in",
					      sqlite3_column_int(st, 5));
			tp_json_set_time(a, "scanned_at", sqlite3_column_int64(st, 6));
			tp_json_set_time(a, "recorded_at", sqlite3_column_int64(st, 7));
			json_object_set_new(p, "attendance", a);
		} else {
			json_object_set_new(p, "attendance", json_null());
		}
		json_array_append_new(people, p);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(people);
		json_decref(session);
		return r;
	}
	/* arrived counts everyone signed in; walk_ins is the part of it that is
	 * not enrolled, so arrived - walk_ins of enrolled came. */
	return tp_http_reply_json(req, 200, json_pack("{s:o, s:i, s:i, s:i, s:o}", "session",
						      session, "enrolled", enrolled, "arrived",
						      arrived, "walk_ins", walk_ins, "people", people));
}

#define SRV_HISTORY_MAX 500

/*
 * One participant's sign-ins, newest first, with the session and group and
 * how each came about; undone ones stay, marked (viewers do not get the
 * reason, which is free text). At most SRV_HISTORY_MAX, with "more" set when
 * there are older ones.
 */
int srv_participant_attendance(struct tp_http_request *req)
{
	int64_t id = srv_param_id(req, 0);
	const struct srv_actor *actor = srv_actor_of(req);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	int64_t exists = 0;
	int r = tp_db_int(db, &exists, "SELECT count(*) FROM participants WHERE id = ?", "i", id);
	if (r < 0)
		return r;
	if (!exists)
		return tp_http_reply_error(req, 404, "not_found",
					   "there is no participant with id %s", req->params[0]);
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st,
			  "SELECT a.id, s.id, s.title, g.id, g.name, s.starts_at, s.ends_at,"
			  "       a.method, a.walk_in, a.scanned_at, a.undone_at, a.undo_reason"
			  " FROM attendance a JOIN sessions s ON s.id = a.session_id"
			  " JOIN groups g ON g.id = s.group_id"
			  " WHERE a.participant_id = ? ORDER BY s.starts_at DESC, a.id DESC LIMIT ?",
			  "ii", id, SRV_HISTORY_MAX + 1);
	if (r < 0)
		return r;
	json_t *items = json_array();
	bool more = false;
	while ((r = tp_db_step(st)) == 1) {
		if (json_array_size(items) == SRV_HISTORY_MAX) {
			more = true;
			break;
		}
		json_t *a = json_pack("{s:I, s:I, s:I, s:s, s:s, s:b}",
				      "id", (json_int_t)sqlite3_column_int64(st, 0),
				      "session_id", (json_int_t)sqlite3_column_int64(st, 1),
				      "group_id", (json_int_t)sqlite3_column_int64(st, 3),
				      "group_name", tp_db_col_text(st, 4),
				      "method", tp_db_col_text(st, 7),
				      "walk_in", sqlite3_column_int(st, 8));
		tp_json_set_text(a, "title", tp_db_col_null(st, 2) ? NULL : tp_db_col_text(st, 2));
		tp_json_set_time(a, "starts_at", sqlite3_column_int64(st, 5));
		tp_json_set_time(a, "ends_at", sqlite3_column_int64(st, 6));
		tp_json_set_time(a, "scanned_at", sqlite3_column_int64(st, 9));
		tp_json_set_time(a, "undone_at", tp_db_col_null(st, 10) ? 0 : sqlite3_column_int64(st, 10));
		if (actor->perm != SRV_P_VIEWER)
			tp_json_set_text(a, "undo_reason",
					 tp_db_col_null(st, 11) ? NULL : tp_db_col_text(st, 11));
		json_array_append_new(items, a);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_decref(items);
		return r;
	}
	return tp_http_reply_json(req, 200, json_pack("{s:I, s:o, s:b}", "participant_id",
						      (json_int_t)id, "items", items, "more", more));
}
