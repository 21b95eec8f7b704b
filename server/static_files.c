/* Static web assets and the session QR landing page; see static_files.h. */
#include "static_files.h"
#include "app.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SRV_ASSET_CAP (8 * 1024 * 1024)

static const struct {
	const char *ext;
	const char *type;
} srv_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".ico", "image/x-icon" },
};

int srv_static_file(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	const char *name = req->nparams ? req->params[0] : "index.html";
	/* One path segment of plain characters: no way out of the folder. */
	if (name[0] == '.' || strspn(name, "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(name))
		return tp_http_reply_error(req, 404, "not_found", "there is nothing at %s",
					   req->path);
	const char *type = NULL;
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof srv_types / sizeof srv_types[0]; i++)
		if (strcmp(dot, srv_types[i].ext) == 0)
			type = srv_types[i].type;
	if (!type)
		return tp_http_reply_error(req, 404, "not_found", "there is nothing at %s",
					   req->path);
	char *path = tp_xasprintf("%s/console/%s", app->assets, name);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return tp_http_reply_error(req, 404, "not_found", "there is nothing at %s",
					   req->path);
	struct tp_buf body;
	tp_buf_init(&body, SRV_ASSET_CAP);
	char chunk[16384];
	size_t n;
	int r = 0;
	while (r == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		r = tp_buf_append(&body, chunk, n);
	fclose(f);
	if (r == 0) {
		tp_http_add_header(req, "Cache-Control", "no-cache");
		r = tp_http_reply(req, 200, type, tp_buf_str(&body), body.len);
	}
	tp_buf_release(&body);
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
