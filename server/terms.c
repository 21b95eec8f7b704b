/* Planning a term of sessions; see terms.h. */
#include "terms.h"
#include "audit.h"
#include "resource.h"
#include "sessions.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV_TERM_MAX_WEEKS 104
#define SRV_TERM_MAX_SKIP 104
#define SRV_DAY (24 * 3600)

struct srv_term {
	int64_t first_day;      /* 00:00 Hong Kong time of the first date */
	int64_t weeks;
	int starts, ends;       /* minutes after midnight */
	const char *venue;      /* borrowed from the input; NULL: the group's */
	bool skip[SRV_TERM_MAX_WEEKS]; /* week k is left out */
};

/* Reads "HH:MM" (00:00-23:59) into minutes after midnight. */
static int srv_clock_read(json_t *in, const char *key, int *minutes, struct tp_error *e)
{
	const char *s = NULL;
	int r = tp_json_text(in, key, true, 5, false, &s, e);
	if (r < 0)
		return r;
	if (strlen(s) != 5 || s[2] != ':' || strspn(s, "0123456789:") != 5)
		return tp_error_set(e, 400, "invalid_field", key, "must be a time as HH:MM");
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return tp_error_set(e, 400, "invalid_field", key, "must be a time as HH:MM");
	*minutes = h * 60 + m;
	return 0;
}

/* Validates the request body into t; everything but the database. */
static int srv_term_read(json_t *in, struct srv_term *t, struct tp_error *e)
{
	static const char *const keys[] = { "first_date", "weeks", "starts", "ends", "skip",
					     "venue", NULL };
	char first[11];
	int y, m, d;
	int r = tp_json_only_keys(in, keys, e);
	if (r >= 0)
		r = tp_json_date(in, "first_date", true, first, e);
	if (r >= 0)
		r = tp_json_int(in, "weeks", true, 1, SRV_TERM_MAX_WEEKS, &t->weeks, e);
	if (r >= 0)
		r = srv_clock_read(in, "starts", &t->starts, e);
	if (r >= 0)
		r = srv_clock_read(in, "ends", &t->ends, e);
	if (r >= 0)
		r = tp_json_text(in, "venue", false, 100, false, &t->venue, e);
	if (r < 0)
		return r;
	if (t->ends <= t->starts)
		return tp_error_set(e, 400, "invalid_field", "ends",
				    "must be after starts (a session ends on the day it starts)");
	tp_date_parse(first, &y, &m, &d);
	t->first_day = tp_date_start_hk(y, m, d);

	json_t *skip = json_object_get(in, "skip");
	if (!skip || json_is_null(skip))
		return 0;
	if (!json_is_array(skip) || json_array_size(skip) > SRV_TERM_MAX_SKIP)
		return tp_error_set(e, 400, "invalid_field", "skip",
				    "must be a list of at most %d dates", SRV_TERM_MAX_SKIP);
	size_t i;
	json_t *v;
	json_array_foreach(skip, i, v) {
		const char *s = json_string_value(v);
		if (!s || tp_date_parse(s, &y, &m, &d) < 0)
			return tp_error_set(e, 400, "invalid_field", "skip",
					    "item %zu must be a date as YYYY-MM-DD", i + 1);
		int64_t day = tp_date_start_hk(y, m, d);
		int64_t offset = day - t->first_day;
		int64_t week = offset / (7 * SRV_DAY);
		if (offset < 0 || offset % (7 * SRV_DAY) != 0 || week >= t->weeks)
			return tp_error_set(e, 400, "invalid_field", "skip",
					    "%s is not one of the term's dates (every 7 days "
					    "from %s, %lld weeks)", s, first, (long long)t->weeks);
		t->skip[week] = true;
	}
	return 0;
}

/* The group must be live; its venue is the sessions' unless one is given. */
static int srv_term_group(sqlite3 *w, int64_t group_id, char **venue, struct tp_error *e)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(w, &st, "SELECT archived_at IS NOT NULL, venue FROM groups"
				      " WHERE id = ?", "i", group_id);
	if (r < 0)
		return r;
	r = tp_db_step(st);
	if (r == 1 && sqlite3_column_int(st, 0))
		r = tp_error_set(e, 409, "archived", NULL,
				 "group %lld is archived; restore it before planning",
				 (long long)group_id);
	else if (r == 1 && !tp_db_col_null(st, 1))
		*venue = tp_xstrdup(tp_db_col_text(st, 1));
	else if (r == 0)
		r = tp_error_set(e, 404, "not_found", NULL, "there is no group with id %lld",
				 (long long)group_id);
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

