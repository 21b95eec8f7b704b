/*
 * The inside of the fake providers (fakeprovider.h), shared by the core
 * (fakeprovider.c) and the two services (fake_twilio.c, fake_meta.c).
 */
#ifndef FK_FAKEPROVIDER_IMPL_H
#define FK_FAKEPROVIDER_IMPL_H

#include "fakeprovider.h"
#include "tp_http.h"

#include <pthread.h>

enum fk_step_kind { FK_STEP_ERROR, FK_STEP_DROP, FK_STEP_TAKE_DROP, FK_STEP_HOLD };

struct fk_step {
	enum fk_step_kind kind;
	int http_status;
	long code;
	int retry_after;
};

struct fk_callback {
	char *post_url;
	char *body;
	char *content_type;
	char *header;           /* "X-...: value" */
	struct fk_callback *next;
};

#define FK_MAX_SCRIPT 64
#define FK_MAX_NUMBERS 32

struct fk_provider {
	struct fk_config cfg;          /* strings owned */
	struct tp_http_server *http;
	char base[64];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	json_t *sent;                  /* array of taken messages */
	size_t requests, rejected;
	char last_rejection[300];
	struct fk_step script[FK_MAX_SCRIPT];
	size_t nscript, script_pos;
	char stopped[FK_MAX_NUMBERS][24];
	size_t nstopped;
	int callbacks;
	enum fk_window window;
	int64_t pair_gap_ms;
	char inbound_from[FK_MAX_NUMBERS][24];   /* Meta: last inbound per number */
	int64_t inbound_at[FK_MAX_NUMBERS];
	size_t ninbound;
	bool holding, released;
	char post_base[128], sign_base[256];
	/* the callback thread */
	pthread_t thread;
	struct fk_callback *head, *tail;
	bool stopping, busy;
	int posted;
	long last_status;
};

/* Takes the next scripted step (false when none). Locks f. */
bool fk_next_step(struct fk_provider *f, struct fk_step *out);
/* Counts a refused request and replies with the provider's error. */
void fk_rejected_note(struct fk_provider *f, const char *why);
/* Records a taken message; body and type as the service saw them. */
void fk_take(struct fk_provider *f, const char *id, const char *to, const char *type,
	     const char *body, json_t *request);
bool fk_is_stopped(struct fk_provider *f, const char *e164);
/* Queues a webhook call to the gateway (strings copied). */
void fk_queue_callback(struct fk_provider *f, const char *post_url, const char *body,
		       const char *content_type, const char *header);
/* Posts a webhook now; returns the HTTP status (0 when none). */
long fk_post(const char *url, const char *body, const char *content_type,
	     const char *header);
/* Posts a webhook to the gateway's path now (post_base + path); the status. */
long fk_post_gateway(struct fk_provider *f, const char *path, const char *body,
		     const char *content_type, const char *header);
/* Blocks a handler on a HOLD step until fk_release (or stop). */
void fk_hold(struct fk_provider *f);
/* "SM" + 32 hex digits, or "wamid." + 40 base32-ish characters. */
void fk_new_id(char *out, size_t len, const char *prefix, size_t hexdigits);
/* The URL with its scheme and authority replaced by base. */
char *fk_rebase(const char *url, const char *base);
/* True for "+" and 8-15 digits. */
bool fk_is_e164(const char *s);
/* Records the last inbound time of a number (Meta's window). */
void fk_note_inbound(struct fk_provider *f, const char *e164, int64_t at);
int64_t fk_last_inbound(struct fk_provider *f, const char *e164);
/* The last send to a number, wall-clock ms, or 0. */
int64_t fk_last_send_ms(struct fk_provider *f, const char *to);

int fk_twilio_handle(struct fk_provider *f, struct tp_http_request *req);
/* An inbound message with the provider id sid, posted now (fk_inbound). */
long fk_twilio_inbound(struct fk_provider *f, const char *from, const char *text,
		       const char *button, bool whatsapp, const char *sid, bool bad_signature);
int fk_meta_handle(struct fk_provider *f, struct tp_http_request *req);
long fk_meta_inbound(struct fk_provider *f, const char *from, const char *text,
		     const char *button, const char *mid, bool bad_signature);

#endif
