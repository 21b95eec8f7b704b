/* Kiosk integration-test support; see testkiosk.h. */
#include "testkiosk.h"
#include "../tap.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *tk_bin(void)
{
	const char *bin = getenv("TP_KIOSK_BIN");
	if (!bin)
		bail_out("TP_KIOSK_BIN is not set (run through make test)");
	return bin;
}

/* Killed at exit if a test bails out with the kiosk still running. */
static pid_t tk_running[8];

static void tk_kill_running(void)
{
	for (int i = 0; i < 8; i++)
		if (tk_running[i] > 0) {
			kill(tk_running[i], SIGKILL);
			waitpid(tk_running[i], NULL, 0);
		}
}

static void tk_track(pid_t old, pid_t pid)
{
	static bool registered;
	if (!registered) {
		atexit(tk_kill_running);
		registered = true;
	}
	for (int i = 0; i < 8; i++)
		if (tk_running[i] == old) {
			tk_running[i] = pid;
			return;
		}
}

static char **tk_env(const struct tk_kiosk *k)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 10, sizeof *env);
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TOUCHPOINT_", 11) != 0)
			env[j++] = environ[i];
	static char assets[600];
	const char *a = getenv("TP_ASSETS");
	snprintf(assets, sizeof assets, "TOUCHPOINT_KIOSK_ASSETS=%s", a ? a : "assets");
	env[j++] = assets;
	env[j++] = "TOUCHPOINT_KIOSK_LOG_LEVEL=warn";
	for (size_t i = 0; i < 6 && k->env[i]; i++)
		env[j++] = (char *)(uintptr_t)k->env[i];
	env[j] = NULL;
	return env;
}

void tk_prepare(struct tk_kiosk *k)
{
	memset(k, 0, sizeof *k);
	snprintf(k->dir, sizeof k->dir, "/tmp/tp-kiosk-XXXXXX");
	if (!mkdtemp(k->dir))
		bail_out("mkdtemp: %s", strerror(errno));
}

static char *tk_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	if (f) {
		size_t n = fread(buf, 1, 65535, f);
		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

int tk_pair(struct tk_kiosk *k, const char *server_url, const char *code, char **out,
	    char **err)
{
	char out_path[400], err_path[400];
	snprintf(out_path, sizeof out_path, "%s/pair.out", k->dir);
	snprintf(err_path, sizeof err_path, "%s/pair.err", k->dir);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	char *argv[] = { (char *)(uintptr_t)tk_bin(), "--data", k->dir, "pair",
			 (char *)(uintptr_t)server_url, (char *)(uintptr_t)code, NULL };
	char **env = tk_env(k);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, env);
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		bail_out("cannot run %s: %s", argv[0], strerror(rc));
	int status;
	waitpid(pid, &status, 0);
	if (out)
		*out = tk_slurp(out_path);
	if (err)
		*err = tk_slurp(err_path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void tk_start(struct tk_kiosk *k)
{
	int fds[2];
	if (pipe(fds) < 0)
		bail_out("pipe: %s", strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", k->port);
	char *argv[] = { (char *)(uintptr_t)tk_bin(), "--data", k->dir, "serve", "--listen",
			 listen, NULL };
	char **env = tk_env(k);
	int rc = posix_spawn(&k->pid, argv[0], &fa, NULL, argv, env);
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0)
		bail_out("cannot start %s: %s", argv[0], strerror(rc));
	tk_track(0, k->pid);
	FILE *out = fdopen(fds[0], "r");
	char line[512];
	if (!fgets(line, sizeof line, out))
		bail_out("the kiosk printed nothing and exited");
	fclose(out);
	const char *colon = strrchr(line, ':');
	k->port = colon ? atoi(colon + 1) : 0;
	if (k->port <= 0)
		bail_out("cannot read the kiosk's port from: %s", line);
	snprintf(k->base, sizeof k->base, "http://127.0.0.1:%d", k->port);
}

int tk_stop(struct tk_kiosk *k)
{
	if (!k->pid)
		return 0;
	kill(k->pid, SIGTERM);
	int status = 0;
	waitpid(k->pid, &status, 0);
	tk_track(k->pid, 0);
	k->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void tk_kill(struct tk_kiosk *k)
{
	if (!k->pid)
		return;
	kill(k->pid, SIGKILL);
	waitpid(k->pid, NULL, 0);
	tk_track(k->pid, 0);
	k->pid = 0;
}

void tk_cleanup(struct tk_kiosk *k)
{
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", k->dir);
	if (k->dir[0] && system(cmd) != 0)
		diag("could not remove %s", k->dir);
}

static size_t tk_write(char *ptr, size_t size, size_t n, void *userdata)
{
	char **buf = userdata;
	size_t old = *buf ? strlen(*buf) : 0;
	*buf = realloc(*buf, old + size * n + 1);
	memcpy(*buf + old, ptr, size * n);
	(*buf)[old + size * n] = '\0';
	return size * n;
}

long tk_request(struct tk_kiosk *k, const char *method, const char *path, const char *body,
		const char *staff, json_t **json)
{
	CURL *h = curl_easy_init();
	char url[512];
	snprintf(url, sizeof url, "%s%s", k->base, path);
	struct curl_slist *headers = curl_slist_append(NULL, "X-Kiosk: 1");
	headers = curl_slist_append(headers, "Content-Type: application/json");
	char line[128];
	if (staff) {
		snprintf(line, sizeof line, "X-Staff-Token: %s", staff);
		headers = curl_slist_append(headers, line);
	}
	char *data = NULL;
	if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, tk_write) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, &data) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L) != CURLE_OK ||
	    (body && curl_easy_setopt(h, CURLOPT_POSTFIELDS, body) != CURLE_OK))
		bail_out("curl_easy_setopt failed");
	CURLcode rc = curl_easy_perform(h);
	long status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	if (json)
		*json = data ? json_loads(data, 0, NULL) : NULL;
	free(data);
	return status;
}

const char *tk_scan(struct tk_kiosk *k, const char *code, int64_t session_id,
		    json_t **reply)
{
	static __thread char result[32];
	json_t *body = json_pack("{s:s}", "code", code);
	if (session_id)
		json_object_set_new(body, "session_id", json_integer(session_id));
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	json_t *out = NULL;
	long status = tk_request(k, "POST", "/api/scan", text, NULL, &out);
	free(text);
	snprintf(result, sizeof result, "%s",
		 status == 200 ? json_string_value(json_object_get(out, "result")) : "http-error");
	if (reply)
		*reply = out;
	else
		json_decref(out);
	return result;
}

static void tk_nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

int64_t tk_wait_drained(struct tk_kiosk *k, int seconds)
{
	int64_t pending = -1;
	for (int i = 0; i < seconds * 10; i++) {
		json_t *state = NULL;
		if (tk_request(k, "GET", "/api/state", NULL, NULL, &state) == 200)
			pending = json_integer_value(json_object_get(state, "pending"));
		json_decref(state);
		if (pending == 0)
			return 0;
		tk_nap();
	}
	return pending;
}

bool tk_wait_sessions(struct tk_kiosk *k, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		json_t *state = NULL;
		bool any = tk_request(k, "GET", "/api/state", NULL, NULL, &state) == 200 &&
			   json_array_size(json_object_get(state, "sessions")) > 0;
		json_decref(state);
		if (any)
			return true;
		tk_nap();
	}
	return false;
}
