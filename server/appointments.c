/* The appointment resource; see appointments.h. */
#include "appointments.h"
#include "scheduler.h"
#include "tp_db.h"

#include <string.h>

static const char *const srv_appointment_statuses[] = { "scheduled", "confirmed",
							"change_requested", "cancelled",
							"attended", "missed", NULL };

/* The worker who books it holds it, unless another is named. */
static int srv_appointment_check(struct srv_write *wr)
{
	if (!wr->id && !json_object_get(wr->vals, "worker_id") &&
	    wr->actor->kind == SRV_ACTOR_STAFF) {
		json_object_set_new(wr->vals, "worker_id", json_integer(wr->actor->id));
		json_object_set_new(wr->row, "worker_id", json_integer(wr->actor->id));
	}
	return 0;
}

/* A moved, cancelled or finished appointment's waiting reminders go. */
static int srv_appointment_written(struct srv_write *wr)
{
	return srv_reminders_refresh(wr->w, wr->id);
}

static int srv_appointment_decorate(sqlite3 *db, int64_t id, json_t *obj,
				    const struct srv_actor *actor)
{
	(void)actor;
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, "SELECT p.alias, coalesce(u.display_name, u.username)"
				       " FROM appointments a JOIN participants p"
				       " ON p.id = a.participant_id LEFT JOIN staff_users u"
				       " ON u.id = a.worker_id WHERE a.id = ?", "i", id);
	if (r < 0)
		return r;
	if ((r = tp_db_step(st)) == 1) {
		json_object_set_new(obj, "alias", json_string(tp_db_col_text(st, 0)));
		const char *worker = tp_db_col_text(st, 1);
		json_object_set_new(obj, "worker_name", worker ? json_string(worker) : json_null());
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	return srv_reminders_describe(db, id, obj);
}

static const struct srv_field srv_appointment_fields[] = {
	{ "participant_id", SRV_F_REF, SRV_F_REQUIRED | SRV_F_FIXED | SRV_F_FILTER, 0, 0, NULL, "participants", NULL },
	{ "kind", SRV_F_ENUM, SRV_F_REQUIRED | SRV_F_FILTER, 0, 0, srv_appointment_kinds, NULL, NULL },
	{ "starts_at", SRV_F_TIME, SRV_F_REQUIRED | SRV_F_RANGE, 0, 0, NULL, NULL, NULL },
	{ "place", SRV_F_TEXT, 0, 0, 60, NULL, NULL, NULL },
	{ "worker_id", SRV_F_REF, SRV_F_FILTER, 0, 0, NULL, "staff_users", NULL },
	{ "status", SRV_F_ENUM, SRV_F_NONULL | SRV_F_FILTER, 0, 0, srv_appointment_statuses, NULL, NULL },
	{ "note", SRV_F_LONGTEXT, SRV_F_PRIVATE, 0, 2000, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

const struct srv_resource srv_appointments = {
	.path = "appointments",
	.entity = "appointment",
	.table = "appointments",
	.fields = srv_appointment_fields,
	.search = "(place LIKE :q ESCAPE '\\' OR participant_id IN (SELECT id FROM participants"
		  " WHERE alias LIKE :q ESCAPE '\\'))",
	.before_write = srv_appointment_check,
	.after_write = srv_appointment_written,
	.decorate = srv_appointment_decorate,
	.computed = (const char *const[]){ "alias", "worker_name", "reminders", NULL },
};
