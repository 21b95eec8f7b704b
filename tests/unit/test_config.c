/* Tests for tp_config (and tp_log_parse_level, the one thing in tp_log worth
 * a check): defaults, config files as people write them, a typo refused
 * with its line, the precedence default < file < TOUCHPOINT_* < set, and
 * integer range errors that name the key. Files live in a mkdtemp folder
 * that is removed at the end. */
#include "tp_config.h"
#include "tp_log.h"
#include "../tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct tp_config_key keys[] = {
	{ "listen", "127.0.0.1:8080", "address to listen on" },
	{ "threads", "4", "worker threads" },
	{ "body-limit", "65536", "largest request body" },
	{ "log.level", "info", "log level" },
	{ "db", NULL, "database path" },
	{ NULL, NULL, NULL },
};

static char dir[64];

static char *write_file(const char *name, const char *text)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = malloc(len);
	snprintf(path, len, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		bail_out("cannot write %s", path);
	fputs(text, f);
	fclose(f);
	return path;
}

static void remove_file(char *path)
{
	ok(unlink(path) == 0, "removed %s", strrchr(path, '/') + 1);
	free(path);
}

static void test_defaults(void)
{
	struct tp_config c;
	tp_config_init(&c, keys);
	is_int(c.count, 5, "five keys");
	is_str(tp_config_get(&c, "listen"), "127.0.0.1:8080", "a default");
	is_str(tp_config_get(&c, "db"), NULL, "a key without default is NULL");
	is_str(tp_config_get(&c, "nosuch"), NULL, "an unknown key is NULL");
	is_int(tp_config_set(&c, "nosuch", "1"), -ENOENT, "setting an unknown key is refused");
	is_int(tp_config_set(&c, "db", "/var/lib/touchpoint.db"), 0, "set a key");
	is_str(tp_config_get(&c, "db"), "/var/lib/touchpoint.db", "and read it back");
	char value[] = "changed-later";
	tp_config_set(&c, "listen", value);
	memset(value, 'X', sizeof value - 1);
	is_str(tp_config_get(&c, "listen"), "changed-later", "set copies the value");
	tp_config_release(&c);
	ok(c.values == NULL && c.count == 0, "release empties the config");
}

static void test_file(void)
{
	struct tp_config c;
	char *err = NULL;
	tp_config_init(&c, keys);
	char *path = write_file("good.conf",
				"# Touchpoint\n"
				"\n"
				"   # an indented comment\n"
				"listen = 0.0.0.0:9000\n"
				"threads=8\n"
				"\tbody-limit\t =   1024   \r\n"
				"db = /srv/tp data.db\n"
				"log.level =\n");
	is_int(tp_config_load_file(&c, path, &err), 0, "a file with comments, blanks and spacing");
	is_str(err, NULL, "gives no error");
	is_str(tp_config_get(&c, "listen"), "0.0.0.0:9000", "key = value");
	is_str(tp_config_get(&c, "threads"), "8", "key=value without spaces");
	is_str(tp_config_get(&c, "body-limit"), "1024", "tabs, spaces and CRLF are trimmed");
	is_str(tp_config_get(&c, "db"), "/srv/tp data.db", "spaces inside a value are kept");
	is_str(tp_config_get(&c, "log.level"), "", "an empty value is empty");
	remove_file(path);
	tp_config_release(&c);

	tp_config_init(&c, keys);
	path = write_file("typo.conf", "listen = 0.0.0.0:1\n# ok\nthread = 8\nthreads = 2\n");
	is_int(tp_config_load_file(&c, path, &err), -EINVAL, "an unknown key is refused");
	ok(err && strstr(err, ":3:"), "the error names line 3 (%s)", err ? err : "no message");
	ok(err && strstr(err, "'thread'"), "and the unknown key");
	ok(err && strstr(err, "typo.conf"), "and the file");
	free(err);
	err = NULL;
	remove_file(path);
	tp_config_release(&c);

	tp_config_init(&c, keys);
	path = write_file("noeq.conf", "listen 0.0.0.0:1\n");
	is_int(tp_config_load_file(&c, path, &err), -EINVAL, "a line without '=' is refused");
	ok(err && strstr(err, ":1:") && strstr(err, "key = value"),
	   "saying which line and what was expected (%s)", err ? err : "no message");
	free(err);
	err = NULL;
	remove_file(path);

	char missing[128];
	snprintf(missing, sizeof missing, "%s/missing.conf", dir);
	is_int(tp_config_load_file(&c, missing, &err), -ENOENT, "a missing file gives -ENOENT");
	ok(err && strstr(err, "missing.conf") && strstr(err, "No such file"),
	   "naming the file and the reason (%s)", err ? err : "no message");
	free(err);
	tp_config_release(&c);
}

