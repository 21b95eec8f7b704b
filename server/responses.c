/* Filled forms; see responses.h. */
#include "responses.h"
#include "audit.h"
#include "forms.h"
#include "paging.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const srv_phases[] = { "pre", "post", NULL };

/* A submission time may be this far ahead of the server's clock ... */
#define SRV_RESPONSE_MAX_SKEW (5 * 60)
/* ... and this old (a paper form typed in late, a kiosk long offline). */
#define SRV_RESPONSE_MAX_AGE (366 * 24 * 3600)

struct srv_response_in {
	const struct tp_form *form;
	int64_t session_id, participant_id;
	const char *phase;
	const char *nonce;
	int64_t submitted_at;
	json_t *answers;            /* normalised, owned */
};

#define SRV_RESPONSE_SELECT                                                          \
	"SELECT r.id, r.form, r.form_version, r.participant_id, p.alias, r.session_id," \
	" r.phase, r.channel, r.device_id, r.user_id, r.submitted_at, r.recorded_at,"  \
	" r.answers FROM responses r LEFT JOIN participants p ON p.id = r.participant_id"

/* One row of SRV_RESPONSE_SELECT as the actor may see it. */
static json_t *srv_response_json(sqlite3_stmt *st, const struct srv_actor *actor)
{
	bool who = actor->perm != SRV_P_VIEWER;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	json_object_set_new(o, "form", json_string(tp_db_col_text(st, 1)));
	json_object_set_new(o, "form_version", json_integer(sqlite3_column_int64(st, 2)));
	if (who) {
		json_object_set_new(o, "participant_id", tp_db_col_null(st, 3) ? json_null()
				    : json_integer(sqlite3_column_int64(st, 3)));
		tp_json_set_text(o, "alias", tp_db_col_text(st, 4));
	}
	json_object_set_new(o, "session_id", tp_db_col_null(st, 5) ? json_null()
			    : json_integer(sqlite3_column_int64(st, 5)));
	tp_json_set_text(o, "phase", tp_db_col_text(st, 6));
	json_object_set_new(o, "channel", json_string(tp_db_col_text(st, 7)));
	if (who) {
		json_object_set_new(o, "device_id", tp_db_col_null(st, 8) ? json_null()
				    : json_integer(sqlite3_column_int64(st, 8)));
		json_object_set_new(o, "user_id", tp_db_col_null(st, 9) ? json_null()
				    : json_integer(sqlite3_column_int64(st, 9)));
	}
	tp_json_set_time(o, "submitted_at", sqlite3_column_int64(st, 10));
	tp_json_set_time(o, "recorded_at", sqlite3_column_int64(st, 11));
	json_t *answers = json_loads(tp_db_col_text(st, 12), 0, NULL);
	json_object_set_new(o, "answers", answers ? answers : json_object());
	return o;
}

static int srv_response_read(sqlite3 *db, int64_t id, const struct srv_actor *actor,
			     json_t **out)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, SRV_RESPONSE_SELECT " WHERE r.id = ?", "i", id);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 1)
		*out = srv_response_json(st, actor);
	sqlite3_finalize(st);
	return r < 0 ? r : r == 1 ? 0 : -ENOENT;
}

