/*
 * Serving files from a folder of web assets (the staff pages, the kiosk's
 * touch screen, the phone page): one path segment of plain characters, a
 * known type by extension, a size cap. Anything else is 404.
 */
#ifndef TP_STATIC_H
#define TP_STATIC_H

#include "tp_http.h"

/* Answers with dir/name, or a JSON 404 when there is no such servable file. */
int tp_static_reply(struct tp_http_request *req, const char *dir, const char *name);

#endif
