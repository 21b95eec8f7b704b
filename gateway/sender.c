/* Claiming, sending and recording; see sender.h. */
#include "sender.h"
#include "adapter.h"
#include "message.h"
#include "pacing.h"
#include "reports.h"
#include "transfer.h"
#include "tp_alloc.h"
#include "tp_client.h"
#include "tp_db.h"
#include "tp_log.h"
#include "tp_metrics.h"
#include "tp_time.h"
#include "tp_token.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seconds of a lease kept in hand: a message that cannot start before
 * lease_until minus this goes back to the server as a retry. */
#define GW_LEASE_MARGIN 15

struct gw_job {
	struct gw_message msg;
	struct gw_attempt at;
	bool armed;               /* has an attempt to start */
	bool running;
	bool done;
	int64_t ready_ms;
	int64_t started_ms;       /* wall clock, when the intent was written */
	struct gw_transfer t;
};

struct gw_sender {
	struct gw_app *app;
	CURLM *multi;
	struct tp_client client;
	struct gw_bucket sms_bucket, wa_bucket;
	size_t running;
};

static unsigned gw_dice(void)
{
	unsigned char d[2];
	tp_random_bytes(d, sizeof d);
	return (unsigned)(d[0] << 8 | d[1]);
}

static void gw_count_send(const char *provider, const char *outcome)
{
	char labels[96];
	snprintf(labels, sizeof labels, "provider=\"%s\",outcome=\"%s\"", provider, outcome);
	tp_counter_add(tp_counter_get("touchpoint_gateway_sends_total",
				      "Messages whose outcome the gateway recorded", labels), 1);
}

/* The adapter named in reports for a message no attempt was made for. */
static const char *gw_default_provider(const struct gw_app *app, const char *channel)
{
	const struct gw_adapter *ad = gw_adapter_for(app, channel);
	if (!ad)
		ad = app->whatsapp ? app->whatsapp : app->sms;
	return ad ? ad->name : "console";
}

/* Records a final outcome for a message with no attempt behind it. */
static void gw_report_now(struct gw_app *app, const struct gw_message *m, const char *outcome,
			  const char *reason, int64_t retry_after)
{
	struct gw_report rp = {
		.message_id = m->id, .lease = m->lease, .outcome = outcome,
		.provider = gw_default_provider(app, m->channel), .channel = m->channel,
		.reason = reason, .retry_after = retry_after,
	};
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r == 0)
		r = tp_db_writer_end(&app->db, gw_report_add_in(db, &rp));
	if (r < 0)
		tp_error("message %lld: cannot record the outcome %s", (long long)m->id, outcome);
	gw_count_send(rp.provider, outcome);
	tp_info("message %lld: %s (%s)", (long long)m->id, outcome, reason);
}

/*
 * Writes the outcome of intent in_id and, unless the message goes on to
 * another attempt, its report; one transaction.
 */
static int gw_record(struct gw_app *app, const struct gw_message *m, int64_t intent_id,
		     const struct gw_attempt *a, struct gw_result *res, bool final,
		     int64_t retry_after)
{
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	if (intent_id) {
		r = tp_db_run(db, "UPDATE intents SET outcome = ?, provider_id = nullif(?, ''),"
				  " error_code = nullif(?, ''), reason = nullif(?, ''), done_at = ?"
				  " WHERE id = ?", "ttttii", gw_verdict_name(res->verdict),
			      res->provider_id, res->error_code, res->reason, tp_now(), intent_id);
		if (r == -EEXIST) {
			/* Never two messages under one id: this one's fate is unclear. */
			tp_error("message %lld: provider id %s is already another's", (long long)m->id,
				 res->provider_id);
			gw_result_set(res, GW_UNKNOWN, NULL, "the provider answered with the id of "
				      "another message (%.60s)", res->provider_id);
			res->provider_id[0] = '\0';
			r = tp_db_run(db, "UPDATE intents SET outcome = 'unknown', reason = ?,"
					  " done_at = ? WHERE id = ?", "tii", res->reason, tp_now(),
				      intent_id);
		}
	}
	const char *outcome = gw_verdict_name(res->verdict);
	if (r == 0 && final) {
		struct gw_report rp = {
			.message_id = m->id, .lease = m->lease,
			.outcome = res->verdict == GW_WINDOW ? "failed" : outcome,
			.provider = a->adapter->name, .provider_id = res->provider_id,
			.channel = a->channel, .note = a->note, .error_code = res->error_code,
			.reason = res->reason, .retry_after = retry_after,
		};
		r = gw_report_add_in(db, &rp);
	}
	return tp_db_writer_end(&app->db, r);
}

