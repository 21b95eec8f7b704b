/*
 * tp_alloc and tp_log: the allocation wrappers copy and format exactly, and
 * log lines carry the UTC time and level and respect the minimum level.
 */
#include "../tap.h"
#include "tp_alloc.h"
#include "tp_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_alloc(void)
{
	char *s = tp_xstrdup("媽媽支援小組");
	is_str(s, "媽媽支援小組", "xstrdup copies UTF-8 whole");
	free(s);
	ok(tp_xstrdup(NULL) == NULL, "xstrdup(NULL) is NULL");
	s = tp_xstrndup("abcdef", 3);
	is_str(s, "abc", "xstrndup copies n bytes and terminates");
	free(s);
	s = tp_xasprintf("%s-%05d-%.1f", "P", 42, 2.25);
	is_str(s, "P-00042-2.2", "xasprintf formats like printf");
	free(s);
	char big[5000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	s = tp_xasprintf("[%s]", big);
	is_int(strlen(s), 5001, "xasprintf has no fixed limit");
	free(s);
	int *n = tp_xcalloc(100, sizeof *n);
	int zero = 1;
	for (int i = 0; i < 100; i++)
		zero &= n[i] == 0;
	ok(zero, "xcalloc zeroes");
	n = tp_xrealloc(n, 1000 * sizeof *n);
	n[999] = 7;
	is_int(n[999], 7, "xrealloc grows");
	free(n);
	void *p = tp_xmalloc(0);
	ok(p != NULL, "xmalloc(0) still gives a pointer to free");
	free(p);
}

/* Runs fn with stderr sent to a temporary file; returns what was written. */
static char *capture_stderr(void (*fn)(void))
{
	char path[] = "/tmp/tp-log-XXXXXX";
	int fd = mkstemp(path);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char *text = calloc(1, 4096);
	lseek(fd, 0, SEEK_SET);
	ssize_t got = read(fd, text, 4095);
	text[got > 0 ? got : 0] = '\0';
	close(fd);
	unlink(path);
	return text;
}

static void log_some(void)
{
	tp_log_set_level(TP_LOG_WARN);
	tp_info("hidden %d", 1);
	tp_warn("shown %d", 2);
	tp_error("also shown");
	tp_log_set_level(TP_LOG_INFO);
}

static void test_log(void)
{
	char *text = capture_stderr(log_some);
	ok(!strstr(text, "hidden"), "messages under the level are dropped");
	ok(strstr(text, "warn  shown 2\n") != NULL, "a warning is one line with its level");
	ok(strstr(text, "error also shown\n") != NULL, "errors too");
	ok(text[4] == '-' && text[10] == 'T' && text[19] == 'Z', "lines start with the UTC time");
	free(text);
	enum tp_log_level level;
	ok(tp_log_parse_level("debug", &level) == 0 && level == TP_LOG_DEBUG, "debug parses");
	ok(tp_log_parse_level("loud", &level) < 0, "an unknown level is refused");
}

int main(void)
{
	test_alloc();
	test_log();
	return done_testing();
}
