/* The enrolment resource; see enrolments.h. */
#include "enrolments.h"
#include "tp_db.h"
#include "tp_time.h"

#include <errno.h>
#include <string.h>

static int srv_enrolment_check(struct srv_write *wr)
{
	if (!wr->id && !json_is_string(json_object_get(wr->row, "enrolled_on"))) {
		char today[11];
		tp_date_format_hk(tp_now(), today);
		json_object_set_new(wr->vals, "enrolled_on", json_string(today));
		json_object_set_new(wr->row, "enrolled_on", json_string(today));
	}
	const char *from = json_string_value(json_object_get(wr->row, "enrolled_on"));
	const char *to = json_string_value(json_object_get(wr->row, "left_on"));
	if (from && to && strcmp(to, from) < 0)
		return tp_error_set(wr->e, 400, "invalid_field", "left_on",
				    "is before enrolled_on");
	if (!wr->id) {
		sqlite3_stmt *st;
		int r = tp_db_prepare(wr->w, &st,
				      "SELECT archived_at IS NOT NULL, left_on FROM enrolments"
				      " WHERE group_id = ? AND participant_id = ?", "ii",
				      json_integer_value(json_object_get(wr->row, "group_id")),
				      json_integer_value(json_object_get(wr->row, "participant_id")));
		if (r < 0)
			return r;
		r = tp_db_step(st);
		if (r == 1 && sqlite3_column_int(st, 0))
			r = tp_error_set(wr->e, 409, "conflict", "participant_id",
					 "was enrolled in this group before: restore that "
					 "enrolment instead");
		else if (r == 1 && !tp_db_col_null(st, 1))
			r = tp_error_set(wr->e, 409, "conflict", "participant_id",
					 "left this group on %s: clear that enrolment's "
					 "left_on to take her back", tp_db_col_text(st, 1));
		else if (r == 1)
			r = tp_error_set(wr->e, 409, "conflict", "participant_id",
					 "is already enrolled in this group");
		sqlite3_finalize(st);
		if (r < 0)
			return r;
	}
	return 0;
}

static int srv_enrolment_decorate(sqlite3 *db, int64_t id, json_t *obj,
				  const struct srv_actor *actor)
{
	(void)actor;
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT p.alias, g.name, p.archived_at IS NOT NULL FROM enrolments e"
			      " JOIN participants p ON p.id = e.participant_id"
			      " JOIN groups g ON g.id = e.group_id WHERE e.id = ?", "i", id);
	if (r < 0)
		return r;
	if ((r = tp_db_step(st)) == 1) {
		json_object_set_new(obj, "alias", json_string(tp_db_col_text(st, 0)));
		json_object_set_new(obj, "group_name", json_string(tp_db_col_text(st, 1)));
		/* Archived people keep their enrolments but are off every roster. */
		json_object_set_new(obj, "participant_archived",
				    json_boolean(sqlite3_column_int(st, 2)));
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

static const struct srv_field srv_enrolment_fields[] = {
	{ "group_id", SRV_F_REF, SRV_F_REQUIRED | SRV_F_FIXED | SRV_F_FILTER, 0, 0, NULL, "groups", NULL },
	{ "participant_id", SRV_F_REF, SRV_F_REQUIRED | SRV_F_FIXED | SRV_F_FILTER, 0, 0, NULL, "participants", NULL },
	{ "enrolled_on", SRV_F_DATE, SRV_F_NONULL, 0, 0, NULL, NULL, NULL },
	{ "left_on", SRV_F_DATE, 0, 0, 0, NULL, NULL, NULL },
	/* She gets reminders of the group's sessions (true unless she asked not to). */
	{ "reminders", SRV_F_BOOL, SRV_F_NONULL, 0, 0, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

const struct srv_resource srv_enrolments = {
	.path = "enrolments",
	.entity = "enrolment",
	.table = "enrolments",
	.fields = srv_enrolment_fields,
	.before_write = srv_enrolment_check,
	.decorate = srv_enrolment_decorate,
	.computed = (const char *const[]){ "alias", "group_name", "participant_archived", NULL },
};