static int srv_response_parse(json_t *in, const struct srv_actor *actor,
			      struct srv_response_in *p, struct tp_error *e)
{
	static const char *const keys[] = { "form", "session_id", "participant_id", "phase",
					     "submitted_at", "nonce", "answers", NULL };
	const char *form = NULL;
	int r;
	if ((r = tp_json_only_keys(in, keys, e)) < 0 ||
	    (r = tp_json_text(in, "form", true, TP_FORM_KEY_MAX, false, &form, e)) < 0)
		return r;
	p->form = srv_form_find(form);
	if (!p->form)
		return tp_error_set(e, 400, "invalid_field", "form", "there is no form \"%s\" "
				    "(the forms are: %s)", form, srv_form_keys());
	if ((r = tp_json_int(in, "session_id", false, 1, INT64_MAX, &p->session_id, e)) < 0 ||
	    (r = tp_json_int(in, "participant_id", false, 1, INT64_MAX, &p->participant_id,
			     e)) < 0 ||
	    (r = tp_json_enum(in, "phase", false, srv_phases, &p->phase, e)) < 0 ||
	    (r = tp_json_text(in, "nonce", false, 100, false, &p->nonce, e)) < 0)
		return r;
	if (actor->kind == SRV_ACTOR_DEVICE && !p->nonce)
		return tp_error_set(e, 400, "missing_field", "nonce",
				    "is required from devices, so that a resend counts once");
	int64_t now = tp_now();
	p->submitted_at = now;
	if ((r = tp_json_time(in, "submitted_at", false, &p->submitted_at, e)) < 0)
		return r;
	if (p->submitted_at > now + SRV_RESPONSE_MAX_SKEW) {
		/* As for check-ins: a device's fast clock must not lose an answer. */
		if (actor->kind != SRV_ACTOR_DEVICE)
			return tp_error_set(e, 400, "invalid_field", "submitted_at",
					    "is in the future");
		tp_warn("device %lld's clock is %llds fast", (long long)actor->id,
			(long long)(p->submitted_at - now));
		p->submitted_at = now;
	}
	if (p->submitted_at < now - SRV_RESPONSE_MAX_AGE)
		return tp_error_set(e, 400, "invalid_field", "submitted_at",
				    "is more than a year ago");
	json_t *answers = json_object_get(in, "answers");
	if (!answers || json_is_null(answers))
		return tp_error_set(e, 400, "missing_field", "answers", "is required");
	if ((r = tp_form_check_answers(p->form, answers, &p->answers, e)) < 0)
		return r;
	if (json_object_size(p->answers) == 0)
		return tp_error_set(e, 400, "invalid_field", "answers",
				    "no question was answered: there is nothing to keep");
	/* An anonymous form keeps no one's name, whatever the sender knew. */
	if (p->form->anonymous)
		p->participant_id = 0;
	return 0;
}

/* Every id given must name a row; archived ones are kept (a kiosk's queue
 * may arrive after staff tidied up). */
static int srv_response_refs(sqlite3 *w, const struct srv_response_in *p,
			     struct tp_error *e)
{
	int64_t n = 0;
	int r;
	if (p->session_id) {
		r = tp_db_int(w, &n, "SELECT count(*) FROM sessions WHERE id = ?", "i",
			      p->session_id);
		if (r < 0)
			return r;
		if (!n)
			return tp_error_set(e, 400, "unknown_reference", "session_id",
					    "there is no session with id %lld",
					    (long long)p->session_id);
	}
	if (p->participant_id) {
		r = tp_db_int(w, &n, "SELECT count(*) FROM participants WHERE id = ?", "i",
			      p->participant_id);
		if (r < 0)
			return r;
		if (!n)
			return tp_error_set(e, 400, "unknown_reference", "participant_id",
					    "there is no participant with id %lld",
					    (long long)p->participant_id);
	}
	return 0;
}

int srv_response_store(sqlite3 *w, const struct srv_response_new *n,
		       const struct srv_actor *actor, int64_t *id)
{
	char *answers = json_dumps(n->answers, JSON_COMPACT);
	/* An anonymous form keeps no one's name, whatever the sender knew. */
	int64_t participant = n->form->anonymous ? 0 : n->participant_id;
	int r = tp_db_run(w, "INSERT INTO responses (form, form_version, participant_id,"
			     " session_id, phase, channel, device_id, user_id, submitted_at,"
			     " recorded_at, answers, client, nonce) VALUES (?, ?, nullif(?, 0),"
			     " nullif(?, 0), ?, ?, nullif(?, 0), nullif(?, 0), ?, ?, ?, ?, ?)",
			  "tiiittiiiittt", n->form->key, n->form->version, participant,
			  n->session_id, n->phase, n->channel,
			  actor->kind == SRV_ACTOR_DEVICE ? actor->id : (int64_t)0,
			  actor->kind == SRV_ACTOR_STAFF ? actor->id : (int64_t)0,
			  n->submitted_at, tp_now(), answers, n->client, n->nonce);
	free(answers);
	if (r < 0)
		return r;
	*id = sqlite3_last_insert_rowid(w);
	/* The audit names the form and where, never the answers. */
	json_t *detail = json_pack("{s:s, s:I, s:s}", "form", n->form->key, "version",
				   (json_int_t)n->form->version, "channel", n->channel);
	if (n->session_id)
		json_object_set_new(detail, "session_id", json_integer(n->session_id));
	r = srv_audit(w, actor, "create", "response", *id, detail);
	json_decref(detail);
	return r;
}

