/* Command-line pieces the daemons share; see tp_cli.h. */
#include "tp_cli.h"
#include "tp_alloc.h"
#include "tp_log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int tp_cli_configure(const struct tp_cli_start *s, int argc, char **argv,
		     struct tp_config *c, int *status)
{
	char var[96];
	snprintf(var, sizeof var, "%sCONFIG", s->env_prefix);
	const char *config_file = getenv(var);
	const char *dir = NULL;
	int i = 1;
	*status = 2;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config_file = argv[++i];
		} else if (s->dir_option && strcmp(argv[i], s->dir_option) == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			s->usage(stdout);
			*status = 0;
			return -1;
		} else {
			fprintf(stderr, "%s: unknown option '%s'\n\n", s->prog, argv[i]);
			s->usage(stderr);
			return -1;
		}
	}
	if (config_file) {
		char *err = NULL;
		if (tp_config_load_file(c, config_file, &err) < 0) {
			fprintf(stderr, "%s: %s\n", s->prog, err);
			free(err);
			return -1;
		}
	}
	tp_config_load_env(c, s->env_prefix);
	if (dir)
		tp_config_set(c, s->dir_option + 2, dir);
	enum tp_log_level level;
	const char *name = tp_config_get(c, "log_level");
	if (name && tp_log_parse_level(name, &level) < 0) {
		fprintf(stderr, "%s: log_level must be debug, info, warn or error\n", s->prog);
		return -1;
	}
	if (name)
		tp_log_set_level(level);
	if (i >= argc) {
		s->usage(stderr);
		return -1;
	}
	return i;
}

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
