/* Pairing codes for kiosks; see pairing.h. */
#include "pairing.h"
#include "audit.h"
#include "auth.h"
#include "ratelimit.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_qr.h"
#include "tp_time.h"
#include "tp_token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV_PAIRING_SECONDS (15 * 60)
#define SRV_PAIRING_LEN 8           /* base32 characters: 40 bits */

/* At most 10 tries a minute from one address. */
static struct srv_ratelimit srv_pair_limit = SRV_RATELIMIT_INIT(10, 60);

/*
 * Turns what was typed or scanned into the 8 code characters: dashes and
 * spaces dropped, letters uppercased, and the digits people type for the
 * letters they resemble (0 for O, 1 for I, 8 for B) read as those letters,
 * since base32 has no 0, 1 or 8. Returns 0, or -EINVAL.
 */
static int srv_pairing_normalize(const char *in, char out[SRV_PAIRING_LEN + 1])
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == '0')
			c = 'O';
		else if (c == '1')
			c = 'I';
		else if (c == '8')
			c = 'B';
		if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')) || n == SRV_PAIRING_LEN)
			return -EINVAL;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == SRV_PAIRING_LEN ? 0 : -EINVAL;
}

/* "ABCD-EFGH" from the 8 characters. */
static void srv_pairing_show(const char *code, char out[SRV_PAIRING_LEN + 2])
{
	snprintf(out, SRV_PAIRING_LEN + 2, "%.4s-%.4s", code, code + 4);
}

static void srv_pairing_hash(const char *code, char out[65])
{
	char *salted = tp_xasprintf("pairing:%s", code);
	srv_token_hash(salted, out);
	free(salted);
}

int srv_pairing_create(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	int64_t id = srv_param_id(req, 0);
	char code[SRV_PAIRING_LEN + 1], shown[SRV_PAIRING_LEN + 2], hash[65];
	unsigned char raw[5];
	int64_t now = tp_now(), expires = now + SRV_PAIRING_SECONDS;
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		return r;
	int64_t archived = 0;
	r = id ? tp_db_int(w, &archived, "SELECT archived_at IS NOT NULL FROM devices"
					 " WHERE id = ?", "i", id) : -ENOENT;
	if (r == 0 && archived)
		r = -EPERM;
	/* 40 random bits; a clash with another pending code is retried. */
	for (int tries = 0; r == 0 && tries < 3; tries++) {
		r = tp_random_bytes(raw, sizeof raw);
		if (r < 0)
			break;
		tp_base32_encode(raw, sizeof raw, code);
		srv_pairing_hash(code, hash);
		r = tp_db_run(w, "UPDATE devices SET pairing_hash = ?, pairing_expires_at = ?,"
				 " pairing_used_at = NULL, updated_at = ? WHERE id = ?",
			      "tiii", hash, expires, now, id);
		if (r == -EEXIST) {
			r = 0;
			continue;
		}
		if (r == 0)
			r = srv_audit(w, srv_actor_of(req), "pairing_code", "device", id, NULL);
		break;
	}
	r = srv_store_write_end(&app->store, r);
	if (r == -ENOENT)
		return tp_http_reply_error(req, 404, "not_found", "there is no device with id %s",
					   req->params[0]);
	if (r == -EPERM)
		return tp_http_reply_error(req, 409, "archived",
					   "device %s is revoked: create a new one", req->params[0]);
	if (r < 0)
		return r;
	srv_pairing_show(code, shown);
	json_t *out = json_pack("{s:I, s:s}", "device_id", (json_int_t)id, "code", shown);
	tp_json_set_time(out, "expires_at", expires);
	return tp_http_reply_json(req, 201, out);
}

/* The QR of a code the admin holds (only its hash is stored, so the admin's
 * page passes it back as ?code=); a code that is not this device's pending
 * one draws nothing. */
int srv_pairing_svg(struct tp_http_request *req)
{
	int64_t id = srv_param_id(req, 0);
	const char *given = tp_http_query(req, "code");
	char code[SRV_PAIRING_LEN + 1], shown[SRV_PAIRING_LEN + 2], hash[65];
	if (!given || srv_pairing_normalize(given, code) < 0)
		return tp_http_reply_error(req, 400, "invalid_query",
					   "code: give the pairing code, like ABCD-EFGH");
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	srv_pairing_hash(code, hash);
	int64_t found = 0;
	int r = tp_db_int(db, &found, "SELECT count(*) FROM devices WHERE id = ?"
				      " AND pairing_hash = ? AND pairing_used_at IS NULL"
				      " AND pairing_expires_at > ? AND archived_at IS NULL",
			  "iti", id, hash, tp_now());
	if (r < 0)
		return r;
	if (!found)
		return tp_http_reply_error(req, 404, "not_found",
					   "this is not device %s's pending pairing code",
					   req->params[0]);
	srv_pairing_show(code, shown);
	struct tp_buf svg;
	tp_buf_init(&svg, 1024 * 1024);
	r = tp_qr_svg(shown, 400, &svg);
	if (r == 0)
		r = tp_http_reply(req, 200, "image/svg+xml; charset=utf-8", tp_buf_str(&svg),
				  svg.len);
	tp_buf_release(&svg);
	return r;
}

