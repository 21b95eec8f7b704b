/*
 * Running the project's daemons from tests: an environment without the
 * test machine's own TOUCHPOINT_* settings, start a `serve` and read the
 * port from its first line, run a command to completion with its output
 * captured, stop with SIGTERM or kill with SIGKILL. Every daemon started
 * is killed at exit if a test bails out before stopping it.
 */
#ifndef TD_DAEMON_H
#define TD_DAEMON_H

#include <stddef.h>
#include <sys/types.h>

/* The path of a daemon from the environment variable var (bails if unset). */
const char *td_bin(const char *var);
/* The test's environment less TOUCHPOINT_*, then fixed and extra entries
 * (both NULL-terminated, extra may be NULL). Free the array, not its strings. */
char **td_env(const char *const *fixed, const char *const *extra);
/* Starts argv with stdout piped; stderr goes to log_path when not NULL.
 * Reads the first line, "... http://HOST:PORT/", into *port. */
pid_t td_start(char *const argv[], char **env, const char *log_path, int *port);
/* SIGTERM and wait: the exit status (0 for a clean, leak-free stop). */
int td_stop(pid_t pid);
/* SIGKILL and wait. */
void td_kill(pid_t pid);
/* Runs argv to completion, its output in files under dir; *out and *err
 * (when not NULL) get what it printed (caller frees). The exit status. */
int td_run(char *const argv[], char **env, const char *dir, char **out, char **err);
/* A file's contents ("" when it cannot be read; caller frees). */
char *td_slurp(const char *path);
/* rm -rf dir. */
void td_remove_dir(const char *dir);

#endif
