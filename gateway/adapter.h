/*
 * The provider adapters behind one table of function pointers (the way
 * courier registers a handler per channel type): building a send request
 * and reading its answer, resolving a send whose answer never came, and
 * checking and reading webhooks. twilio.c, meta.c and console.c each fill
 * one table; sender.c and webhooks.c only ever call through it.
 *
 * Here too: a claimed message as the gateway holds it, one attempt to send
 * it, the verdict on an attempt, and the verdict words shared by adapters.
 */
#ifndef GW_ADAPTER_H
#define GW_ADAPTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "gateway.h"
#include "tp_error.h"
#include "tp_phone.h"

struct tp_http_request;

/* One message as the server handed it out (see GATEWAY-CONTRACT.md). */
struct gw_message {
	int64_t id;
	char *lease;              /* owned */
	int64_t attempt;
	char channel[16];         /* "sms" or "whatsapp", as claimed */
	char to[TP_PHONE_MAX];    /* E.164 */
	char lang[8];             /* "zh-HK" or "en" */
	char *body;               /* owned, the rendered text */
	json_t *wa_template;      /* owned {name, language, params}, or NULL */
	json_t *buttons;          /* owned [{id, title}], or NULL */
	bool window_open;
	int64_t deliver_by;       /* Unix s, 0 when none */
	int64_t lease_until;
};

/* How a message goes out on its channel. */
enum gw_form {
	GW_FORM_TEXT,             /* free text (SMS, or WhatsApp inside the window) */
	GW_FORM_BUTTONS,          /* WhatsApp free text with reply buttons */
	GW_FORM_TEMPLATE,         /* an approved WhatsApp template */
};

const char *gw_form_name(enum gw_form f);

/* One call to a provider for one message. */
struct gw_attempt {
	const struct gw_message *msg;   /* borrowed */
	const struct gw_adapter *adapter;
	const char *channel;      /* the channel used: "sms" or "whatsapp" */
	enum gw_form form;
	char note[200];           /* for the message's history, or "" */
	int64_t intent_id;
	char sender[64];          /* From (or the messaging service) used */
};

enum gw_verdict {
	GW_SENT,                  /* the provider took it */
	GW_RETRY,                 /* try again later (the server re-queues it) */
	GW_FAILED,                /* never: a permanent refusal */
	GW_STOPPED,               /* the person opted out at the provider */
	GW_WINDOW,                /* WhatsApp refused free text outside 24 hours */
	GW_UNKNOWN,               /* the provider may or may not have it */
};

/* The outcome word of the contract for a verdict ("sent", "retry", ...). */
const char *gw_verdict_name(enum gw_verdict v);

struct gw_result {
	enum gw_verdict verdict;
	char provider_id[96];
	char error_code[24];      /* the provider's code, or "" */
	char reason[256];         /* plain words, or "" */
	int64_t retry_after;      /* seconds asked by the provider, 0 if none */
};

void gw_result_set(struct gw_result *r, enum gw_verdict v, const char *code,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* An HTTP request an adapter wants made. All strings owned. */
struct gw_request {
	char *url;
	char *body;
	const char *content_type;   /* static */
	char *bearer;               /* "Authorization: Bearer" token, or NULL */
	char *basic;                /* "user:password" for Basic auth, or NULL */
};

void gw_request_release(struct gw_request *rq);

/* An intent without an outcome, as the store has it (for lookups). */
struct gw_intent {
	int64_t id;
	int64_t message_id;
	char provider[16];
	char channel[16];
	char form[16];
	char to[TP_PHONE_MAX];
	char sender[64];
	char *body;               /* owned, may be NULL */
	int64_t created_ms;       /* wall clock */
};

struct gw_adapter {
	const char *name;          /* "twilio", "meta", "console" */
	bool buttons;              /* sends WhatsApp reply buttons */
	/* Whether the message's WhatsApp template can be sent by this adapter
	 * (Twilio needs a Content SID configured for it). */
	bool (*has_template)(const struct gw_app *app, const struct gw_message *m);
	/* Local adapters deliver at once and fill out; NULL for HTTP ones. */
	int (*deliver)(struct gw_app *app, const struct gw_attempt *a, struct gw_result *out);
	/* HTTP adapters: the request for an attempt (fills a->sender too). */
	int (*build)(const struct gw_app *app, struct gw_attempt *a, struct gw_request *out);
	/* Reads the provider's answer (status > 0) into out. */
	void (*parse)(const struct gw_attempt *a, long status, const char *body,
		      int64_t retry_after, struct gw_result *out);
	/* Resolves an intent whose answer never came: 0 with out filled (sent
	 * when found, retry when the provider has no such message), or < 0
	 * when it cannot tell. NULL when the provider offers no lookup. */
	int (*lookup)(struct gw_app *app, const struct gw_intent *in, struct gw_result *out);
	/* Webhooks: the signature check (true when good; adapters without
	 * webhooks leave both NULL) and the events in the contract's shape,
	 * appended to events; < 0 with e filled for a body that cannot be read. */
	bool (*verify)(const struct gw_app *app, struct tp_http_request *req);
	int (*events)(const struct gw_app *app, struct tp_http_request *req, json_t *events,
		      struct tp_error *e);
	/* What a webhook is answered with. */
	const char *ack_type;
	const char *ack_body;
};

extern const struct gw_adapter gw_twilio_adapter;
extern const struct gw_adapter gw_meta_adapter;
extern const struct gw_adapter gw_console_adapter;

/* The adapter of that name ("twilio", "meta", "console"), or NULL. */
const struct gw_adapter *gw_adapter_named(const char *name);
/* The adapter serving channel ("sms"/"whatsapp") in this gateway, or NULL. */
const struct gw_adapter *gw_adapter_for(const struct gw_app *app, const char *channel);
/* True when the adapter serves at least one channel here. */
bool gw_adapter_active(const struct gw_app *app, const struct gw_adapter *ad);

/*
 * The verdict on an HTTP status when the provider's own error code said
 * nothing decisive: 2xx sent (callers check the body), 429 and 5xx retry,
 * 401 and 403 retry (a credentials problem, fixed by configuration, not a
 * verdict on the message), 408 retry, other 4xx failed.
 */
void gw_verdict_from_status(long status, int64_t retry_after, struct gw_result *out);

/* A provider error code with its verdict and plain words. */
struct gw_code {
	long code;
	enum gw_verdict verdict;
	const char *words;
};

/*
 * The verdict on a provider's error answer: the entry of code in table
 * when there is one, else gw_verdict_from_status's, with the provider's own
 * words (said, may be NULL) when that makes it a failure. who names the
 * provider in those words ("the provider", "WhatsApp").
 */
void gw_verdict_from_code(const struct gw_code *table, long code, const char *said,
			  const char *who, long status, int64_t retry_after,
			  struct gw_result *out);
/* Looks code up in a table ending with {0}; NULL when absent. */
const struct gw_code *gw_code_find(const struct gw_code *table, long code);

/* The status and inbound events of the contract, built for the spool. */
json_t *gw_event_status(const char *provider, const char *provider_id, const char *status,
			int64_t at, const char *error_code, const char *reason);
json_t *gw_event_inbound(const char *provider, const char *provider_id, const char *channel,
			 const char *from, const char *to, const char *text,
			 const char *button_id, int64_t at);

#endif