static void test_precedence(void)
{
	struct tp_config c;
	char *err = NULL;
	tp_config_init(&c, keys);
	char *path = write_file("env.conf", "listen = 10.0.0.1:80\nthreads = 8\nbody-limit = 100\n");
	is_int(tp_config_load_file(&c, path, &err), 0, "file loaded");
	setenv("TOUCHPOINT_LISTEN", "127.0.0.1:7000", 1);
	setenv("TOUCHPOINT_BODY_LIMIT", "2048", 1);
	setenv("TOUCHPOINT_LOG_LEVEL", "debug", 1);
	unsetenv("TOUCHPOINT_THREADS");
	tp_config_load_env(&c, "TOUCHPOINT_");
	is_str(tp_config_get(&c, "listen"), "127.0.0.1:7000", "TOUCHPOINT_LISTEN beats the file");
	is_str(tp_config_get(&c, "body-limit"), "2048", "'-' in a key is '_' in its variable");
	is_str(tp_config_get(&c, "log.level"), "debug", "and so is '.'");
	is_str(tp_config_get(&c, "threads"), "8", "the file stays where no variable is set");
	is_str(tp_config_get(&c, "db"), NULL, "and the default where neither is");
	is_int(tp_config_set(&c, "listen", "[::1]:0"), 0, "the command line sets listen");
	is_str(tp_config_get(&c, "listen"), "[::1]:0", "and beats the environment");
	unsetenv("TOUCHPOINT_LISTEN");
	unsetenv("TOUCHPOINT_BODY_LIMIT");
	unsetenv("TOUCHPOINT_LOG_LEVEL");
	remove_file(path);
	tp_config_release(&c);
}

static void test_int(void)
{
	struct tp_config c;
	char *err = NULL;
	int64_t n = -1;
	tp_config_init(&c, keys);
	is_int(tp_config_int(&c, "threads", 1, 256, &n, &err), 0, "the default 4 is a number");
	is_int(n, 4, "read as 4");
	tp_config_set(&c, "threads", "256");
	is_int(tp_config_int(&c, "threads", 1, 256, &n, &err), 0, "the upper bound is allowed");
	is_int(n, 256, "read as 256");

	const char *bad[] = { "0", "257", "eight", "8x", "", "99999999999999999999", NULL };
	for (const char **b = bad; *b; b++) {
		n = -1;
		tp_config_set(&c, "threads", *b);
		is_int(tp_config_int(&c, "threads", 1, 256, &n, &err), -EINVAL,
		       "threads = '%s' is refused", *b);
		ok(err && strstr(err, "threads") && strstr(err, "1 to 256"),
		   "the error names the key and the range (%s)", err ? err : "no message");
		is_int(n, -1, "and leaves the output alone");
		free(err);
		err = NULL;
	}
	is_int(tp_config_int(&c, "db", 0, 10, &n, &err), -EINVAL, "an unset key is not a number");
	ok(err && strstr(err, "db"), "naming it (%s)", err ? err : "no message");
	free(err);
	tp_config_release(&c);
}

static void test_log_level(void)
{
	enum tp_log_level level = TP_LOG_INFO;
	is_int(tp_log_parse_level("warn", &level), 0, "\"warn\" is a log level");
	is_int(level, TP_LOG_WARN, "parsed as TP_LOG_WARN");
	is_int(tp_log_parse_level("verbose", &level), -1, "\"verbose\" is not");
	is_int(level, TP_LOG_WARN, "and leaves the level alone");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/tp-config-XXXXXX", tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		bail_out("mkdtemp: %s", strerror(errno));
	test_defaults();
	test_file();
	test_precedence();
	test_int();
	test_log_level();
	ok(rmdir(dir) == 0, "the temporary folder is left empty and removed");
	return done_testing();
}
