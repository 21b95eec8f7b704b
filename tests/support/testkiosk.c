/* Kiosk integration-test support; see testkiosk.h. */
#include "testkiosk.h"
#include "daemon.h"
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

static const char *tk_bin(void)
{
	return td_bin("TP_KIOSK_BIN");
}

static char **tk_env(const struct tk_kiosk *k)
{
	static char assets[600];
	const char *a = getenv("TP_ASSETS");
	snprintf(assets, sizeof assets, "TOUCHPOINT_KIOSK_ASSETS=%s", a ? a : "assets");
	const char *fixed[] = { "TOUCHPOINT_KIOSK_LOG_LEVEL=warn", assets, NULL };
	const char *extra[sizeof k->env / sizeof k->env[0] + 1] = { 0 };
	for (size_t i = 0; i < sizeof k->env / sizeof k->env[0] && k->env[i]; i++)
		extra[i] = k->env[i];
	return td_env(fixed, extra);
}

void tk_prepare(struct tk_kiosk *k)
{
	memset(k, 0, sizeof *k);
	snprintf(k->dir, sizeof k->dir, "/tmp/tp-kiosk-XXXXXX");
	if (!mkdtemp(k->dir))
		bail_out("mkdtemp: %s", strerror(errno));
}

int tk_pair(struct tk_kiosk *k, const char *server_url, const char *code, char **out,
	    char **err)
{
	char *argv[] = { (char *)(uintptr_t)tk_bin(), "--data", k->dir, "pair",
			 (char *)(uintptr_t)server_url, (char *)(uintptr_t)code, NULL };
	char **env = tk_env(k);
	int status = td_run(argv, env, k->dir, out, err);
	free(env);
	return status;
}

void tk_start(struct tk_kiosk *k)
{
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", k->port);
	char *argv[] = { (char *)(uintptr_t)tk_bin(), "--data", k->dir, "serve", "--listen",
			 listen, NULL };
	char **env = tk_env(k);
	k->pid = td_start(argv, env, NULL, &k->port);
	free(env);
	snprintf(k->base, sizeof k->base, "http://127.0.0.1:%d", k->port);
}

int tk_stop(struct tk_kiosk *k)
{
	int status = td_stop(k->pid);
	k->pid = 0;
	return status;
}

void tk_kill(struct tk_kiosk *k)
{
	td_kill(k->pid);
	k->pid = 0;
}

void tk_cleanup(struct tk_kiosk *k)
{
	td_remove_dir(k->dir);
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