int srv_response_post(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	const struct srv_actor *actor = srv_actor_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	struct srv_response_in p = { 0 };
	if (tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e) < 0 ||
	    srv_response_parse(in, actor, &p, &e) < 0) {
		json_decref(in);
		json_decref(p.answers);
		return srv_reply_error(req, &e);
	}
	bool device = actor->kind == SRV_ACTOR_DEVICE;
	char client[48];
	snprintf(client, sizeof client, "%s:%lld", device ? "device" : "user",
		 (long long)actor->id);
	sqlite3 *w;
	json_t *out = NULL;
	int64_t id = 0;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		goto done;
	/* A nonce seen before: the response it made then. */
	if (p.nonce) {
		r = tp_db_int(w, &id, "SELECT id FROM responses WHERE client = ? AND nonce = ?",
			      "tt", client, p.nonce);
		if (r == 0) {
			r = srv_response_read(w, id, actor, &out);
		} else if (r == -ENOENT) {
			id = 0;
			r = 0;
		}
	}
	if (r == 0 && !id)
		r = srv_response_refs(w, &p, &e);
	if (r == 0 && !id) {
		struct srv_response_new n = {
			.form = p.form, .participant_id = p.participant_id,
			.session_id = p.session_id, .phase = p.phase,
			.channel = device ? "kiosk" : "staff", .submitted_at = p.submitted_at,
			.answers = p.answers, .client = p.nonce ? client : NULL, .nonce = p.nonce,
		};
		r = srv_response_store(w, &n, actor, &id);
		if (r == 0)
			r = srv_response_read(w, id, actor, &out);
	}
	r = srv_store_write_end(&app->store, r);
done:
	json_decref(p.answers);
	json_decref(in);
	if (r < 0) {
		json_decref(out);
		return e.status ? srv_reply_error(req, &e) : r;
	}
	return tp_http_reply_json(req, 201, out);
}

int srv_responses_list(struct tp_http_request *req)
{
	const struct srv_actor *actor = srv_actor_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	struct srv_page page;
	int64_t session_id = 0, participant_id = 0;
	const char *form = tp_http_query(req, "form");
	if (srv_page_parse(req, &page, &e) < 0 ||
	    srv_query_id(req, "session_id", &session_id, &e) < 0 ||
	    srv_query_id(req, "participant_id", &participant_id, &e) < 0)
		return srv_reply_error(req, &e);
	if (participant_id && actor->perm == SRV_P_VIEWER) {
		tp_error_set(&e, 403, "forbidden", "participant_id",
			     "viewers see answers, not whose they are");
		return srv_reply_error(req, &e);
	}
	if (form && !srv_form_find(form)) {
		tp_error_set(&e, 400, "invalid_query", "form", "there is no form \"%.40s\" "
			     "(the forms are: %s)", form, srv_form_keys());
		return srv_reply_error(req, &e);
	}
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, SRV_RESPONSE_SELECT
			      " WHERE r.id > ?1 AND (?2 = 0 OR r.session_id = ?2)"
			      "   AND (?3 IS NULL OR r.form = ?3)"
			      "   AND (?4 = 0 OR r.participant_id = ?4)"
			      " ORDER BY r.id LIMIT ?5",
			      "iitiI", page.after, session_id, form, participant_id,
			      page.limit + 1);
	if (r < 0)
		return r;
	json_t *items = json_array();
	int n = 0;
	int64_t last = 0;
	while ((r = tp_db_step(st)) == 1) {
		if (n++ == page.limit)
			break;
		last = sqlite3_column_int64(st, 0);
		json_array_append_new(items, srv_response_json(st, actor));
	}
	sqlite3_finalize(st);
	if (r >= 0) {
		/* Answers tied to people leave the server: that is an export. */
		json_t *detail = json_pack("{s:i}", "count", (int)json_array_size(items));
		if (session_id)
			json_object_set_new(detail, "session_id", json_integer(session_id));
		if (form)
			json_object_set_new(detail, "form", json_string(form));
		r = srv_audit_now(srv_app_of(req), actor, "export", "responses", 0, detail);
		json_decref(detail);
	}
	if (r < 0) {
		json_decref(items);
		return r;
	}
	return srv_page_reply(req, items, n > page.limit ? last : 0);
}
