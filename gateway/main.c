/*
 * touchpoint-gateway: the command line. `serve` runs the webhook server,
 * the sender and the forwarder until SIGTERM; `status` tells what waits.
 * Settings come from defaults, --config FILE and TOUCHPOINT_GATEWAY_*
 * variables (credentials best from the environment or a file of mode 0600).
 */
#include "adapter.h"
#include "gateway.h"
#include "reports.h"
#include "sender.h"
#include "spool.h"
#include "store.h"
#include "webhooks.h"
#include "tp_alloc.h"
#include "tp_cli.h"
#include "tp_client.h"
#include "tp_http.h"
#include "tp_log.h"
#include "tp_metrics.h"
#include "tp_phone.h"
#include "tp_time.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct tp_config_key gw_config_keys[] = {
	{ "data", "var/gateway", "folder of the gateway's database" },
	{ "listen", "127.0.0.1:8082", "HOST:PORT for webhooks, health and the simulator" },
	{ "public_url", NULL, "the URL providers call, as they call it (https://gw.example.org)"
			      "; default http://LISTEN" },
	{ "assets", "assets", "folder of the web assets (assets/gateway)" },
	{ "server_url", "http://127.0.0.1:8080", "the Touchpoint server" },
	{ "server_token", NULL, "the gateway's device token (token create --role gateway)" },
	{ "server_token_file", NULL, "a file holding server_token instead" },
	{ "sms_adapter", "console", "who sends SMS: twilio, console or none" },
	{ "whatsapp_adapter", "console", "who sends WhatsApp: twilio, meta, console or none" },
	{ "console_number", "+85230000000", "the console adapter's own number" },
	{ "twilio_base_url", "https://api.twilio.com", "Twilio's API" },
	{ "twilio_account_sid", NULL, "Twilio Account SID (AC...)" },
	{ "twilio_auth_token", NULL, "Twilio auth token (sends and webhook signatures)" },
	{ "twilio_from", NULL, "SMS sender: an E.164 number or an alphanumeric sender ID" },
	{ "twilio_messaging_service_sid", NULL, "MG...: send SMS through a messaging service" },
	{ "twilio_whatsapp_from", NULL, "E.164 of the WhatsApp sender on Twilio" },
	{ "twilio_content_sids", NULL,
	  "WhatsApp templates on Twilio: name:language=HX...,... (tp_reminder:zh_HK=HX...)" },
	{ "meta_base_url", "https://graph.facebook.com", "Meta's Graph API" },
	{ "meta_api_version", "v21.0", "Graph API version" },
	{ "meta_phone_number_id", NULL, "the WhatsApp business phone number ID" },
	{ "meta_access_token", NULL, "the system user's access token" },
	{ "meta_app_secret", NULL, "the app secret (X-Hub-Signature-256)" },
	{ "meta_verify_token", NULL, "the webhook verify token you chose" },
	{ "claim_limit", "20", "messages claimed at once (1-100)" },
	{ "lease_seconds", "120", "how long a claim holds its messages (10-600)" },
	{ "poll_ms", "2000", "milliseconds between claims when nothing is due" },
	{ "concurrency", "8", "provider calls in flight at once" },
	{ "send_timeout", "30", "seconds a provider call may take" },
	{ "sms_per_minute", "60", "SMS sent per minute at most (0: no limit)" },
	{ "whatsapp_per_minute", "600", "WhatsApp messages per minute at most (0: no limit)" },
	{ "recipient_gap_ms", "1000", "least milliseconds between two messages to one number" },
	{ "retry_base", "30", "seconds before the first retry (doubling each time)" },
	{ "retry_max", "3600", "longest wait between retries, seconds" },
	{ "log_level", "info", "debug, info, warn or error" },
	{ "dev_mode", "0", "1 in development and tests only" },
	{ "clock_file", NULL, "for tests only (needs dev_mode = 1): read the time from this file" },
	{ NULL, NULL, NULL },
};

