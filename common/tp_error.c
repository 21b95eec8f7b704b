/* Request-level errors; see tp_error.h. */
#include "tp_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void tp_error_clear(struct tp_error *e)
{
	memset(e, 0, sizeof *e);
}

int tp_error_set(struct tp_error *e, int status, const char *code,
		 const char *field, const char *fmt, ...)
{
	e->status = status;
	snprintf(e->code, sizeof e->code, "%s", code);
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	size_t n = 0;
	if (field && *field)
		n = (size_t)snprintf(e->message, sizeof e->message, "%s: ", field);
	if (n >= sizeof e->message)
		n = sizeof e->message - 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message + n, sizeof e->message - n, fmt, ap);
	va_end(ap);
	return -status;
}
