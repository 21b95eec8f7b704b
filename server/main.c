/*
 * touchpoint-server: the command line. Global options, then a command:
 * serve, admin create, token create, import, demo, migrate. Each command
 * has --help. Configuration comes from defaults, --config FILE, TOUCHPOINT_*
 * environment variables and the command line, in that order.
 */
#include "app.h"
#include "auth.h"
#include "demo.h"
#include "devices.h"
#include "forms.h"
#include "import.h"
#include "indicators.h"
#include "indicators_xlsx.h"
#include "messages.h"
#include "programmes.h"
#include "resource.h"
#include "schema.h"
#include "scheduler.h"
#include "templates.h"
#include "tp_alloc.h"
#include "tp_cli.h"
#include "tp_buf.h"
#include "tp_log.h"
#include "tp_metrics.h"
#include "tp_time.h"
#include "users.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct tp_config_key srv_config_keys[] = {
	{ "db", "var/touchpoint.db", "the sqlite database file" },
	{ "listen", "127.0.0.1:8080", "HOST:PORT to listen on (port 0: any free port)" },
	{ "assets", "assets", "folder of the web pages (when ./assets is missing: " TP_DATADIR ")" },
	{ "public_url", NULL, "how people reach the server, for QR links (default: from listen)" },
	{ "threads", "4", "HTTP worker threads" },
	{ "max_connections", "512", "open connections at most" },
	{ "per_ip_connections", "64", "open connections per address at most (0: no limit)" },
	{ "timeout", "30", "seconds before an idle connection is closed" },
	{ "body_limit", "8388608", "largest request body in bytes (413 past it)" },
	{ "session_hours", "12", "hours a staff sign-in lasts" },
	{ "cookie_secure", "0", "1 to mark cookies Secure (when served over HTTPS)" },
	{ "log_level", "info", "debug, info, warn or error" },
	{ "dev_mode", "0", "1 in development only: phone sign-in codes are written to the log" },
	{ "quiet_hours", "21:00-09:00", "HH:MM-HH:MM, Hong Kong time, when reminders wait (none: never)" },
	{ "reminders", "-1d@10:00,-2h", "when reminders go: -1d@10:00 (the day before at 10:00), -2h, -30m; or none" },
	{ "reminders_home_visit", NULL, "the same for home visits (default: reminders)" },
	{ "reminders_clinic_escort", NULL, "the same for clinic escorts" },
	{ "reminders_antenatal", NULL, "the same for antenatal checks" },
	{ "reminders_mchc", NULL, "the same for MCHC visits" },
	{ "reminders_group_session", NULL, "the same for group sessions (enrolled participants too)" },
	{ "reminders_other", NULL, "the same for other appointments" },
	{ "clock_file", NULL, "for tests only (needs dev_mode = 1): read the time from this file" },
	{ NULL, NULL, NULL },
};

static void srv_usage(FILE *out)
{
	fprintf(out,
		"usage: touchpoint-server [--config FILE] [--db FILE] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  serve [--listen HOST:PORT]      run the server\n"
		"  admin create [--role ROLE] NAME create a staff user and print the password\n"
		"  token create --role kiosk|gateway [--venue TEXT] NAME\n"
		"                                  create a device token and print it once\n"
		"  import KIND FILE                import a CSV file (KIND: programmes,\n"
		"                                  participants, groups, sessions, enrolments,\n"
		"                                  attendance, targets, responses)\n"
		"  report [--from DATE] [--to DATE] [--programme REF] [--csv]\n"
		"         [--xlsx FILE]            print the indicators of a period\n"
		"  demo                            load the demo data into an empty database\n"
		"  migrate                         bring the database schema up to date\n"
		"\n"
		"`touchpoint-server COMMAND --help` tells more of each command.\n"
		"\n"
		"configuration (file lines `key = value`, or TOUCHPOINT_KEY variables):\n");
	tp_cli_print_settings(out, srv_config_keys, 24);
}

/* Creates the folder of the database file if it is missing. */
static void srv_make_db_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return;
	char *dir = tp_xstrndup(path, (size_t)(slash - path));
	if (tp_cli_make_dir(dir, 0750) < 0)
		tp_warn("cannot create folder %s", dir);
	free(dir);
}

