/*
 * The touchpoint-server command line as an operator meets it: help texts,
 * mistakes answered with a clear message and a non-zero exit, migrations on
 * an empty and an already-migrated database, a database newer than the
 * program refused, configuration from a file and the environment, the demo.
 */
#include "../support/testserver.h"
#include "../tap.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int user_version(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static void sql(const char *path, const char *text)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, text, NULL, NULL, NULL) != SQLITE_OK)
		bail_out("sql on %s: %s", path, sqlite3_errmsg(db));
	sqlite3_close(db);
}

int main(void)
{
	struct ts_server srv;
	ts_server_prepare(&srv);
	char *out = NULL, *err = NULL;

	is_int(ts_cli(&srv, &out, &err, "--help", NULL), 0, "--help succeeds");
	ok(strstr(out, "serve") && strstr(out, "admin create") && strstr(out, "token create") &&
	   strstr(out, "import KIND FILE"), "and lists the commands");
	ok(strstr(out, "listen") && strstr(out, "127.0.0.1:8080"), "and the settings with defaults");
	free(out);
	free(err);
	const char *commands[][2] = { { "serve", NULL }, { "admin", "create" },
				      { "token", "create" }, { "import", NULL },
				      { "demo", NULL }, { "migrate", NULL } };
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		int rc = commands[i][1]
			? ts_cli(&srv, &out, &err, commands[i][0], commands[i][1], "--help", NULL)
			: ts_cli(&srv, &out, &err, commands[i][0], "--help", NULL);
		ok(rc == 0 && strstr(out, "usage: touchpoint-server"), "%s --help explains itself",
		   commands[i][0]);
		free(out);
		free(err);
	}
	is_int(ts_cli(&srv, &out, &err, "launch", NULL), 2, "an unknown command exits 2");
	ok(strstr(err, "unknown command 'launch'") != NULL, "naming it");
	free(out);
	free(err);

	/* Migrations: an empty database comes up to date; running again is a no-op. */
	is_int(ts_cli(&srv, &out, &err, "migrate", NULL), 0, "migrate creates a new database");
	free(out);
	free(err);
	int current = user_version(srv.db);
	ok(current >= 1, "the schema version is recorded in the database (%d)", current);
	sql(srv.db, "INSERT INTO programmes (ref, name, created_at, updated_at)"
		    " VALUES ('P1', 'Kept', 0, 0)");
	is_int(ts_cli(&srv, &out, &err, "migrate", NULL), 0, "migrating an up-to-date database");
	free(out);
	free(err);
	is_int(user_version(srv.db), current, "leaves the version");
	char *pw = ts_create_user(&srv, "admin", "admin");
	ts_server_start(&srv);
	struct ts_client c;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_client_init(&c, &srv);
	ts_client_login(&c, "admin", pw);
	struct ts_response r;
	ts_request(&c, "GET", "/api/v1/programmes?ref=P1", NULL, &r);
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0),
						 "name")), "Kept", "and the data in it");
	ts_response_release(&r);
	ts_client_release(&c);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly");

	/* A database from a newer Touchpoint is refused, untouched. */
	sql(srv.db, "PRAGMA user_version = 999");
	is_int(ts_cli(&srv, &out, &err, "migrate", NULL), 1, "a newer database is refused");
	ok(strstr(err, "newer") && strstr(err, "999"), "with a message that says why: %s", err);
	free(out);
	free(err);
	is_int(user_version(srv.db), 999, "and left as it was");
	char restore[64];
	snprintf(restore, sizeof restore, "PRAGMA user_version = %d", current);
	sql(srv.db, restore);

	/* Mistakes on the command line. */
	is_int(ts_cli(&srv, &out, &err, "admin", "create", "admin", NULL), 1,
	       "creating a user twice fails");
	ok(strstr(err, "already used") != NULL, "saying the name is taken: %s", err);
	free(out);
	free(err);
	is_int(ts_cli(&srv, &out, &err, "admin", "create", "--role", "boss", "x", NULL), 1,
	       "an unknown role fails");
	ok(strstr(err, "role") && strstr(err, "admin, worker, viewer"), "listing the roles");
	free(out);
	free(err);
	is_int(ts_cli(&srv, &out, &err, "token", "create", "kiosk-1", NULL), 2,
	       "a token without --role fails");
	ok(strstr(err, "--role") != NULL, "asking for it");
	free(out);
	free(err);
	char conf[400];
	snprintf(conf, sizeof conf, "%s/touchpoint.conf", srv.dir);
	FILE *f = fopen(conf, "w");
	fputs("# a comment\nlisten = 127.0.0.1:0\nlisen = 127.0.0.1:1\n", f);
	fclose(f);
	is_int(ts_cli(&srv, &out, &err, "--config", conf, "migrate", NULL), 2,
	       "a config file with a typo is refused");
	ok(strstr(err, ":3:") && strstr(err, "lisen"), "naming the line and the key: %s", err);
	free(out);
	free(err);
	f = fopen(conf, "w");
	fputs("session_hours = 0\n", f);
	fclose(f);
	is_int(ts_cli(&srv, &out, &err, "--config", conf, "migrate", NULL), 1,
	       "an out-of-range setting is refused");
	ok(strstr(err, "session_hours") != NULL, "naming it");
	free(out);
	free(err);

	/* Port in use. */
	ts_server_start(&srv);
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", srv.port);
	is_int(ts_cli(&srv, &out, &err, "serve", "--listen", listen, NULL), 1,
	       "serving on a port in use fails");
	ok(strstr(err, "cannot listen") != NULL, "and says so: %s", err);
	free(out);
	free(err);
	is_int(ts_server_stop(&srv), 0, "the first server still stops cleanly");

	/* The demo: loaded into an empty database only. */
	struct ts_server demo;
	ts_server_prepare(&demo);
	is_int(ts_cli(&demo, &out, &err, "demo", NULL), 0, "the demo loads");
	ok(strstr(out, "demo data loaded") && strstr(out, "admin /") && strstr(out, "worker /"),
	   "and prints the logins");
	free(out);
	free(err);
	is_int(ts_cli(&demo, &out, &err, "report", "--csv", NULL), 0, "the demo's report runs");
	ok(strstr(out, "\nFSP2026,enrolled,20,,20,18,") != NULL,
	   "it shows the programme's enrolment against its agreed level");
	ok(strstr(out, "\nFSP2026,satisfaction.responses,") && strstr(out, "\nFSP2026,phq9.pairs,10,"),
	   "and figures from the demo's filled forms");
	free(out);
	free(err);
	is_int(ts_cli(&demo, &out, &err, "demo", NULL), 0, "loading it again");
	ok(strstr(out, "not loaded") != NULL, "leaves the data alone");
	free(out);
	free(err);
	ts_server_start(&demo);
	ts_client_init(&c, &demo);
	is_int(ts_client_login(&c, "worker", "touchpoint-worker"), 200,
	       "the printed demo worker login works");
	ts_request(&c, "GET", "/api/v1/participants?limit=100", NULL, &r);
	is_int(json_array_size(json_object_get(r.json, "items")), 20, "twenty participants");
	ts_response_release(&r);
	ts_request(&c, "GET", "/api/v1/groups", NULL, &r);
	is_int(json_array_size(json_object_get(r.json, "items")), 2, "two groups");
	ts_response_release(&r);
	ts_request(&c, "GET", "/", NULL, &r);
	ok(r.status == 200 && strstr(r.body, "<title>Touchpoint</title>"),
	   "the front page is served, with a title that names no service");
	ts_response_release(&r);
	ts_request(&c, "GET", "/vendor/chart.umd.min.js", NULL, &r);
	ok(r.status == 200 && strstr(r.headers, "javascript"),
	   "the console's vendored chart library is served from its folder");
	ts_response_release(&r);
	ts_request(&c, "GET", "/vendor/app.js", NULL, &r);
	is_int(r.status, 404, "a console file is not found under /vendor/");
	ts_response_release(&r);
	ts_client_release(&c);
	is_int(ts_server_stop(&demo), 0, "the demo server stops cleanly");
	ts_server_cleanup(&demo);

	free(pw);
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
