/*
 * Outcomes for the server: each message's latest outcome (sent, retry,
 * failed, stopped, unknown) is written as a report row in the same
 * transaction that records the provider's answer, then posted to
 * /api/v1/gateway/messages/{id}/result with the message's lease. A report
 * the server has not taken (it is down) stays pending and is sent again
 * with backoff; one whose lease the server no longer knows (409) is set
 * aside, since the message has been claimed again and will be answered
 * under its new lease.
 */
#ifndef GW_REPORTS_H
#define GW_REPORTS_H

#include <sqlite3.h>
#include <stdint.h>

#include "gateway.h"

struct tp_client;

struct gw_report {
	int64_t message_id;
	const char *lease;
	const char *outcome;      /* the contract's word */
	const char *provider;
	const char *provider_id;  /* NULL when none */
	const char *channel;
	const char *note;         /* NULL or "" when none */
	const char *error_code;
	const char *reason;
	int64_t retry_after;      /* for "retry" */
};

/* Writes (or replaces) the report of rp->message_id on db, inside the
 * caller's transaction. */
int gw_report_add_in(sqlite3 *db, const struct gw_report *rp);
/* Posts due reports; stops at the first the server could not take.
 * Returns the number still pending, or < 0 on a database error. */
int gw_reports_flush(struct gw_app *app, struct tp_client *client);
int gw_reports_pending(struct gw_app *app, int64_t *pending);

#endif