static int srv_app_open(struct srv_app *app)
{
	char *err = NULL;
	int64_t n;
	if (tp_config_int(&app->config, "session_hours", 1, 24 * 30, &n, &err) < 0) {
		fprintf(stderr, "touchpoint-server: %s\n", err);
		free(err);
		return -EINVAL;
	}
	app->session_seconds = n * 3600;
	const char *level = tp_config_get(&app->config, "log_level");
	enum tp_log_level lvl;
	if (tp_log_parse_level(level, &lvl) < 0) {
		fprintf(stderr, "touchpoint-server: log_level '%s' must be debug, info, warn or "
			"error\n", level);
		return -EINVAL;
	}
	tp_log_set_level(lvl);
	app->cookie_secure = strcmp(tp_config_get(&app->config, "cookie_secure"), "1") == 0;
	app->dev_mode = strcmp(tp_config_get(&app->config, "dev_mode"), "1") == 0;
	const char *quiet = tp_config_get(&app->config, "quiet_hours");
	if (srv_quiet_parse(quiet, &app->quiet_start, &app->quiet_end) < 0) {
		fprintf(stderr, "touchpoint-server: quiet_hours '%s' must be HH:MM-HH:MM (Hong Kong"
			" time) or none\n", quiet);
		return -EINVAL;
	}
	char *sched_err = NULL;
	if (srv_schedules_load(&app->config, &sched_err) < 0) {
		fprintf(stderr, "touchpoint-server: %s\n", sched_err);
		free(sched_err);
		return -EINVAL;
	}
	const char *clock = tp_config_get(&app->config, "clock_file");
	if (clock && *clock) {
		if (!app->dev_mode) {
			fprintf(stderr, "touchpoint-server: clock_file is for tests only and needs"
				" dev_mode = 1\n");
			return -EINVAL;
		}
		if (tp_time_use_clock_file(clock) < 0) {
			fprintf(stderr, "touchpoint-server: clock_file %s must hold a Unix time\n",
				clock);
			return -EINVAL;
		}
		tp_warn("the clock is read from %s (tests only)", clock);
	}
	/* The default "assets" is the source tree's; an installed server finds
	 * its pages where make install put them. */
	const char *assets = tp_config_get(&app->config, "assets");
	struct stat st;
	if (strcmp(assets, "assets") == 0 && stat(assets, &st) != 0)
		assets = TP_DATADIR;
	app->assets = tp_xstrdup(assets);
	const char *db = tp_config_get(&app->config, "db");
	srv_make_db_folder(db);
	int r = srv_store_open(&app->store, db, &err);
	if (r < 0) {
		fprintf(stderr, "touchpoint-server: %s\n", err ? err : "cannot open the database");
		free(err);
		return r;
	}
	return 0;
}

static void srv_app_close(struct srv_app *app)
{
	srv_store_close(&app->store);
	srv_forms_release();
	srv_templates_release();
	free(app->assets);
	free(app->public_url);
	tp_config_release(&app->config);
}

