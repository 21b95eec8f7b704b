/*
 * What workers act on from texts: the inbox of inbound texts the
 * conversation engine could not read as an answer (not yet taken by a
 * worker, or all of them), taking one, and the appointments whose
 * participant replied 2 to ask for a change, with her reply.
 */
#ifndef SRV_INBOX_H
#define SRV_INBOX_H

#include "app.h"

int srv_inbox_list(struct tp_http_request *req);          /* GET /inbox?all= */
int srv_inbox_claim(struct tp_http_request *req);         /* POST /inbox/{id}/claim */
int srv_change_requests(struct tp_http_request *req);     /* GET /change_requests */

#endif
