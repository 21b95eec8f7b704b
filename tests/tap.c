/* The TAP producer behind tests/tap.h. */
#include "tap.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t tap_lock = PTHREAD_MUTEX_INITIALIZER;
static int tap_count;
static int tap_failed;

static int tap_report(int pass, const char *file, int line, const char *fmt,
		      va_list ap) __attribute__((format(printf, 4, 0)));
static int tap_report(int pass, const char *file, int line, const char *fmt,
		      va_list ap)
{
	pthread_mutex_lock(&tap_lock);
	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	printf("\n");
	if (!pass)
		printf("#   Failed at %s line %d.\n", file, line);
	fflush(stdout);
	pthread_mutex_unlock(&tap_lock);
	return pass;
}

int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_report(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

int tap_is_int(int64_t got, int64_t want, const char *file, int line,
	       const char *fmt, ...)
{
	va_list ap;
	int pass = got == want;
	va_start(ap, fmt);
	tap_report(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("       got: %" PRId64 "\n#  expected: %" PRId64, got, want);
	return pass;
}

int tap_is_str(const char *got, const char *want, const char *file, int line,
	       const char *fmt, ...)
{
	va_list ap;
	int pass = (got == NULL && want == NULL) ||
		   (got != NULL && want != NULL && strcmp(got, want) == 0);
	va_start(ap, fmt);
	tap_report(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("       got: %s%s%s\n#  expected: %s%s%s", got ? "'" : "",
		     got ? got : "NULL", got ? "'" : "", want ? "'" : "",
		     want ? want : "NULL", want ? "'" : "");
	return pass;
}

void diag(const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&tap_lock);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&tap_lock);
}

void bail_out(const char *fmt, ...)
{
	va_list ap;
	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(255);
}

int done_testing(void)
{
	pthread_mutex_lock(&tap_lock);
	printf("1..%d\n", tap_count);
	if (tap_failed)
		printf("# Looks like you failed %d test%s of %d.\n", tap_failed,
		       tap_failed == 1 ? "" : "s", tap_count);
	fflush(stdout);
	int failed = tap_failed;
	int count = tap_count;
	pthread_mutex_unlock(&tap_lock);
	return failed || count == 0 ? 1 : 0;
}
