/* Signing in by phone; see phone.h. */
#include "phone.h"
#include "audit.h"
#include "auth.h"
#include "checkins.h"
#include "messages.h"
#include "templates.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_phone.h"
#include "tp_session_code.h"
#include "tp_static.h"
#include "tp_time.h"
#include "tp_token.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV_PHONE_COOKIE "tp_phone"
#define SRV_PHONE_COOKIE_PATH "/api/v1/phone"
#define SRV_PHONE_REMEMBER (180 * 24 * 3600)
#define SRV_CODE_SECONDS (10 * 60)
#define SRV_CODE_TRIES 5
#define SRV_CODES_PER_HOUR 3
/* A ticket outlives a code, so a code asked for at the last moment of a
 * ticket can still be typed. */
#define SRV_TICKET_SECONDS (15 * 60)
#define SRV_TICKET_MAC_BYTES 15
#define SRV_TICKET_MAC_LEN 24

/* The session a link or ticket names. */
struct srv_phone_session {
	int64_t id;
	int64_t starts_at, ends_at;
	char *key;
};

static void srv_phone_session_release(struct srv_phone_session *ps)
{
	free(ps->key);
	ps->key = NULL;
}

static int srv_phone_expired(struct tp_error *e, const char *field)
{
	return tp_error_set(e, 410, "link_expired", field,
			    "this code has expired: please scan the code on the screen again");
}

/* Loads a live session; -ENOENT when there is none. */
static int srv_phone_session_load(sqlite3 *db, int64_t id, struct srv_phone_session *ps)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, "SELECT qr_key, starts_at, ends_at FROM sessions"
				       " WHERE id = ? AND archived_at IS NULL", "i", id);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 1) {
		ps->id = id;
		ps->key = tp_xstrdup(tp_db_col_text(st, 0));
		ps->starts_at = sqlite3_column_int64(st, 1);
		ps->ends_at = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : r == 1 ? 0 : -ENOENT;
}

static void srv_ticket_mac(const char *key, int64_t id, int64_t expires,
			   char out[SRV_TICKET_MAC_LEN + 1])
{
	char msg[64];
	int n = snprintf(msg, sizeof msg, "ticket:%" PRId64 ":%" PRId64, id, expires);
	unsigned char mac[32];
	tp_hmac_sha256(key, strlen(key), msg, (size_t)n, mac);
	tp_base32_encode(mac, SRV_TICKET_MAC_BYTES, out);
}

/* A new ticket for the session (caller frees). */
static char *srv_ticket_new(const struct srv_phone_session *ps, int64_t expires)
{
	char mac[SRV_TICKET_MAC_LEN + 1];
	srv_ticket_mac(ps->key, ps->id, expires, mac);
	return tp_xasprintf("%" PRId64 ".%" PRId64 ".%s", ps->id, expires, mac);
}

/* Parses "<id>.<expires>.<mac>"; -EINVAL when it is not of that form. */
static int srv_ticket_parse(const char *s, int64_t *id, int64_t *expires, const char **mac)
{
	char *end;
	long long a = strtoll(s, &end, 10);
	if (end == s || *end != '.' || a < 1)
		return -EINVAL;
	const char *p = end + 1;
	long long b = strtoll(p, &end, 10);
	if (end == p || *end != '.' || b < 1)
		return -EINVAL;
	if (strlen(end + 1) != SRV_TICKET_MAC_LEN)
		return -EINVAL;
	*id = a;
	*expires = b;
	*mac = end + 1;
	return 0;
}

/*
 * Finds the session from a QR link (the part after /p/, checked with one
 * window of grace) or from a ticket this server gave out. Exactly one of
 * link and ticket is given. 410 through e when it is stale, forged or names
 * no live session: to her, all of these mean "scan again".
 */
