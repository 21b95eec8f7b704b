/* Cards, card sheets and session QR codes; see cards.h. */
#include "cards.h"
#include "audit.h"
#include "enrolments.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_log.h"
#include "tp_qr.h"
#include "tp_time.h"
#include "tp_token.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SRV_SVG_CAP (4 * 1024 * 1024)
/* Card size ID-1 (85.6 x 54 mm), drawn in tenths of a millimetre. */
#define SRV_CARD_W 856
#define SRV_CARD_H 540
#define SRV_SHEET_W 2100
#define SRV_SHEET_H 2970
#define SRV_SHEET_COLS 2
#define SRV_SHEET_ROWS 4
#define SRV_SHEET_GAP 80

int srv_card_issue(sqlite3 *w, int64_t participant_id, char *token)
{
	int64_t now = tp_now();
	int r = tp_db_run(w, "UPDATE cards SET revoked_at = ? WHERE participant_id = ?"
			     " AND revoked_at IS NULL", "ii", now, participant_id);
	if (r < 0)
		return r;
	r = tp_card_token_new(token);
	if (r < 0)
		return r;
	return tp_db_run(w, "INSERT INTO cards (participant_id, token, issued_at)"
			    " VALUES (?, ?, ?)", "iti", participant_id, token, now);
}

/* One card at (x, y) of the caller's drawing: a cut line, the alias, the QR.
 * Fails (and the caller must not print) when the QR cannot be drawn. */
static int srv_card_draw(struct tp_buf *svg, double x, double y, const char *alias,
			  const char *token)
{
	tp_buf_printf(svg, "<g transform=\"translate(%g %g)\">", x, y);
	tp_buf_printf(svg, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" rx=\"30\""
			   " fill=\"#fff\" stroke=\"#999\" stroke-width=\"3\"/>",
		      SRV_CARD_W, SRV_CARD_H);
	/* Long aliases shrink to fit the left half of the card: a CJK character
	 * is about one em wide, a Latin letter a little over half. */
	double ems = 0;
	for (const unsigned char *p = (const unsigned char *)alias; *p; p++) {
		if (*p >= 0xE0)
			ems += 1.0;
		else if (*p < 0x80)
			ems += 0.62;
	}
	int size = ems * 80 <= 340 ? 80 : (int)(340 / ems);
	if (size < 28)
		size = 28;
	tp_buf_printf(svg, "<text x=\"40\" y=\"%d\" font-family=\"'Noto Sans CJK TC',"
			   "'Noto Sans TC','PingFang HK','Microsoft JhengHei',sans-serif\""
			   " font-size=\"%d\" font-weight=\"700\" fill=\"#111\"%s>",
		      SRV_CARD_H / 2 + size / 3, size,
		      ems * size > 350 ? " textLength=\"340\" lengthAdjust=\"spacingAndGlyphs\"" : "");
	tp_buf_put_escaped(svg, alias);
	tp_buf_puts(svg, "</text>");
	int r = tp_qr_svg_group(token, 416, 60, 420, svg);
	if (r < 0)
		return r;
	return tp_buf_puts(svg, "</g>");
}

static void srv_svg_open(struct tp_buf *svg, int w, int h)
{
	tp_buf_printf(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%gmm\""
			   " height=\"%gmm\" viewBox=\"0 0 %d %d\">",
		      w / 10.0, h / 10.0, w, h);
}

static int srv_reply_svg(struct tp_http_request *req, struct tp_buf *svg)
{
	int r = tp_http_reply(req, 200, "image/svg+xml; charset=utf-8", tp_buf_str(svg),
			      svg->len);
	tp_buf_release(svg);
	return r;
}

int srv_card_svg(struct tp_http_request *req)
{
	int64_t id = srv_param_id(req, 0);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT p.alias, c.token FROM participants p"
			      " JOIN cards c ON c.participant_id = p.id AND c.revoked_at IS NULL"
			      " WHERE p.id = ? AND p.archived_at IS NULL", "i", id);
	if (r < 0)
		return r;
	if ((r = tp_db_step(st)) != 1) {
		sqlite3_finalize(st);
		return r < 0 ? r : tp_http_reply_error(req, 404, "not_found",
				"there is no active participant with id %s", req->params[0]);
	}
	struct tp_buf svg;
	tp_buf_init(&svg, SRV_SVG_CAP);
	srv_svg_open(&svg, SRV_CARD_W, SRV_CARD_H);
	r = srv_card_draw(&svg, 0, 0, tp_db_col_text(st, 0), tp_db_col_text(st, 1));
	if (r == 0)
		r = tp_buf_puts(&svg, "</svg>\n");
	sqlite3_finalize(st);
	if (r == 0)
		r = srv_audit_now(srv_app_of(req), srv_actor_of(req), "export_card",
			  "participant", id, NULL);
	if (r < 0) {
		tp_buf_release(&svg);
		return r;
	}
	return srv_reply_svg(req, &svg);
}