/* Writes the intent row before the call; returns its id (> 0) or < 0. */
static int64_t gw_intent_add(struct gw_app *app, const struct gw_attempt *a)
{
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	const struct gw_message *m = a->msg;
	r = tp_db_run(db, "INSERT INTO intents (message_id, lease, provider, channel, form,"
			  " to_number, body, note, created_at, created_ms) VALUES"
			  " (?, ?, ?, ?, ?, ?, ?, nullif(?, ''), ?, ?)",
		      "itttttttii", m->id, m->lease, a->adapter->name, a->channel,
		      gw_form_name(a->form), m->to, m->body, a->note, tp_now(), tp_now_ms());
	int64_t id = r == 0 ? sqlite3_last_insert_rowid(db) : 0;
	r = tp_db_writer_end(&app->db, r);
	return r < 0 ? r : id;
}

static void gw_intent_sender(struct gw_app *app, int64_t id, const char *sender)
{
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return;
	int r = tp_db_run(db, "UPDATE intents SET sender = ? WHERE id = ?", "ti", sender, id);
	tp_db_writer_end(&app->db, r);
}

/* When the last message to this number on this channel that went (or may
 * have gone) out was started, in wall-clock ms; 0 if none. */
static int64_t gw_last_send_ms(struct gw_app *app, const char *to, const char *channel)
{
	sqlite3 *db;
	int64_t last = 0;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return 0;
	tp_db_int(db, &last, "SELECT coalesce(max(created_ms), 0) FROM intents WHERE"
			     " to_number = ? AND channel = ? AND (outcome IS NULL OR outcome IN"
			     " ('sent','unknown'))", "tt", to, channel);
	tp_db_writer_end(&app->db, 0);
	return last;
}

/* The final outcome of a result, with the retry's wait. */
static int64_t gw_retry_wait(const struct gw_app *app, const struct gw_message *m,
			     const struct gw_result *res)
{
	if (res->verdict != GW_RETRY)
		return 0;
	return gw_backoff(m->attempt > 0 ? m->attempt : 1, app->set.retry_base,
			  app->set.retry_max, res->retry_after, gw_dice());
}

static void gw_arm(struct gw_job *job, const struct gw_plan *p, int64_t now_ms)
{
	job->at.msg = &job->msg;
	job->at.adapter = p->adapter;
	job->at.channel = p->channel;
	job->at.form = p->form;
	snprintf(job->at.note, sizeof job->at.note, "%s", p->note);
	job->at.intent_id = 0;
	job->at.sender[0] = '\0';
	job->armed = true;
	job->ready_ms = now_ms;
}

/* The provider answered (or did not) for job: record, and move on to the
 * template or SMS after a refusal for the WhatsApp window. */
static void gw_job_finish(struct gw_sender *s, struct gw_job *job, struct gw_result *res)
{
	struct gw_app *app = s->app;
	struct gw_message *m = &job->msg;
	if (res->verdict == GW_WINDOW) {
		struct gw_plan p;
		gw_plan_after_window(app, m, &job->at, res->error_code, &p);
		if (!p.fail) {
			gw_record(app, m, job->at.intent_id, &job->at, res, false, 0);
			tp_info("message %lld: %s refused free text outside the window (%s); %s",
				(long long)m->id, job->at.adapter->name, res->error_code,
				p.form == GW_FORM_TEMPLATE ? "sending the template" : "sending by SMS");
			gw_arm(job, &p, tp_now_ms());
			return;
		}
		snprintf(res->reason, sizeof res->reason, "%s", p.reason);
	}
	int64_t wait = gw_retry_wait(app, m, res);
	if (gw_record(app, m, job->at.intent_id, &job->at, res, true, wait) < 0)
		tp_error("message %lld: cannot record its outcome", (long long)m->id);
	const char *outcome = res->verdict == GW_WINDOW ? "failed" : gw_verdict_name(res->verdict);
	gw_count_send(job->at.adapter->name, outcome);
	if (res->verdict == GW_SENT)
		tp_info("message %lld: sent by %s as %s %s (%s)%s%s", (long long)m->id,
			job->at.adapter->name, job->at.channel, gw_form_name(job->at.form),
			res->provider_id, job->at.note[0] ? ": " : "", job->at.note);
	else if (res->verdict == GW_RETRY)
		tp_info("message %lld: %s, to be tried again in %llds", (long long)m->id,
			res->reason, (long long)wait);
	else
		tp_warn("message %lld: %s: %s", (long long)m->id, outcome, res->reason);
	job->armed = false;
	job->done = true;
}

