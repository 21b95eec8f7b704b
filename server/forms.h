/*
 * The server's forms: the definitions in <assets>/forms (see tp_form.h),
 * loaded once when the program starts, before any request thread, and
 * never changed after, so readers need no lock. A malformed file stops the
 * program at start with the file's name and the reason. Serves
 * GET /api/v1/forms and GET /api/v1/forms/{key}.
 */
#ifndef SRV_FORMS_H
#define SRV_FORMS_H

#include "app.h"
#include "tp_form.h"

/* The form a group offers when none is chosen. */
#define SRV_DEFAULT_FORM "satisfaction"

/* Loads every form file of <assets>/forms; *err (caller frees) says which file and why.
 * The default form must be among them. */
int srv_forms_load(const char *assets, char **err);
void srv_forms_release(void);
/* The loaded form with key (borrowed), or NULL. */
const struct tp_form *srv_form_find(const char *key);
/* "awareness, phq9, satisfaction": the keys, for error messages. */
const char *srv_form_keys(void);

int srv_forms_list(struct tp_http_request *req);  /* GET /api/v1/forms */
int srv_form_get(struct tp_http_request *req);    /* GET /api/v1/forms/{key} */

#endif
