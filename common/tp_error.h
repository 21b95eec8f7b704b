/*
 * A request-level error: what went wrong, in words a person can act on, and
 * which input field it names. Validation code fills one and returns the
 * negative status; the HTTP layer turns it into
 * {"error": {"code": "...", "message": "...", "field": "..."}}.
 */
#ifndef TP_ERROR_H
#define TP_ERROR_H

struct tp_error {
	int status;         /* HTTP status to answer with, e.g. 400, 404, 409 */
	char code[48];      /* machine-readable, e.g. "invalid_field" */
	char field[64];     /* the input field at fault, or "" */
	char message[512];  /* for people: "phone: must be 8 digits" */
};

void tp_error_clear(struct tp_error *e);
/*
 * Fills e and returns -status, so that validation reads
 * `return tp_error_set(e, 400, "invalid_field", "phone", "must be 8 digits");`.
 * When field is not empty the message is prefixed with "field: ".
 */
int tp_error_set(struct tp_error *e, int status, const char *code,
		 const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
