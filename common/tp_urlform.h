/*
 * application/x-www-form-urlencoded bodies, as Twilio sends its webhooks and
 * takes its API requests: parsed into an ordered list of name/value pairs
 * and encoded from one. Percent-decoding and -encoding are libcurl's
 * (curl_easy_unescape, curl_easy_escape); this module only splits on '&' and
 * '=' and reads '+' as a space. Repeated names are kept, in order.
 */
#ifndef TP_URLFORM_H
#define TP_URLFORM_H

#include <stddef.h>

#include "tp_buf.h"

#define TP_URLFORM_MAX_FIELDS 256

struct tp_urlform {
	size_t count;
	char **names;    /* owned, decoded */
	char **values;   /* owned, decoded */
};

void tp_urlform_init(struct tp_urlform *f);
void tp_urlform_release(struct tp_urlform *f);
/*
 * Parses the len bytes at body into f (which must be empty). Empty pieces
 * ("a=1&&b=2") are skipped; a piece without '=' is a name with an empty
 * value. Returns 0, -EINVAL when a name or value decodes to something with
 * a NUL byte or that is not valid UTF-8, -E2BIG past TP_URLFORM_MAX_FIELDS
 * fields. On failure f is left empty.
 */
int tp_urlform_parse(const char *body, size_t len, struct tp_urlform *f);
/* Appends a pair (both copied). */
void tp_urlform_add(struct tp_urlform *f, const char *name, const char *value);
/* The first value of name, borrowed; NULL when absent. */
const char *tp_urlform_get(const struct tp_urlform *f, const char *name);
/* Appends "name=value&..." with both sides percent-encoded to out. */
int tp_urlform_encode(const struct tp_urlform *f, struct tp_buf *out);

#endif