int srv_pair(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	struct tp_error e;
	tp_error_clear(&e);
	char peer[64];
	tp_http_peer(req, peer, sizeof peer);
	if (!srv_ratelimit_take(&srv_pair_limit, peer, tp_now())) {
		tp_warn("pairing: too many tries from %s", peer);
		tp_http_add_header(req, "Retry-After", "60");
		return tp_http_reply_error(req, 429, "too_many_tries",
					   "too many pairing tries: wait a minute and try again");
	}
	json_t *in = NULL;
	const char *given = NULL;
	static const char *const keys[] = { "code", NULL };
	char code[SRV_PAIRING_LEN + 1];
	int r = tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e);
	if (r == 0)
		r = tp_json_only_keys(in, keys, &e);
	if (r == 0)
		r = tp_json_text(in, "code", true, 40, false, &given, &e);
	if (r >= 0 && srv_pairing_normalize(given, code) < 0)
		r = tp_error_set(&e, 400, "invalid_field", "code",
				 "must be the 8 letters and digits shown, like ABCD-EFGH");
	json_decref(in);
	if (r < 0)
		return srv_reply_error(req, &e);
	char hash[65];
	srv_pairing_hash(code, hash);
	int64_t now = tp_now();
	sqlite3 *w;
	r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		return r;
	sqlite3_stmt *st;
	r = tp_db_prepare(w, &st, "SELECT id, name, venue, kind, pairing_expires_at,"
				  " pairing_used_at, archived_at FROM devices WHERE pairing_hash = ?",
			  "t", hash);
	json_t *out = NULL;
	int64_t id = 0;
	char *token = NULL;
	if (r == 0) {
		r = tp_db_step(st);
		if (r == 0) {
			r = tp_error_set(&e, 401, "invalid_code", "code",
					 "this pairing code is not known: check it, or ask an "
					 "admin for a new one");
		} else if (r == 1 && !tp_db_col_null(st, 6)) {
			r = tp_error_set(&e, 401, "revoked", "code",
					 "this device has been revoked: ask an admin");
		} else if (r == 1 && !tp_db_col_null(st, 5)) {
			r = tp_error_set(&e, 401, "used_code", "code",
					 "this pairing code has been used already: ask an admin "
					 "for a new one");
		} else if (r == 1 && sqlite3_column_int64(st, 4) <= now) {
			r = tp_error_set(&e, 401, "expired_code", "code",
					 "this pairing code has expired: ask an admin for a new "
					 "one");
		} else if (r == 1) {
			id = sqlite3_column_int64(st, 0);
			bool gateway = strcmp(tp_db_col_text(st, 3), "gateway") == 0;
			token = tp_token_new(gateway ? "tpg_" : "tpk_", 20);
			out = json_pack("{s:s, s:I, s:s}", "token", token, "device_id",
					(json_int_t)id, "name", tp_db_col_text(st, 1));
			tp_json_set_text(out, "venue", tp_db_col_text(st, 2));
			r = 0;
		}
		sqlite3_finalize(st);
	}
	if (r == 0) {
		/* The new token replaces the old one: the old stops at once. */
		char token_hash[65];
		srv_token_hash(token, token_hash);
		r = tp_db_run(w, "UPDATE devices SET token_hash = ?, pairing_used_at = ?,"
				 " updated_at = ? WHERE id = ?", "tiii", token_hash, now, now, id);
		if (r == 0) {
			struct srv_actor pairer = { .kind = SRV_ACTOR_NONE };
			snprintf(pairer.label, sizeof pairer.label, "pairing from %s", peer);
			r = srv_audit(w, &pairer, "pair", "device", id, NULL);
		}
	}
	r = srv_store_write_end(&app->store, r);
	free(token);
	if (r < 0) {
		json_decref(out);
		return e.status ? srv_reply_error(req, &e) : r;
	}
	return tp_http_reply_json(req, 200, out);
}
