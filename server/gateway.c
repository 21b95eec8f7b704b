/*
 * The gateway's API; see gateway.h and README "Gateway API". Each call runs
 * in one write transaction: the checks made before a message is handed out
 * (deadline, opt-out, consent, quiet hours) see the same data the claim
 * writes, and a failed batch of events leaves nothing half-done.
 */
#include "gateway.h"
#include "conversation.h"
#include "messages.h"
#include "scheduler.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_phone.h"
#include "tp_time.h"
#include "tp_token.h"
#include "tp_utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Candidates read at a time while claiming. */
#define SRV_CLAIM_SCAN 200
/* A gateway's retry without a Retry-After waits this long. */
#define SRV_RETRY_DEFAULT 60
/* WhatsApp allows free text this long after her last message. */
#define SRV_WA_WINDOW (24 * 3600)
/* An inbound text's time may run this far ahead of ours. */
#define SRV_MAX_SKEW (5 * 60)

static const char *const srv_providers[] = { "twilio", "meta", "console", NULL };
static const char *const srv_msg_channels[] = { "sms", "whatsapp", NULL };
static const char *const srv_outcomes[] = { "sent", "retry", "failed", "stopped", "unknown",
					    NULL };
static const char *const srv_provider_statuses[] = { "queued", "sent", "delivered", "read",
						     "failed", "undelivered", NULL };

/* Reads the body as a JSON object of the given keys. */
static int srv_gateway_body(struct tp_http_request *req, const char *const *keys, json_t **in,
			    struct tp_error *e)
{
	int r = tp_json_parse_object(tp_buf_str(&req->body), req->body.len, in, e);
	if (r == 0)
		r = tp_json_only_keys(*in, keys, e);
	return r;
}

/* A time in plain words: "09:00" today, else "2026-11-24 09:00". */
static void srv_words_when(int64_t t, int64_t now, char out[32])
{
	char iso[32], today[11];
	tp_time_format_hk(t, iso);
	tp_date_format_hk(now, today);
	if (strncmp(iso, today, 10) == 0)
		snprintf(out, 32, "%.5s", iso + 11);
	else
		snprintf(out, 32, "%.10s %.5s", iso, iso + 11);
}

/* ---- claim ---- */

struct srv_claim {
	struct srv_app *app;
	sqlite3 *w;
	int64_t now;
	int64_t lease_seconds;
};

static int srv_set_status(sqlite3 *w, int64_t id, const char *status, const char *reason,
			  int64_t now)
{
	return tp_db_run(w, "UPDATE messages SET status = ?, reason = ?, updated_at = ?"
			    " WHERE id = ?", "ttii", status, reason, now, id);
}

/* Whether she wrote to us on WhatsApp in the last 24 hours. */
static int srv_window_open(sqlite3 *w, int64_t participant_id, int64_t now, bool *open)
{
	int64_t last = 0;
	int r = tp_db_int(w, &last, "SELECT coalesce(max(sent_at), 0) FROM messages"
				    " WHERE participant_id = ? AND direction = 'in'"
				    " AND channel = 'whatsapp'", "i", participant_id);
	*open = r == 0 && last > now - SRV_WA_WINDOW;
	return r;
}

/* Adds a JSON column's value (or null) to o under key. */
static void srv_set_json_col(json_t *o, const char *key, sqlite3_stmt *st, int col)
{
	const char *text = tp_db_col_text(st, col);
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	json_object_set_new(o, key, v ? v : json_null());
}

/*
 * Checks one candidate again and hands it out: *item gets the message for
 * the gateway, or stays NULL when it is not to go now (expired, failed,
 * held for quiet hours), with its history saying so.
 */