static int srv_phone_resolve(sqlite3 *db, const char *link, const char *ticket,
			     struct srv_phone_session *ps, struct tp_error *e)
{
	memset(ps, 0, sizeof *ps);
	int64_t now = tp_now(), id = 0;
	int r;
	if (link) {
		if (strncmp(link, "/p/", 3) == 0)
			link += 3;
		int64_t window;
		char code[TP_SESSION_CODE_LEN + 1];
		if (tp_session_code_parse(link, &id, &window, code) < 0)
			return srv_phone_expired(e, "link");
		r = srv_phone_session_load(db, id, ps);
		if (r == -ENOENT)
			return srv_phone_expired(e, "link");
		if (r < 0)
			return r;
		if (!tp_session_code_check(ps->key, id, window, code, now)) {
			srv_phone_session_release(ps);
			return srv_phone_expired(e, "link");
		}
		return 0;
	}
	int64_t expires;
	const char *mac;
	if (srv_ticket_parse(ticket, &id, &expires, &mac) < 0 || expires <= now ||
	    expires > now + SRV_TICKET_SECONDS)
		return srv_phone_expired(e, "ticket");
	r = srv_phone_session_load(db, id, ps);
	if (r == -ENOENT)
		return srv_phone_expired(e, "ticket");
	if (r < 0)
		return r;
	char want[SRV_TICKET_MAC_LEN + 1];
	srv_ticket_mac(ps->key, id, expires, want);
	if (!tp_ct_equal(want, mac, SRV_TICKET_MAC_LEN)) {
		srv_phone_session_release(ps);
		return srv_phone_expired(e, "ticket");
	}
	return 0;
}

/* The session as a phone may see it: its id and times, never its group. */
static json_t *srv_phone_session_json(const struct srv_phone_session *ps)
{
	json_t *s = json_pack("{s:I}", "id", (json_int_t)ps->id);
	tp_json_set_time(s, "starts_at", ps->starts_at);
	tp_json_set_time(s, "ends_at", ps->ends_at);
	return s;
}

static void srv_phone_set_cookie(struct tp_http_request *req, const char *token)
{
	char *cookie = tp_xasprintf(SRV_PHONE_COOKIE "=%s; Path=" SRV_PHONE_COOKIE_PATH
				    "; HttpOnly; SameSite=Lax; Max-Age=%d%s", token,
				    SRV_PHONE_REMEMBER,
				    srv_app_of(req)->cookie_secure ? "; Secure" : "");
	tp_http_add_header(req, "Set-Cookie", cookie);
	free(cookie);
}

static void srv_phone_clear_cookie(struct tp_http_request *req)
{
	tp_http_add_header(req, "Set-Cookie", SRV_PHONE_COOKIE "=; Path=" SRV_PHONE_COOKIE_PATH
			   "; HttpOnly; SameSite=Lax; Max-Age=0");
}

/* Who signs in from a phone: no staff user, no device. */
static void srv_phone_actor(struct srv_actor *a, int64_t participant_id)
{
	memset(a, 0, sizeof *a);
	a->kind = SRV_ACTOR_NONE;
	snprintf(a->label, sizeof a->label, "phone (participant %lld)",
		 (long long)participant_id);
}

/*
 * The participant a remembered phone's cookie names: 1 with the phone's
 * row id, her id and her alias (a new string), 0 when it names no one (no
 * cookie, revoked, expired, or she was archived), or an error.
 */
static int srv_phone_remembered(struct tp_http_request *req, sqlite3 *db, int64_t *row,
				int64_t *participant_id, char **alias)
{
	const char *cookie = tp_http_cookie(req, SRV_PHONE_COOKIE);
	if (!cookie || !*cookie || strlen(cookie) > 100)
		return 0;
	char hash[65];
	srv_token_hash(cookie, hash);
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, "SELECT d.id, p.id, p.alias FROM phone_devices d"
				       " JOIN participants p ON p.id = d.participant_id"
				       " WHERE d.token_hash = ? AND d.revoked_at IS NULL"
				       "   AND d.expires_at > ? AND p.archived_at IS NULL",
			      "ti", hash, tp_now());
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 1) {
		*row = sqlite3_column_int64(st, 0);
		*participant_id = sqlite3_column_int64(st, 1);
		*alias = tp_xstrdup(tp_db_col_text(st, 2));
	}
	sqlite3_finalize(st);
	return r;
}

