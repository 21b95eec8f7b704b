/*
 * tp_static through a real tp_http server: a file of a known type is served
 * with its content type; unknown types, dot files, path tricks and missing
 * files are 404.
 */
#include "../tap.h"
#include "tp_client.h"
#include "tp_http.h"
#include "tp_static.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[] = "/tmp/tp-static-XXXXXX";

static int handler(struct tp_http_request *req)
{
	return tp_static_reply(req, dir, req->path + 1);
}

static void put(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static long get(const char *base, const char *path, char **body)
{
	struct tp_client c;
	tp_client_init(&c, base, NULL, 5000);
	struct tp_client_response r;
	tp_client_request(&c, "GET", path, NULL, &r);
	long status = r.status;
	if (body)
		*body = strdup(r.body);
	tp_client_response_release(&r);
	tp_client_release(&c);
	return status;
}

int main(void)
{
	if (!mkdtemp(dir))
		bail_out("mkdtemp");
	put("index.html", "<!doctype html><title>Touchpoint</title>");
	put("app.js", "export {};");
	put("notes.txt", "private");
	put(".env", "SECRET=1");
	tp_client_global_init();
	struct tp_http_config cfg = { .listen = "127.0.0.1:0", .threads = 1,
				      .max_connections = 8, .timeout_seconds = 5,
				      .body_limit = 1024, .handler = handler };
	struct tp_http_server *http;
	char *err = NULL;
	if (tp_http_start(&cfg, &http, &err) < 0)
		bail_out("server: %s", err);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d", tp_http_port(http));
	char *body = NULL;
	is_int(get(base, "/index.html", &body), 200, "an HTML file is served");
	is_str(body, "<!doctype html><title>Touchpoint</title>", "whole");
	free(body);
	is_int(get(base, "/app.js", NULL), 200, "a script is served");
	is_int(get(base, "/notes.txt", NULL), 404, "a file of an unknown type is not");
	is_int(get(base, "/.env", NULL), 404, "nor a dot file");
	is_int(get(base, "/..%2Fetc%2Fpasswd.html", NULL), 404, "nor a path out of the folder");
	is_int(get(base, "/missing.html", NULL), 404, "a missing file is 404");
	tp_http_stop(http);
	tp_client_global_cleanup();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ok(system(cmd) == 0, "clean up");
	return done_testing();
}
