/*
 * Conformant fakes of the messaging providers for tests, since the real
 * ones are out of reach: small HTTP servers on loopback (libmicrohttpd,
 * through tp_http) that check each request as the real service does and
 * answer as it does, and call the gateway's webhooks back, signed.
 *
 * Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json (HTTP Basic
 * auth, form fields, E.164, Body up to 1,600 characters, ContentSid and
 * ContentVariables as JSON), answering 201 with a Message resource or a
 * Twilio error; GET of the same path lists messages (To, From, PageSize);
 * status callbacks to each message's StatusCallback; inbound webhooks.
 * Meta: POST /{version}/{phone-number-id}/messages (Bearer token, the JSON
 * of text, template and interactive reply-button messages, the 24-hour
 * window), answering with message ids or Graph errors; the webhook with
 * statuses and inbound messages, signed with the app secret.
 *
 * Scripts make the next answers go wrong: an HTTP error with a provider
 * code and Retry-After (429, 5xx bursts, 21610, 131056), a dropped
 * connection (before or after the message was taken), or a held answer
 * (so a test can kill the gateway in the middle of a call). Numbers can be
 * "stopped" (21610); Meta's window can be enforced, answering 131047 at
 * once or in a failed status; the pair rate can be enforced (131056).
 * Callbacks can be duplicated, reordered or left out.
 */
#ifndef FK_FAKEPROVIDER_H
#define FK_FAKEPROVIDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fk_kind { FK_TWILIO, FK_META };

/* How status callbacks go (flags). */
enum {
	FK_CB_NORMAL = 0,
	FK_CB_NONE = 1,          /* none at all: missing delivery reports */
	FK_CB_DUPLICATE = 2,     /* each one twice */
	FK_CB_REORDER = 4,       /* the last first (delivered before sent) */
	FK_CB_READ = 8,          /* Meta: a read status too */
};

/* Meta's 24-hour window. */
enum fk_window { FK_WINDOW_OFF, FK_WINDOW_SYNC, FK_WINDOW_ASYNC };

struct fk_config {
	enum fk_kind kind;
	const char *account_sid;     /* Twilio */
	const char *auth_token;      /* Twilio: auth and signatures */
	const char *phone_number_id; /* Meta */
	const char *access_token;    /* Meta */
	const char *app_secret;      /* Meta: signatures */
	const char *api_version;     /* Meta, "v21.0" */
	const char *own_number;      /* the business's number, E.164 */
};

struct fk_provider;

struct fk_provider *fk_start(const struct fk_config *cfg);
void fk_stop(struct fk_provider *f);
/* "http://127.0.0.1:PORT" */
const char *fk_base(const struct fk_provider *f);
/* Where webhooks are posted ("http://127.0.0.1:PORT" of the gateway), and
 * the public URL they are signed for (NULL: the same). */
void fk_set_gateway(struct fk_provider *f, const char *post_base, const char *sign_base);

/* Scripts, consumed one per send request, in order. */
void fk_script_error(struct fk_provider *f, int http_status, long code, int retry_after);
void fk_script_drop(struct fk_provider *f, bool taken);
/* The next send is taken and its answer held until fk_release. */
void fk_script_hold(struct fk_provider *f);
bool fk_wait_holding(struct fk_provider *f, int seconds);
void fk_release(struct fk_provider *f);

void fk_stop_number(struct fk_provider *f, const char *e164);
void fk_set_callbacks(struct fk_provider *f, int flags);
void fk_set_window(struct fk_provider *f, enum fk_window w);
void fk_set_pair_gap(struct fk_provider *f, int64_t ms);

/* What was taken: the number of messages, and one of them as JSON
 * {"id", "to", "type", "body", "request": the fields or JSON, "at_ms"}
 * (a new reference; NULL past the end). */
size_t fk_sent_count(struct fk_provider *f);
json_t *fk_sent(struct fk_provider *f, size_t i);
/* Waits until at least n messages were taken; returns the count. */
size_t fk_wait_sent(struct fk_provider *f, size_t n, int seconds);
/* Send requests seen (taken or not), and those refused as malformed or
 * unauthorised, with the last refusal's words. */
size_t fk_requests(struct fk_provider *f);
size_t fk_rejected(struct fk_provider *f, char *last, size_t len);

/* Waits until every queued callback has been posted; returns how many
 * were posted in all, and *last_status the gateway's last answer. */
int fk_wait_callbacks(struct fk_provider *f, int seconds, long *last_status);

/*
 * Sends an inbound message to the gateway now (Twilio: to
 * /webhooks/twilio; Meta: to /webhooks/meta) and returns the gateway's
 * HTTP status. id (may be NULL) is the provider message id to use (a
 * redelivery reuses one); out_id gets the one used. whatsapp picks the
 * channel on Twilio. button is a button payload/id (or NULL). A bad
 * signature is sent when bad_signature is true.
 */
long fk_inbound(struct fk_provider *f, const char *from, const char *text, const char *button,
		bool whatsapp, const char *id, bool bad_signature, char out_id[96]);

#endif