/* Starts job's attempt: the intent first, then the call. */
static void gw_job_start(struct gw_sender *s, struct gw_job *job)
{
	struct gw_app *app = s->app;
	struct gw_result res;
	memset(&res, 0, sizeof res);
	int64_t id = gw_intent_add(app, &job->at);
	if (id <= 0) {
		/* Without its intent on disk nothing goes out: the lease runs out
		 * and the server offers the message again. */
		tp_error("message %lld: cannot write the send intent; not sent", (long long)job->msg.id);
		job->armed = false;
		job->done = true;
		return;
	}
	job->at.intent_id = id;
	job->started_ms = tp_now_ms();
	if (job->at.adapter->deliver) {
		if (job->at.adapter->deliver(app, &job->at, &res) < 0)
			gw_result_set(&res, GW_RETRY, NULL, "the console could not keep the message");
		gw_job_finish(s, job, &res);
		return;
	}
	struct gw_request rq;
	memset(&rq, 0, sizeof rq);
	int r = job->at.adapter->build(app, &job->at, &rq);
	if (r < 0) {
		gw_request_release(&rq);
		if (r == -EMSGSIZE)
			gw_result_set(&res, GW_FAILED, NULL, "the text is too long for %s",
				      strcmp(job->at.channel, "sms") == 0 ? "SMS" : "WhatsApp");
		else if (r == -ENOENT)
			gw_result_set(&res, GW_FAILED, NULL,
				      "no Content SID is configured for the WhatsApp template");
		else
			gw_result_set(&res, GW_RETRY, NULL, "the gateway could not build the request");
		gw_job_finish(s, job, &res);
		return;
	}
	if (job->at.sender[0])
		gw_intent_sender(app, id, job->at.sender);
	if (gw_transfer_init(&job->t, &rq, app->set.send_timeout_ms) < 0 ||
	    curl_multi_add_handle(s->multi, job->t.easy) != CURLM_OK) {
		if (job->t.easy)
			gw_transfer_release(&job->t);
		gw_result_set(&res, GW_RETRY, NULL, "the gateway could not start the request");
		gw_job_finish(s, job, &res);
		return;
	}
	job->t.owner = job;
	job->running = true;
	s->running++;
}

/* A transfer ended: read what came back. */
static void gw_job_ended(struct gw_sender *s, struct gw_job *job, CURLcode rc)
{
	struct gw_result res;
	memset(&res, 0, sizeof res);
	bool maybe = false;
	char why[300];
	long status = gw_transfer_status(&job->t, rc, &maybe, why, sizeof why);
	if (status > 0) {
		job->at.adapter->parse(&job->at, status, tp_buf_str(&job->t.answer),
				       job->t.retry_after, &res);
	} else if (!maybe) {
		gw_result_set(&res, GW_RETRY, NULL, "%s", why);
	} else {
		struct gw_intent in = { .id = job->at.intent_id, .message_id = job->msg.id,
					.created_ms = job->started_ms,
					.body = job->msg.body };
		snprintf(in.provider, sizeof in.provider, "%s", job->at.adapter->name);
		snprintf(in.channel, sizeof in.channel, "%s", job->at.channel);
		snprintf(in.form, sizeof in.form, "%s", gw_form_name(job->at.form));
		snprintf(in.to, sizeof in.to, "%s", job->msg.to);
		snprintf(in.sender, sizeof in.sender, "%s", job->at.sender);
		if (!job->at.adapter->lookup || job->at.adapter->lookup(s->app, &in, &res) < 0)
			gw_result_set(&res, GW_UNKNOWN, NULL, "%s", why);
	}
	curl_multi_remove_handle(s->multi, job->t.easy);
	gw_transfer_release(&job->t);
	job->running = false;
	s->running--;
	gw_job_finish(s, job, &res);
}