static void gw_usage(FILE *out)
{
	fprintf(out,
		"usage: touchpoint-gateway [--config FILE] [--data DIR] COMMAND\n"
		"\n"
		"commands:\n"
		"  serve [--listen HOST:PORT]  run the gateway (webhooks, sending, forwarding)\n"
		"  status                      show what waits to be reported or forwarded\n"
		"\n"
		"configuration (file lines `key = value`, or TOUCHPOINT_GATEWAY_KEY variables):\n");
	tp_cli_print_settings(out, gw_config_keys, 29);
}

static char *gw_dup_config(const struct gw_app *app, const char *key)
{
	const char *v = tp_config_get(&app->config, key);
	return v && *v ? tp_xstrdup(v) : NULL;
}

/* The first line of path, trimmed; NULL when it cannot be read. */
static char *gw_read_token_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char line[512];
	char *out = NULL;
	if (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		while (n && isspace((unsigned char)line[n - 1]))
			line[--n] = '\0';
		if (n)
			out = tp_xstrdup(line);
	}
	fclose(f);
	return out;
}

static int gw_need(const struct gw_app *app, const char *key, const char *why, char **err)
{
	const char *v = tp_config_get(&app->config, key);
	if (v && *v)
		return 0;
	*err = tp_xasprintf("%s must be set (%s)", key, why);
	return -EINVAL;
}

static int gw_need_e164(const struct gw_app *app, const char *key, char **err)
{
	const char *v = tp_config_get(&app->config, key);
	char e164[TP_PHONE_MAX];
	if (!v || tp_phone_normalize(v, e164, NULL) < 0 || strcmp(v, e164) != 0) {
		*err = tp_xasprintf("%s = '%s' must be a number in E.164 (+85230001234)", key,
				    v ? v : "");
		return -EINVAL;
	}
	return 0;
}