static int srv_claim_one(struct srv_claim *c, int64_t id, json_t **item)
{
	*item = NULL;
	sqlite3_stmt *st;
	int r = tp_db_row(c->w, &st,
			  "SELECT m.participant_id, m.kind, m.deliver_by, m.quiet_hours, m.status,"
			  " m.channel, p.phone, m.lang, m.body, m.wa_template, m.buttons,"
			  " m.attempts FROM messages m JOIN participants p ON p.id = m.participant_id"
			  " WHERE m.id = ?", "i", id);
	if (r <= 0)
		return r;
	int64_t pid = sqlite3_column_int64(st, 0);
	const char *kind = tp_db_col_text(st, 1);
	int64_t deliver_by = sqlite3_column_int64(st, 2);
	bool quiet = sqlite3_column_int(st, 3);
	bool reclaim = strcmp(tp_db_col_text(st, 4), "claimed") == 0;
	char deadline[32];
	srv_words_when(deliver_by, c->now, deadline);
	const char *channel = NULL, *why = NULL;
	int64_t until = quiet ? srv_quiet_until(c->app, c->now) : 0;
	if (deliver_by <= c->now) {
		r = srv_set_status(c->w, id, "expired", "not sent before its deadline", c->now);
		if (r == 0)
			r = srv_message_eventf(c->w, id, "expired", "not sent before its deadline (%s)",
					       deadline);
		goto done;
	}
	if (strcmp(kind, "reminder") == 0) {
		char buf[128];
		r = srv_reminder_check(c->w, id, c->now, &why, buf);
		if (r == 0 && why)
			r = srv_message_withdraw(c->w, id, why);
		if (r < 0 || why)
			goto done;
	}
	r = srv_message_check(c->w, pid, kind, &channel, &why);
	if (r < 0)
		goto done;
	if (why) {
		r = srv_set_status(c->w, id, "failed", why, c->now);
		if (r == 0)
			r = srv_message_eventf(c->w, id, "failed", "not sent: %s", why);
		goto done;
	}
	if (until && until >= deliver_by) {
		char end[32];
		srv_words_when(until, c->now, end);
		r = srv_set_status(c->w, id, "expired", "quiet hours last past its deadline", c->now);
		if (r == 0)
			r = srv_message_eventf(c->w, id, "expired", "quiet hours until %s last past its"
					       " deadline (%s)", end, deadline);
		goto done;
	}
	if (until) {
		char end[32];
		srv_words_when(until, c->now, end);
		r = tp_db_run(c->w, "UPDATE messages SET status = 'queued', not_before = ?,"
				    " updated_at = ? WHERE id = ?", "iii", until, c->now, id);
		if (r == 0)
			r = srv_message_eventf(c->w, id, "held", "quiet hours: it goes at %s", end);
		goto done;
	}
	char *lease = tp_token_new("", 20);
	int64_t lease_until = c->now + c->lease_seconds;
	int64_t attempt = sqlite3_column_int64(st, 11) + 1;
	r = tp_db_run(c->w, "UPDATE messages SET status = 'claimed', lease = ?, lease_until = ?,"
			    " attempts = ?, result = NULL, to_addr = ?, updated_at = ? WHERE id = ?",
		      "tiitii", lease, lease_until, attempt, tp_db_col_text(st, 6), c->now, id);
	if (r == 0)
		r = reclaim ? srv_message_eventf(c->w, id, "claimed", "again, attempt %lld: the last"
						 " gateway's lease ran out", (long long)attempt)
			    : srv_message_eventf(c->w, id, "claimed", "by the gateway, attempt %lld",
						 (long long)attempt);
	bool open = false;
	if (r == 0)
		r = srv_window_open(c->w, pid, c->now, &open);
	if (r == 0) {
		json_t *o = json_pack("{s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:b, s:I}",
				      "id", (json_int_t)id, "lease", lease, "lease_until",
				      (json_int_t)lease_until, "attempt", (json_int_t)attempt,
				      "channel", tp_db_col_text(st, 5), "to", tp_db_col_text(st, 6),
				      "lang", tp_db_col_text(st, 7), "body", tp_db_col_text(st, 8),
				      "window_open", open, "deliver_by", (json_int_t)deliver_by);
		srv_set_json_col(o, "whatsapp_template", st, 9);
		if (!tp_db_col_null(st, 10))
			srv_set_json_col(o, "buttons", st, 10);
		*item = o;
	}
	free(lease);
done:
	sqlite3_finalize(st);
	return r;
}

