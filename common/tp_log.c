/* Line-oriented logging to stderr; see tp_log.h. */
#include "tp_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum tp_log_level tp_log_min = TP_LOG_INFO;
static const char *const tp_log_names[] = { "debug", "info", "warn", "error" };

void tp_log_set_level(enum tp_log_level level)
{
	tp_log_min = level;
}

int tp_log_parse_level(const char *name, enum tp_log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(name, tp_log_names[i]) == 0) {
			*out = (enum tp_log_level)i;
			return 0;
		}
	}
	return -1;
}

void tp_log(enum tp_log_level level, const char *fmt, ...)
{
	if (level < tp_log_min)
		return;
	char line[2048];
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	int n = snprintf(line, sizeof line, "%s %-5s ", stamp, tp_log_names[level]);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	/* One fputs per line keeps lines from different threads whole. */
	size_t len = strlen(line);
	if (len + 1 < sizeof line) {
		line[len] = '\n';
		line[len + 1] = '\0';
	}
	fputs(line, stderr);
}