/* Reads and checks every setting serve needs. */
static int gw_settings(struct gw_app *app, char **err)
{
	struct tp_config *c = &app->config;
	struct gw_settings *s = &app->set;
	int64_t timeout = 30;
	if (tp_config_int(c, "claim_limit", 1, 100, &s->claim_limit, err) < 0 ||
	    tp_config_int(c, "lease_seconds", 10, 600, &s->lease_seconds, err) < 0 ||
	    tp_config_int(c, "poll_ms", 10, 600000, &s->poll_ms, err) < 0 ||
	    tp_config_int(c, "concurrency", 1, 64, &s->concurrency, err) < 0 ||
	    tp_config_int(c, "send_timeout", 1, 300, &timeout, err) < 0 ||
	    tp_config_int(c, "sms_per_minute", 0, 1000000, &s->sms_per_minute, err) < 0 ||
	    tp_config_int(c, "whatsapp_per_minute", 0, 1000000, &s->whatsapp_per_minute, err) < 0 ||
	    tp_config_int(c, "recipient_gap_ms", 0, 3600000, &s->recipient_gap_ms, err) < 0 ||
	    tp_config_int(c, "retry_base", 1, 86400, &s->retry_base, err) < 0 ||
	    tp_config_int(c, "retry_max", 1, 7 * 86400, &s->retry_max, err) < 0)
		return -EINVAL;
	s->send_timeout_ms = timeout * 1000;

	const char *sms = tp_config_get(c, "sms_adapter");
	const char *wa = tp_config_get(c, "whatsapp_adapter");
	if (!sms || (strcmp(sms, "twilio") && strcmp(sms, "console") && strcmp(sms, "none"))) {
		*err = tp_xasprintf("sms_adapter = '%s' must be twilio, console or none",
				    sms ? sms : "");
		return -EINVAL;
	}
	if (!wa || (strcmp(wa, "twilio") && strcmp(wa, "meta") && strcmp(wa, "console") &&
		    strcmp(wa, "none"))) {
		*err = tp_xasprintf("whatsapp_adapter = '%s' must be twilio, meta, console or none",
				    wa ? wa : "");
		return -EINVAL;
	}
	app->sms = gw_adapter_named(sms);
	app->whatsapp = gw_adapter_named(wa);
	if (!app->sms && !app->whatsapp) {
		*err = tp_xstrdup("sms_adapter and whatsapp_adapter are both none: nothing to do");
		return -EINVAL;
	}
	if (gw_adapter_active(app, &gw_twilio_adapter)) {
		if (gw_need(app, "twilio_account_sid", "the Twilio adapter is in use", err) < 0 ||
		    gw_need(app, "twilio_auth_token", "the Twilio adapter is in use", err) < 0)
			return -EINVAL;
		const char *service = tp_config_get(c, "twilio_messaging_service_sid");
		if (app->sms == &gw_twilio_adapter && !(service && *service) &&
		    gw_need(app, "twilio_from", "SMS goes through Twilio", err) < 0)
			return -EINVAL;
		if (app->whatsapp == &gw_twilio_adapter &&
		    gw_need_e164(app, "twilio_whatsapp_from", err) < 0)
			return -EINVAL;
	}
	if (gw_adapter_active(app, &gw_meta_adapter)) {
		static const char *const keys[] = { "meta_phone_number_id", "meta_access_token",
						    "meta_app_secret", "meta_verify_token", NULL };
		for (const char *const *k = keys; *k; k++)
			if (gw_need(app, *k, "the Meta adapter is in use", err) < 0)
				return -EINVAL;
	}
	if (gw_adapter_active(app, &gw_console_adapter) &&
	    gw_need_e164(app, "console_number", err) < 0)
		return -EINVAL;

	app->server_url = gw_dup_config(app, "server_url");
	app->server_token = gw_dup_config(app, "server_token");
	const char *file = tp_config_get(c, "server_token_file");
	if (!app->server_token && file && *file) {
		app->server_token = gw_read_token_file(file);
		if (!app->server_token) {
			*err = tp_xasprintf("server_token_file %s cannot be read or is empty", file);
			return -EINVAL;
		}
	}
	if (!app->server_url || !app->server_token) {
		*err = tp_xstrdup("server_url and server_token (or server_token_file) must be set: "
				  "make a token with `touchpoint-server token create --role gateway "
				  "NAME`");
		return -EINVAL;
	}
	const char *clock = tp_config_get(c, "clock_file");
	if (clock && *clock) {
		const char *dev = tp_config_get(c, "dev_mode");
		if (!dev || strcmp(dev, "1") != 0) {
			*err = tp_xstrdup("clock_file is for tests only and needs dev_mode = 1");
			return -EINVAL;
		}
		if (tp_time_use_clock_file(clock) < 0) {
			*err = tp_xasprintf("clock_file %s must hold a Unix time", clock);
			return -EINVAL;
		}
		tp_warn("the clock is read from %s (tests only)", clock);
	}
	app->console_number = gw_dup_config(app, "console_number");
	app->twilio = (struct gw_twilio){
		.base_url = gw_dup_config(app, "twilio_base_url"),
		.account_sid = gw_dup_config(app, "twilio_account_sid"),
		.auth_token = gw_dup_config(app, "twilio_auth_token"),
		.from = gw_dup_config(app, "twilio_from"),
		.whatsapp_from = gw_dup_config(app, "twilio_whatsapp_from"),
		.messaging_service = gw_dup_config(app, "twilio_messaging_service_sid"),
		.content_sids = gw_dup_config(app, "twilio_content_sids"),
	};
	app->meta = (struct gw_meta){
		.base_url = gw_dup_config(app, "meta_base_url"),
		.api_version = gw_dup_config(app, "meta_api_version"),
		.phone_number_id = gw_dup_config(app, "meta_phone_number_id"),
		.access_token = gw_dup_config(app, "meta_access_token"),
		.app_secret = gw_dup_config(app, "meta_app_secret"),
		.verify_token = gw_dup_config(app, "meta_verify_token"),
	};
	const char *pub = tp_config_get(c, "public_url");
	if (!pub || !*pub)
		return 0;   /* set from the port bound, once listening */
	char *public_url = tp_xstrdup(pub);
	size_t n = strlen(public_url);
	while (n && public_url[n - 1] == '/')
		public_url[--n] = '\0';
	if (strncmp(public_url, "http://", 7) != 0 && strncmp(public_url, "https://", 8) != 0) {
		*err = tp_xasprintf("public_url = '%s' must start with http:// or https://",
				    public_url);
		free(public_url);
		return -EINVAL;
	}
	app->public_url = public_url;
	return 0;
}

