/* Running daemons from tests; see daemon.h. */
#include "daemon.h"
#include "../tap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define TD_MAX_RUNNING 16
static pid_t td_running[TD_MAX_RUNNING];

static void td_kill_running(void)
{
	for (int i = 0; i < TD_MAX_RUNNING; i++)
		if (td_running[i] > 0) {
			kill(td_running[i], SIGKILL);
			waitpid(td_running[i], NULL, 0);
		}
}

/* Replaces old by pid in the list of running daemons (0 is a free slot). */
static void td_track(pid_t old, pid_t pid)
{
	static bool registered;
	if (!registered) {
		atexit(td_kill_running);
		registered = true;
	}
	for (int i = 0; i < TD_MAX_RUNNING; i++)
		if (td_running[i] == old) {
			td_running[i] = pid;
			return;
		}
}

const char *td_bin(const char *var)
{
	const char *bin = getenv(var);
	if (!bin)
		bail_out("%s is not set (run through make test)", var);
	return bin;
}

char **td_env(const char *const *fixed, const char *const *extra)
{
	size_t n = 0, nf = 0, ne = 0;
	while (environ[n])
		n++;
	while (fixed && fixed[nf])
		nf++;
	while (extra && extra[ne])
		ne++;
	char **env = calloc(n + nf + ne + 1, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TOUCHPOINT_", 11) != 0)
			env[k++] = environ[i];
	for (size_t i = 0; i < nf; i++)
		env[k++] = (char *)(uintptr_t)fixed[i];
	for (size_t i = 0; i < ne; i++)
		env[k++] = (char *)(uintptr_t)extra[i];
	env[k] = NULL;
	return env;
}

pid_t td_start(char *const argv[], char **env, const char *log_path, int *port)
{
	int fds[2];
	if (pipe(fds) < 0)
		bail_out("pipe: %s", strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	if (log_path)
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, log_path,
						 O_WRONLY | O_CREAT | O_APPEND, 0600);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0)
		bail_out("cannot start %s: %s", argv[0], strerror(rc));
	td_track(0, pid);
	FILE *out = fdopen(fds[0], "r");
	char line[512];
	if (!fgets(line, sizeof line, out))
		bail_out("%s printed nothing and exited", argv[0]);
	fclose(out);
	const char *colon = strrchr(line, ':');
	*port = colon ? (int)strtol(colon + 1, NULL, 10) : 0;
	if (*port <= 0)
		bail_out("cannot read the port from: %s", line);
	return pid;
}

int td_stop(pid_t pid)
{
	if (!pid)
		return 0;
	kill(pid, SIGTERM);
	int status = 0;
	waitpid(pid, &status, 0);
	td_track(pid, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void td_kill(pid_t pid)
{
	if (!pid)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	td_track(pid, 0);
}

char *td_slurp(const char *path)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	ssize_t n;
	while (fd >= 0 && (n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	if (fd >= 0)
		close(fd);
	buf[len] = '\0';
	return buf;
}

int td_run(char *const argv[], char **env, const char *dir, char **out, char **err)
{
	/* Output goes to files: no deadlock however much is printed. */
	char out_path[400], err_path[400];
	snprintf(out_path, sizeof out_path, "%s/run.out", dir);
	snprintf(err_path, sizeof err_path, "%s/run.err", dir);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		bail_out("cannot run %s: %s", argv[0], strerror(rc));
	int status;
	waitpid(pid, &status, 0);
	if (out)
		*out = td_slurp(out_path);
	if (err)
		*err = td_slurp(err_path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void td_remove_dir(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (dir[0] && system(cmd) != 0)
		diag("could not remove %s", dir);
}
