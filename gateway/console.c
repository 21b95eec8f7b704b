/* The console adapter; see console.h. */
#include "console.h"
#include "spool.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_log.h"
#include "tp_phone.h"
#include "tp_time.h"
#include "tp_token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool gw_console_has_template(const struct gw_app *app, const struct gw_message *m)
{
	(void)app;
	return m->wa_template != NULL;
}

static int gw_console_deliver(struct gw_app *app, const struct gw_attempt *a,
			      struct gw_result *out)
{
	const struct gw_message *m = a->msg;
	char *pid = tp_token_new("console-", 10);
	/* A template's quick replies show as buttons too, as on a phone. */
	char *buttons = a->form != GW_FORM_TEXT && m->buttons ? json_dumps(m->buttons, JSON_COMPACT)
							       : NULL;
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r == 0) {
		r = tp_db_run(db, "INSERT INTO console (direction, number, channel, form, text,"
				  " buttons, message_id, intent_id, provider_id, status, at)"
				  " VALUES ('out', ?, ?, ?, ?, ?, ?, ?, ?, 'delivered', ?)",
			      "tttttiiti", m->to, a->channel, gw_form_name(a->form), m->body,
			      buttons, m->id, a->intent_id, pid, tp_now());
		if (r == 0)
			r = gw_spool_add_one(db, gw_event_status("console", pid, "delivered",
								 tp_now(), NULL, NULL));
		r = tp_db_writer_end(&app->db, r);
	}
	if (r == 0) {
		char masked[TP_PHONE_MAX];
		tp_phone_mask(m->to, masked);
		tp_info("console: message %lld to %s by %s (%s): %s", (long long)m->id, masked,
			a->channel, gw_form_name(a->form), m->body);
		gw_result_set(out, GW_SENT, NULL, "%s", "");
		snprintf(out->provider_id, sizeof out->provider_id, "%s", pid);
		gw_wake_forwarder(app);
	}
	free(pid);
	free(buttons);
	return r;
}

/* The console row written for an intent says whether it was "sent". */
static int gw_console_lookup(struct gw_app *app, const struct gw_intent *in,
			     struct gw_result *out)
{
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	char *pid = NULL;
	r = tp_db_text(db, &pid, "SELECT provider_id FROM console WHERE intent_id = ?", "i",
		       in->id);
	tp_db_writer_end(&app->db, 0);
	if (r == 0) {
		gw_result_set(out, GW_SENT, NULL, "%s", "");
		snprintf(out->provider_id, sizeof out->provider_id, "%s", pid);
	} else if (r == -ENOENT) {
		gw_result_set(out, GW_RETRY, NULL, "the console never kept it");
		r = 0;
	}
	free(pid);
	return r;
}

const struct gw_adapter gw_console_adapter = {
	.name = "console",
	.buttons = true,
	.has_template = gw_console_has_template,
	.deliver = gw_console_deliver,
	.lookup = gw_console_lookup,
};