int srv_gateway_claim(struct tp_http_request *req)
{
	static const char *const keys[] = { "limit", "lease_seconds", "channels", NULL };
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	int64_t limit = 20, lease_seconds = 120;
	bool sms = true, whatsapp = true;
	int r = srv_gateway_body(req, keys, &in, &e);
	if (r >= 0)
		r = tp_json_int(in, "limit", false, 1, 100, &limit, &e);
	if (r >= 0)
		r = tp_json_int(in, "lease_seconds", false, 10, 600, &lease_seconds, &e);
	json_t *channels = in ? json_object_get(in, "channels") : NULL;
	if (r >= 0 && channels && !json_is_null(channels)) {
		sms = whatsapp = false;
		size_t i;
		json_t *v;
		if (!json_is_array(channels) || json_array_size(channels) == 0)
			r = tp_error_set(&e, 400, "invalid_field", "channels",
					 "must be a list of sms and whatsapp");
		json_array_foreach(channels, i, v) {
			const char *s = json_string_value(v);
			if (r < 0)
				break;
			if (s && strcmp(s, "sms") == 0)
				sms = true;
			else if (s && strcmp(s, "whatsapp") == 0)
				whatsapp = true;
			else
				r = tp_error_set(&e, 400, "invalid_field", "channels",
						 "must be a list of sms and whatsapp");
		}
	}
	json_decref(in);
	if (r < 0)
		return srv_reply_error(req, &e);

	struct srv_claim c = { .app = srv_app_of(req), .now = tp_now(),
			       .lease_seconds = lease_seconds };
	json_t *handed = json_array();
	r = srv_store_write_begin(&c.app->store, &c.w);
	if (r < 0) {
		json_decref(handed);
		return r;
	}
	/* What fell due since the scheduler's last pass is claimable now. */
	r = srv_scheduler_run(c.w, c.now);
	/* Candidates a batch at a time: the ones not handed out are no longer
	 * due afterwards (expired, failed or held), so each pass makes progress. */
	for (int pass = 0; r == 0 && pass < 20 && json_array_size(handed) < (size_t)limit; pass++) {
		sqlite3_stmt *st;
		r = tp_db_prepare(c.w, &st,
				  "SELECT id FROM messages WHERE direction = 'out' AND not_before <= ?"
				  " AND (status = 'queued' OR (status = 'claimed' AND lease_until <= ?))"
				  " AND channel IN (?, ?) ORDER BY not_before, id LIMIT ?",
				  "iittI", c.now, c.now, sms ? "sms" : "-", whatsapp ? "whatsapp" : "-",
				  SRV_CLAIM_SCAN);
		if (r < 0)
			break;
		int64_t ids[SRV_CLAIM_SCAN];
		int n = 0;
		while ((r = tp_db_step(st)) == 1)
			ids[n++] = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		for (int i = 0; r == 0 && i < n && json_array_size(handed) < (size_t)limit; i++) {
			json_t *item = NULL;
			r = srv_claim_one(&c, ids[i], &item);
			if (item)
				json_array_append_new(handed, item);
		}
		if (n < SRV_CLAIM_SCAN)
			break;
	}
	r = srv_store_write_end(&c.app->store, r);
	if (r < 0) {
		json_decref(handed);
		return r;
	}
	if (json_array_size(handed))
		tp_info("gateway claimed %zu messages", json_array_size(handed));
	return tp_http_reply_json(req, 200, json_pack("{s:o}", "messages", handed));
}

/* ---- result ---- */

struct srv_report {
	const char *lease, *outcome, *provider, *provider_id, *channel, *note, *reason;
	char error_code[72];
	int64_t retry_after;
};

/* error_code: the provider's code, a string (or a number, taken as one). */
static int srv_error_code(json_t *in, const char *key, char out[72], struct tp_error *e)
{
	out[0] = '\0';
	json_t *v = json_object_get(in, key);
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		snprintf(out, 72, "%lld", (long long)json_integer_value(v));
		return 0;
	}
	const char *s = NULL;
	int r = tp_json_text(in, key, false, 64, false, &s, e);
	if (r > 0)
		snprintf(out, 72, "%s", s);
	return r < 0 ? r : 0;
}

