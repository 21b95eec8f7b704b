/*
 * Integration-test support: start the real touchpoint-server binary (from
 * $TP_SERVER_BIN) on a free loopback port with a fresh database in a
 * temporary folder, run its CLI commands, and talk to it over HTTP with
 * libcurl as a browser (cookie + CSRF) or a device (bearer token) would.
 */
#ifndef TS_TESTSERVER_H
#define TS_TESTSERVER_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

struct ts_server {
	pid_t pid;
	int port;
	char dir[256];      /* temporary folder, removed by ts_server_stop */
	char db[320];
	char base[64];      /* "http://127.0.0.1:PORT" */
	/* Extra "NAME=value" entries for the environment of the daemon and of
	 * the CLI (such as "TOUCHPOINT_BODY_LIMIT=2048"), up to the first NULL;
	 * set them after ts_server_prepare. The strings are borrowed. */
	const char *env[4];
	/* Set before ts_server_start to send the daemon's standard error (its
	 * log) to the file log, in dir, instead of the test's own. */
	bool log_to_file;
	char log[320];
};

/* Makes the folder and database path; the server is not started yet. */
void ts_server_prepare(struct ts_server *s);
/* Starts `serve` on a free port (or, after a stop, on the port it had) and
 * reads the bound port; bails out on failure. */
void ts_server_start(struct ts_server *s);
/* What the daemon has logged so far when log_to_file is set (caller frees;
 * "" when there is nothing). */
char *ts_server_log(struct ts_server *s);
/* SIGTERM, wait; returns the exit status (0 for a clean, leak-free stop). */
int ts_server_stop(struct ts_server *s);
/* Removes the temporary folder. */
void ts_server_cleanup(struct ts_server *s);
/*
 * Runs `touchpoint-server --db DB args...` (NULL-terminated) and returns its
 * exit status; *out and *err (if not NULL) get what it printed (caller frees).
 */
int ts_cli(struct ts_server *s, char **out, char **err, ...);

struct ts_client {
	struct ts_server *srv;
	CURL *curl;
	char csrf[80];
	char bearer[128];
};

struct ts_response {
	long status;
	char *body;         /* NUL-terminated */
	size_t len;         /* bytes in body (a binary body may hold NULs) */
	json_t *json;       /* parsed body, or NULL when not JSON */
	char *headers;
};

void ts_client_init(struct ts_client *c, struct ts_server *s);
void ts_client_release(struct ts_client *c);
/* Signs in through the API; returns the HTTP status (200 on success). */
long ts_client_login(struct ts_client *c, const char *user, const char *password);
/* Sends method path [body]; body NULL sends none. Fills *r (release it). */
void ts_request(struct ts_client *c, const char *method, const char *path,
		const char *body, struct ts_response *r);
/* Same with raw bytes (for invalid UTF-8) and a content type. */
void ts_request_raw(struct ts_client *c, const char *method, const char *path,
		    const char *body, size_t len, const char *content_type,
		    struct ts_response *r);
/* A request whose body is built by json_pack-style format (no body: NULL). */
void ts_requestf(struct ts_client *c, const char *method, const char *path,
		 struct ts_response *r, const char *fmt, ...);
void ts_response_release(struct ts_response *r);
/* The id of a row the request created (201), releasing r; bails out naming
 * what when the server refused. */
json_int_t ts_created(const char *what, struct ts_response *r);
/* Posts csv to /api/v1/import/KIND as c; bails out unless it is taken. */
void ts_import(struct ts_client *c, const char *kind, const char *csv);
/* The id of the one row of KIND ("programmes", "sessions", ...) with this
 * ref, as c lists it; bails out when there is none. */
json_int_t ts_id_of(struct ts_client *c, const char *kind, const char *ref);
/* The UTC time minutes from now, as ISO 8601 ("2026-11-22T05:00:00Z"). */
void ts_iso_in(char *buf, size_t len, long minutes);
/* The error code of a JSON error reply, or "" */
const char *ts_error_code(const struct ts_response *r);
const char *ts_error_field(const struct ts_response *r);
/* Shortcuts into r->json. */
json_int_t ts_int(const struct ts_response *r, const char *key);
const char *ts_str(const struct ts_response *r, const char *key);

/* Creates the first admin through the CLI; returns the printed password
 * (caller frees). */
char *ts_create_user(struct ts_server *s, const char *name, const char *role);
/* Starts the prepared server s with a staff user for each client given
 * (admin "root", worker "amy", viewer "vic"; NULL: no such user) and signs
 * each in on its client (ts_client_init is done here). Bails out when any
 * step fails. */
void ts_server_start_staff(struct ts_server *s, struct ts_client *admin,
			   struct ts_client *worker, struct ts_client *viewer);
/* The end of such a test: releases the clients given, checks that the
 * server stops cleanly (a test of its own) and removes its folder. */
void ts_server_stop_staff(struct ts_server *s, struct ts_client *admin,
			  struct ts_client *worker, struct ts_client *viewer);
/* Creates a device token through the CLI (caller frees). */
char *ts_create_token(struct ts_server *s, const char *name, const char *role,
		      const char *venue);

#endif