static int srv_cmd_serve(struct srv_app *app, int argc, char **argv)
{
	if (tp_cli_wants_help(argc, argv)) {
		printf("usage: touchpoint-server serve [--listen HOST:PORT]\n"
		       "Runs the server until SIGINT or SIGTERM. With port 0 a free port is\n"
		       "chosen; the first line printed names the address bound.\n");
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			tp_config_set(&app->config, "listen", argv[++i]);
		} else {
			fprintf(stderr, "touchpoint-server serve: unexpected '%s' (see --help)\n",
				argv[i]);
			return 2;
		}
	}
	struct { const char *key; int64_t min, max, value; } limits[] = {
		{ "threads", 1, 256, 0 }, { "max_connections", 1, 100000, 0 },
		{ "per_ip_connections", 0, 100000, 0 }, { "timeout", 1, 3600, 0 },
		{ "body_limit", 1024, 1024 * 1024 * 1024, 0 },
	};
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		char *err = NULL;
		if (tp_config_int(&app->config, limits[i].key, limits[i].min, limits[i].max,
				  &limits[i].value, &err) < 0) {
			fprintf(stderr, "touchpoint-server: %s\n", err);
			free(err);
			return 2;
		}
	}
	/* A malformed form stops the server here, before it serves anyone. */
	char *forms_err = NULL;
	if (srv_forms_load(app->assets, &forms_err) < 0) {
		fprintf(stderr, "touchpoint-server: %s\n", forms_err);
		free(forms_err);
		return 1;
	}
	/* So does a malformed message template. */
	if (srv_templates_load(app->assets, &forms_err) < 0) {
		fprintf(stderr, "touchpoint-server: %s\n", forms_err);
		free(forms_err);
		return 1;
	}
	/* Signals are taken by tp_cli_wait_for_stop below, not by a worker. */
	tp_cli_block_stop_signals();

	struct tp_http_config cfg = {
		.listen = tp_config_get(&app->config, "listen"),
		.threads = (unsigned)limits[0].value,
		.max_connections = (unsigned)limits[1].value,
		.per_ip_connections = (unsigned)limits[2].value,
		.timeout_seconds = (unsigned)limits[3].value,
		.body_limit = (size_t)limits[4].value,
		.handler = srv_dispatch,
		.app = app,
		.completed = srv_request_completed,
	};
	struct tp_http_server *http = NULL;
	char *err = NULL;
	if (tp_http_start(&cfg, &http, &err) < 0) {
		fprintf(stderr, "touchpoint-server: %s\n", err);
		free(err);
		return 1;
	}
	/* The address to print: the host asked for, the port bound. */
	const char *listen = cfg.listen;
	const char *colon = strrchr(listen, ':');
	char *host = tp_xstrndup(listen, (size_t)(colon - listen));
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "[::]") == 0) {
		free(host);
		host = tp_xstrdup("127.0.0.1");
	}
	char *base = tp_xasprintf("http://%s:%d", host, tp_http_port(http));
	free(host);
	const char *public_url = tp_config_get(&app->config, "public_url");
	app->public_url = tp_xstrdup(public_url && *public_url ? public_url : base);
	printf("touchpoint-server listening on %s/\n"
	       "  console  %s/\n"
	       "  API      %s/api/v1/\n"
	       "  health   %s/healthz\n", base, base, base, base);
	fflush(stdout);
	tp_info("listening on %s (database %s)", base, app->store.path);
	free(base);
	if (srv_scheduler_start(app) < 0)
		tp_error("cannot start the reminder scheduler: reminders go out only when the"
			 " gateway claims");
	tp_info("stopping on signal %d", tp_cli_wait_for_stop());
	tp_http_stop(http);
	srv_scheduler_stop();
	tp_metrics_reset();
	return 0;
}