static int srv_report_parse(json_t *in, struct srv_report *p, struct tp_error *e)
{
	memset(p, 0, sizeof *p);
	int r;
	if ((r = tp_json_text(in, "lease", true, 64, false, &p->lease, e)) < 0 ||
	    (r = tp_json_enum(in, "outcome", true, srv_outcomes, &p->outcome, e)) < 0 ||
	    (r = tp_json_enum(in, "provider", false, srv_providers, &p->provider, e)) < 0 ||
	    (r = tp_json_text(in, "provider_id", false, 200, false, &p->provider_id, e)) < 0 ||
	    (r = tp_json_enum(in, "channel", false, srv_msg_channels, &p->channel, e)) < 0 ||
	    (r = tp_json_text(in, "note", false, 500, true, &p->note, e)) < 0 ||
	    (r = tp_json_text(in, "reason", false, 500, true, &p->reason, e)) < 0 ||
	    (r = srv_error_code(in, "error_code", p->error_code, e)) < 0 ||
	    (r = tp_json_int(in, "retry_after", false, 0, 7 * 86400, &p->retry_after, e)) < 0)
		return r;
	if (strcmp(p->outcome, "sent") == 0 && !p->provider)
		return tp_error_set(e, 400, "missing_field", "provider", "is required when sent");
	if (strcmp(p->outcome, "sent") == 0 && !p->provider_id)
		return tp_error_set(e, 400, "missing_field", "provider_id", "is required when sent");
	if (!p->provider != !p->provider_id)
		return tp_error_set(e, 400, "missing_field", p->provider ? "provider_id" : "provider",
				    "provider and provider_id go together");
	return 0;
}

/* The words after "failed: " and the like: the reason and the code. */
static char *srv_report_words(const struct srv_report *p, const char *fallback)
{
	const char *reason = p->reason ? p->reason : fallback;
	if (p->error_code[0])
		return tp_xasprintf("%s (error %s)", reason, p->error_code);
	return tp_xstrdup(reason);
}

static int srv_apply_sent(sqlite3 *w, int64_t id, const char *was_channel,
			  const struct srv_report *p, int64_t now, struct tp_error *e)
{
	const char *channel = p->channel ? p->channel : was_channel;
	int r = tp_db_run(w, "UPDATE messages SET status = 'sent', provider = ?, provider_id = ?,"
			     " channel = ?, sent_at = ?, reason = NULL, error_code = NULL,"
			     " result = 'sent', updated_at = ? WHERE id = ?", "tttiii",
			  p->provider, p->provider_id, channel, now, now, id);
	if (r == -EEXIST)
		return tp_error_set(e, 409, "duplicate_provider_id", "provider_id",
				    "another message already has this %s id", p->provider);
	if (r < 0)
		return r;
	if (strcmp(channel, was_channel) != 0) {
		r = srv_message_eventf(w, id, "sent", "by %s instead of %s%s%s",
				       strcmp(channel, "sms") == 0 ? "SMS" : "WhatsApp",
				       strcmp(was_channel, "sms") == 0 ? "SMS" : "WhatsApp",
				       p->note ? ": " : "", p->note ? p->note : "");
	} else {
		r = srv_message_eventf(w, id, "sent", "by %s through %s%s%s",
				       strcmp(channel, "sms") == 0 ? "SMS" : "WhatsApp", p->provider,
				       p->note ? "; " : "", p->note ? p->note : "");
	}
	return r;
}