/* A planned session may not overlap one the group already has. */
static int srv_term_clash(sqlite3 *w, int64_t group_id, int64_t from, int64_t to,
			  struct tp_error *e)
{
	int64_t clash = 0;
	int r = tp_db_int(w, &clash, "SELECT starts_at FROM sessions WHERE group_id = ?"
				     " AND archived_at IS NULL AND status = 'planned'"
				     " AND starts_at < ? AND ends_at > ? ORDER BY starts_at LIMIT 1",
			  "iii", group_id, to, from);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	char when[32];
	tp_time_format_hk(clash, when);
	when[16] = '\0';
	when[10] = ' ';
	return tp_error_set(e, 409, "conflict", "first_date",
			    "the group already has a session at %s: the term would overlap it",
			    when);
}

/* Creates the term's sessions on w, appending each as shown to items. */
static int srv_term_write(sqlite3 *w, int64_t group_id, const struct srv_term *t,
			  const struct srv_actor *actor, json_t *items, json_t *skipped,
			  struct tp_error *e)
{
	char *group_venue = NULL;
	int r = srv_term_group(w, group_id, &group_venue, e);
	const char *venue = t->venue ? t->venue : group_venue;
	for (int64_t k = 0; r == 0 && k < t->weeks; k++) {
		int64_t day = t->first_day + k * 7 * SRV_DAY;
		if (t->skip[k]) {
			char date[11];
			tp_date_format_hk(day, date);
			json_array_append_new(skipped, json_string(date));
			continue;
		}
		int64_t from = day + t->starts * 60, to = day + t->ends * 60;
		r = srv_term_clash(w, group_id, from, to, e);
		if (r < 0)
			break;
		char from_text[32], to_text[32];
		tp_time_format_hk(from, from_text);
		tp_time_format_hk(to, to_text);
		json_t *input = json_pack("{s:I, s:s, s:s}", "group_id", (json_int_t)group_id,
					  "starts_at", from_text, "ends_at", to_text);
		if (venue)
			json_object_set_new(input, "venue", json_string(venue));
		int64_t id = 0;
		r = srv_resource_write(w, &srv_sessions, input, 0, actor, &id, NULL, e);
		json_decref(input);
		if (r < 0)
			break;
		json_t *shown = NULL;
		r = srv_resource_read(w, &srv_sessions, id, actor, &shown);
		if (r == 0)
			json_array_append_new(items, shown);
	}
	if (r >= 0 && json_array_size(items) == 0)
		r = tp_error_set(e, 400, "invalid_field", "skip",
				 "leaves no session in the term");
	if (r >= 0) {
		json_t *detail = json_pack("{s:I, s:O}", "sessions",
					   (json_int_t)json_array_size(items), "skipped", skipped);
		r = srv_audit(w, actor, "plan_term", "group", group_id, detail);
		json_decref(detail);
	}
	free(group_venue);
	return r < 0 ? r : 0;
}

int srv_term_plan(struct tp_http_request *req)
{
	struct srv_app *app = srv_app_of(req);
	int64_t group_id = srv_param_id(req, 0);
	struct tp_error e;
	tp_error_clear(&e);
	if (!group_id)
		return tp_http_reply_error(req, 404, "not_found", "there is no group %s",
					   req->params[0]);
	json_t *in = NULL;
	struct srv_term t;
	memset(&t, 0, sizeof t);
	int r = tp_json_parse_object(tp_buf_str(&req->body), req->body.len, &in, &e);
	if (r >= 0)
		r = srv_term_read(in, &t, &e);
	if (r < 0) {
		json_decref(in);
		return srv_reply_error(req, &e);
	}
	json_t *items = json_array(), *skipped = json_array();
	sqlite3 *w;
	r = srv_store_write_begin(&app->store, &w);
	if (r == 0) {
		r = srv_term_write(w, group_id, &t, srv_actor_of(req), items, skipped, &e);
		r = srv_store_write_end(&app->store, r);
	}
	json_decref(in);
	if (r < 0) {
		json_decref(items);
		json_decref(skipped);
		return e.status ? srv_reply_error(req, &e) : r;
	}
	return tp_http_reply_json(req, 201, json_pack("{s:o, s:o}", "items", items,
						      "skipped", skipped));
}