static void gw_settings_release(struct gw_app *app)
{
	char **all[] = {
		&app->public_url, &app->server_url, &app->server_token, &app->console_number,
		&app->twilio.base_url, &app->twilio.account_sid, &app->twilio.auth_token,
		&app->twilio.from, &app->twilio.whatsapp_from, &app->twilio.messaging_service,
		&app->twilio.content_sids, &app->meta.base_url, &app->meta.api_version,
		&app->meta.phone_number_id, &app->meta.access_token, &app->meta.app_secret,
		&app->meta.verify_token,
	};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		free(*all[i]);
		*all[i] = NULL;
	}
}

static int gw_open(struct gw_app *app)
{
	int r = tp_cli_make_dir(app->data_dir, 0700);
	if (r < 0) {
		fprintf(stderr, "touchpoint-gateway: cannot create %s: %s\n", app->data_dir,
			strerror(-r));
		return r;
	}
	char *err = NULL;
	if (gw_store_open(app, &err) < 0) {
		fprintf(stderr, "touchpoint-gateway: %s\n", err ? err : "cannot open the database");
		free(err);
		return -EIO;
	}
	return 0;
}

static void gw_stop_threads(struct gw_app *app, bool sender, bool forwarder)
{
	pthread_mutex_lock(&app->lock);
	app->stopping = true;
	pthread_cond_broadcast(&app->wake_sender);
	pthread_cond_broadcast(&app->wake_forwarder);
	pthread_mutex_unlock(&app->lock);
	if (sender)
		gw_sender_stop(app);
	if (forwarder)
		gw_forwarder_stop(app);
}

static int gw_cmd_serve(struct gw_app *app, int argc, char **argv)
{
	if (tp_cli_wants_help(argc, argv)) {
		printf("usage: touchpoint-gateway serve [--listen HOST:PORT]\n"
		       "Runs the gateway until SIGINT or SIGTERM; the first line printed names\n"
		       "the address bound.\n");
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			tp_config_set(&app->config, "listen", argv[++i]);
		} else {
			fprintf(stderr, "touchpoint-gateway serve: unexpected '%s'\n", argv[i]);
			return 2;
		}
	}
	char *err = NULL;
	if (gw_settings(app, &err) < 0) {
		fprintf(stderr, "touchpoint-gateway: %s\n", err);
		free(err);
		return 2;
	}
	if (gw_open(app) < 0)
		return 1;
	tp_cli_block_stop_signals();
	struct tp_http_config cfg = {
		.listen = tp_config_get(&app->config, "listen"),
		.threads = 2,
		.max_connections = 256,
		.per_ip_connections = 0,
		.timeout_seconds = 30,
		.body_limit = 1024 * 1024,
		.handler = gw_http_dispatch,
		.app = app,
		.completed = gw_http_completed,
	};
	struct tp_http_server *http = NULL;
	if (tp_http_start(&cfg, &http, &err) < 0) {
		fprintf(stderr, "touchpoint-gateway: %s\n", err);
		free(err);
		return 1;
	}
	const char *colon = strrchr(cfg.listen, ':');
	if (!app->public_url)
		app->public_url = tp_xasprintf("http://%.*s:%d", (int)(colon - cfg.listen),
					       cfg.listen, tp_http_port(http));
	printf("touchpoint-gateway listening on http://%.*s:%d/\n", (int)(colon - cfg.listen),
	       cfg.listen, tp_http_port(http));
	bool sender = gw_sender_start(app) == 0;
	bool forwarder = sender && gw_forwarder_start(app) == 0;
	if (!forwarder) {
		fprintf(stderr, "touchpoint-gateway: cannot start the background threads\n");
		tp_http_stop(http);
		gw_stop_threads(app, sender, false);
		return 1;
	}
	fflush(stdout);
	tp_info("gateway for %s: sms by %s, whatsapp by %s; webhooks at %s/webhooks/",
		app->server_url, app->sms ? app->sms->name : "nobody",
		app->whatsapp ? app->whatsapp->name : "nobody", app->public_url);
	tp_info("stopping on signal %d", tp_cli_wait_for_stop());
	tp_http_stop(http);
	gw_stop_threads(app, true, true);
	tp_metrics_reset();
	return 0;
}

