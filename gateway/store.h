/*
 * The gateway's own database (DATA/gateway.db): send intents, reports that
 * wait for the server, the inbound spool, the record of provider events
 * already seen, and the console adapter's messages. One writer connection
 * (tp_db_writer), WAL, synchronous = FULL: each commit is on disk before the
 * gateway calls a provider or answers a webhook.
 */
#ifndef GW_STORE_H
#define GW_STORE_H

#include "gateway.h"

int gw_store_open(struct gw_app *app, char **err);
void gw_store_close(struct gw_app *app);
/*
 * Forgets what no longer matters, so the database does not grow for ever:
 * status callbacks seen more than 30 days ago, inbound messages seen more
 * than a year ago (providers redeliver for days, not months; the server
 * keeps its own record for good), and finished sends whose outcome the
 * server took more than 180 days ago. now_ms is wall-clock time.
 */
int gw_store_prune(struct gw_app *app, int64_t now_ms);

#endif
