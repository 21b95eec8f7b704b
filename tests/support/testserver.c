/* Integration-test support; see testserver.h. */
#include "testserver.h"
#include "../tap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *ts_bin(void)
{
	const char *bin = getenv("TP_SERVER_BIN");
	if (!bin)
		bail_out("TP_SERVER_BIN is not set (run through make test)");
	return bin;
}

/* The environment for the daemon: ours, quieter logs, the assets, and the
 * server's extra entries. The array is the caller's to free, not its strings. */
static char **ts_env(const struct ts_server *s)
{
	size_t n = 0, extra = sizeof s->env / sizeof s->env[0];
	while (environ[n])
		n++;
	char **env = calloc(n + 3 + extra, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TOUCHPOINT_", 11) != 0)
			env[k++] = environ[i];
	env[k++] = "TOUCHPOINT_LOG_LEVEL=warn";
	static char assets[600];
	const char *a = getenv("TP_ASSETS");
	snprintf(assets, sizeof assets, "TOUCHPOINT_ASSETS=%s", a ? a : "assets");
	env[k++] = assets;
	for (size_t i = 0; i < extra && s->env[i]; i++)
		env[k++] = (char *)(uintptr_t)s->env[i];
	env[k] = NULL;
	return env;
}

/* Servers still running when the test exits (a bail-out, a failed check
 * before the stop) are killed, so that no daemon outlives its test. */
#define TS_MAX_RUNNING 16
static pid_t ts_running[TS_MAX_RUNNING];

static void ts_kill_running(void)
{
	for (int i = 0; i < TS_MAX_RUNNING; i++)
		if (ts_running[i] > 0) {
			kill(ts_running[i], SIGKILL);
			waitpid(ts_running[i], NULL, 0);
		}
}

static void ts_track(pid_t old, pid_t pid)
{
	static bool registered;
	if (!registered) {
		atexit(ts_kill_running);
		registered = true;
	}
	for (int i = 0; i < TS_MAX_RUNNING; i++)
		if (ts_running[i] == old) {
			ts_running[i] = pid;
			return;
		}
}

void ts_server_prepare(struct ts_server *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/tp-test-XXXXXX");
	if (!mkdtemp(s->dir))
		bail_out("mkdtemp: %s", strerror(errno));
	snprintf(s->db, sizeof s->db, "%s/touchpoint.db", s->dir);
	snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
}

void ts_server_start(struct ts_server *s)
{
	if (!s->dir[0])
		ts_server_prepare(s);
	int fds[2];
	if (pipe(fds) < 0)
		bail_out("pipe: %s", strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	if (s->log_to_file)
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, s->log,
						 O_WRONLY | O_CREAT | O_APPEND, 0600);
	/* A restarted server comes back on the port it had. */
	char listen[32];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
	char *argv[] = { (char *)(uintptr_t)ts_bin(), "--db", s->db, "serve", "--listen",
			 listen, NULL };
	char **env = ts_env(s);
	int rc = posix_spawn(&s->pid, argv[0], &fa, NULL, argv, env);
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0)
		bail_out("cannot start %s: %s", argv[0], strerror(rc));
	ts_track(0, s->pid);
	FILE *out = fdopen(fds[0], "r");
	char line[512];
	if (!fgets(line, sizeof line, out))
		bail_out("the server printed nothing and exited");
	fclose(out);
	const char *colon = strrchr(line, ':');
	s->port = colon ? atoi(colon + 1) : 0;
	if (s->port <= 0)
		bail_out("cannot read the port from: %s", line);
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
}

static char *ts_slurp(int fd);

char *ts_server_log(struct ts_server *s)
{
	int fd = open(s->log, O_RDONLY);
	if (fd < 0)
		return strdup("");
	char *text = ts_slurp(fd);
	close(fd);
	return text;
}

