/* tp_cli: --help detection, the settings table of a usage text, making a
 * data folder (and its parent), and stop signals waited for, not fatal. */
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

int main(void)
{
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
