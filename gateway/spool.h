/*
 * The spool of provider events (inbound texts, status callbacks) for the
 * server. A webhook's events are written here, in one synced transaction,
 * before the provider is answered 2xx; the forwarder thread hands them to
 * the server's events API, oldest first, up to 100 a call, and deletes each
 * only once the server has answered for it. While the server is down they
 * wait, with backoff. Every event is also recorded in `seen` under
 * (provider, kind, provider id, status), so one delivered again hours or
 * days later is counted, not spooled twice. A status whose message's
 * outcome has not yet reached the server waits for it, so the server never
 * hears of a provider id before it knows whose it is.
 */
#ifndef GW_SPOOL_H
#define GW_SPOOL_H

#include <jansson.h>
#include <sqlite3.h>

#include "gateway.h"

/* Spools the contract events of the array events on db, inside the
 * caller's transaction; *added and *duplicates (may be NULL) count them. */
int gw_spool_add_in(sqlite3 *db, json_t *events, int *added, int *duplicates);
/* Spools one event, which it takes, inside the caller's transaction. */
int gw_spool_add_one(sqlite3 *db, json_t *event);
/* The same as gw_spool_add_in in a transaction of its own; wakes the
 * forwarder. */
int gw_spool_add(struct gw_app *app, json_t *events, int *added, int *duplicates);
/* Events waiting, and inbound ones the server refused (kept for staff). */
int gw_spool_counts(struct gw_app *app, int64_t *pending, int64_t *refused);

int gw_forwarder_start(struct gw_app *app);
void gw_forwarder_stop(struct gw_app *app);

#endif