/* Applies a first report for the message's lease; *status gets the answer. */
static int srv_apply_report(sqlite3 *w, const struct srv_actor *actor, int64_t id,
			    int64_t pid, const char *status_now, const char *was_channel,
			    int64_t deliver_by, const struct srv_report *p, const char **status,
			    struct tp_error *e)
{
	int64_t now = tp_now();
	int r = 0;
	const char *o = p->outcome;
	char *words = NULL;
	if (strcmp(o, "sent") == 0) {
		*status = "sent";
		return srv_apply_sent(w, id, was_channel, p, now, e);
	}
	if (strcmp(o, "retry") == 0) {
		int64_t next = now + (p->retry_after ? p->retry_after : SRV_RETRY_DEFAULT);
		words = srv_report_words(p, "the provider could not take it now");
		char when[32];
		srv_words_when(next, now, when);
		if (strcmp(status_now, "claimed") != 0) {
			/* Withdrawn or given up while it was out: it stays so. */
			*status = status_now;
			r = srv_message_eventf(w, id, "retry", "%s; not tried again (%s)", words,
					       status_now);
		} else if (next >= deliver_by) {
			*status = "expired";
			r = tp_db_run(w, "UPDATE messages SET status = 'expired', reason = ?,"
					 " error_code = nullif(?, ''), updated_at = ? WHERE id = ?",
				      "ttii", words, p->error_code, now, id);
			if (r == 0)
				r = srv_message_eventf(w, id, "expired", "%s, and its deadline comes"
						       " before the next try", words);
		} else {
			*status = "queued";
			r = tp_db_run(w, "UPDATE messages SET status = 'queued', not_before = ?,"
					 " reason = ?, error_code = nullif(?, ''), updated_at = ?"
					 " WHERE id = ?", "ittii", next, words, p->error_code, now, id);
			if (r == 0)
				r = srv_message_eventf(w, id, "retry", "%s; next try at %s", words, when);
		}
	} else if (strcmp(o, "failed") == 0 || strcmp(o, "stopped") == 0) {
		bool stopped = strcmp(o, "stopped") == 0;
		*status = "failed";
		words = srv_report_words(p, stopped ? "she asked the provider to stop messages"
						    : "the provider refused it");
		r = tp_db_run(w, "UPDATE messages SET status = 'failed', reason = ?,"
				 " error_code = nullif(?, ''), updated_at = ? WHERE id = ?", "ttii",
			      words, p->error_code, now, id);
		if (r == 0)
			r = srv_message_event(w, id, "failed", words);
		if (r == 0 && stopped)
			r = srv_participant_opt_out(w, pid, p->reason ? p->reason
						    : "the provider says she stopped messages", actor);
	} else {
		*status = "unknown";
		words = srv_report_words(p, "the gateway stopped during the send: the provider may"
					    " or may not have taken it");
		r = tp_db_run(w, "UPDATE messages SET status = 'unknown', reason = ?,"
				 " error_code = nullif(?, ''), updated_at = ? WHERE id = ?", "ttii",
			      words, p->error_code, now, id);
		if (r == 0)
			r = srv_message_eventf(w, id, "unknown", "%s; it is not sent again"
					       " automatically", words);
	}
	free(words);
	if (r == 0)
		r = tp_db_run(w, "UPDATE messages SET result = ? WHERE id = ?", "ti", *status, id);
	return r;
}

