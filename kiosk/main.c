/*
 * touchpoint-kiosk: the command line. `pair` exchanges an admin's one-time
 * pairing code for this kiosk's own token; `serve` runs the touch screen's
 * local server and the background sender and sync threads; `status` tells
 * what waits in the queue. Settings come from defaults, --config FILE and
 * TOUCHPOINT_KIOSK_* variables.
 */
#include "credentials.h"
#include "kiosk.h"
#include "kstore.h"
#include "outbox.h"
#include "sync.h"
#include "tp_alloc.h"
#include "tp_cli.h"
#include "tp_client.h"
#include "tp_http.h"
#include "tp_log.h"
#include "tp_metrics.h"
#include "ui.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct tp_config_key kiosk_config_keys[] = {
	{ "data", "var/kiosk", "folder of the kiosk's database and credentials" },
	{ "listen", "127.0.0.1:8081", "HOST:PORT of the touch screen's local server" },
	{ "assets", "assets", "folder of the web assets (assets/kiosk, assets/forms)" },
	{ "staff_pin", NULL, "the PIN that opens staff mode (unset: no staff mode)" },
	{ "refresh_minutes", "5", "minutes between roster refreshes" },
	{ "retry_max", "60", "longest wait, in seconds, between tries to send an event" },
	{ "log_level", "info", "debug, info, warn or error" },
	{ NULL, NULL, NULL },
};

void kiosk_wake(struct kiosk_app *app, bool sync)
{
	pthread_mutex_lock(&app->lock);
	if (sync) {
		app->sync_requested = true;
		pthread_cond_signal(&app->wake_sync);
	}
	app->events_queued = true;
	pthread_cond_signal(&app->wake_sender);
	pthread_mutex_unlock(&app->lock);
}

static void kiosk_usage(FILE *out)
{
	fprintf(out,
		"usage: touchpoint-kiosk [--config FILE] [--data DIR] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  pair SERVER-URL CODE        pair this kiosk with the server, using the\n"
		"                              one-time code an admin made for it\n"
		"  serve [--listen HOST:PORT]  run the touch screen's server\n"
		"  status                      show what waits to be sent\n"
		"\n"
		"configuration (file lines `key = value`, or TOUCHPOINT_KIOSK_KEY variables):\n");
	tp_cli_print_settings(out, kiosk_config_keys, 16);
}

/* Makes the data folder (and its parent, one level) if missing. */
static int kiosk_make_data_dir(const char *dir)
{
	int r = tp_cli_make_dir(dir, 0700);
	if (r < 0)
		fprintf(stderr, "touchpoint-kiosk: cannot create %s: %s\n", dir, strerror(-r));
	return r;
}

