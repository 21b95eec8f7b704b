/*
 * touchpoint-kiosk: the daemon behind the centre's touch screen. It decides
 * every scan itself from its local copy of the day's sessions and rosters,
 * answers at once, and keeps what happened in a local queue that a
 * background thread sends to the server, oldest first, until the server
 * acknowledges it. A kiosk whose network is down works the same way.
 *
 * This header holds the state the modules share; each module's own header
 * says what it does.
 */
#ifndef KIOSK_H
#define KIOSK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "tp_config.h"
#include "tp_db.h"

/* What pairing gave this kiosk, kept in DATA/credentials.json (mode 0600). */
struct kiosk_credentials {
	char *server;        /* "http://host:port" */
	char *token;
	int64_t device_id;
	char *name;
	char *venue;
};

struct kiosk_app {
	struct tp_config config;
	char *data_dir;
	char *assets;              /* the web assets folder (assets/) */
	struct kiosk_credentials creds;
	struct tp_db_writer db;    /* the local database, one connection */
	char *staff_pin;
	int64_t refresh_seconds;   /* roster refresh interval */

	/* The background threads sleep on their condition and look at these. */
	pthread_mutex_t lock;
	pthread_cond_t wake_sender, wake_sync;
	bool stopping;
	bool sync_requested;
	bool events_queued;       /* set by kiosk_wake, cleared by the sender */
	pthread_t sender_thread, sync_thread;

	_Atomic int64_t last_contact;  /* last answer from the server (Unix s) */
	_Atomic int64_t last_sync;     /* last roster refresh that worked */
	_Atomic bool revoked;          /* the server said this kiosk's token is revoked */

	/* Staff mode: a short-lived token handed out for the right PIN. */
	char staff_token[48];
	int64_t staff_until;
};

/* Wakes the background threads (new event queued, refresh asked). */
void kiosk_wake(struct kiosk_app *app, bool sync);

#endif
