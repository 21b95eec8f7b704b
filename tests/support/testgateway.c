/* Messaging test support; see testgateway.h. */
#include "testgateway.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "../tap.h"
#include "tp_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tg_clock_set(struct tg_clock *c, int64_t t)
{
	char tmp[360];
	snprintf(tmp, sizeof tmp, "%s.new", c->path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		bail_out("cannot write the clock file %s", tmp);
	fprintf(f, "%lld\n", (long long)t);
	if (fclose(f) != 0 || rename(tmp, c->path) != 0)
		bail_out("cannot replace the clock file %s", c->path);
	c->now = t;
}

void tg_clock_add(struct tg_clock *c, int64_t seconds)
{
	tg_clock_set(c, c->now + seconds);
}

void tg_clock_init(struct tg_clock *c, const struct ts_server *s, int64_t t)
{
	snprintf(c->path, sizeof c->path, "%s/clock", s->dir);
	snprintf(c->env, sizeof c->env, "TOUCHPOINT_CLOCK_FILE=%s", c->path);
	tg_clock_set(c, t);
}

int64_t tg_hk(const char *local)
{
	int64_t t;
	if (tp_time_parse(local, &t) < 0)
		bail_out("bad time %s", local);
	return t;
}

void tg_iso(int64_t t, char out[32])
{
	tp_time_format_hk(t, out);
}

json_t *tg_claim(struct ts_client *gw, int limit)
{
	struct ts_response r;
	ts_requestf(gw, "POST", "/api/v1/gateway/claim", &r, "{s:i, s:i}", "limit", limit,
		    "lease_seconds", 120);
	if (r.status != 200 || !json_is_array(json_object_get(r.json, "messages")))
		bail_out("claim: %ld %s", r.status, r.body);
	json_t *messages = json_incref(json_object_get(r.json, "messages"));
	ts_response_release(&r);
	return messages;
}

json_t *tg_find(json_t *messages, int64_t id)
{
	size_t i;
	json_t *m;
	json_array_foreach(messages, i, m) {
		if (json_integer_value(json_object_get(m, "id")) == id)
			return m;
	}
	return NULL;
}

void tg_result(struct ts_client *gw, int64_t id, const char *lease, const char *outcome,
	       const char *provider_id, struct ts_response *r)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/gateway/messages/%lld/result", (long long)id);
	if (provider_id)
		ts_requestf(gw, "POST", path, r, "{s:s, s:s, s:s, s:s}", "lease", lease, "outcome",
			    outcome, "provider", "console", "provider_id", provider_id);
	else
		ts_requestf(gw, "POST", path, r, "{s:s, s:s}", "lease", lease, "outcome", outcome);
}

void tg_inbound(struct ts_client *gw, const char *provider_id, const char *channel,
		const char *from, const char *text, const char *button_id,
		struct ts_response *r)
{
	ts_requestf(gw, "POST", "/api/v1/gateway/events", r,
		    "{s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s*}]}", "events", "type",
		    "inbound", "provider", "console", "provider_id", provider_id, "channel",
		    channel, "from", from, "to", "+85230001234", "text", text, "button_id",
		    button_id);
}

void tg_status(struct ts_client *gw, const char *provider_id, const char *status,
	       struct ts_response *r)
{
	ts_requestf(gw, "POST", "/api/v1/gateway/events", r, "{s:[{s:s, s:s, s:s, s:s}]}",
		    "events", "type", "status", "provider", "console", "provider_id",
		    provider_id, "status", status);
}

json_t *tg_event_result(const struct ts_response *r)
{
	return json_array_get(json_object_get(r->json, "results"), 0);
}

json_t *tg_deliver_all(struct ts_client *gw)
{
	json_t *messages = tg_claim(gw, 100);
	size_t i;
	json_t *m;
	json_array_foreach(messages, i, m) {
		int64_t id = json_integer_value(json_object_get(m, "id"));
		char pid[64];
		snprintf(pid, sizeof pid, "console-%lld", (long long)id);
		struct ts_response r;
		tg_result(gw, id, json_string_value(json_object_get(m, "lease")), "sent", pid, &r);
		if (r.status != 200)
			bail_out("result of %lld: %ld %s", (long long)id, r.status, r.body);
		ts_response_release(&r);
	}
	return messages;
}

char *tg_history(struct ts_client *staff, int64_t id, char status[32])
{
	struct ts_response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/messages/%lld", (long long)id);
	ts_request(staff, "GET", path, NULL, &r);
	if (r.status != 200)
		bail_out("GET %s: %ld %s", path, r.status, r.body);
	if (status)
		snprintf(status, 32, "%s", ts_str(&r, "status") ? ts_str(&r, "status") : "");
	struct tp_buf out;
	tp_buf_init(&out, 1 << 20);
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(r.json, "history"), i, h)
		tp_buf_printf(&out, "%s%s", i ? " | " : "", json_string_value(json_object_get(h, "text")));
	ts_response_release(&r);
	char *text = tp_xstrdup(tp_buf_str(&out));
	tp_buf_release(&out);
	return text;
}

void tg_env_login(struct tg_env *t)
{
	ts_client_release(&t->staff);
	ts_client_init(&t->staff, &t->srv);
	long status = ts_client_login(&t->staff, "amy", t->worker_pw);
	if (status != 200)
		bail_out("the worker cannot sign in (%ld)", status);
}

void tg_env_start(struct tg_env *t, const char *local)
{
	memset(t, 0, sizeof *t);
	ts_server_prepare(&t->srv);
	tg_clock_init(&t->clk, &t->srv, tg_hk(local));
	t->srv.env[0] = "TOUCHPOINT_DEV_MODE=1";
	t->srv.env[1] = t->clk.env;
	t->worker_pw = ts_create_user(&t->srv, "amy", "worker");
	t->token = ts_create_token(&t->srv, "Gateway", "gateway", NULL);
	ts_server_start(&t->srv);
	ts_client_init(&t->staff, &t->srv);
	tg_env_login(t);
	ts_client_init(&t->gw, &t->srv);
	snprintf(t->gw.bearer, sizeof t->gw.bearer, "%s", t->token);
}

void tg_env_at(struct tg_env *t, const char *local)
{
	tg_clock_set(&t->clk, tg_hk(local));
	tg_env_login(t);
}

int tg_env_stop(struct tg_env *t)
{
	ts_client_release(&t->staff);
	ts_client_release(&t->gw);
	free(t->token);
	free(t->worker_pw);
	int status = ts_server_stop(&t->srv);
	ts_server_cleanup(&t->srv);
	return status;
}

int64_t tg_participant(struct tg_env *t, const char *alias, const char *phone,
		       const char *channel, const char *lang, int consent)
{
	struct ts_response r;
	ts_requestf(&t->staff, "POST", "/api/v1/participants", &r, "{s:s, s:s, s:s, s:s, s:b}",
		    "alias", alias, "phone", phone, "channel", channel, "lang", lang, "consent",
		    consent);
	return ts_created("participant", &r);
}

int64_t tg_appointment(struct tg_env *t, int64_t participant_id, const char *kind,
		       const char *starts_at, const char *place)
{
	struct ts_response r;
	ts_requestf(&t->staff, "POST", "/api/v1/appointments", &r, "{s:I, s:s, s:s, s:s*}",
		    "participant_id", (json_int_t)participant_id, "kind", kind, "starts_at",
		    starts_at, "place", place);
	return ts_created("appointment", &r);
}

const char *tg_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}
