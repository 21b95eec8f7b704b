/* What the adapters share; see adapter.h. */
#include "adapter.h"
#include "tp_alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gw_form_name(enum gw_form f)
{
	switch (f) {
	case GW_FORM_BUTTONS:
		return "buttons";
	case GW_FORM_TEMPLATE:
		return "template";
	case GW_FORM_TEXT:
		break;
	}
	return "text";
}

const char *gw_verdict_name(enum gw_verdict v)
{
	switch (v) {
	case GW_SENT:
		return "sent";
	case GW_RETRY:
		return "retry";
	case GW_FAILED:
		return "failed";
	case GW_STOPPED:
		return "stopped";
	case GW_WINDOW:
		return "window";
	case GW_UNKNOWN:
		break;
	}
	return "unknown";
}

void gw_result_set(struct gw_result *r, enum gw_verdict v, const char *code,
		   const char *fmt, ...)
{
	r->verdict = v;
	snprintf(r->error_code, sizeof r->error_code, "%s", code ? code : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
}

void gw_request_release(struct gw_request *rq)
{
	free(rq->url);
	free(rq->body);
	free(rq->bearer);
	free(rq->basic);
	memset(rq, 0, sizeof *rq);
}

const struct gw_adapter *gw_adapter_named(const char *name)
{
	static const struct gw_adapter *const all[] = {
		&gw_twilio_adapter, &gw_meta_adapter, &gw_console_adapter,
	};
	for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

const struct gw_adapter *gw_adapter_for(const struct gw_app *app, const char *channel)
{
	if (strcmp(channel, "sms") == 0)
		return app->sms;
	if (strcmp(channel, "whatsapp") == 0)
		return app->whatsapp;
	return NULL;
}

bool gw_adapter_active(const struct gw_app *app, const struct gw_adapter *ad)
{
	return ad && (app->sms == ad || app->whatsapp == ad);
}

void gw_verdict_from_status(long status, int64_t retry_after, struct gw_result *out)
{
	out->retry_after = retry_after;
	if (status >= 200 && status < 300)
		gw_result_set(out, GW_SENT, NULL, "%s", "");
	else if (status == 429)
		gw_result_set(out, GW_RETRY, NULL, "provider busy (429)");
	else if (status >= 500)
		gw_result_set(out, GW_RETRY, NULL, "provider error (%ld)", status);
	else if (status == 401 || status == 403)
		gw_result_set(out, GW_RETRY, NULL,
			      "the provider refused the gateway's credentials (%ld)", status);
	else if (status == 408)
		gw_result_set(out, GW_RETRY, NULL, "the provider timed out (408)");
	else
		gw_result_set(out, GW_FAILED, NULL, "refused by the provider (%ld)", status);
}

const struct gw_code *gw_code_find(const struct gw_code *table, long code)
{
	for (; table->code; table++)
		if (table->code == code)
			return table;
	return NULL;
}

void gw_verdict_from_code(const struct gw_code *table, long code, const char *said,
			  const char *who, long status, int64_t retry_after,
			  struct gw_result *out)
{
	const struct gw_code *c = code ? gw_code_find(table, code) : NULL;
	char num[24] = "";
	if (code)
		snprintf(num, sizeof num, "%ld", code);
	if (c) {
		gw_result_set(out, c->verdict, num, "%s", c->words);
		out->retry_after = retry_after;
		return;
	}
	gw_verdict_from_status(status, retry_after, out);
	snprintf(out->error_code, sizeof out->error_code, "%s", num);
	if (code && out->verdict == GW_FAILED)
		snprintf(out->reason, sizeof out->reason, "refused by %s: %.160s (%ld)", who,
			 said ? said : "", code);
}

json_t *gw_event_status(const char *provider, const char *provider_id, const char *status,
			int64_t at, const char *error_code, const char *reason)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s?, s:s?}", "type", "status",
			 "provider", provider, "provider_id", provider_id, "status", status,
			 "at", (json_int_t)at, "error_code",
			 error_code && *error_code ? error_code : NULL, "reason",
			 reason && *reason ? reason : NULL);
}

json_t *gw_event_inbound(const char *provider, const char *provider_id, const char *channel,
			 const char *from, const char *to, const char *text,
			 const char *button_id, int64_t at)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s?, s:I}", "type", "inbound",
			 "provider", provider, "provider_id", provider_id, "channel", channel,
			 "from", from, "to", to && *to ? to : NULL, "text", text ? text : "",
			 "button_id", button_id && *button_id ? button_id : NULL, "at",
			 (json_int_t)at);
}
