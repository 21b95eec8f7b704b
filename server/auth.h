/*
 * Who is calling. Staff sign in with a password and get an HttpOnly,
 * SameSite=Strict session cookie plus a CSRF token that browser requests
 * which change anything must echo in X-CSRF-Token. Devices (kiosks) and
 * services (the gateway) send "Authorization: Bearer <token>"; tokens are
 * stored hashed and an admin can revoke them. Repeated wrong passwords lock
 * the account for a while.
 */
#ifndef SRV_AUTH_H
#define SRV_AUTH_H

#include <stdbool.h>

#include "app.h"

/*
 * Identifies the caller from the bearer token or the session cookie. An
 * anonymous request gets SRV_ACTOR_NONE and 0; a bad or revoked credential
 * is refused (401) through e.
 */
int srv_authenticate(struct tp_http_request *req, struct srv_actor *actor,
		     struct tp_error *e);
/* True unless the request names (in Origin, or Referer) a site other than
 * this server; requests from no browser name none and pass. */
bool srv_same_origin(struct tp_http_request *req);
/* CSRF rules for a browser request that changes state. */
int srv_check_csrf(struct tp_http_request *req, const struct srv_actor *actor,
		   struct tp_error *e);
/* The SHA-256 hex of a bearer or session token, as stored. */
void srv_token_hash(const char *token, char out[65]);
/* The actor of the command line (and the demo loader): an admin, audited
 * under label. */
void srv_actor_cli(struct srv_actor *a, const char *label);
/* Fills an actor for a staff user (label "user:ID (name)"). */
void srv_actor_staff(struct srv_actor *a, int64_t id, const char *username,
		     const char *role);

int srv_auth_login(struct tp_http_request *req);
int srv_auth_logout(struct tp_http_request *req);
int srv_auth_me(struct tp_http_request *req);
int srv_auth_password(struct tp_http_request *req);

#endif