int srv_gateway_result(struct tp_http_request *req)
{
	static const char *const keys[] = { "lease", "outcome", "provider", "provider_id",
					    "channel", "note", "error_code", "reason",
					    "retry_after", NULL };
	struct srv_app *app = srv_app_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	int64_t id = srv_param_id(req, 0);
	json_t *in = NULL;
	struct srv_report p;
	int r = srv_gateway_body(req, keys, &in, &e);
	if (r >= 0)
		r = srv_report_parse(in, &p, &e);
	if (r < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	sqlite3 *w;
	r = srv_store_write_begin(&app->store, &w);
	if (r < 0) {
		json_decref(in);
		return r;
	}
	sqlite3_stmt *st = NULL;
	char *status = NULL;
	r = tp_db_prepare(w, &st, "SELECT lease, result, status, channel, participant_id,"
				  " deliver_by FROM messages WHERE id = ? AND direction = 'out'",
			  "i", id);
	if (r == 0)
		r = tp_db_step(st);
	if (r == 0) {
		r = tp_error_set(&e, 404, "not_found", NULL, "there is no outbound message %lld",
				 (long long)id);
	} else if (r == 1) {
		const char *lease = tp_db_col_text(st, 0);
		const char *result = tp_db_col_text(st, 1);
		if (!lease || strlen(lease) != strlen(p.lease) ||
		    !tp_ct_equal(lease, p.lease, strlen(lease))) {
			r = tp_error_set(&e, 409, "lease_lost", "lease",
					 "this is no longer the message's lease: it was claimed"
					 " again; drop your copy");
		} else if (result) {
			/* A repeated report: the first one's answer. */
			status = tp_xstrdup(result);
			r = 0;
		} else {
			const char *answer = NULL;
			char *now_status = tp_xstrdup(tp_db_col_text(st, 2));
			char *channel = tp_xstrdup(tp_db_col_text(st, 3));
			r = srv_apply_report(w, srv_actor_of(req), id, sqlite3_column_int64(st, 4),
					     now_status, channel, sqlite3_column_int64(st, 5), &p,
					     &answer, &e);
			if (r == 0)
				status = tp_xstrdup(answer);
			free(now_status);
			free(channel);
		}
	}
	sqlite3_finalize(st);
	r = srv_store_write_end(&app->store, r);
	json_decref(in);
	if (r < 0) {
		free(status);
		return e.status ? srv_reply_error(req, &e) : r;
	}
	json_t *out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", status);
	free(status);
	return tp_http_reply_json(req, 200, out);
}

/* ---- events ---- */

/* Rewrites e, filled for field "status", as "events[3].status". */
static void srv_event_error(struct tp_error *e, size_t index)
{
	char field[64], message[512];
	if (e->field[0]) {
		snprintf(field, sizeof field, "events[%d].%.40s", (int)index, e->field);
		snprintf(message, sizeof message, "events[%d].%.480s", (int)index, e->message);
	} else {
		snprintf(field, sizeof field, "events[%zu]", index);
		snprintf(message, sizeof message, "events[%d]: %.480s", (int)index, e->message);
	}
	memcpy(e->field, field, sizeof field);
	memcpy(e->message, message, sizeof message);
}

/* Provider statuses in their order; failed and undelivered are final. */
static int srv_status_rank(const char *s)
{
	static const char *const order[] = { "queued", "claimed", "sent", "delivered", "read" };
	for (int i = 0; i < 5; i++)
		if (strcmp(s, order[i]) == 0)
			return i;
	return -1;
}

static bool srv_is_final_failure(const char *s)
{
	return strcmp(s, "failed") == 0 || strcmp(s, "undelivered") == 0;
}

/* A status callback. *res gets {"ok": true, ...}. */
static int srv_event_status(sqlite3 *w, json_t *ev, json_t **res, struct tp_error *e)
{
	static const char *const keys[] = { "type", "provider", "provider_id", "status", "at",
					    "error_code", "reason", NULL };
	const char *provider, *provider_id, *status, *reason = NULL;
	char code[72];
	int64_t at = 0, now = tp_now();
	int r;
	if ((r = tp_json_only_keys(ev, keys, e)) < 0 ||
	    (r = tp_json_enum(ev, "provider", true, srv_providers, &provider, e)) < 0 ||
	    (r = tp_json_text(ev, "provider_id", true, 200, false, &provider_id, e)) < 0 ||
	    (r = tp_json_enum(ev, "status", true, srv_provider_statuses, &status, e)) < 0 ||
	    (r = tp_json_int(ev, "at", false, 0, INT64_MAX / 2, &at, e)) < 0 ||
	    (r = tp_json_text(ev, "reason", false, 500, true, &reason, e)) < 0 ||
	    (r = srv_error_code(ev, "error_code", code, e)) < 0)
		return r;
	sqlite3_stmt *st;
	r = tp_db_prepare(w, &st, "SELECT id, status FROM messages WHERE provider = ?"
				  " AND provider_id = ? AND direction = 'out'", "tt", provider,
			  provider_id);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r <= 0) {
		sqlite3_finalize(st);
		/* Not ours (or not yet reported): taken, so the gateway stops. */
		if (r == 0)
			*res = json_pack("{s:b, s:b}", "ok", 1, "ignored", 1);
		return r;
	}
	int64_t id = sqlite3_column_int64(st, 0);
	char *current = tp_xstrdup(tp_db_col_text(st, 1));
	sqlite3_finalize(st);

	bool failure = srv_is_final_failure(status);
	int have = srv_status_rank(current), want = srv_status_rank(status);
	const char *move = NULL, *note = NULL;
	if (failure) {
		if (have >= 3)
			note = "reported after it was delivered: ignored";
		else if (srv_is_final_failure(current))
			note = NULL;
		else if (have >= 0)
			move = status;
	} else if (want > have && have >= 2) {
		move = status;
	} else if (want >= 0 && want < have) {
		note = "reported late";
	}
	char *words = NULL;
	if (failure)
		words = code[0] ? tp_xasprintf("%s (error %s)", reason ? reason : "the provider"
					       " could not deliver it", code)
				: tp_xstrdup(reason ? reason : "the provider could not deliver it");
	char *detail = words && note ? tp_xasprintf("%s; %s", words, note)
			: tp_xstrdup(words ? words : note);
	char when[32];
	srv_words_when(at ? at : now, now, when);
	char *full = detail ? tp_xasprintf("%s (provider time %s)", detail, when)
			    : tp_xasprintf("provider time %s", when);
	r = tp_db_run(w, "INSERT INTO message_events (message_id, at, event, detail,"
			 " provider_status) VALUES (?, ?, ?, ?, ?)", "iittt", id, now, status,
		      full, status);
	bool duplicate = r == -EEXIST;
	if (duplicate)
		r = 0;
	if (r == 0 && move && !duplicate) {
		if (failure)
			r = tp_db_run(w, "UPDATE messages SET status = ?, reason = ?,"
					 " error_code = nullif(?, ''), updated_at = ? WHERE id = ?",
				      "tttii", move, words, code, now, id);
		else
			r = srv_set_status(w, id, move, NULL, now);
	}
	if (r == 0)
		*res = json_pack("{s:b, s:b}", "ok", 1, "duplicate", duplicate);
	free(current);
	free(words);
	free(detail);
	free(full);
	(void)e;
	return r;
}