/* Whether job may start now; when not, sets job->ready_ms (or finishes it
 * as a retry when waiting would outlast the lease). */
static bool gw_job_may_start(struct gw_sender *s, struct gw_job *job, int64_t now_ms)
{
	struct gw_app *app = s->app;
	if (app->set.recipient_gap_ms > 0) {
		int64_t last = gw_last_send_ms(app, job->msg.to, job->at.channel);
		if (last && now_ms < last + app->set.recipient_gap_ms) {
			job->ready_ms = last + app->set.recipient_gap_ms;
			int64_t lease_left_ms = (job->msg.lease_until - GW_LEASE_MARGIN - tp_now()) * 1000;
			if (job->msg.lease_until && job->ready_ms - now_ms > lease_left_ms) {
				struct gw_result res;
				memset(&res, 0, sizeof res);
				gw_result_set(&res, GW_RETRY, NULL,
					      "paced: another message to this number went out moments ago");
				res.retry_after = (job->ready_ms - now_ms + 999) / 1000;
				gw_job_finish(s, job, &res);
			}
			return false;
		}
	}
	struct gw_bucket *b = strcmp(job->at.channel, "sms") == 0 ? &s->sms_bucket : &s->wa_bucket;
	int64_t wait = gw_bucket_take(b, now_ms);
	if (wait > 0) {
		job->ready_ms = now_ms + wait;
		return false;
	}
	return true;
}

/* What to do with a freshly claimed message before any attempt: a message
 * with a send behind it is not sent again. Returns true when it is taken
 * care of (reported), false when it should be sent. */
static bool gw_already_handled(struct gw_app *app, const struct gw_message *m)
{
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return true;   /* cannot tell: do not send */
	sqlite3_stmt *st = NULL;
	bool handled = false;
	int r = tp_db_prepare(db, &st,
			      "SELECT coalesce(outcome, 'unknown'), provider, provider_id, channel,"
			      " note, error_code, reason FROM intents WHERE message_id = ? AND"
			      " (outcome IS NULL OR outcome IN ('sent','unknown'))"
			      " ORDER BY (outcome = 'sent') DESC, id DESC LIMIT 1", "i", m->id);
	if (r == 0 && tp_db_step(st) == 1) {
		handled = true;
		struct gw_report rp = {
			.message_id = m->id, .lease = m->lease, .outcome = tp_db_col_text(st, 0),
			.provider = tp_db_col_text(st, 1), .provider_id = tp_db_col_text(st, 2),
			.channel = tp_db_col_text(st, 3), .note = tp_db_col_text(st, 4),
			.error_code = tp_db_col_text(st, 5),
			.reason = tp_db_col_text(st, 6) ? tp_db_col_text(st, 6)
				: "the gateway stopped during the call to the provider",
		};
		r = gw_report_add_in(db, &rp);
		tp_info("message %lld: handed out again, already %s: not sent again",
			(long long)m->id, rp.outcome);
	}
	if (st)
		sqlite3_finalize(st);
	if (r < 0)
		handled = true;
	tp_db_writer_end(&app->db, r < 0 ? r : 0);
	return handled;
}

