/* Command-line pieces the daemons share; see tp_cli.h. */
#include "tp_cli.h"
#include "tp_alloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool tp_cli_wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

void tp_cli_print_settings(FILE *out, const struct tp_config_key *keys, int width)
{
	for (const struct tp_config_key *k = keys; k->name; k++)
		fprintf(out, "  %-*s %s%s%s%s\n", width, k->name, k->help,
			k->fallback ? " [" : "", k->fallback ? k->fallback : "",
			k->fallback ? "]" : "");
}

int tp_cli_make_dir(const char *dir, unsigned mode)
{
	char *parent = tp_xstrdup(dir);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		mkdir(parent, 0750);
	}
	free(parent);
	if (mkdir(dir, (mode_t)mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static sigset_t tp_cli_stop_set(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	return set;
}

void tp_cli_block_stop_signals(void)
{
	sigset_t set = tp_cli_stop_set();
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int tp_cli_wait_for_stop(void)
{
	sigset_t set = tp_cli_stop_set();
	int sig = 0;
	sigwait(&set, &sig);
	return sig;
}
