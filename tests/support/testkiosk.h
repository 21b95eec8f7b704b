/*
 * Integration-test support for the kiosk: run the real touchpoint-kiosk
 * binary (from $TP_KIOSK_BIN) with a fresh data folder, pair it or hand it
 * credentials, talk to its local API as its touch screen does, stop it
 * cleanly or kill it hard.
 */
#ifndef TK_TESTKIOSK_H
#define TK_TESTKIOSK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct tk_kiosk {
	pid_t pid;
	int port;
	char dir[256];
	char base[64];
	const char *env[6];   /* extra NAME=value for the daemon, NULL-terminated */
};

void tk_prepare(struct tk_kiosk *k);
/* Runs `touchpoint-kiosk --data DIR pair URL CODE`; returns its exit status. */
int tk_pair(struct tk_kiosk *k, const char *server_url, const char *code, char **out,
	    char **err);
void tk_start(struct tk_kiosk *k);
/* SIGTERM and wait: the exit status (0 for a clean, leak-free stop). */
int tk_stop(struct tk_kiosk *k);
/* SIGKILL: no chance to finish anything. */
void tk_kill(struct tk_kiosk *k);
void tk_cleanup(struct tk_kiosk *k);

/* A request to the kiosk's local API (with X-Kiosk: 1, and X-Staff-Token
 * when staff is not NULL). Returns the status; *json gets the body. */
long tk_request(struct tk_kiosk *k, const char *method, const char *path, const char *body,
		const char *staff, json_t **json);
/* Scans a code as the scanner would; returns the result word (static). */
const char *tk_scan(struct tk_kiosk *k, const char *code, int64_t session_id,
		    json_t **reply);
/* Waits until the kiosk has no pending events (up to seconds); returns the
 * number still pending. */
int64_t tk_wait_drained(struct tk_kiosk *k, int seconds);
/* Waits until the kiosk knows of at least one open session. */
bool tk_wait_sessions(struct tk_kiosk *k, int seconds);

#endif