/* The check-in's answer as a phone may see it. */
static json_t *srv_phone_answer(json_t *decision, const struct srv_phone_session *ps,
				const char *alias)
{
	const char *status = json_string_value(json_object_get(decision, "status"));
	json_t *out = json_pack("{s:s}", "status", status ? status : "error");
	json_t *err = json_object_get(decision, "error");
	if (err) {
		/* Card words do not fit a phone; anything odd is for a worker. */
		const char *code = json_string_value(json_object_get(err, "code"));
		if (code && (strcmp(code, "revoked") == 0 || strcmp(code, "unknown_card") == 0))
			err = json_pack("{s:s, s:s}", "code", "ask_worker", "message",
					"please ask a worker to sign you in");
		else
			json_incref(err);
		json_object_set_new(out, "error", err);
	} else {
		json_object_set(out, "message", json_object_get(decision, "message"));
	}
	tp_json_set_text(out, "alias", alias);
	json_object_set_new(out, "session", srv_phone_session_json(ps));
	return out;
}

/* Parses a phone API body: keys allowed, and link or ticket. */
static int srv_phone_body(struct tp_http_request *req, const char *const *keys, json_t **in,
			  const char **link, const char **ticket, struct tp_error *e)
{
	*link = *ticket = NULL;
	if (!srv_same_origin(req))
		return tp_error_set(e, 403, "csrf", NULL, "the request came from another site");
	int r = tp_json_parse_object(tp_buf_str(&req->body), req->body.len, in, e);
	if (r < 0)
		return r;
	if ((r = tp_json_only_keys(*in, keys, e)) < 0 ||
	    (r = tp_json_text(*in, "link", false, 100, false, link, e)) < 0 ||
	    (r = tp_json_text(*in, "ticket", false, 100, false, ticket, e)) < 0)
		return r;
	if (!*link == !*ticket)
		return tp_error_set(e, 400, "missing_field", "link",
				    "give the link the QR code opened, or the ticket");
	return 0;
}

int srv_phone_page(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	struct srv_phone_session ps;
	struct tp_error e;
	tp_error_clear(&e);
	int r = srv_phone_resolve(db, req->params[0], NULL, &ps, &e);
	if (r == 0) {
		srv_phone_session_release(&ps);
		char *dir = tp_xasprintf("%s/phone", app->assets);
		r = tp_static_reply(req, dir, "index.html");
		free(dir);
		return r;
	}
	if (!e.status)
		return r;
	/* A page of its own, so the answer is kind even without the script. */
	static const char page[] =
		"<!doctype html><html lang=\"zh-HK\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>Touchpoint</title><link rel=\"stylesheet\" href=\"/phone/phone.css\">"
		"</head><body><main><section class=\"card\"><h1>請再掃描螢幕上的二維碼</h1>"
		"<p>這個二維碼已過期。</p><p lang=\"en\">This code has expired. Please scan the"
		" code on the screen again.</p></section></main></body></html>\n";
	return tp_http_reply(req, 410, "text/html; charset=utf-8", page, sizeof page - 1);
}

int srv_phone_asset(struct tp_http_request *req)
{
	char *dir = tp_xasprintf("%s/phone", srv_app_of(req)->assets);
	int r = tp_static_reply(req, dir, req->params[0]);
	free(dir);
	return r;
}

int srv_phone_link(struct tp_http_request *req)
{
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	struct srv_phone_session ps;
	struct tp_error e;
	tp_error_clear(&e);
	int r = srv_phone_resolve(db, req->params[0], NULL, &ps, &e);
	if (r < 0)
		return e.status ? srv_reply_error(req, &e) : r;
	int64_t row = 0, participant_id = 0;
	char *alias = NULL;
	r = srv_phone_remembered(req, db, &row, &participant_id, &alias);
	if (r < 0) {
		srv_phone_session_release(&ps);
		return r;
	}
	int64_t expires = tp_now() + SRV_TICKET_SECONDS;
	char *ticket = srv_ticket_new(&ps, expires);
	json_t *out = json_pack("{s:o, s:s}", "session", srv_phone_session_json(&ps), "ticket",
				ticket);
	tp_json_set_time(out, "ticket_expires_at", expires);
	json_object_set_new(out, "remembered", alias ? json_pack("{s:s}", "alias", alias)
						     : json_null());
	free(ticket);
	free(alias);
	srv_phone_session_release(&ps);
	return tp_http_reply_json(req, 200, out);
}

