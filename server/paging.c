/* Paged list parameters and replies; see paging.h. */
#include "paging.h"

#include <errno.h>
#include <stdlib.h>

static int srv_parse_positive(const char *s, int64_t max, int64_t *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (errno || end == s || *end || n < 1 || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

int srv_page_parse(struct tp_http_request *req, struct srv_page *page,
		   struct tp_error *e)
{
	page->after = 0;
	page->limit = 50;
	const char *after = tp_http_query(req, "after");
	const char *limit = tp_http_query(req, "limit");
	int64_t n;
	if (after && srv_parse_positive(after, INT64_MAX, &page->after) < 0)
		return tp_error_set(e, 400, "invalid_query", "after",
				    "must be the \"next\" value of the previous page");
	if (limit) {
		if (srv_parse_positive(limit, 500, &n) < 0)
			return tp_error_set(e, 400, "invalid_query", "limit",
					    "must be a number from 1 to 500");
		page->limit = (int)n;
	}
	return 0;
}

int srv_page_reply(struct tp_http_request *req, json_t *items, int64_t next)
{
	json_t *body = json_object();
	json_object_set_new(body, "items", items);
	json_object_set_new(body, "next", next ? json_integer(next) : json_null());
	return tp_http_reply_json(req, 200, body);
}

int srv_query_id(struct tp_http_request *req, const char *name, int64_t *out,
		 struct tp_error *e)
{
	*out = 0;
	const char *v = tp_http_query(req, name);
	if (!v)
		return 0;
	if (srv_parse_positive(v, INT64_MAX, out) < 0)
		return tp_error_set(e, 400, "invalid_query", name, "must be an id");
	return 0;
}
