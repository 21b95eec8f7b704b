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
