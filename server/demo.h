/*
 * The demo data set `make run` loads into an empty database: one programme,
 * a mothers' support group and a parent-child group with a term of weekly
 * sessions around today, twenty participants with cards, some attendance,
 * a worker and an admin with known passwords, and a few appointments whose
 * reminders the gateway sends.
 */
#ifndef SRV_DEMO_H
#define SRV_DEMO_H

#include "store.h"

#define SRV_DEMO_ADMIN "admin"
#define SRV_DEMO_ADMIN_PASSWORD "touchpoint-admin"
#define SRV_DEMO_WORKER "worker"
#define SRV_DEMO_WORKER_PASSWORD "touchpoint-worker"

/* Loads the demo data unless the database has programmes already; 1 when
 * loaded, 0 when left alone, or an error (*err says why; caller frees). */
int srv_demo_load(struct srv_store *store, char **err);

#endif