int ts_server_stop(struct ts_server *s)
{
	if (!s->pid)
		return 0;
	kill(s->pid, SIGTERM);
	int status = 0;
	waitpid(s->pid, &status, 0);
	ts_track(s->pid, 0);
	s->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ts_server_cleanup(struct ts_server *s)
{
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	if (s->dir[0] && system(cmd) != 0)
		diag("could not remove %s", s->dir);
}

static char *ts_slurp(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	return buf;
}

int ts_cli(struct ts_server *s, char **out, char **err, ...)
{
	char *argv[32] = { (char *)(uintptr_t)ts_bin(), "--db", s->db };
	int argc = 3;
	va_list ap;
	va_start(ap, err);
	const char *a;
	while ((a = va_arg(ap, const char *)) && argc < 31)
		argv[argc++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[argc] = NULL;
	/* Output goes to files: no deadlock however much is printed. */
	char out_path[400], err_path[400];
	snprintf(out_path, sizeof out_path, "%s/cli.out", s->dir);
	snprintf(err_path, sizeof err_path, "%s/cli.err", s->dir);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid_t pid;
	char **env = ts_env(s);
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, env);
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		bail_out("cannot run %s: %s", argv[0], strerror(rc));
	int status;
	waitpid(pid, &status, 0);
	int fd = open(out_path, O_RDONLY);
	char *o = ts_slurp(fd);
	close(fd);
	fd = open(err_path, O_RDONLY);
	char *e = ts_slurp(fd);
	close(fd);
	if (out)
		*out = o;
	else
		free(o);
	if (err)
		*err = e;
	else
		free(e);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *ts_create_user(struct ts_server *s, const char *name, const char *role)
{
	char *out = NULL, *err = NULL;
	int rc = ts_cli(s, &out, &err, "admin", "create", "--role", role, name, NULL);
	if (rc != 0)
		bail_out("admin create %s failed (%d): %s", name, rc, err);
	char *p = strstr(out, "password: ");
	if (!p)
		bail_out("admin create printed no password: %s", out);
	p += 10;
	p[strcspn(p, "\n")] = '\0';
	char *password = strdup(p);
	free(out);
	free(err);
	return password;
}

char *ts_create_token(struct ts_server *s, const char *name, const char *role,
		      const char *venue)
{
	char *out = NULL, *err = NULL;
	int rc = venue ? ts_cli(s, &out, &err, "token", "create", "--role", role, "--venue",
				venue, name, NULL)
		       : ts_cli(s, &out, &err, "token", "create", "--role", role, name, NULL);
	if (rc != 0)
		bail_out("token create %s failed (%d): %s", name, rc, err);
	out[strcspn(out, "\n")] = '\0';
	free(err);
	return out;
}

void ts_client_init(struct ts_client *c, struct ts_server *s)
{
	memset(c, 0, sizeof *c);
	c->srv = s;
	c->curl = curl_easy_init();
	if (!c->curl)
		bail_out("curl_easy_init failed");
	/* An empty cookie file turns on libcurl's cookie engine. */
	if (curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, "") != CURLE_OK)
		bail_out("CURLOPT_COOKIEFILE");
}

void ts_client_release(struct ts_client *c)
{
	curl_easy_cleanup(c->curl);
	c->curl = NULL;
}

struct ts_sink {
	char *data;
	size_t len;
};

static size_t ts_write(char *ptr, size_t size, size_t n, void *userdata)
{
	struct ts_sink *s = userdata;
	size_t add = size * n;
	s->data = realloc(s->data, s->len + add + 1);
	memcpy(s->data + s->len, ptr, add);
	s->len += add;
	s->data[s->len] = '\0';
	return add;
}

#define TS_SET(curl, opt, val)                                                 \
	do {                                                                   \
		if (curl_easy_setopt((curl), (opt), (val)) != CURLE_OK)        \
			bail_out("curl_easy_setopt(%s) failed", #opt);         \
	} while (0)

void ts_request_raw(struct ts_client *c, const char *method, const char *path,
		    const char *body, size_t len, const char *content_type,
		    struct ts_response *r)
{
	memset(r, 0, sizeof *r);
	char url[1024];
	snprintf(url, sizeof url, "%s%s", c->srv->base, path);
	struct ts_sink data = { 0 }, head = { 0 };
	struct curl_slist *headers = NULL;
	char line[256];
	if (c->csrf[0]) {
		snprintf(line, sizeof line, "X-CSRF-Token: %s", c->csrf);
		headers = curl_slist_append(headers, line);
	}
	if (c->bearer[0]) {
		snprintf(line, sizeof line, "Authorization: Bearer %s", c->bearer);
		headers = curl_slist_append(headers, line);
	}
	if (body) {
		snprintf(line, sizeof line, "Content-Type: %s", content_type);
		headers = curl_slist_append(headers, line);
	}
	headers = curl_slist_append(headers, "Expect:");
	CURL *h = c->curl;
	/* No curl_easy_reset: it would drop the cookie engine. HTTPGET clears
	 * the previous request's body before this one's is set. */
	TS_SET(h, CURLOPT_HTTPGET, 1L);
	TS_SET(h, CURLOPT_NOBODY, 0L);
	TS_SET(h, CURLOPT_URL, url);
	TS_SET(h, CURLOPT_CUSTOMREQUEST, method);
	TS_SET(h, CURLOPT_HTTPHEADER, headers);
	TS_SET(h, CURLOPT_WRITEFUNCTION, ts_write);
	TS_SET(h, CURLOPT_WRITEDATA, &data);
	TS_SET(h, CURLOPT_HEADERFUNCTION, ts_write);
	TS_SET(h, CURLOPT_HEADERDATA, &head);
	TS_SET(h, CURLOPT_TIMEOUT, 30L);
	if (strcmp(method, "HEAD") == 0)
		TS_SET(h, CURLOPT_NOBODY, 1L);
	if (body) {
		TS_SET(h, CURLOPT_POSTFIELDS, body);
		TS_SET(h, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	CURLcode rc = curl_easy_perform(h);
	curl_slist_free_all(headers);
	if (rc != CURLE_OK)
		bail_out("%s %s: %s", method, path, curl_easy_strerror(rc));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = data.data ? data.data : strdup("");
	r->headers = head.data ? head.data : strdup("");
	r->json = json_loads(r->body, 0, NULL);
}

void ts_request(struct ts_client *c, const char *method, const char *path,
		const char *body, struct ts_response *r)
{
	ts_request_raw(c, method, path, body, body ? strlen(body) : 0,
		       "application/json", r);
}

void ts_requestf(struct ts_client *c, const char *method, const char *path,
		 struct ts_response *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_error_t err;
	json_t *body = json_vpack_ex(&err, 0, fmt, ap);
	va_end(ap);
	if (!body)
		bail_out("json_pack: %s", err.text);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	ts_request(c, method, path, text, r);
	free(text);
}

void ts_response_release(struct ts_response *r)
{
	free(r->body);
	free(r->headers);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

long ts_client_login(struct ts_client *c, const char *user, const char *password)
{
	struct ts_response r;
	c->csrf[0] = '\0';
	ts_requestf(c, "POST", "/api/v1/auth/login", &r, "{s:s, s:s}", "username", user,
		    "password", password);
	long status = r.status;
	const char *csrf = ts_str(&r, "csrf_token");
	if (status == 200 && csrf)
		snprintf(c->csrf, sizeof c->csrf, "%s", csrf);
	ts_response_release(&r);
	return status;
}

const char *ts_error_code(const struct ts_response *r)
{
	const char *s = json_string_value(
		json_object_get(json_object_get(r->json, "error"), "code"));
	return s ? s : "";
}

const char *ts_error_field(const struct ts_response *r)
{
	const char *s = json_string_value(
		json_object_get(json_object_get(r->json, "error"), "field"));
	return s ? s : "";
}

json_int_t ts_int(const struct ts_response *r, const char *key)
{
	return json_integer_value(json_object_get(r->json, key));
}

const char *ts_str(const struct ts_response *r, const char *key)
{
	return json_string_value(json_object_get(r->json, key));
}
