/*
 * Integration-test support for the gateway daemon: run the real
 * touchpoint-gateway binary (from $TP_GATEWAY_BIN) with a fresh data
 * folder and settings for tests (quick polling, no pacing, one-second
 * backoff), its log in a file, and talk to its HTTP side.
 */
#ifndef RG_RUNGATEWAY_H
#define RG_RUNGATEWAY_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#define RG_MAX_ENV 32

struct rg_gateway {
	pid_t pid;
	int port;              /* kept over restarts */
	char dir[256];
	char base[64];         /* "http://127.0.0.1:PORT" */
	char log[320];
	char *env[RG_MAX_ENV]; /* owned "TOUCHPOINT_GATEWAY_..." entries */
	size_t nenv;
};

void rg_prepare(struct rg_gateway *g);
/* Adds or replaces setting key (lower case, as in the config) = value. */
void rg_set(struct rg_gateway *g, const char *key, const char *value);
/* Starts `serve` (on the port it had, after a stop) and reads the port. */
void rg_start(struct rg_gateway *g);
/* SIGTERM and wait: the exit status (0 for a clean, leak-free stop). */
int rg_stop(struct rg_gateway *g);
/* SIGKILL: no chance to finish anything. */
void rg_kill(struct rg_gateway *g);
void rg_cleanup(struct rg_gateway *g);
/* What it logged so far (caller frees). */
char *rg_log(struct rg_gateway *g);
/* GET path; returns the status, *body (may be NULL) the answer (caller frees). */
long rg_get(struct rg_gateway *g, const char *path, char **body);
/* POST a body with a content type and one extra header line (or NULL). */
long rg_post(struct rg_gateway *g, const char *path, const char *body,
	     const char *content_type, const char *header, char **answer);

#endif