static int gw_cmd_status(struct gw_app *app, int argc, char **argv)
{
	if (tp_cli_wants_help(argc, argv) || argc) {
		printf("usage: touchpoint-gateway status\nPrints the events and reports waiting "
		       "for the server, and sends whose outcome is unknown.\n");
		return tp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	if (gw_open(app) < 0)
		return 1;
	int64_t pending = 0, refused = 0, reports = 0, unknown = 0, open = 0;
	gw_spool_counts(app, &pending, &refused);
	gw_reports_pending(app, &reports);
	sqlite3 *db;
	if (tp_db_writer_begin(&app->db, &db) == 0) {
		tp_db_int(db, &unknown, "SELECT count(*) FROM intents WHERE outcome = 'unknown'", NULL);
		tp_db_int(db, &open, "SELECT count(*) FROM intents WHERE outcome IS NULL", NULL);
		tp_db_writer_end(&app->db, 0);
	}
	printf("%lld events wait for the server, %lld inbound messages it refused\n"
	       "%lld outcomes wait to be reported\n"
	       "%lld sends have an unknown outcome, %lld were interrupted (resolved at the next "
	       "start)\n",
	       (long long)pending, (long long)refused, (long long)reports, (long long)unknown,
	       (long long)open);
	return 0;
}

int main(int argc, char **argv)
{
	struct gw_app app;
	memset(&app, 0, sizeof app);
	pthread_mutex_init(&app.lock, NULL);
	pthread_cond_init(&app.wake_sender, NULL);
	pthread_cond_init(&app.wake_forwarder, NULL);
	tp_config_init(&app.config, gw_config_keys);
	static const struct tp_cli_start start = {
		"touchpoint-gateway", "TOUCHPOINT_GATEWAY_", "--data", gw_usage,
	};
	int status;
	int i = tp_cli_configure(&start, argc, argv, &app.config, &status);
	if (i < 0)
		goto out;
	app.data_dir = tp_xstrdup(tp_config_get(&app.config, "data"));
	app.assets = tp_xstrdup(tp_config_get(&app.config, "assets"));
	tp_client_global_init();
	const char *cmd = argv[i++];
	if (strcmp(cmd, "serve") == 0) {
		status = gw_cmd_serve(&app, argc - i, argv + i);
	} else if (strcmp(cmd, "status") == 0) {
		status = gw_cmd_status(&app, argc - i, argv + i);
	} else {
		fprintf(stderr, "touchpoint-gateway: unknown command '%s'\n\n", cmd);
		gw_usage(stderr);
	}
	tp_client_global_cleanup();
out:
	gw_store_close(&app);
	gw_settings_release(&app);
	free(app.data_dir);
	free(app.assets);
	tp_config_release(&app.config);
	pthread_cond_destroy(&app.wake_sender);
	pthread_cond_destroy(&app.wake_forwarder);
	pthread_mutex_destroy(&app.lock);
	return status;
}