static int kiosk_cmd_pair(struct kiosk_app *app, int argc, char **argv)
{
	if (tp_cli_wants_help(argc, argv) || argc != 2) {
		printf("usage: touchpoint-kiosk pair SERVER-URL CODE\n"
		       "Exchanges the one-time pairing code an admin made for this kiosk (in the\n"
		       "staff console, or POST /api/v1/devices/ID/pairing) for the kiosk's own\n"
		       "token, kept in DATA/credentials.json with mode 0600.\n");
		return tp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	if (kiosk_make_data_dir(app->data_dir) < 0)
		return 1;
	struct tp_client client;
	tp_client_init(&client, argv[0], NULL, 15000);
	json_t *body = json_pack("{s:s}", "code", argv[1]);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	struct tp_client_response resp;
	tp_client_request(&client, "POST", "/api/v1/pair", text, &resp);
	free(text);
	int status = 1;
	const char *token = json_string_value(json_object_get(resp.json, "token"));
	if (resp.status == 200 && token) {
		struct kiosk_credentials c = {
			.server = client.base,
			.token = (char *)(uintptr_t)token,
			.device_id = json_integer_value(json_object_get(resp.json, "device_id")),
			.name = (char *)(uintptr_t)json_string_value(json_object_get(resp.json, "name")),
			.venue = (char *)(uintptr_t)json_string_value(json_object_get(resp.json, "venue")),
		};
		char *err = NULL;
		if (kiosk_credentials_save(app->data_dir, &c, &err) < 0) {
			fprintf(stderr, "touchpoint-kiosk pair: %s\n", err);
			free(err);
		} else {
			printf("paired as \"%s\" at \"%s\" with %s\n", c.name ? c.name : "?",
			       c.venue ? c.venue : "?", c.server);
			status = 0;
		}
	} else if (resp.status == 0) {
		fprintf(stderr, "touchpoint-kiosk pair: cannot reach %s: %s\n", argv[0], resp.error);
	} else {
		const char *msg = json_string_value(json_object_get(
			json_object_get(resp.json, "error"), "message"));
		fprintf(stderr, "touchpoint-kiosk pair: the server refused (%ld): %s\n",
			resp.status, msg ? msg : resp.body);
	}
	tp_client_response_release(&resp);
	tp_client_release(&client);
	return status;
}

static int kiosk_open(struct kiosk_app *app)
{
	char *err = NULL;
	if (kiosk_make_data_dir(app->data_dir) < 0)
		return -EIO;
	if (kiosk_credentials_load(app->data_dir, &app->creds, &err) < 0 ||
	    kiosk_store_open(app, &err) < 0) {
		fprintf(stderr, "touchpoint-kiosk: %s\n", err ? err : "cannot start");
		free(err);
		return -EINVAL;
	}
	return 0;
}

static int kiosk_cmd_status(struct kiosk_app *app, int argc, char **argv)
{
	if (tp_cli_wants_help(argc, argv) || argc) {
		printf("usage: touchpoint-kiosk status\nPrints the events waiting to be sent "
		       "and those the server refused.\n");
		return tp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	if (kiosk_open(app) < 0)
		return 1;
	json_t *items = kiosk_outbox_list(app);
	int64_t pending = 0, rejected = 0;
	kiosk_outbox_counts(app, &pending, &rejected);
	printf("kiosk \"%s\" at \"%s\", server %s\n%lld waiting to be sent, %lld refused by "
	       "the server\n", app->creds.name ? app->creds.name : "?",
	       app->creds.venue ? app->creds.venue : "?", app->creds.server,
	       (long long)pending, (long long)rejected);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		printf("  %-8s %-9s %s%s%s\n", json_string_value(json_object_get(it, "state")),
		       json_string_value(json_object_get(it, "kind")),
		       json_string_value(json_object_get(it, "summary")),
		       json_object_get(it, "rejected_message") ? ": " : "",
		       json_object_get(it, "rejected_message")
			       ? json_string_value(json_object_get(it, "rejected_message")) : "");
	json_decref(items);
	return 0;
}

static int kiosk_cmd_serve(struct kiosk_app *app, int argc, char **argv)
{
	if (tp_cli_wants_help(argc, argv)) {
		printf("usage: touchpoint-kiosk serve [--listen HOST:PORT]\n"
		       "Runs the touch screen's local server until SIGINT or SIGTERM; the first\n"
		       "line printed names the address bound. Events are sent in the background.\n");
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			tp_config_set(&app->config, "listen", argv[++i]);
		} else {
			fprintf(stderr, "touchpoint-kiosk serve: unexpected '%s'\n", argv[i]);
			return 2;
		}
	}
	char *err = NULL;
	int64_t minutes = 5;
	if (tp_config_int(&app->config, "refresh_minutes", 1, 24 * 60, &minutes, &err) < 0 ||
	    tp_config_int(&app->config, "retry_max", 1, 3600, &(int64_t){ 0 }, &err) < 0) {
		fprintf(stderr, "touchpoint-kiosk: %s\n", err);
		free(err);
		return 2;
	}
	app->refresh_seconds = minutes * 60;
	if (kiosk_open(app) < 0)
		return 1;
	tp_cli_block_stop_signals();

	struct tp_http_config cfg = {
		.listen = tp_config_get(&app->config, "listen"),
		.threads = 2,
		.max_connections = 64,
		.per_ip_connections = 0,
		.timeout_seconds = 30,
		.body_limit = 256 * 1024,
		.handler = kiosk_ui_dispatch,
		.app = app,
		.completed = kiosk_ui_completed,
	};
	struct tp_http_server *http = NULL;
	if (tp_http_start(&cfg, &http, &err) < 0) {
		fprintf(stderr, "touchpoint-kiosk: %s\n", err);
		free(err);
		return 1;
	}
	bool sender = kiosk_sender_start(app) == 0;
	if (!sender || kiosk_sync_start(app) < 0) {
		fprintf(stderr, "touchpoint-kiosk: cannot start the background threads\n");
		tp_http_stop(http);
		if (sender) {
			pthread_mutex_lock(&app->lock);
			app->stopping = true;
			pthread_cond_broadcast(&app->wake_sender);
			pthread_mutex_unlock(&app->lock);
			kiosk_sender_stop(app);
		}
		return 1;
	}
	const char *colon = strrchr(cfg.listen, ':');
	printf("touchpoint-kiosk listening on http://%.*s:%d/\n", (int)(colon - cfg.listen),
	       cfg.listen, tp_http_port(http));
	fflush(stdout);
	tp_info("kiosk \"%s\" at \"%s\" for %s", app->creds.name ? app->creds.name : "?",
		app->creds.venue ? app->creds.venue : "?", app->creds.server);
	tp_info("stopping on signal %d", tp_cli_wait_for_stop());
	tp_http_stop(http);
	pthread_mutex_lock(&app->lock);
	app->stopping = true;
	pthread_cond_broadcast(&app->wake_sender);
	pthread_cond_broadcast(&app->wake_sync);
	pthread_mutex_unlock(&app->lock);
	kiosk_sender_stop(app);
	kiosk_sync_stop(app);
	tp_metrics_reset();
	return 0;
}

int main(int argc, char **argv)
{
	struct kiosk_app app;
	memset(&app, 0, sizeof app);
	pthread_mutex_init(&app.lock, NULL);
	pthread_cond_init(&app.wake_sender, NULL);
	pthread_cond_init(&app.wake_sync, NULL);
	tp_config_init(&app.config, kiosk_config_keys);
	static const struct tp_cli_start start = {
		"touchpoint-kiosk", "TOUCHPOINT_KIOSK_", "--data", kiosk_usage,
	};
	int status;
	int i = tp_cli_configure(&start, argc, argv, &app.config, &status);
	if (i < 0)
		goto out;
	app.data_dir = tp_xstrdup(tp_config_get(&app.config, "data"));
	app.assets = tp_xstrdup(tp_config_get(&app.config, "assets"));
	app.staff_pin = tp_xstrdup(tp_config_get(&app.config, "staff_pin"));
	tp_client_global_init();
	const char *cmd = argv[i++];
	if (strcmp(cmd, "pair") == 0) {
		status = kiosk_cmd_pair(&app, argc - i, argv + i);
	} else if (strcmp(cmd, "serve") == 0) {
		status = kiosk_cmd_serve(&app, argc - i, argv + i);
	} else if (strcmp(cmd, "status") == 0) {
		status = kiosk_cmd_status(&app, argc - i, argv + i);
	} else {
		fprintf(stderr, "touchpoint-kiosk: unknown command '%s'\n\n", cmd);
		kiosk_usage(stderr);
	}
	tp_client_global_cleanup();
out:
	kiosk_store_close(&app);
	kiosk_credentials_release(&app.creds);
	free(app.data_dir);
	free(app.assets);
	free(app.staff_pin);
	tp_config_release(&app.config);
	pthread_cond_destroy(&app.wake_sender);
	pthread_cond_destroy(&app.wake_sync);
	pthread_mutex_destroy(&app.lock);
	return status;
}
