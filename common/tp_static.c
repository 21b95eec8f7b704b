/* Static web assets; see tp_static.h. */
#include "tp_static.h"
#include "tp_alloc.h"
#include "tp_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TP_STATIC_CAP (8 * 1024 * 1024)

static const struct {
	const char *ext;
	const char *type;
} tp_static_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".ico", "image/x-icon" },
	{ ".wav", "audio/wav" },
};

int tp_static_reply(struct tp_http_request *req, const char *dir, const char *name)
{
	/* One path segment of plain characters: no way out of the folder. */
	if (name[0] == '.' || name[0] == '\0' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
		    strlen(name))
		return tp_http_reply_error(req, 404, "not_found", "there is nothing at %s",
					   req->path);
	const char *type = NULL;
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof tp_static_types / sizeof tp_static_types[0]; i++)
		if (strcmp(dot, tp_static_types[i].ext) == 0)
			type = tp_static_types[i].type;
	if (!type)
		return tp_http_reply_error(req, 404, "not_found", "there is nothing at %s",
					   req->path);
	char *path = tp_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return tp_http_reply_error(req, 404, "not_found", "there is nothing at %s",
					   req->path);
	struct tp_buf body;
	tp_buf_init(&body, TP_STATIC_CAP);
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
