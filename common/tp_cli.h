/*
 * What the daemons' command lines share: --help detection, the table of
 * settings in a usage text, making a data folder, and waiting for SIGINT or
 * SIGTERM in the main thread while worker threads run.
 */
#ifndef TP_CLI_H
#define TP_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "tp_config.h"

/* How a daemon's command line starts (see tp_cli_configure). */
struct tp_cli_start {
	const char *prog;          /* "touchpoint-kiosk", for messages */
	const char *env_prefix;    /* "TOUCHPOINT_KIOSK_"; PREFIX "CONFIG" names the file */
	const char *dir_option;    /* "--data": sets the key "data"; NULL for none */
	void (*usage)(FILE *out);
};

/*
 * The start the daemons' main functions share: reads the leading options
 * (--config FILE, dir_option VALUE, --help or -h), then the config file
 * (--config, else the variable PREFIX "CONFIG"), the environment, and
 * dir_option's value, in that order, and sets the log level from the key
 * "log_level". Returns the index of the command in argv; or -1 when main
 * should exit with *status: 0 after --help, 2 after an error or with no
 * command (said on stderr, with the usage where it helps).
 */
int tp_cli_configure(const struct tp_cli_start *s, int argc, char **argv,
		     struct tp_config *c, int *status);

/* True when --help or -h is among the arguments. */
bool tp_cli_wants_help(int argc, char **argv);
/* Prints "  key  help [default]" for each setting, names padded to width. */
void tp_cli_print_settings(FILE *out, const struct tp_config_key *keys, int width);
/* Creates dir (mode) and its parent folder, one level, if missing. */
int tp_cli_make_dir(const char *dir, unsigned mode);
/*
 * Blocks SIGINT and SIGTERM in this thread and the threads it starts after
 * (so that only tp_cli_wait_for_stop takes them) and ignores SIGPIPE. Call
 * before starting threads.
 */
void tp_cli_block_stop_signals(void);
/* Waits for SIGINT or SIGTERM; returns the signal. */
int tp_cli_wait_for_stop(void);

#endif