/* Sends one claimed batch to the end. */
static void gw_batch_run(struct gw_sender *s, json_t *messages)
{
	struct gw_app *app = s->app;
	size_t n = json_array_size(messages);
	struct gw_job *jobs = tp_xcalloc(n ? n : 1, sizeof *jobs);
	int64_t now_ms = tp_now_ms();
	for (size_t i = 0; i < n; i++) {
		struct gw_job *job = &jobs[i];
		char err[200];
		json_t *j = json_array_get(messages, i);
		job->done = true;
		if (gw_message_parse(j, &job->msg, err, sizeof err) < 0) {
			int64_t id = json_integer_value(json_object_get(j, "id"));
			const char *lease = json_string_value(json_object_get(j, "lease"));
			tp_error("message %lld from the server cannot be read: %s", (long long)id, err);
			if (id > 0 && lease) {
				struct gw_message bad = { .id = id, .lease = (char *)(uintptr_t)lease };
				const char *ch = json_string_value(json_object_get(j, "channel"));
				snprintf(bad.channel, sizeof bad.channel, "%s",
					 ch && strcmp(ch, "whatsapp") == 0 ? "whatsapp" : "sms");
				char reason[260];
				snprintf(reason, sizeof reason, "the gateway could not read it: %s", err);
				gw_report_now(app, &bad, "failed", reason, 0);
			}
			continue;
		}
		struct gw_message *m = &job->msg;
		if (gw_already_handled(app, m))
			continue;
		if (m->deliver_by > 0 && tp_now() >= m->deliver_by) {
			gw_report_now(app, m, "retry", "past its deliver-by time", 0);
			continue;
		}
		struct gw_plan p;
		gw_plan_first(app, m, &p);
		if (p.fail) {
			gw_report_now(app, m, "failed", p.reason, 0);
			continue;
		}
		job->done = false;
		gw_arm(job, &p, now_ms);
	}
	for (;;) {
		now_ms = tp_now_ms();
		bool left = false;
		int64_t next_ms = now_ms + 1000;
		for (size_t i = 0; i < n; i++) {
			struct gw_job *job = &jobs[i];
			if (job->done || job->running)
				continue;
			if (gw_stopping(app)) {
				/* Not started: its lease runs out and it is offered again. */
				job->done = true;
				continue;
			}
			left = true;
			if (job->ready_ms <= now_ms && s->running < (size_t)app->set.concurrency &&
			    gw_job_may_start(s, job, now_ms)) {
				gw_job_start(s, job);
				now_ms = tp_now_ms();
			}
			if (!job->done && !job->running && job->ready_ms < next_ms)
				next_ms = job->ready_ms;
		}
		if (!left && s->running == 0)
			break;
		int still = 0;
		curl_multi_perform(s->multi, &still);
		CURLMsg *msg;
		int queued;
		while ((msg = curl_multi_info_read(s->multi, &queued))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct gw_transfer *t = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
			CURLcode rc = msg->data.result;
			if (t && t->owner)
				gw_job_ended(s, t->owner, rc);
		}
		int64_t wait = next_ms - tp_now_ms();
		if (wait < 0)
			wait = 0;
		if (wait > 1000)
			wait = 1000;
		if (s->running > 0 || wait > 0)
			curl_multi_poll(s->multi, NULL, 0, (int)wait, NULL);
	}
	for (size_t i = 0; i < n; i++)
		gw_message_release(&jobs[i].msg);
	free(jobs);
}

void gw_sender_recover(struct gw_app *app)
{
	struct gw_intent open[64];
	char leases[64][128];
	size_t n = 0;
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) < 0)
		return;
	sqlite3_stmt *st;
	if (tp_db_prepare(db, &st, "SELECT id, message_id, provider, channel, form, to_number,"
				   " coalesce(sender, ''), body, created_ms, lease FROM intents"
				   " WHERE outcome IS NULL ORDER BY id LIMIT 64", NULL) == 0) {
		while (n < 64 && tp_db_step(st) == 1) {
			struct gw_intent *in = &open[n];
			memset(in, 0, sizeof *in);
			in->id = sqlite3_column_int64(st, 0);
			in->message_id = sqlite3_column_int64(st, 1);
			snprintf(in->provider, sizeof in->provider, "%s", tp_db_col_text(st, 2));
			snprintf(in->channel, sizeof in->channel, "%s", tp_db_col_text(st, 3));
			snprintf(in->form, sizeof in->form, "%s", tp_db_col_text(st, 4));
			snprintf(in->to, sizeof in->to, "%s", tp_db_col_text(st, 5));
			snprintf(in->sender, sizeof in->sender, "%s", tp_db_col_text(st, 6));
			in->body = tp_xstrdup(tp_db_col_text(st, 7));
			in->created_ms = sqlite3_column_int64(st, 8);
			snprintf(leases[n], sizeof leases[n], "%s", tp_db_col_text(st, 9));
			n++;
		}
		sqlite3_finalize(st);
	}
	tp_db_writer_end(&app->db, 0);
	for (size_t i = 0; i < n; i++) {
		struct gw_intent *in = &open[i];
		const struct gw_adapter *ad = gw_adapter_named(in->provider);
		struct gw_result res;
		memset(&res, 0, sizeof res);
		if (!ad || !ad->lookup || ad->lookup(app, in, &res) < 0)
			gw_result_set(&res, GW_UNKNOWN, NULL,
				      "the gateway stopped during the call to the provider: it may or "
				      "may not have been sent");
		struct gw_message m = { .id = in->message_id, .lease = leases[i] };
		snprintf(m.channel, sizeof m.channel, "%s", in->channel);
		struct gw_attempt a = { .msg = &m, .adapter = ad ? ad : &gw_console_adapter,
					.channel = in->channel };
		int64_t wait = gw_retry_wait(app, &m, &res);
		if (gw_record(app, &m, in->id, &a, &res, true, wait) == 0)
			tp_warn("message %lld: its send was interrupted; now %s%s%s", (long long)m.id,
				gw_verdict_name(res.verdict), res.provider_id[0] ? " as " : "",
				res.provider_id);
		gw_count_send(a.adapter->name, gw_verdict_name(res.verdict));
		free(in->body);
	}
	if (n == 64)
		gw_sender_recover(app);
}

