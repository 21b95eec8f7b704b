/* Gateway end-to-end support; see gwtest.h. */
#include "gwtest.h"
#include "../tap.h"
#include "tp_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ge_nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

void ge_start(struct ge_world *w)
{
	memset(w, 0, sizeof *w);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&w->srv);
	tg_clock_init(&w->clk, &w->srv, tg_hk("2026-11-24T10:00"));
	if (tp_time_use_clock_file(w->clk.path) < 0)
		bail_out("the test cannot read its own clock file");
	w->srv.env[0] = "TOUCHPOINT_DEV_MODE=1";
	w->srv.env[1] = w->clk.env;
	w->srv.log_to_file = true;
	w->worker_pw = ts_create_user(&w->srv, "amy", "worker");
	w->token = ts_create_token(&w->srv, "Gateway", "gateway", NULL);
	ts_server_start(&w->srv);
	ts_client_init(&w->staff, &w->srv);
	if (ts_client_login(&w->staff, "amy", w->worker_pw) != 200)
		bail_out("the worker cannot sign in");
}

void ge_finish(struct ge_world *w)
{
	ts_client_release(&w->staff);
	if (w->srv.pid)
		is_int(ts_server_stop(&w->srv), 0, "the server stops cleanly");
	ts_server_cleanup(&w->srv);
	free(w->worker_pw);
	free(w->token);
	tp_time_use_clock_file(NULL);
	curl_global_cleanup();
}

void ge_gateway_for(struct ge_world *w, struct rg_gateway *g)
{
	rg_set(g, "server_url", w->srv.base);
	rg_set(g, "server_token", w->token);
	rg_set(g, "dev_mode", "1");
	rg_set(g, "clock_file", w->clk.path);
}

void ge_start_both(struct ge_world *w, struct rg_gateway *g, struct fk_provider **meta,
		   struct fk_provider **tw)
{
	static const char sid[] = "AC0123456789abcdef0123456789abcdef";
	*meta = fk_start(&(struct fk_config){ .kind = FK_META, .phone_number_id = "1234567890",
					      .access_token = "meta-token",
					      .app_secret = "app-secret" });
	*tw = fk_start(&(struct fk_config){ .kind = FK_TWILIO, .account_sid = sid,
					    .auth_token = "tw-token" });
	fk_set_window(*meta, FK_WINDOW_SYNC);
	rg_prepare(g);
	ge_gateway_for(w, g);
	rg_set(g, "whatsapp_adapter", "meta");
	rg_set(g, "sms_adapter", "twilio");
	rg_set(g, "meta_base_url", fk_base(*meta));
	rg_set(g, "meta_phone_number_id", "1234567890");
	rg_set(g, "meta_access_token", "meta-token");
	rg_set(g, "meta_app_secret", "app-secret");
	rg_set(g, "meta_verify_token", "verify-me");
	rg_set(g, "twilio_base_url", fk_base(*tw));
	rg_set(g, "twilio_account_sid", sid);
	rg_set(g, "twilio_auth_token", "tw-token");
	rg_set(g, "twilio_from", "+85230001234");
	rg_start(g);
	fk_set_gateway(*meta, g->base, NULL);
	fk_set_gateway(*tw, g->base, NULL);
}

void ge_gateway_finish(struct rg_gateway *g)
{
	is_int(rg_stop(g), 0, "the gateway stops cleanly on SIGTERM");
	if (getenv("TP_KEEP"))
		diag("kept %s", g->dir);
	else
		rg_cleanup(g);
}

const char ge_claim_example[] =
	"{\"id\": 42, \"lease\": \"9f3c\", \"lease_until\": 1763900120, \"attempt\": 1,"
	" \"channel\": \"whatsapp\", \"to\": \"+85291234567\", \"lang\": \"zh-HK\","
	" \"body\": \"陳太你好，提提你 11月24日(二) 14:00 喺中心有約。回覆 1 確認，2 更改。\","
	" \"whatsapp_template\": {\"name\": \"tp_reminder\", \"language\": \"zh_HK\","
	"   \"params\": [\"陳太\", \"11月24日(二) 14:00\", \"中心\"]},"
	" \"buttons\": [{\"id\": \"1\", \"title\": \"確認\"}, {\"id\": \"2\", \"title\": \"更改\"}],"
	" \"window_open\": false, \"deliver_by\": 1763910000}";

int64_t ge_participant(struct ge_world *w, const char *alias, const char *phone,
		       const char *channel)
{
	struct ts_response r;
	ts_requestf(&w->staff, "POST", "/api/v1/participants", &r, "{s:s, s:s, s:s, s:b}",
		    "alias", alias, "phone", phone, "channel", channel, "consent", 1);
	return ts_created("participant", &r);
}

int64_t ge_notice(struct ge_world *w, int64_t pid, const char *body)
{
	struct ts_response r;
	ts_requestf(&w->staff, "POST", "/api/v1/messages", &r, "{s:I, s:s, s:b}",
		    "participant_id", (json_int_t)pid, "body", body, "quiet_hours", 0);
	return ts_created("message", &r);
}

json_t *ge_message(struct ge_world *w, int64_t id)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/messages/%lld", (long long)id);
	struct ts_response r;
	ts_request(&w->staff, "GET", path, NULL, &r);
	if (r.status != 200)
		bail_out("GET %s: %ld %s", path, r.status, r.body);
	json_t *j = json_incref(r.json);
	ts_response_release(&r);
	return j;
}

const char *ge_status(struct ge_world *w, int64_t id)
{
	static char status[32];
	json_t *m = ge_message(w, id);
	snprintf(status, sizeof status, "%s",
		 json_string_value(json_object_get(m, "status")) ? json_string_value(json_object_get(m, "status")) : "");
	json_decref(m);
	return status;
}

bool ge_wait_status(struct ge_world *w, int64_t id, const char *want, int seconds,
		    bool nudge_clock)
{
	for (int i = 0; i < seconds * 10; i++) {
		const char *s = ge_status(w, id);
		if (strcmp(s, want) == 0)
			return true;
		if (nudge_clock && strcmp(s, "queued") == 0)
			tg_clock_add(&w->clk, 5);
		ge_nap(100);
	}
	diag("message %lld is %s, not %s", (long long)id, ge_status(w, id), want);
	return false;
}

char *ge_history(struct ge_world *w, int64_t id)
{
	return tg_history(&w->staff, id, NULL);
}

bool ge_wait_history(struct ge_world *w, int64_t id, const char *words, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		char *h = ge_history(w, id);
		bool found = strstr(h, words) != NULL;
		free(h);
		if (found)
			return true;
		ge_nap(100);
	}
	return false;
}

int ge_inbound_count(struct ge_world *w, const char *phone)
{
	struct ts_response r;
	ts_request(&w->staff, "GET", "/api/v1/messages?direction=in&limit=500", NULL, &r);
	int n = 0;
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(r.json, "items"), i, m) {
		const char *from = json_string_value(json_object_get(m, "from"));
		if (from && strcmp(from, phone) == 0)
			n++;
	}
	ts_response_release(&r);
	return n;
}

int ge_wait_inbound(struct ge_world *w, const char *phone, int n, int seconds)
{
	int got = 0;
	for (int i = 0; i < seconds * 10; i++) {
		got = ge_inbound_count(w, phone);
		if (got >= n)
			return got;
		ge_nap(100);
	}
	return got;
}