int srv_card_reissue(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	int64_t id = srv_param_id(req, 0);
	char token[TP_CARD_TOKEN_LEN + 1];
	sqlite3 *w;
	int r = srv_store_write_begin(&app->store, &w);
	if (r < 0)
		return r;
	int64_t live = 0;
	r = tp_db_int(w, &live, "SELECT archived_at IS NULL FROM participants WHERE id = ?",
		      "i", id);
	if (r == 0 && !live)
		r = -EPERM;
	if (r == 0)
		r = srv_card_issue(w, id, token);
	if (r == 0)
		r = srv_audit(w, srv_actor_of(req), "reissue_card", "participant", id, NULL);
	r = srv_store_write_end(&app->store, r);
	if (r == -ENOENT)
		return tp_http_reply_error(req, 404, "not_found",
					   "there is no participant with id %s", req->params[0]);
	if (r == -EPERM)
		return tp_http_reply_error(req, 409, "archived",
					   "participant %s is archived", req->params[0]);
	if (r < 0)
		return r;
	char issued[32];
	tp_time_format_hk(tp_now(), issued);
	return tp_http_reply_json(req, 201, json_pack("{s:I, s:s, s:s}", "participant_id",
						      (json_int_t)id, "card_token", token,
						      "card_issued_at", issued));
}

int srv_group_cards_svg(struct tp_http_request *req)
{
	int64_t id = srv_param_id(req, 0);
	const char *page_text = tp_http_query(req, "page");
	long page = page_text ? strtol(page_text, NULL, 10) : 1;
	if (page < 1 || page > 10000)
		return tp_http_reply_error(req, 400, "invalid_query", "page: must be 1 or more");
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	int64_t exists = 0;
	int r = tp_db_int(db, &exists, "SELECT count(*) FROM groups WHERE id = ?", "i", id);
	if (r < 0)
		return r;
	if (!exists)
		return tp_http_reply_error(req, 404, "not_found", "there is no group with id %s",
					   req->params[0]);
	/* The sheet is for today's members. */
	char today[11];
	tp_date_format_hk(tp_now(), today);
	const int per_page = SRV_SHEET_COLS * SRV_SHEET_ROWS;
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st,
			  "SELECT p.alias, c.token FROM enrolments e"
			  " JOIN participants p ON p.id = e.participant_id AND p.archived_at IS NULL"
			  " JOIN cards c ON c.participant_id = p.id AND c.revoked_at IS NULL"
			  " WHERE e.group_id = ?1 AND" SRV_ENROLMENT_ON("e", "?4")
			  " ORDER BY p.alias, p.id LIMIT ?2 OFFSET ?3",
			  "iIit", id, per_page, (int64_t)(page - 1) * per_page, today);
	if (r < 0)
		return r;
	struct tp_buf svg;
	tp_buf_init(&svg, SRV_SVG_CAP);
	srv_svg_open(&svg, SRV_SHEET_W, SRV_SHEET_H);
	const int margin_x = (SRV_SHEET_W - SRV_SHEET_COLS * SRV_CARD_W -
			      (SRV_SHEET_COLS - 1) * SRV_SHEET_GAP) / 2;
	const int margin_y = (SRV_SHEET_H - SRV_SHEET_ROWS * SRV_CARD_H -
			      (SRV_SHEET_ROWS - 1) * SRV_SHEET_GAP) / 2;
	int n = 0;
	while ((r = tp_db_step(st)) == 1) {
		int col = n % SRV_SHEET_COLS, row = n / SRV_SHEET_COLS;
		r = srv_card_draw(&svg, margin_x + col * (SRV_CARD_W + SRV_SHEET_GAP),
			      margin_y + row * (SRV_CARD_H + SRV_SHEET_GAP),
			      tp_db_col_text(st, 0), tp_db_col_text(st, 1));
		if (r < 0)
			break;
		n++;
	}
	sqlite3_finalize(st);
	tp_buf_puts(&svg, "</svg>\n");
	if (r == 0 && n == 0 && page > 1) {
		tp_buf_release(&svg);
		return tp_http_reply_error(req, 404, "not_found", "page %ld has no cards", page);
	}
	if (r == 0) {
		json_t *detail = json_pack("{s:i, s:i}", "page", (int)page, "cards", n);
		r = srv_audit_now(srv_app_of(req), srv_actor_of(req), "export_cards", "group",
				  id, detail);
		json_decref(detail);
	}
	if (r < 0) {
		tp_buf_release(&svg);
		return r;
	}
	return srv_reply_svg(req, &svg);
}

int srv_session_qr_svg(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	int64_t id = srv_param_id(req, 0);
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	char *key = NULL;
	int r = tp_db_text(db, &key, "SELECT qr_key FROM sessions WHERE id = ?"
				     " AND archived_at IS NULL", "i", id);
	if (r == -ENOENT)
		return tp_http_reply_error(req, 404, "not_found",
					   "there is no active session with id %s", req->params[0]);
	if (r < 0)
		return r;
	char *url = tp_xasprintf("%s/s/%s", app->public_url, key);
	struct tp_buf svg;
	tp_buf_init(&svg, SRV_SVG_CAP);
	r = tp_qr_svg(url, 400, &svg);
	free(url);
	free(key);
	if (r < 0) {
		tp_buf_release(&svg);
		return r;
	}
	return srv_reply_svg(req, &svg);
}