/* An inbound text. *res gets {"ok": true, "duplicate": ...}. */
static int srv_event_inbound(sqlite3 *w, const struct srv_actor *actor, json_t *ev,
			     json_t **res, struct tp_error *e)
{
	static const char *const keys[] = { "type", "provider", "provider_id", "channel", "from",
					    "to", "text", "button_id", "at", NULL };
	const char *provider, *provider_id, *channel, *to = NULL, *button = NULL;
	char from[TP_PHONE_MAX];
	int64_t at = 0, now = tp_now();
	int r;
	if ((r = tp_json_only_keys(ev, keys, e)) < 0 ||
	    (r = tp_json_enum(ev, "provider", true, srv_providers, &provider, e)) < 0 ||
	    (r = tp_json_text(ev, "provider_id", true, 200, false, &provider_id, e)) < 0 ||
	    (r = tp_json_enum(ev, "channel", true, srv_msg_channels, &channel, e)) < 0 ||
	    (r = tp_json_phone(ev, "from", true, from, e)) < 0 ||
	    (r = tp_json_text(ev, "to", false, 100, false, &to, e)) < 0 ||
	    (r = tp_json_text(ev, "button_id", false, 256, false, &button, e)) < 0 ||
	    (r = tp_json_int(ev, "at", false, 0, INT64_MAX / 2, &at, e)) < 0)
		return r;
	/* What she wrote is kept as it came: blank, emoji, several lines. */
	json_t *t = json_object_get(ev, "text");
	const char *text = "";
	if (t && !json_is_null(t)) {
		if (!json_is_string(t))
			return tp_error_set(e, 400, "invalid_field", "text", "must be a string");
		text = json_string_value(t);
		if (strlen(text) != json_string_length(t))
			return tp_error_set(e, 400, "invalid_field", "text",
					    "contains a NUL character");
		if (tp_utf8_chars(text) > 4096)
			return tp_error_set(e, 400, "invalid_field", "text",
					    "is longer than 4096 characters");
	}
	if (!*text && !button)
		return tp_error_set(e, 400, "missing_field", "text",
				    "an inbound message needs text or a button_id");
	if (!at || at > now + SRV_MAX_SKEW)
		at = now;
	/* Who wrote: of those with this number, the one we wrote to last. */
	int64_t pid = 0;
	r = tp_db_int(w, &pid, "SELECT p.id FROM participants p WHERE p.phone = ?"
			       " AND p.archived_at IS NULL ORDER BY (SELECT max(m.id) FROM"
			       " messages m WHERE m.participant_id = p.id AND m.direction = 'out')"
			       " DESC NULLS LAST, p.id LIMIT 1", "t", from);
	if (r == -ENOENT) {
		pid = 0;
		r = 0;
	}
	if (r < 0)
		return r;
	r = tp_db_run(w, "INSERT INTO messages (direction, participant_id, channel, to_addr,"
			 " from_addr, lang, body, kind, not_before, status, provider, provider_id,"
			 " button_id, sent_at, created_by, created_at, updated_at)"
			 " VALUES ('in', nullif(?, 0), ?, ?, ?, coalesce((SELECT lang FROM"
			 " participants WHERE id = ?), 'zh-HK'), ?, 'inbound', ?, 'received', ?, ?,"
			 " ?, ?, ?, ?, ?)", "itttititttitii", pid, channel, to, from, pid, text, at,
		      provider, provider_id, button, at, actor->label, now, now);
	if (r == -EEXIST) {
		/* Delivered again (hours or days later): kept once, for good. */
		*res = json_pack("{s:b, s:b}", "ok", 1, "duplicate", 1);
		return 0;
	}
	if (r < 0)
		return r;
	int64_t id = sqlite3_last_insert_rowid(w);
	r = srv_message_eventf(w, id, "received", "by %s through %s%s", strcmp(channel, "sms") == 0
			       ? "SMS" : "WhatsApp", provider, pid ? "" : "; the number is not a"
			       " participant's");
	if (r == 0)
		r = pid ? srv_conversation_inbound(w, actor, id)
			: srv_conversation_handled(w, id, 0, "inbox", "from a number no participant"
						   " has: to the workers' inbox");
	if (r == 0)
		*res = json_pack("{s:b, s:b, s:I}", "ok", 1, "duplicate", 0, "message_id",
				 (json_int_t)id);
	return r;
}

