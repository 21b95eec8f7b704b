/*
 * Web pages served from the assets folder (assets/console/ at /, its page
 * modules from assets/console/pages/ at /pages/), and the
 * page a phone opens from a session's QR poster.
 */
#ifndef SRV_STATIC_FILES_H
#define SRV_STATIC_FILES_H

#include "tp_http.h"

int srv_static_file(struct tp_http_request *req);      /* GET /, /{file}, /vendor/{file}, /pages/{file} */
int srv_session_landing(struct tp_http_request *req);  /* GET /s/{key} */

#endif
