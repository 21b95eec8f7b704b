/*
 * Reminders: the schedules (per appointment kind, from the configuration)
 * and the scheduler that turns appointments, and group sessions for the
 * enrolled participants who take that group's reminders, into queued
 * messages when each reminder falls due. A reminder is made once per slot
 * of the schedule and start time; when several slots are due at once (an
 * appointment booked at short notice, a server that was down) only the
 * latest is sent. A reminder's deadline is the start of what it reminds of,
 * so one that cannot go before then (quiet hours, a gateway down) expires.
 * A reminder not yet sent is withdrawn when its appointment is cancelled,
 * moved, over or asked to be changed, or its session cancelled or moved,
 * or she leaves the group or its reminders; this is checked on every pass
 * and again when the gateway claims it.
 *
 * The scheduler runs in a thread of its own, once a second, driven by
 * tp_now() (so tests move it with the clock file), and once at the start of
 * every gateway claim, so that a claim always sees what is due.
 */
#ifndef SRV_SCHEDULER_H
#define SRV_SCHEDULER_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "app.h"

/* The appointment kinds; the schedules are per kind. */
extern const char *const srv_appointment_kinds[];

/*
 * Reads the schedules from the configuration: `reminders` (every kind,
 * default "-1d@10:00,-2h") and `reminders_<kind>` to override one kind.
 * A schedule is "none" or up to 5 slots separated by commas: "-Nd@HH:MM"
 * (N days before, at that Hong Kong time), "-Nh" or "-Nm" (hours or minutes
 * before). *err (caller frees) names the key and the bad slot.
 */
int srv_schedules_load(const struct tp_config *config, char **err);

/* One pass on the writer, inside the caller's transaction. */
int srv_scheduler_run(sqlite3 *w, int64_t now);

/*
 * Whether reminder message id still stands: 0 with *why NULL when it does,
 * or with *why (static, or in why_buf) saying why not ("the appointment was
 * cancelled").
 */
int srv_reminder_check(sqlite3 *db, int64_t id, int64_t now, const char **why,
		       char why_buf[128]);

/* Adds "reminders": the appointment's schedule with each slot's time and
 * what became of it, to obj. */
int srv_reminders_describe(sqlite3 *db, int64_t appointment_id, json_t *obj);

/* Withdraws the appointment's reminders that no longer stand (after a
 * change), on the writer. */
int srv_reminders_refresh(sqlite3 *w, int64_t appointment_id);

/* The thread: started by serve, stopped before the store closes. */
int srv_scheduler_start(struct srv_app *app);
void srv_scheduler_stop(void);

#endif
