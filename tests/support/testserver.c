/* Integration-test support; see testserver.h. */
#include "testserver.h"
#include "daemon.h"
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
#include <time.h>
#include <unistd.h>


static const char *ts_bin(void)
{
	return td_bin("TP_SERVER_BIN");
}

/* The environment for the daemon: ours, quieter logs, the assets, and the
 * server's extra entries. The array is the caller's to free, not its strings. */
static char **ts_env(const struct ts_server *s)
{
	static char assets[600];
	const char *a = getenv("TP_ASSETS");
	snprintf(assets, sizeof assets, "TOUCHPOINT_ASSETS=%s", a ? a : "assets");
	const char *fixed[] = { "TOUCHPOINT_LOG_LEVEL=warn", assets, NULL };
	const char *extra[sizeof s->env / sizeof s->env[0] + 1] = { 0 };
	for (size_t i = 0; i < sizeof s->env / sizeof s->env[0] && s->env[i]; i++)
		extra[i] = s->env[i];
	return td_env(fixed, extra);
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
	/* A restarted server comes back on the port it had. */
	char listen[32];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
	char *argv[] = { (char *)(uintptr_t)ts_bin(), "--db", s->db, "serve", "--listen",
			 listen, NULL };
	char **env = ts_env(s);
	s->pid = td_start(argv, env, s->log_to_file ? s->log : NULL, &s->port);
	free(env);
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
}

char *ts_server_log(struct ts_server *s)
{
	return td_slurp(s->log);
}

int ts_server_stop(struct ts_server *s)
{
	int status = td_stop(s->pid);
	s->pid = 0;
	return status;
}

void ts_server_cleanup(struct ts_server *s)
{
	td_remove_dir(s->dir);
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
	char **env = ts_env(s);
	int status = td_run(argv, env, s->dir, out, err);
	free(env);
	return status;
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
	r->len = data.len;
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

json_int_t ts_created(const char *what, struct ts_response *r)
{
	if (r->status != 201)
		bail_out("creating %s: %ld %s", what, r->status, r->body);
	json_int_t id = ts_int(r, "id");
	ts_response_release(r);
	return id;
}

void ts_server_start_staff(struct ts_server *s, struct ts_client *admin,
			   struct ts_client *worker, struct ts_client *viewer)
{
	struct {
		struct ts_client *c;
		const char *name, *role;
		char *pw;
	} staff[] = { { admin, "root", "admin", NULL }, { worker, "amy", "worker", NULL },
		      { viewer, "vic", "viewer", NULL } };
	for (size_t i = 0; i < 3; i++)
		if (staff[i].c)
			staff[i].pw = ts_create_user(s, staff[i].name, staff[i].role);
	ts_server_start(s);
	for (size_t i = 0; i < 3; i++) {
		if (!staff[i].c)
			continue;
		ts_client_init(staff[i].c, s);
		if (ts_client_login(staff[i].c, staff[i].name, staff[i].pw) != 200)
			bail_out("%s cannot sign in", staff[i].name);
		free(staff[i].pw);
	}
}

void ts_server_stop_staff(struct ts_server *s, struct ts_client *admin,
			  struct ts_client *worker, struct ts_client *viewer)
{
	struct ts_client *clients[] = { admin, worker, viewer };
	for (size_t i = 0; i < 3; i++)
		if (clients[i])
			ts_client_release(clients[i]);
	is_int(ts_server_stop(s), 0, "the server stops cleanly on SIGTERM");
	ts_server_cleanup(s);
}

void ts_import(struct ts_client *c, const char *kind, const char *csv)
{
	char path[80];
	snprintf(path, sizeof path, "/api/v1/import/%s", kind);
	struct ts_response r;
	ts_request_raw(c, "POST", path, csv, strlen(csv), "text/csv", &r);
	if (r.status != 200)
		bail_out("import %s: %ld %s", kind, r.status, r.body);
	ts_response_release(&r);
}

json_int_t ts_id_of(struct ts_client *c, const char *kind, const char *ref)
{
	char path[200];
	snprintf(path, sizeof path, "/api/v1/%s?ref=%s", kind, ref);
	struct ts_response r;
	ts_request(c, "GET", path, NULL, &r);
	json_t *items = r.json ? json_object_get(r.json, "items") : NULL;
	json_int_t id = json_array_size(items) == 1
		? json_integer_value(json_object_get(json_array_get(items, 0), "id")) : 0;
	ts_response_release(&r);
	if (!id)
		bail_out("no %s %s", kind, ref);
	return id;
}

void ts_iso_in(char *buf, size_t len, long minutes)
{
	time_t t = time(NULL) + minutes * 60;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