int srv_gateway_events(struct tp_http_request *req)
{
	static const char *const keys[] = { "events", NULL };
	struct srv_app *app = srv_app_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	int r = srv_gateway_body(req, keys, &in, &e);
	json_t *events = in ? json_object_get(in, "events") : NULL;
	if (r >= 0 && (!json_is_array(events) || json_array_size(events) < 1 ||
		       json_array_size(events) > 100))
		r = tp_error_set(&e, 400, "invalid_field", "events",
				 "must be a list of 1 to 100 events");
	if (r < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	json_t *results = json_array();
	sqlite3 *w;
	r = srv_store_write_begin(&app->store, &w);
	size_t i;
	json_t *ev;
	json_array_foreach(events, i, ev) {
		if (r < 0)
			break;
		struct tp_error ee;
		tp_error_clear(&ee);
		json_t *res = NULL;
		const char *type = NULL;
		static const char *const types[] = { "status", "inbound", NULL };
		if (!json_is_object(ev))
			r = tp_error_set(&ee, 400, "invalid_field", NULL, "must be an object");
		else
			r = tp_json_enum(ev, "type", true, types, &type, &ee);
		/* Each event is on its own: a savepoint undoes a refused one. */
		if (r >= 0)
			r = tp_db_exec(w, "SAVEPOINT event");
		if (r >= 0) {
			r = strcmp(type, "status") == 0 ? srv_event_status(w, ev, &res, &ee)
							: srv_event_inbound(w, srv_actor_of(req), ev,
									    &res, &ee);
			if (r < 0 && ee.status)
				tp_db_exec(w, "ROLLBACK TO event");
			int rr = tp_db_exec(w, "RELEASE event");
			if (r >= 0)
				r = rr;
		}
		if (r < 0 && ee.status) {
			srv_event_error(&ee, i);
			tp_warn("gateway event refused: %s", ee.message);
			res = json_pack("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code", ee.code,
					"message", ee.message);
			r = 0;
		}
		if (res)
			json_array_append_new(results, res);
	}
	r = srv_store_write_end(&app->store, r);
	json_decref(in);
	if (r < 0) {
		json_decref(results);
		return r;
	}
	return tp_http_reply_json(req, 200, json_pack("{s:o}", "results", results));
}
