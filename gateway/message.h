/*
 * Claimed messages: reading one from the server's claim answer, and the
 * plan for sending it: which adapter, which channel and in which form. The
 * WhatsApp 24-hour window is decided here: free text (with reply buttons
 * where the adapter has them) while it is open, the approved template when
 * it is closed, and SMS, said in the note, when no template fits. After
 * WhatsApp refuses free text as outside the window (131047, 63016) the next
 * plan is the template, then SMS.
 */
#ifndef GW_MESSAGE_H
#define GW_MESSAGE_H

#include <jansson.h>
#include <stddef.h>

#include "adapter.h"

/* Reads one message of the claim answer into m (which it initialises).
 * Returns 0, or -EINVAL with err naming the field; m is then empty. */
int gw_message_parse(json_t *j, struct gw_message *m, char *err, size_t errlen);
void gw_message_release(struct gw_message *m);

struct gw_plan {
	bool fail;                /* nothing can send it: reason says why */
	const struct gw_adapter *adapter;
	const char *channel;      /* static "sms" / "whatsapp" */
	enum gw_form form;
	char note[200];
	char reason[200];
};

/* The first plan for m. */
void gw_plan_first(const struct gw_app *app, const struct gw_message *m, struct gw_plan *p);
/* The plan after WhatsApp refused the attempt prev as outside the window,
 * with the provider's code (e.g. "131047"). */
void gw_plan_after_window(const struct gw_app *app, const struct gw_message *m,
			  const struct gw_attempt *prev, const char *code, struct gw_plan *p);

#endif