static int srv_cmd_admin(struct srv_app *app, int argc, char **argv)
{
	const char *role = "admin", *name = NULL;
	if (tp_cli_wants_help(argc, argv) || argc < 1 || strcmp(argv[0], "create") != 0) {
		printf("usage: touchpoint-server admin create [--role admin|worker|viewer] NAME\n"
		       "Creates a staff user and prints a generated password once.\n");
		return argc >= 1 && tp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (!name)
			name = argv[i];
		else {
			fprintf(stderr, "touchpoint-server admin create: unexpected '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!name) {
		fprintf(stderr, "touchpoint-server admin create: give the user's NAME\n");
		return 2;
	}
	if (srv_app_open(app) < 0)
		return 1;
	struct tp_error e;
	tp_error_clear(&e);
	char *password = NULL;
	if (srv_user_create(&app->store, name, NULL, role, NULL, &password, &e) < 0) {
		fprintf(stderr, "touchpoint-server admin create: %s\n",
			e.message[0] ? e.message : "cannot create the user");
		return 1;
	}
	printf("created %s user '%s'\npassword: %s\n", role, name, password);
	free(password);
	return 0;
}

static int srv_cmd_token(struct srv_app *app, int argc, char **argv)
{
	const char *role = NULL, *venue = NULL, *name = NULL;
	if (tp_cli_wants_help(argc, argv) || argc < 1 || strcmp(argv[0], "create") != 0) {
		printf("usage: touchpoint-server token create --role kiosk|gateway [--venue TEXT] NAME\n"
		       "Creates a device and prints its bearer token once; only a hash is kept.\n"
		       "A kiosk's venue is where it finds the open session for a scan.\n");
		return argc >= 1 && tp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--venue") == 0 && i + 1 < argc)
			venue = argv[++i];
		else if (!name)
			name = argv[i];
		else {
			fprintf(stderr, "touchpoint-server token create: unexpected '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!role || !name) {
		fprintf(stderr, "touchpoint-server token create: give --role kiosk|gateway and NAME\n");
		return 2;
	}
	if (srv_app_open(app) < 0)
		return 1;
	struct tp_error e;
	tp_error_clear(&e);
	char *token = NULL;
	if (srv_device_create(&app->store, name, role, venue, &token, &e) < 0) {
		fprintf(stderr, "touchpoint-server token create: %s\n",
			e.message[0] ? e.message : "cannot create the token");
		return 1;
	}
	printf("%s\n", token);
	free(token);
	return 0;
}

static int srv_read_file(const char *path, struct tp_buf *out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return -errno;
	char chunk[65536];
	size_t n;
	int r = 0;
	while (r == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		r = tp_buf_append(out, chunk, n);
	if (f != stdin)
		fclose(f);
	return r;
}

static int srv_cmd_import(struct srv_app *app, int argc, char **argv)
{
	if (tp_cli_wants_help(argc, argv) || argc != 2) {
		printf("usage: touchpoint-server import KIND FILE\n"
		       "Imports a UTF-8 CSV file (with a header row; a BOM is fine) in one\n"
		       "transaction: a bad row imports nothing. FILE - reads standard input.\n"
		       "  programmes:   ref,name\n"
		       "  participants: ref,alias,phone?,channel?,lang?,consent?\n"
		       "  groups:       ref,programme_ref,name,kind,retention_n?\n"
		       "  sessions:     ref,group_ref,starts_at,ends_at,venue?\n"
		       "  enrolments:   group_ref,participant_ref,enrolled_on?\n"
		       "  attendance:   session_ref,participant_ref,method?,at?\n"
		       "  targets:      programme_ref,scope,indicator,level (scope: *, a group\n"
		       "                kind or a group's ref; an agreed level of the report)\n"
		       "  responses:    form,participant_ref?,session_ref?,phase?,submitted_at?\n"
		       "                and one column per question key (filled forms)\n");
		return tp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	struct tp_buf data;
	tp_buf_init(&data, 256 * 1024 * 1024);
	int r = srv_read_file(argv[1], &data);
	if (r < 0) {
		fprintf(stderr, "touchpoint-server import: cannot read %s: %s\n", argv[1],
			strerror(-r));
		tp_buf_release(&data);
		return 1;
	}
	if (srv_app_open(app) < 0) {
		tp_buf_release(&data);
		return 1;
	}
	/* Responses fill forms; a target's indicator may name one. */
	char *forms_err = NULL;
	if ((strcmp(argv[0], "targets") == 0 || strcmp(argv[0], "responses") == 0) &&
	    srv_forms_load(app->assets, &forms_err) < 0) {
		fprintf(stderr, "touchpoint-server import: %s\n", forms_err);
		free(forms_err);
		return 1;
	}
	struct srv_actor cli;
	srv_actor_cli(&cli, "cli");
	struct tp_error e;
	tp_error_clear(&e);
	json_t *summary = NULL;
	r = srv_import(&app->store, argv[0], tp_buf_str(&data), data.len, &cli, &summary, &e);
	tp_buf_release(&data);
	if (r < 0) {
		fprintf(stderr, "touchpoint-server import: %s: %s\n", argv[1],
			e.message[0] ? e.message : "the import failed; nothing was imported");
		return 1;
	}
	printf("imported %s from %s: %lld rows, %lld created, %lld updated, %lld unchanged\n",
	       argv[0], argv[1],
	       (long long)json_integer_value(json_object_get(summary, "rows")),
	       (long long)json_integer_value(json_object_get(summary, "created")),
	       (long long)json_integer_value(json_object_get(summary, "updated")),
	       (long long)json_integer_value(json_object_get(summary, "unchanged")));
	json_decref(summary);
	return 0;
}

static int srv_cmd_report(struct srv_app *app, int argc, char **argv)
{
	const char *from = NULL, *to = NULL, *prog = NULL, *xlsx = NULL, *venue_arg = NULL;
	bool csv = false;
	if (tp_cli_wants_help(argc, argv)) {
		printf("usage: touchpoint-server report [--from DATE] [--to DATE] [--programme REF]"
		       " [--venue TEXT] [--csv] [--xlsx FILE]\n"
		       "Prints the indicators (DESIGN.md, \"Indicators\") of a period, per programme,\n"
		       "group kind and group. Dates are YYYY-MM-DD, Hong Kong time, both days\n"
		       "included; the default is the current financial year (1 April to 31 March).\n"
		       "--venue cuts it to what happened at a venue: the sessions there (or at\n"
		       "their group's venue when they name none) and the groups based there.\n"
		       "--csv prints scope,indicator,numerator,denominator,value,target,\n"
		       "achievement_pct, one row a figure, unrounded; without it a table for the\n"
		       "screen, percentages to one decimal. --xlsx FILE writes the workbook for\n"
		       "the funder to FILE instead of the table (output, outcome and pre/post\n"
		       "tables, and every figure as in the CSV).\n");
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
			from = argv[++i];
		} else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc) {
			to = argv[++i];
		} else if (strcmp(argv[i], "--programme") == 0 && i + 1 < argc) {
			prog = argv[++i];
		} else if (strcmp(argv[i], "--venue") == 0 && i + 1 < argc) {
			venue_arg = argv[++i];
		} else if (strcmp(argv[i], "--csv") == 0) {
			csv = true;
		} else if (strcmp(argv[i], "--xlsx") == 0 && i + 1 < argc) {
			xlsx = argv[++i];
		} else {
			fprintf(stderr, "touchpoint-server report: unexpected '%s' (see --help)\n",
				argv[i]);
			return 2;
		}
	}
	struct tp_error e;
	tp_error_clear(&e);
	struct srv_ind_query q = { .now = tp_now() };
	char *venue = NULL;
	if (srv_ind_period(from, to, q.now, &q.from, &q.to, &e) < 0 ||
	    srv_ind_venue(venue_arg, &venue, &e) < 0) {
		fprintf(stderr, "touchpoint-server report: %s\n", e.message);
		return 2;
	}
	q.venue = venue;
	if (srv_app_open(app) < 0)
		return 1;
	char *forms_err = NULL;
	if (srv_forms_load(app->assets, &forms_err) < 0) {
		fprintf(stderr, "touchpoint-server report: %s\n", forms_err);
		free(forms_err);
		return 1;
	}
	sqlite3 *db = srv_store_reader(&app->store);
	if (!db) {
		fprintf(stderr, "touchpoint-server report: cannot read the database\n");
		return 1;
	}
	if (prog && srv_resource_find_ref(db, &srv_programmes, prog, &q.programme_id) < 0) {
		fprintf(stderr, "touchpoint-server report: there is no programme '%s'\n", prog);
		return 1;
	}
	struct srv_ind_report rep;
	int r = srv_ind_compute(db, &q, &rep);
	free(venue);
	q.venue = NULL;
	if (r < 0) {
		srv_ind_report_release(&rep);
		fprintf(stderr, "touchpoint-server report: cannot compute the report (%s)\n",
			strerror(-r));
		return 1;
	}
	if (xlsx && srv_ind_xlsx_write(db, &rep, q.programme_id, xlsx) < 0) {
		srv_ind_report_release(&rep);
		fprintf(stderr, "touchpoint-server report: cannot write %s\n", xlsx);
		return 1;
	}
	if (csv) {
		struct tp_buf out;
		tp_buf_init(&out, 256 * 1024 * 1024);
		r = srv_ind_report_csv(&rep, &out);
		if (r >= 0)
			fwrite(tp_buf_str(&out), 1, out.len, stdout);
		tp_buf_release(&out);
	} else if (xlsx) {
		printf("wrote %s: %zu figures\n", xlsx, rep.count);
	} else {
		for (size_t i = 0; i < rep.count; i++) {
			const struct srv_ind_row *row = &rep.rows[i];
			char figure[64] = "";
			if (row->has_den && row->has_value)
				snprintf(figure, sizeof figure, "%.0f/%.0f = %.1f%%", row->num,
					 row->den, row->value);
			else if (row->has_value)
				snprintf(figure, sizeof figure, "%.4g", row->value);
			else
				snprintf(figure, sizeof figure, "(%s)",
					 row->status ? row->status : "none");
			printf("%-32s %-24s %s\n", row->scope, row->indicator, figure);
		}
	}
	srv_ind_report_release(&rep);
	if (r < 0) {
		fprintf(stderr, "touchpoint-server report: the report is too large\n");
		return 1;
	}
	return 0;
}

static int srv_cmd_demo(struct srv_app *app, int argc, char **argv)
{
	if (tp_cli_wants_help(argc, argv) || argc) {
		printf("usage: touchpoint-server demo\n"
		       "Loads the demo data set into an empty database and prints the logins.\n");
		return tp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	if (srv_app_open(app) < 0)
		return 1;
	/* The demo's filled forms are checked against the forms. */
	char *forms_err = NULL;
	if (srv_forms_load(app->assets, &forms_err) < 0) {
		fprintf(stderr, "touchpoint-server demo: %s\n", forms_err);
		free(forms_err);
		return 1;
	}
	char *err = NULL;
	int r = srv_demo_load(&app->store, &err);
	if (r < 0) {
		fprintf(stderr, "touchpoint-server demo: %s\n", err ? err : "cannot load the demo");
		free(err);
		return 1;
	}
	printf("%s\n"
	       "demo logins:  %s / %s  (admin)    %s / %s  (worker)\n",
	       r == 1 ? "demo data loaded" : "the database has data already: demo data not loaded",
	       SRV_DEMO_ADMIN, SRV_DEMO_ADMIN_PASSWORD, SRV_DEMO_WORKER,
	       SRV_DEMO_WORKER_PASSWORD);
	return 0;
}

static int srv_cmd_migrate(struct srv_app *app, int argc, char **argv)
{
	if (tp_cli_wants_help(argc, argv) || argc) {
		printf("usage: touchpoint-server migrate\n"
		       "Brings the database schema up to version %d and exits.\n",
		       srv_migration_count);
		return tp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	if (srv_app_open(app) < 0)
		return 1;
	printf("database schema is at version %d\n", srv_migration_count);
	return 0;
}

int main(int argc, char **argv)
{
	struct srv_app app;
	memset(&app, 0, sizeof app);
	tp_config_init(&app.config, srv_config_keys);
	const char *config_file = getenv("TOUCHPOINT_CONFIG");
	const char *db = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config_file = argv[++i];
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			srv_usage(stdout);
			tp_config_release(&app.config);
			return 0;
		} else {
			fprintf(stderr, "touchpoint-server: unknown option '%s'\n\n", argv[i]);
			srv_usage(stderr);
			tp_config_release(&app.config);
			return 2;
		}
	}
	if (config_file) {
		char *err = NULL;
		if (tp_config_load_file(&app.config, config_file, &err) < 0) {
			fprintf(stderr, "touchpoint-server: %s\n", err);
			free(err);
			tp_config_release(&app.config);
			return 2;
		}
	}
	tp_config_load_env(&app.config, "TOUCHPOINT_");
	if (db)
		tp_config_set(&app.config, "db", db);
	if (i >= argc) {
		srv_usage(stderr);
		tp_config_release(&app.config);
		return 2;
	}
	const char *cmd = argv[i++];
	int sub_argc = argc - i;
	char **sub_argv = argv + i;
	int status;
	if (strcmp(cmd, "serve") == 0) {
		status = tp_cli_wants_help(sub_argc, sub_argv) ? srv_cmd_serve(&app, sub_argc, sub_argv)
			 : srv_app_open(&app) < 0 ? 1 : srv_cmd_serve(&app, sub_argc, sub_argv);
	} else if (strcmp(cmd, "admin") == 0) {
		status = srv_cmd_admin(&app, sub_argc, sub_argv);
	} else if (strcmp(cmd, "token") == 0) {
		status = srv_cmd_token(&app, sub_argc, sub_argv);
	} else if (strcmp(cmd, "import") == 0) {
		status = srv_cmd_import(&app, sub_argc, sub_argv);
	} else if (strcmp(cmd, "report") == 0) {
		status = srv_cmd_report(&app, sub_argc, sub_argv);
	} else if (strcmp(cmd, "demo") == 0) {
		status = srv_cmd_demo(&app, sub_argc, sub_argv);
	} else if (strcmp(cmd, "migrate") == 0) {
		status = srv_cmd_migrate(&app, sub_argc, sub_argv);
	} else {
		fprintf(stderr, "touchpoint-server: unknown command '%s'\n\n", cmd);
		srv_usage(stderr);
		status = 2;
	}
	srv_app_close(&app);
	return status;
}
