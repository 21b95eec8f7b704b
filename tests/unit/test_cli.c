/* tp_cli: --help detection, the settings table of a usage text, making a
 * data folder (and its parent), stop signals waited for, not fatal, and
 * the shared start of a daemon's command line (options, file, env). */
#include "../tap.h"
#include "tp_cli.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void *send_term(void *arg)
{
	(void)arg;
	kill(getpid(), SIGTERM);
	return NULL;
}

static int usages;

static void usage(FILE *out)
{
	(void)out;
	usages++;
}

static void test_configure(void)
{
	static const struct tp_config_key keys[] = {
		{ "data", "var/x", "folder" },
		{ "listen", "127.0.0.1:1", "where" },
		{ "log_level", "info", "level" },
		{ NULL, NULL, NULL },
	};
	static const struct tp_cli_start start = { "tp-test", "TP_CLI_TEST_", "--data", usage };
	char path[] = "/tmp/tp-cli-conf-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, "listen = 10.0.0.1:9\ndata = from-file\n", 37) != 37)
		bail_out("cannot write a config file");
	close(fd);
	struct tp_config c;
	int status;

	tp_config_init(&c, keys);
	setenv("TP_CLI_TEST_LISTEN", "127.0.0.1:7", 1);
	char *a[] = { "prog", "--config", path, "--data", "from-option", "serve", "x", NULL };
	is_int(tp_cli_configure(&start, 7, a, &c, &status), 5, "the command's index");
	is_str(tp_config_get(&c, "data"), "from-option", "--data beats the file");
	is_str(tp_config_get(&c, "listen"), "127.0.0.1:7", "the environment beats the file");
	unsetenv("TP_CLI_TEST_LISTEN");
	tp_config_release(&c);

	tp_config_init(&c, keys);
	setenv("TP_CLI_TEST_CONFIG", path, 1);
	char *b[] = { "prog", "status", NULL };
	is_int(tp_cli_configure(&start, 2, b, &c, &status), 1, "no options: the command is first");
	is_str(tp_config_get(&c, "data"), "from-file", "the file named by PREFIX CONFIG is read");
	unsetenv("TP_CLI_TEST_CONFIG");
	tp_config_release(&c);

	char *d[] = { "prog", "--help", NULL };
	char *e[] = { "prog", "--nope", "serve", NULL };
	char *f[] = { "prog", "--data", "x", NULL };
	char *g[] = { "prog", "--config", "/nonexistent/tp.conf", "serve", NULL };
	tp_config_init(&c, keys);
	usages = 0;
	ok(tp_cli_configure(&start, 2, d, &c, &status) == -1 && status == 0 && usages == 1,
	   "--help prints the usage and exits 0");
	ok(tp_cli_configure(&start, 3, e, &c, &status) == -1 && status == 2 && usages == 2,
	   "an unknown option: the usage, exit 2");
	ok(tp_cli_configure(&start, 3, f, &c, &status) == -1 && status == 2 && usages == 3,
	   "no command: the usage, exit 2");
	ok(tp_cli_configure(&start, 4, g, &c, &status) == -1 && status == 2,
	   "a config file that cannot be read: exit 2");
	setenv("TP_CLI_TEST_LOG_LEVEL", "loud", 1);
	ok(tp_cli_configure(&start, 2, b, &c, &status) == -1 && status == 2,
	   "a log level that is not one: exit 2");
	unsetenv("TP_CLI_TEST_LOG_LEVEL");
	tp_config_release(&c);
	unlink(path);
}

int main(void)
{
	test_configure();
	char *a[] = { "serve", "--listen", "x" };
	char *b[] = { "serve", "-h" };
	char *c[] = { "import", "--help", "f" };
	ok(!tp_cli_wants_help(3, a), "no help asked");
	ok(tp_cli_wants_help(2, b), "-h asks for help");
	ok(tp_cli_wants_help(3, c), "--help anywhere asks for help");
	ok(!tp_cli_wants_help(0, NULL), "no arguments, no help");

	static const struct tp_config_key keys[] = {
		{ "listen", "127.0.0.1:8081", "where to listen" },
		{ "pin", NULL, "the staff PIN" },
		{ NULL, NULL, NULL },
	};
	char buf[512] = "";
	FILE *f = fmemopen(buf, sizeof buf, "w");
	tp_cli_print_settings(f, keys, 8);
	fclose(f);
	is_str(buf, "  listen   where to listen [127.0.0.1:8081]\n"
		    "  pin      the staff PIN\n", "settings print with their defaults");

	char dir[] = "/tmp/tp-cli-XXXXXX";
	ok(mkdtemp(dir) != NULL, "a scratch folder");
	char nested[128];
	snprintf(nested, sizeof nested, "%s/var/kiosk", dir);
	is_int(tp_cli_make_dir(nested, 0700), 0, "a data folder and its parent are made");
	struct stat st;
	ok(stat(nested, &st) == 0 && (st.st_mode & 0777) == 0700, "with the mode asked for");
	is_int(tp_cli_make_dir(nested, 0700), 0, "making it again is fine");
	char blocked[160];
	snprintf(blocked, sizeof blocked, "%s/file", dir);
	fclose(fopen(blocked, "w"));
	char under_file[200];
	snprintf(under_file, sizeof under_file, "%s/file/x/y", dir);
	ok(tp_cli_make_dir(under_file, 0700) < 0, "a folder that cannot be made is an error");

	tp_cli_block_stop_signals();
	pthread_t t;
	pthread_create(&t, NULL, send_term, NULL);
	is_int(tp_cli_wait_for_stop(), SIGTERM, "SIGTERM is waited for, not fatal");
	pthread_join(t, NULL);

	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ok(system(cmd) == 0, "clean up");
	return done_testing();
}
