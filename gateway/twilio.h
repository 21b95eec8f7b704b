/*
 * The Twilio Programmable Messaging adapter (SMS, and WhatsApp through
 * Twilio): form-encoded sends with HTTP Basic auth to
 * /2010-04-01/Accounts/{AccountSid}/Messages.json, WhatsApp templates as
 * ContentSid + ContentVariables, a StatusCallback to this gateway, and the
 * inbound and status webhooks checked by X-Twilio-Signature. A send whose
 * answer never came is looked up in the account's message list.
 */
#ifndef GW_TWILIO_H
#define GW_TWILIO_H

#include <jansson.h>
#include <stdbool.h>

#include "adapter.h"
#include "tp_urlform.h"

/* The Content SID configured for template name in language, or NULL
 * (points into spec: "name:lang=HX...,..."; out gets a copy). */
bool gw_twilio_content_sid(const char *spec, const char *name, const char *language,
			   char out[64]);
/* Turns a webhook's fields into contract events (status callbacks when
 * status is true); -EINVAL with e filled when a required field is bad. */
int gw_twilio_events_from_form(const struct tp_urlform *f, bool status, int64_t now,
			       json_t *events, struct tp_error *e);

#endif
