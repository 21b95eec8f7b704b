/*
 * touchpoint-gateway: the only program that talks to the messaging
 * providers. A sender thread claims due messages from the server, sends
 * each through the adapter of its channel (Twilio, Meta's WhatsApp Cloud
 * API, or the development console) and reports the outcome back; the HTTP
 * server takes the providers' webhooks, checks their signatures and keeps
 * every event in a local spool that a forwarder thread hands to the server.
 * Its own sqlite database (WAL, every commit synced) holds a send-intent row
 * written before each call to a provider, so a crash never turns into a
 * blind resend, and the spool, so the server being down loses nothing.
 *
 * This header holds the state the modules share; each module's own header
 * says what it does.
 */
#ifndef GW_GATEWAY_H
#define GW_GATEWAY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "tp_config.h"
#include "tp_db.h"

struct gw_adapter;

/* Twilio Programmable Messaging (SMS, and WhatsApp through Twilio). */
struct gw_twilio {
	char *base_url;           /* https://api.twilio.com */
	char *account_sid;
	char *auth_token;
	char *from;               /* SMS sender: E.164 or an alphanumeric ID */
	char *whatsapp_from;      /* E.164 of the WhatsApp sender */
	char *messaging_service;  /* MessagingServiceSid, used instead of from */
	char *content_sids;       /* "name:lang=HX...,..." WhatsApp templates */
};

/* Meta's WhatsApp Cloud API. */
struct gw_meta {
	char *base_url;           /* https://graph.facebook.com */
	char *api_version;        /* v21.0 */
	char *phone_number_id;
	char *access_token;
	char *app_secret;
	char *verify_token;
};

struct gw_settings {
	int64_t claim_limit;      /* messages per claim */
	int64_t lease_seconds;
	int64_t poll_ms;          /* wait between claims when nothing is due */
	int64_t concurrency;      /* provider calls in flight at once */
	int64_t send_timeout_ms;
	int64_t sms_per_minute;   /* send rate per channel */
	int64_t whatsapp_per_minute;
	int64_t recipient_gap_ms; /* least time between two messages to one number */
	int64_t retry_base;       /* seconds, first backoff */
	int64_t retry_max;        /* seconds, longest backoff */
};

struct gw_app {
	struct tp_config config;
	char *data_dir;
	char *assets;
	char *public_url;         /* how providers reach us, no trailing '/' */
	char *server_url;
	char *server_token;
	char *console_number;     /* the console adapter's own number */
	struct tp_db_writer db;
	struct gw_settings set;
	struct gw_twilio twilio;
	struct gw_meta meta;
	const struct gw_adapter *sms;       /* NULL: this gateway sends no SMS */
	const struct gw_adapter *whatsapp;  /* NULL: no WhatsApp */

	pthread_mutex_t lock;
	pthread_cond_t wake_sender, wake_forwarder;
	bool stopping;
	bool events_queued;       /* set by gw_wake_forwarder */
	pthread_t sender_thread, forwarder_thread;

	_Atomic int64_t last_claim;        /* last claim the server answered (Unix s) */
	_Atomic bool server_reachable;
	_Atomic bool token_refused;        /* the server said 401 */
};

/* Wakes the forwarder: events were spooled. */
void gw_wake_forwarder(struct gw_app *app);
/* True once SIGTERM has been taken. */
bool gw_stopping(struct gw_app *app);
/* Sleeps on cond until woken or ms milliseconds pass; returns at once when
 * stopping. flag, when not NULL, is a wake-up already pending: cleared. */
void gw_sleep(struct gw_app *app, pthread_cond_t *cond, bool *flag, int64_t ms);

#endif