int srv_phone_checkin(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	static const char *const keys[] = { "link", "ticket", NULL };
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL, *decision = NULL, *out = NULL;
	const char *link, *ticket;
	if (srv_phone_body(req, keys, &in, &link, &ticket, &e) < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	struct srv_phone_session ps = { 0 };
	int64_t row = 0, participant_id = 0;
	char *alias = NULL;
	int status = 0;
	bool unknown = false;
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		goto done;
	r = srv_phone_resolve(w, link, ticket, &ps, &e);
	if (r == 0)
		r = srv_phone_remembered(req, w, &row, &participant_id, &alias);
	if (r == 0) {
		unknown = true;
		r = tp_error_set(&e, 401, "unknown_phone", NULL,
				 "this phone is not remembered: sign in with your phone number");
	} else if (r == 1) {
		struct srv_actor actor;
		srv_phone_actor(&actor, participant_id);
		int64_t now = tp_now();
		r = srv_checkin_record(w, ps.id, participant_id, "phone", now, &actor, &decision);
		if (r >= 0) {
			status = r;
			r = tp_db_run(w, "UPDATE phone_devices SET last_used_at = ?, expires_at = ?"
					 " WHERE id = ?", "iii", now, now + SRV_PHONE_REMEMBER, row);
		}
	}
	r = srv_store_write_end(&app->store, r);
done:
	if (r >= 0) {
		out = srv_phone_answer(decision, &ps, alias);
		/* Each use keeps the phone remembered for another 180 days. */
		srv_phone_set_cookie(req, tp_http_cookie(req, SRV_PHONE_COOKIE));
	} else if (unknown) {
		srv_phone_clear_cookie(req);
	}
	json_decref(decision);
	json_decref(in);
	free(alias);
	srv_phone_session_release(&ps);
	if (r < 0)
		return e.status ? srv_reply_error(req, &e) : r;
	return tp_http_reply_json(req, status, out);
}

/* A uniformly random 6-digit code. */
static int srv_code_new(char out[7])
{
	uint32_t n;
	do {
		if (tp_random_bytes(&n, sizeof n) < 0)
			return -EIO;
	} while (n >= 4294000000u); /* a multiple of 10^6: no digit more likely */
	snprintf(out, 7, "%06u", (unsigned)(n % 1000000u));
	return 0;
}

static void srv_code_hash(const char *salt, const char *code, char out[65])
{
	char *text = tp_xasprintf("%s:%s", salt, code);
	tp_sha256_hex(text, strlen(text), out);
	free(text);
}

static void srv_phone_hash(const char *e164, char out[65])
{
	char *text = tp_xasprintf("phone:%s", e164);
	tp_sha256_hex(text, strlen(text), out);
	free(text);
}

/* Queues the text that carries a sign-in code, in her language; nothing
 * in it says what the service is. */
static int srv_phone_code_message(sqlite3 *w, int64_t participant_id, const char *code,
				  int64_t now, const struct srv_actor *actor, int64_t *id,
				  const char **not_sent)
{
	char lang[8];
	int r = srv_participant_lang(w, participant_id, lang);
	if (r < 0)
		return r;
	char minutes[16];
	snprintf(minutes, sizeof minutes, "%d", SRV_CODE_SECONDS / 60);
	json_t *vars = json_pack("{s:s, s:s}", "code", code, "minutes", minutes);
	char *body = NULL;
	json_t *wa = NULL, *buttons = NULL;
	r = srv_template_render("code", lang, vars, &body, &wa, &buttons);
	json_decref(vars);
	if (r < 0)
		return r;
	/* Not srv_message_queue_template: the code is not kept in the
	 * message's variables. */
	struct srv_message_new m = { .participant_id = participant_id, .kind = "code",
				     .body = body, .template_key = "code", .wa_template = wa,
				     .not_before = now,
				     .deliver_by = now + SRV_CODE_SECONDS, .quiet_hours = false };
	r = srv_message_queue(w, &m, actor->label, id, not_sent);
	free(body);
	json_decref(wa);
	json_decref(buttons);
	return r;
}

int srv_phone_code(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	static const char *const keys[] = { "link", "ticket", "phone", NULL };
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	const char *link, *ticket;
	char phone[TP_PHONE_MAX];
	int r = srv_phone_body(req, keys, &in, &link, &ticket, &e);
	if (r >= 0)
		r = tp_json_phone(in, "phone", true, phone, &e);
	if (r < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	char phone_hash[65], salt_hash[96], code[7], hash[65];
	srv_phone_hash(phone, phone_hash);
	char *salt = tp_token_new("", 10);
	r = srv_code_new(code);
	srv_code_hash(salt, code, hash);
	snprintf(salt_hash, sizeof salt_hash, "%s$%s", salt, hash);
	free(salt);
	struct srv_phone_session ps = { 0 };
	int64_t now = tp_now(), participant_id = 0, recent = 0;
	sqlite3 *w;
	if (r == 0)
		r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		goto done;
	r = srv_phone_resolve(w, link, ticket, &ps, &e);
	/* Codes are of no use after a day; old rows go. */
	if (r == 0)
		r = tp_db_run(w, "DELETE FROM phone_codes WHERE created_at < ?", "i", now - 86400);
	if (r == 0)
		r = tp_db_int(w, &recent, "SELECT count(*) FROM phone_codes WHERE phone_hash = ?"
					  " AND created_at > ?", "ti", phone_hash, now - 3600);
	if (r == 0 && recent >= SRV_CODES_PER_HOUR)
		r = tp_error_set(&e, 429, "too_many_codes", "phone",
				 "%d codes were asked for this number in the last hour: please ask"
				 " a worker, or try again later", SRV_CODES_PER_HOUR);
	/* Her, if the number is ours: one enrolled in the session's group
	 * first, since a family may share a phone. */
	if (r == 0) {
		r = tp_db_int(w, &participant_id,
			      "SELECT p.id FROM participants p WHERE p.phone = ? AND"
			      " p.archived_at IS NULL ORDER BY EXISTS (SELECT 1 FROM enrolments e"
			      " JOIN sessions s ON s.group_id = e.group_id WHERE s.id = ? AND"
			      " e.participant_id = p.id AND e.archived_at IS NULL) DESC, p.id"
			      " LIMIT 1", "ti", phone, ps.id);
		if (r == -ENOENT) {
			participant_id = 0;
			r = 0;
		}
	}
	int64_t code_id = 0, message_id = 0;
	const char *not_sent = NULL;
	if (r == 0)
		r = tp_db_run(w, "INSERT INTO phone_codes (phone_hash, participant_id, session_id,"
				 " code_hash, created_at, expires_at) VALUES (?, nullif(?, 0), ?, ?,"
				 " ?, ?)", "tiitii", phone_hash, participant_id, ps.id, salt_hash, now,
			      now + SRV_CODE_SECONDS);
	if (r == 0) {
		code_id = sqlite3_last_insert_rowid(w);
		struct srv_actor actor;
		srv_phone_actor(&actor, participant_id);
		json_t *detail = json_pack("{s:I, s:I}", "session_id", (json_int_t)ps.id,
					   "code_id", (json_int_t)code_id);
		r = srv_audit(w, &actor, "phone_code", "participant", participant_id, detail);
		json_decref(detail);
		/* The code goes as a text of its own: at once, day or night, and
		 * not after it has expired. */
		if (r == 0 && participant_id)
			r = srv_phone_code_message(w, participant_id, code, now, &actor,
						   &message_id, &not_sent);
	}
	r = srv_store_write_end(&app->store, r);
	if (r == 0) {
		if (!participant_id)
			tp_info("phone code %lld asked for a number no participant has; not sent",
				(long long)code_id);
		else if (not_sent)
			tp_warn("phone code for participant %lld could not be sent: %s",
				(long long)participant_id, not_sent);
		else
			tp_info("phone code for participant %lld queued as message %lld",
				(long long)participant_id, (long long)message_id);
		/* In development the code is in the log too (no gateway may run). */
		if (participant_id && app->dev_mode)
			tp_warn("phone code for participant %lld: %s", (long long)participant_id, code);
	}
done:
	json_decref(in);
	srv_phone_session_release(&ps);
	if (r < 0)
		return e.status ? srv_reply_error(req, &e) : r;
	/* The same answer whether or not the number is ours. */
	return tp_http_reply_json(req, 202, json_pack("{s:s, s:i, s:s}", "status", "requested",
						      "expires_in", SRV_CODE_SECONDS, "message",
						      "if this number is ours, a code is on its way"));
}

/* The pending code for this phone and session. */
struct srv_pending_code {
	int64_t id, participant_id, expires_at, tries, used_at;
	char *hash;
};

static int srv_pending_code(sqlite3 *w, const char *phone_hash, int64_t session_id,
			    struct srv_pending_code *c)
{
	memset(c, 0, sizeof *c);
	sqlite3_stmt *st;
	int r = tp_db_prepare(w, &st, "SELECT id, participant_id, expires_at, tries, used_at,"
				      " code_hash FROM phone_codes WHERE phone_hash = ?"
				      " AND session_id = ? ORDER BY id DESC LIMIT 1",
			      "ti", phone_hash, session_id);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 1) {
		c->id = sqlite3_column_int64(st, 0);
		c->participant_id = sqlite3_column_int64(st, 1);
		c->expires_at = sqlite3_column_int64(st, 2);
		c->tries = sqlite3_column_int64(st, 3);
		c->used_at = sqlite3_column_int64(st, 4);
		c->hash = tp_xstrdup(tp_db_col_text(st, 5));
	}
	sqlite3_finalize(st);
	return r;
}

static bool srv_code_matches(const char *stored, const char *code)
{
	const char *dollar = strchr(stored, '$');
	if (!dollar || strlen(dollar + 1) != 64)
		return false;
	char *salt = tp_xstrndup(stored, (size_t)(dollar - stored));
	char hash[65];
	srv_code_hash(salt, code, hash);
	free(salt);
	return tp_ct_equal(hash, dollar + 1, 64);
}

/*
 * Checks the code on the writer. Returns 1 when it is right (the code is
 * then used up), 0 when refused with e filled (a wrong try is counted,
 * and that must be kept: the caller commits), or an error.
 */
static int srv_code_check(sqlite3 *w, const char *phone_hash, int64_t session_id,
			  const char *code, int64_t *participant_id, struct tp_error *e)
{
	struct srv_pending_code c;
	int r = srv_pending_code(w, phone_hash, session_id, &c);
	int64_t now = tp_now();
	if (r == 0 || (r == 1 && c.used_at)) {
		r = 0;
		tp_error_set(e, 401, "no_code", "code", "there is no code waiting for this number:"
			     " ask for a code");
	} else if (r == 1 && c.tries >= SRV_CODE_TRIES) {
		r = 0;
		tp_error_set(e, 429, "locked", "code", "too many wrong codes: ask for a new code");
	} else if (r == 1 && c.expires_at <= now) {
		r = 0;
		tp_error_set(e, 401, "expired_code", "code", "this code has expired: ask for a new"
			     " code");
	} else if (r == 1 && (!c.participant_id || !srv_code_matches(c.hash, code))) {
		/* An unknown number's code never matches: it was never sent. */
		r = tp_db_run(w, "UPDATE phone_codes SET tries = tries + 1 WHERE id = ?", "i", c.id);
		int64_t left = SRV_CODE_TRIES - c.tries - 1;
		if (r == 0 && left <= 0)
			tp_error_set(e, 429, "locked", "code", "wrong code, and that was the last try:"
				     " ask for a new code");
		else if (r == 0)
			tp_error_set(e, 401, "wrong_code", "code", "wrong code: %lld tries left",
				     (long long)left);
	} else if (r == 1) {
		r = tp_db_run(w, "UPDATE phone_codes SET used_at = ? WHERE id = ?", "ii", now, c.id);
		*participant_id = c.participant_id;
		if (r == 0)
			r = 1;
	}
	free(c.hash);
	return r;
}

int srv_phone_verify(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	static const char *const keys[] = { "link", "ticket", "phone", "code", NULL };
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL, *decision = NULL, *out = NULL;
	const char *link, *ticket, *given = NULL;
	char phone[TP_PHONE_MAX], code[7];
	int r = srv_phone_body(req, keys, &in, &link, &ticket, &e);
	if (r >= 0)
		r = tp_json_phone(in, "phone", true, phone, &e);
	if (r >= 0)
		r = tp_json_text(in, "code", true, 20, false, &given, &e);
	if (r >= 0) {
		size_t n = 0;
		for (const char *p = given; *p && n <= 6; p++)
			if (*p >= '0' && *p <= '9')
				code[n++] = *p;
			else if (*p != ' ' && *p != '-')
				n = 7;
		if (n != 6)
			r = tp_error_set(&e, 400, "invalid_field", "code",
					 "must be the 6 digits of the code");
		code[6] = '\0';
	}
	if (r < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	char phone_hash[65];
	srv_phone_hash(phone, phone_hash);
	struct srv_phone_session ps = { 0 };
	int64_t participant_id = 0, now = tp_now();
	char *token = NULL, *alias = NULL;
	int status = 0;
	sqlite3 *w;
	r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		goto done;
	r = srv_phone_resolve(w, link, ticket, &ps, &e);
	if (r == 0)
		r = srv_code_check(w, phone_hash, ps.id, code, &participant_id, &e);
	if (r == 1) {
		/* She is who the number says: remember this phone, sign her in. */
		token = tp_token_new("", 32);
		char hash[65];
		srv_token_hash(token, hash);
		struct srv_actor actor;
		srv_phone_actor(&actor, participant_id);
		r = tp_db_run(w, "INSERT INTO phone_devices (token_hash, participant_id,"
				 " created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?)",
			      "tiiii", hash, participant_id, now, now, now + SRV_PHONE_REMEMBER);
		if (r == 0)
			r = srv_audit(w, &actor, "remember_phone", "participant", participant_id,
				      NULL);
		if (r == 0)
			r = tp_db_text(w, &alias, "SELECT alias FROM participants WHERE id = ?", "i",
				       participant_id);
		if (r == 0)
			r = srv_checkin_record(w, ps.id, participant_id, "phone", now, &actor,
					       &decision);
		if (r >= 0) {
			status = r;
			r = 0;
		}
	}
	/* A refused code still counts its wrong try: that is committed. */
	r = srv_store_write_end(&app->store, r);
done:
	if (r >= 0 && !e.status) {
		out = srv_phone_answer(decision, &ps, alias);
		srv_phone_set_cookie(req, token);
	}
	json_decref(decision);
	json_decref(in);
	free(token);
	free(alias);
	srv_phone_session_release(&ps);
	if (r < 0 || e.status)
		return e.status ? srv_reply_error(req, &e) : r;
	return tp_http_reply_json(req, status, out);
}

int srv_phone_forget(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	if (!srv_same_origin(req))
		return tp_http_reply_error(req, 403, "csrf", "the request came from another site");
	int64_t row = 0, participant_id = 0;
	char *alias = NULL;
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		return r;
	r = srv_phone_remembered(req, w, &row, &participant_id, &alias);
	if (r == 1) {
		r = tp_db_run(w, "UPDATE phone_devices SET revoked_at = ? WHERE id = ?", "ii",
			      tp_now(), row);
		struct srv_actor actor;
		srv_phone_actor(&actor, participant_id);
		if (r == 0)
			r = srv_audit(w, &actor, "forget_phone", "participant", participant_id, NULL);
	}
	r = srv_store_write_end(&app->store, r);
	free(alias);
	if (r < 0)
		return r;
	srv_phone_clear_cookie(req);
	return tp_http_reply_json(req, 200, json_pack("{s:b}", "forgotten", 1));
}
