/*
 * Paged lists: ?limit= (1-500, default 50) and ?after= (an opaque cursor:
 * the id to continue from). Replies are {"items": [...], "next": cursor or
 * null}, so a client follows "next" until it is null.
 */
#ifndef SRV_PAGING_H
#define SRV_PAGING_H

#include <jansson.h>
#include <stdint.h>

#include "tp_error.h"
#include "tp_http.h"

struct srv_page {
	int64_t after;
	int limit;
};

int srv_page_parse(struct tp_http_request *req, struct srv_page *page,
		   struct tp_error *e);
/* Replies 200 {"items": items, "next": next or null}; takes items. */
int srv_page_reply(struct tp_http_request *req, json_t *items, int64_t next);
/* Parses an optional id-valued query parameter; 0 when absent. */
int srv_query_id(struct tp_http_request *req, const char *name, int64_t *out,
		 struct tp_error *e);

#endif
