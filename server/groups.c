/* The group resource; see groups.h. */
#include "groups.h"
#include "enrolments.h"
#include "forms.h"
#include "tp_db.h"
#include "tp_time.h"

const char *const srv_group_kinds[] = {
	"counselling", "family", "parent_child", "education", "peer_support", "other", NULL,
};

/* Adds the programme's name and the counts a worker looks for: members
 * today (not left, not archived) and sessions planned. */
static int srv_group_decorate(sqlite3 *db, int64_t id, json_t *obj,
			      const struct srv_actor *actor)
{
	(void)actor;
	char today[11];
	tp_date_format_hk(tp_now(), today);
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st,
			      "SELECT p.name,"
			      " (SELECT count(*) FROM enrolments e JOIN participants pt"
			      "   ON pt.id = e.participant_id AND pt.archived_at IS NULL"
			      "   WHERE e.group_id = g.id AND" SRV_ENROLMENT_ON("e", "?2") "),"
			      " (SELECT count(*) FROM sessions s WHERE s.group_id = g.id"
			      "   AND s.archived_at IS NULL AND s.status = 'planned')"
			      " FROM groups g JOIN programmes p ON p.id = g.programme_id"
			      " WHERE g.id = ?1", "it", id, today);
	if (r < 0)
		return r;
	if ((r = tp_db_step(st)) == 1) {
		json_object_set_new(obj, "programme_name", json_string(tp_db_col_text(st, 0)));
		json_object_set_new(obj, "enrolled", json_integer(sqlite3_column_int64(st, 1)));
		json_object_set_new(obj, "sessions", json_integer(sqlite3_column_int64(st, 2)));
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

/* The feedback form must be one the server has loaded. */
static int srv_group_check(struct srv_write *wr)
{
	json_t *form = json_object_get(wr->vals, "feedback_form");
	if (json_is_string(form) && !srv_form_find(json_string_value(form)))
		return tp_error_set(wr->e, 400, "invalid_field", "feedback_form",
				    "there is no form \"%s\" (the forms are: %s)",
				    json_string_value(form), srv_form_keys());
	return 0;
}

static const struct srv_field srv_group_fields[] = {
	{ "ref", SRV_F_TEXT, SRV_F_FILTER, 0, 64, NULL, NULL, NULL },
	{ "programme_id", SRV_F_REF, SRV_F_REQUIRED | SRV_F_FILTER, 0, 0, NULL, "programmes", NULL },
	{ "name", SRV_F_TEXT, SRV_F_REQUIRED, 0, 200, NULL, NULL, NULL },
	{ "kind", SRV_F_ENUM, SRV_F_REQUIRED | SRV_F_FILTER, 0, 0, srv_group_kinds, NULL, NULL },
	{ "retention_n", SRV_F_INT, SRV_F_NONULL, 1, 100, NULL, NULL, NULL },
	{ "venue", SRV_F_TEXT, 0, 0, 100, NULL, NULL, NULL },
	{ "feedback_form", SRV_F_TEXT, SRV_F_NONULL | SRV_F_FILTER, 0, 32, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

const struct srv_resource srv_groups = {
	.path = "groups",
	.entity = "group",
	.table = "groups",
	.fields = srv_group_fields,
	.search = "(name LIKE :q ESCAPE '\\' OR ref LIKE :q ESCAPE '\\')",
	.before_write = srv_group_check,
	.decorate = srv_group_decorate,
	.computed = (const char *const[]){ "programme_name", "enrolled", "sessions", NULL },
};
