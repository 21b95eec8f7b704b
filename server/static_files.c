/* Static web assets and the session QR landing page; see static_files.h. */
#include "static_files.h"
#include "app.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_static.h"
#include "tp_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * The file's folder is the path's: "/app.js" is console/app.js and
 * "/vendor/x.js" console/vendor/x.js (and /pages/, the console's page
 * modules). Only the folders routes.c names reach here, and {file} never
 * holds a slash.
 */
int srv_static_file(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	const char *last_slash = strrchr(req->path, '/');
	int folder_len = last_slash ? (int)(last_slash - req->path) : 0;
	char *dir = tp_xasprintf("%s/console%.*s", app->assets, folder_len, req->path);
	int r = tp_static_reply(req, dir, req->nparams ? req->params[0] : "index.html");
	free(dir);
	return r;
}

/*
 * What a phone shows after scanning a session poster. It names the time,
 * never the group or the service. Signing in from a phone comes with the
 * kiosk; until then the page sends her to the kiosk or a worker.
 */
int srv_session_landing(struct tp_http_request *req)
{
	sqlite3 *db = srv_reader(req);
	if (!db)
		return 0;
	int64_t starts = 0;
	int r = tp_db_int(db, &starts, "SELECT starts_at FROM sessions WHERE qr_key = ?"
				       " AND archived_at IS NULL", "t", req->params[0]);
	if (r < 0 && r != -ENOENT)
		return r;
	char when[32] = "";
	if (r == 0) {
		tp_time_format_hk(starts, when);
		when[16] = '\0';
		when[10] = ' ';
	}
	struct tp_buf html;
	tp_buf_init(&html, 64 * 1024);
	tp_buf_puts(&html, "<!doctype html><html lang=\"zh-HK\"><head><meta charset=\"utf-8\">"
			   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			   "<title>Touchpoint</title><link rel=\"stylesheet\" href=\"/style.css\">"
			   "</head><body class=\"landing\"><main>");
	if (r == 0) {
		tp_buf_puts(&html, "<h1>請到接待處簽到</h1><p lang=\"en\">Please sign in at the kiosk"
				   " or with a worker.</p><p class=\"when\">");
		tp_buf_put_escaped(&html, when);
		tp_buf_puts(&html, "</p>");
	} else {
		tp_buf_puts(&html, "<h1>此二維碼已失效</h1><p lang=\"en\">This code is no longer"
				   " valid. Please ask a worker.</p>");
	}
	tp_buf_puts(&html, "</main></body></html>\n");
	r = tp_http_reply(req, r == 0 ? 200 : 404, "text/html; charset=utf-8",
			  tp_buf_str(&html), html.len);
	tp_buf_release(&html);
	return r;
}