static int gw_claim(struct gw_sender *s, json_t **messages, struct tp_client_response *resp)
{
	struct gw_app *app = s->app;
	json_t *channels = json_array();
	if (app->sms)
		json_array_append_new(channels, json_string("sms"));
	if (app->whatsapp)
		json_array_append_new(channels, json_string("whatsapp"));
	json_t *body = json_pack("{s:I, s:I, s:o}", "limit", (json_int_t)app->set.claim_limit,
				 "lease_seconds", (json_int_t)app->set.lease_seconds, "channels",
				 channels);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	tp_client_request(&s->client, "POST", "/api/v1/gateway/claim", text, resp);
	free(text);
	atomic_store(&app->server_reachable, resp->status > 0);
	if (resp->status == 401)
		atomic_store(&app->token_refused, true);
	json_t *list = json_object_get(resp->json, "messages");
	if (resp->status != 200 || !json_is_array(list))
		return -EIO;
	atomic_store(&app->token_refused, false);
	atomic_store(&app->last_claim, tp_now());
	*messages = list;
	return 0;
}

static void *gw_sender_main(void *arg)
{
	struct gw_app *app = arg;
	struct gw_sender s = { .app = app };
	s.multi = curl_multi_init();
	if (!s.multi) {
		tp_error("curl_multi_init failed");
		abort();
	}
	if (curl_multi_setopt(s.multi, CURLMOPT_MAXCONNECTS, (long)app->set.concurrency * 2) !=
	    CURLM_OK)
		tp_warn("curl_multi_setopt(CURLMOPT_MAXCONNECTS) failed");
	tp_client_init(&s.client, app->server_url, app->server_token, 15000);
	gw_bucket_init(&s.sms_bucket, app->set.sms_per_minute, tp_now_ms());
	gw_bucket_init(&s.wa_bucket, app->set.whatsapp_per_minute, tp_now_ms());
	gw_sender_recover(app);
	int failures = 0;
	while (!gw_stopping(app)) {
		gw_reports_flush(app, &s.client);
		struct tp_client_response resp;
		json_t *messages = NULL;
		if (gw_claim(&s, &messages, &resp) < 0) {
			failures++;
			int64_t wait = gw_backoff(failures, 1, 60, resp.retry_after, gw_dice());
			char why[300];
			tp_client_why(&resp, why, sizeof why);
			if (failures == 1 || failures % 10 == 0)
				tp_warn("cannot claim messages from the server (%s); next try in %llds",
					why, (long long)wait);
			tp_client_response_release(&resp);
			gw_sleep(app, &app->wake_sender, NULL, wait * 1000);
			continue;
		}
		failures = 0;
		size_t n = json_array_size(messages);
		if (n > 0)
			gw_batch_run(&s, messages);
		tp_client_response_release(&resp);
		if (n > 0)
			gw_reports_flush(app, &s.client);
		if ((int64_t)n < app->set.claim_limit)
			gw_sleep(app, &app->wake_sender, NULL, app->set.poll_ms);
	}
	tp_client_release(&s.client);
	curl_multi_cleanup(s.multi);
	return NULL;
}

int gw_sender_start(struct gw_app *app)
{
	return -pthread_create(&app->sender_thread, NULL, gw_sender_main, app);
}

void gw_sender_stop(struct gw_app *app)
{
	pthread_join(app->sender_thread, NULL);
}
