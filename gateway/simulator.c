/* The phone simulator; see simulator.h. */
#include "simulator.h"
#include "adapter.h"
#include "spool.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_static.h"
#include "tp_time.h"
#include "tp_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GW_SIM_TEXT_MAX 1600

/* NULL when the simulator is not served here (it has answered 404). */
static struct gw_app *gw_sim_app(struct tp_http_request *req)
{
	struct gw_app *app = req->app;
	if (gw_adapter_active(app, &gw_console_adapter))
		return app;
	tp_http_reply_error(req, 404, "not_found",
			    "the phone simulator runs only with the console adapter");
	return NULL;
}

int gw_sim_page(struct tp_http_request *req)
{
	struct gw_app *app = gw_sim_app(req);
	if (!app)
		return 0;
	char *dir = tp_xasprintf("%s/gateway", app->assets);
	int r = tp_static_reply(req, dir, "simulator.html");
	free(dir);
	return r;
}

int gw_sim_file(struct tp_http_request *req)
{
	struct gw_app *app = gw_sim_app(req);
	if (!app)
		return 0;
	char *dir = tp_xasprintf("%s/gateway", app->assets);
	int r = tp_static_reply(req, dir, req->params[0]);
	free(dir);
	return r;
}

int gw_sim_threads(struct tp_http_request *req)
{
	struct gw_app *app = gw_sim_app(req);
	if (!app)
		return 0;
	json_t *items = json_array();
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0) {
		json_decref(items);
		return r;
	}
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st,
			  "SELECT c.number, c.channel, c.text, c.at, c.direction, t.n FROM console c"
			  " JOIN (SELECT number, max(id) AS last, count(*) AS n FROM console"
			  "  GROUP BY number) t ON c.id = t.last ORDER BY c.id DESC LIMIT 200", NULL);
	while (r == 0 && tp_db_step(st) == 1) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I}", "number", tp_db_col_text(st, 0),
				      "channel", tp_db_col_text(st, 1), "last_text",
				      tp_db_col_text(st, 2), "last_direction", tp_db_col_text(st, 4),
				      "count", (json_int_t)sqlite3_column_int64(st, 5));
		tp_json_set_time(o, "last_at", sqlite3_column_int64(st, 3));
		json_array_append_new(items, o);
	}
	if (r == 0)
		sqlite3_finalize(st);
	tp_db_writer_end(&app->db, 0);
	return tp_http_reply_json(req, 200, json_pack("{s:s, s:o}", "own_number",
						      app->console_number, "threads", items));
}

/* The number of a query or body, normalised; replies 400 and returns -1
 * when it is not a phone number. */
static int gw_sim_number(struct tp_http_request *req, const char *in, char out[TP_PHONE_MAX])
{
	const char *why = NULL;
	if (tp_phone_normalize(in, out, &why) < 0) {
		struct tp_error e;
		tp_error_set(&e, 400, "invalid_field", "number", "the phone number %s", why);
		tp_http_reply_tp_error(req, &e);
		return -1;
	}
	return 0;
}

