/* Running the gateway daemon from tests; see rungateway.h. */
#include "rungateway.h"
#include "daemon.h"
#include "../tap.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rg_prepare(struct rg_gateway *g)
{
	memset(g, 0, sizeof *g);
	snprintf(g->dir, sizeof g->dir, "/tmp/tp-gateway-XXXXXX");
	if (!mkdtemp(g->dir))
		bail_out("mkdtemp: %s", strerror(errno));
	snprintf(g->log, sizeof g->log, "%s/gateway.log", g->dir);
	const char *assets = getenv("TP_ASSETS");
	rg_set(g, "assets", assets ? assets : "assets");
	rg_set(g, "log_level", "info");
	rg_set(g, "poll_ms", "100");
	rg_set(g, "recipient_gap_ms", "0");
	rg_set(g, "retry_base", "1");
	rg_set(g, "retry_max", "4");
	rg_set(g, "send_timeout", "5");
	rg_set(g, "sms_per_minute", "0");
	rg_set(g, "whatsapp_per_minute", "0");
}

void rg_set(struct rg_gateway *g, const char *key, const char *value)
{
	char name[128];
	size_t n = (size_t)snprintf(name, sizeof name, "TOUCHPOINT_GATEWAY_");
	for (const char *k = key; *k && n + 1 < sizeof name; k++)
		name[n++] = (char)toupper((unsigned char)*k);
	name[n] = '\0';
	char *entry = NULL;
	if (asprintf(&entry, "%s=%s", name, value) < 0)
		bail_out("asprintf");
	for (size_t i = 0; i < g->nenv; i++)
		if (strncmp(g->env[i], name, n) == 0 && g->env[i][n] == '=') {
			free(g->env[i]);
			g->env[i] = entry;
			return;
		}
	if (g->nenv == RG_MAX_ENV)
		bail_out("too many gateway settings");
	g->env[g->nenv++] = entry;
}

void rg_start(struct rg_gateway *g)
{
	char listen[32], data[300];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", g->port);
	snprintf(data, sizeof data, "%s/data", g->dir);
	char *argv[] = { (char *)(uintptr_t)td_bin("TP_GATEWAY_BIN"), "--data", data, "serve",
			 "--listen", listen, NULL };
	const char *extra[RG_MAX_ENV + 1] = { 0 };
	for (size_t i = 0; i < g->nenv; i++)
		extra[i] = g->env[i];
	char **env = td_env(NULL, extra);
	g->pid = td_start(argv, env, g->log, &g->port);
	free(env);
	snprintf(g->base, sizeof g->base, "http://127.0.0.1:%d", g->port);
}

int rg_stop(struct rg_gateway *g)
{
	int status = td_stop(g->pid);
	g->pid = 0;
	return status;
}

void rg_kill(struct rg_gateway *g)
{
	td_kill(g->pid);
	g->pid = 0;
}

void rg_cleanup(struct rg_gateway *g)
{
	td_remove_dir(g->dir);
	for (size_t i = 0; i < g->nenv; i++)
		free(g->env[i]);
	g->nenv = 0;
}

char *rg_log(struct rg_gateway *g)
{
	return td_slurp(g->log);
}

static size_t rg_write(char *ptr, size_t size, size_t n, void *userdata)
{
	char **buf = userdata;
	size_t old = *buf ? strlen(*buf) : 0;
	*buf = realloc(*buf, old + size * n + 1);
	memcpy(*buf + old, ptr, size * n);
	(*buf)[old + size * n] = '\0';
	return size * n;
}

static long rg_request(struct rg_gateway *g, const char *path, const char *body,
		       const char *content_type, const char *header, char **answer)
{
	CURL *h = curl_easy_init();
	char url[1024], ct[128];
	snprintf(url, sizeof url, "%s%s", g->base, path);
	struct curl_slist *headers = curl_slist_append(NULL, "Expect:");
	if (content_type) {
		snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
		headers = curl_slist_append(headers, ct);
	}
	if (header)
		headers = curl_slist_append(headers, header);
	char *data = NULL;
	if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, rg_write) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, &data) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L) != CURLE_OK ||
	    (body && curl_easy_setopt(h, CURLOPT_POSTFIELDS, body) != CURLE_OK))
		bail_out("curl_easy_setopt failed");
	long status = 0;
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	if (answer)
		*answer = data ? data : strdup("");
	else
		free(data);
	return status;
}

long rg_get(struct rg_gateway *g, const char *path, char **body)
{
	return rg_request(g, path, NULL, NULL, NULL, body);
}

long rg_post(struct rg_gateway *g, const char *path, const char *body,
	     const char *content_type, const char *header, char **answer)
{
	return rg_request(g, path, body ? body : "", content_type, header, answer);
}