int gw_sim_thread(struct tp_http_request *req)
{
	struct gw_app *app = gw_sim_app(req);
	if (!app)
		return 0;
	char number[TP_PHONE_MAX];
	if (gw_sim_number(req, tp_http_query(req, "number"), number) < 0)
		return 0;
	json_t *items = json_array();
	json_t *read = json_array();
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0) {
		json_decref(items);
		json_decref(read);
		return r;
	}
	sqlite3_stmt *st;
	r = tp_db_prepare(db, &st,
			  "SELECT id, direction, channel, form, text, buttons, status, at, provider_id"
			  " FROM (SELECT * FROM console WHERE number = ? ORDER BY id DESC LIMIT 200)"
			  " ORDER BY id", "t", number);
	while (r == 0 && tp_db_step(st) == 1) {
		const char *text = tp_db_col_text(st, 5);
		json_t *buttons = text ? json_loads(text, 0, NULL) : NULL;
		json_t *o = json_pack("{s:I, s:s, s:s, s:s?, s:s, s:o, s:s?}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "direction",
				      tp_db_col_text(st, 1), "channel", tp_db_col_text(st, 2), "form",
				      tp_db_col_text(st, 3), "text", tp_db_col_text(st, 4), "buttons",
				      buttons ? buttons : json_null(), "status",
				      tp_db_col_text(st, 6));
		tp_json_set_time(o, "at", sqlite3_column_int64(st, 7));
		json_array_append_new(items, o);
		const char *status = tp_db_col_text(st, 6);
		if (strcmp(tp_db_col_text(st, 1), "out") == 0 && status &&
		    strcmp(status, "read") != 0)
			json_array_append_new(read, gw_event_status("console", tp_db_col_text(st, 8),
								    "read", tp_now(), NULL, NULL));
	}
	if (r == 0)
		sqlite3_finalize(st);
	/* She has looked at her phone: what was delivered is now read. */
	if (r == 0 && json_array_size(read) > 0) {
		r = tp_db_run(db, "UPDATE console SET status = 'read' WHERE number = ? AND"
				  " direction = 'out' AND status IS NOT 'read'", "t", number);
		if (r == 0)
			r = gw_spool_add_in(db, read, NULL, NULL);
	}
	r = tp_db_writer_end(&app->db, r);
	if (r == 0 && json_array_size(read) > 0)
		gw_wake_forwarder(app);
	json_decref(read);
	if (r < 0) {
		json_decref(items);
		return r;
	}
	return tp_http_reply_json(req, 200, json_pack("{s:s, s:o}", "number", number, "messages",
						      items));
}

int gw_sim_reply(struct tp_http_request *req)
{
	struct gw_app *app = gw_sim_app(req);
	if (!app)
		return 0;
	/* JSON only: a page elsewhere cannot post it without asking first. */
	const char *ct = tp_http_header(req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0)
		return tp_http_reply_error(req, 415, "unsupported_media_type",
					   "send application/json");
	struct tp_error e;
	tp_error_clear(&e);
	json_t *in = NULL;
	static const char *const keys[] = { "number", "text", "button_id", "channel", NULL };
	static const char *const channels[] = { "sms", "whatsapp", NULL };
	const char *text = NULL, *button = NULL, *channel = NULL;
	char number[TP_PHONE_MAX];
	if (tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e) < 0 ||
	    tp_json_only_keys(in, keys, &e) < 0 ||
	    tp_json_phone(in, "number", true, number, &e) < 0 ||
	    tp_json_text(in, "text", true, GW_SIM_TEXT_MAX, true, &text, &e) < 0 ||
	    tp_json_text(in, "button_id", false, 256, false, &button, &e) < 0 ||
	    tp_json_enum(in, "channel", false, channels, &channel, &e) < 0) {
		json_decref(in);
		return tp_http_reply_tp_error(req, &e);
	}
	char *pid = tp_token_new("console-in-", 10);
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0) {
		free(pid);
		json_decref(in);
		return r;
	}
	char *last = NULL;
	if (!channel &&
	    tp_db_text(db, &last, "SELECT channel FROM console WHERE number = ? AND"
				  " direction = 'out' ORDER BY id DESC LIMIT 1", "t", number) == 0)
		channel = last && strcmp(last, "whatsapp") == 0 ? "whatsapp" : "sms";
	if (!channel)
		channel = "sms";
	r = tp_db_run(db, "INSERT INTO console (direction, number, channel, text, provider_id,"
			  " status, at) VALUES ('in', ?, ?, ?, ?, 'received', ?)", "tttti",
		      number, channel, text, pid, tp_now());
	if (r == 0)
		r = gw_spool_add_one(db, gw_event_inbound("console", pid, channel, number,
							  app->console_number, text, button,
							  tp_now()));
	r = tp_db_writer_end(&app->db, r);
	if (r == 0) {
		char masked[TP_PHONE_MAX];
		tp_phone_mask(number, masked);
		tp_info("console: reply from %s by %s: %s", masked, channel, text);
		gw_wake_forwarder(app);
	}
	free(last);
	json_decref(in);
	if (r < 0) {
		free(pid);
		return r;
	}
	json_t *out = json_pack("{s:s}", "provider_id", pid);
	free(pid);
	return tp_http_reply_json(req, 201, out);
}
