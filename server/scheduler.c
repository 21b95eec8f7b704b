/* Reminder schedules and the scheduler; see scheduler.h. */
#include "scheduler.h"
#include "conversation.h"
#include "enrolments.h"
#include "messages.h"
#include "templates.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_json.h"
#include "tp_log.h"
#include "tp_time.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const srv_appointment_kinds[] = { "home_visit", "clinic_escort", "antenatal", "mchc",
					      "group_session", "other", NULL };
#define SRV_KINDS 6
#define SRV_MAX_SLOTS 5
#define SRV_DEFAULT_SCHEDULE "-1d@10:00,-2h"
/* Group sessions use the group_session kind's schedule. */
#define SRV_SESSION_KIND 4

struct srv_slot {
	char text[24];       /* as configured, the reminder's slot name */
	int days;            /* -Nd@HH:MM: N days before ... */
	int at_minute;       /* ... at this minute of the day; -1 for an offset */
	int64_t before;      /* -Nh / -Nm: seconds before */
};

struct srv_schedule {
	struct srv_slot slots[SRV_MAX_SLOTS];
	int count;
};

/* Read once at start, never changed after: readers need no lock. */
static struct srv_schedule srv_schedules[SRV_KINDS];
static int64_t srv_horizon = 2 * 86400;

static int srv_kind_index(const char *kind)
{
	for (int i = 0; i < SRV_KINDS; i++)
		if (strcmp(srv_appointment_kinds[i], kind) == 0)
			return i;
	return SRV_KINDS - 1;
}

static int srv_slot_parse(const char *s, size_t len, struct srv_slot *slot)
{
	char text[24];
	if (len == 0 || len >= sizeof text)
		return -EINVAL;
	memcpy(text, s, len);
	text[len] = '\0';
	memset(slot, 0, sizeof *slot);
	memcpy(slot->text, text, len + 1);
	slot->at_minute = -1;
	int n = 0, a = 0, h = 0, m = 0;
	char unit = 0;
	if (sscanf(text, "-%dd@%2d:%2d%n", &a, &h, &m, &n) == 3 && text[n] == '\0' && a >= 1 &&
	    a <= 30 && h >= 0 && h <= 23 && m >= 0 && m <= 59) {
		slot->days = a;
		slot->at_minute = h * 60 + m;
		return 0;
	}
	n = 0;
	if (sscanf(text, "-%d%c%n", &a, &unit, &n) == 2 && text[n] == '\0' && a >= 1) {
		if (unit == 'h' && a <= 30 * 24)
			slot->before = (int64_t)a * 3600;
		else if (unit == 'm' && a <= 30 * 24 * 60)
			slot->before = (int64_t)a * 60;
		else
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

static int srv_schedule_parse(const char *text, struct srv_schedule *out, char bad[64])
{
	memset(out, 0, sizeof *out);
	if (strcmp(text, "none") == 0)
		return 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, ", ");
		if (out->count == SRV_MAX_SLOTS || srv_slot_parse(p, len, &out->slots[out->count]) < 0) {
			snprintf(bad, 64, "%.*s", (int)(len > 40 ? 40 : len), p);
			return -EINVAL;
		}
		out->count++;
		p += len;
		while (*p == ' ' || *p == ',')
			p++;
	}
	return 0;
}

int srv_schedules_load(const struct tp_config *config, char **err)
{
	const char *all = tp_config_get(config, "reminders");
	if (!all || !*all)
		all = SRV_DEFAULT_SCHEDULE;
	srv_horizon = 2 * 86400;
	for (int i = 0; i < SRV_KINDS; i++) {
		char key[64], bad[64] = "";
		snprintf(key, sizeof key, "reminders_%s", srv_appointment_kinds[i]);
		const char *own = tp_config_get(config, key);
		const char *text = own && *own ? own : all;
		if (srv_schedule_parse(text, &srv_schedules[i], bad) < 0) {
			*err = tp_xasprintf("%s: \"%s\" is not a reminder slot (-1d@10:00, -2h, -30m;"
					    " at most %d, or none)", own && *own ? key : "reminders",
					    bad, SRV_MAX_SLOTS);
			return -EINVAL;
		}
		for (int j = 0; j < srv_schedules[i].count; j++) {
			const struct srv_slot *s = &srv_schedules[i].slots[j];
			int64_t reach = s->at_minute >= 0 ? (int64_t)(s->days + 1) * 86400 : s->before;
			if (reach + 86400 > srv_horizon)
				srv_horizon = reach + 86400;
		}
	}
	return 0;
}

/* When slot falls for something that starts at starts_at. */
static int64_t srv_slot_time(const struct srv_slot *slot, int64_t starts_at)
{
	if (slot->at_minute < 0)
		return starts_at - slot->before;
	int64_t local = starts_at + TP_HK_OFFSET;
	int64_t midnight = starts_at - (((local % 86400) + 86400) % 86400);
	return midnight - (int64_t)slot->days * 86400 + slot->at_minute * 60;
}

/* The latest slot of kind that is due at now for starts_at, or NULL. */
static const struct srv_slot *srv_due_slot(int kind, int64_t starts_at, int64_t now)
{
	const struct srv_slot *best = NULL;
	int64_t best_at = 0;
	const struct srv_schedule *s = &srv_schedules[kind];
	for (int i = 0; i < s->count; i++) {
		int64_t at = srv_slot_time(&s->slots[i], starts_at);
		if (at <= now && at < starts_at && (!best || at > best_at)) {
			best = &s->slots[i];
			best_at = at;
		}
	}
	return best;
}

/* What a reminder is for: one participant and one start. */
struct srv_due {
	int64_t participant_id, appointment_id, session_id, starts_at;
	const char *place;         /* may be NULL: the kind's default words */
	const char *lang;
	const char *alias;
	int kind;
};

/* Withdraws the reminders for the same start that still wait, other than
 * id: she gets one reminder at a time. */
static int srv_withdraw_superseded(sqlite3 *w, const struct srv_due *d, int64_t id, int64_t now)
{
	json_t *ids = NULL;
	int r = srv_message_ids(w, &ids, "SELECT id FROM messages WHERE kind = 'reminder'"
				    " AND id != ? AND participant_id = ? AND reminder_for = ?"
				    " AND coalesce(appointment_id, 0) = ? AND coalesce(session_id, 0) = ?"
				    " AND (status = 'queued' OR (status = 'claimed' AND lease_until <= ?))",
				"iiiiii", id, d->participant_id, d->starts_at, d->appointment_id,
				d->session_id, now);
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		if (r < 0)
			break;
		r = srv_message_withdraw(w, json_integer_value(v), "a later reminder replaces it");
	}
	json_decref(ids);
	return r;
}

static int srv_remind(sqlite3 *w, const struct srv_due *d, const struct srv_slot *slot,
		      int64_t now)
{
	bool en = strcmp(d->lang, "en") == 0;
	const char *place = d->place && *d->place ? d->place
			    : d->kind == 0 ? (en ? "your home" : "府上")
			    : d->session_id ? (en ? "the centre" : "中心")
			    : (en ? "the agreed place" : "約定地點");
	char when[64];
	srv_template_time(d->starts_at, d->lang, when);
	json_t *vars = json_pack("{s:s, s:s, s:s}", "alias", d->alias, "time", when, "place",
				 place);
	const char *key = d->session_id ? "session_reminder" : "reminder";
	struct srv_message_new m = {
		.participant_id = d->participant_id, .kind = "reminder", .not_before = now,
		.deliver_by = d->starts_at, .quiet_hours = true, .session_id = d->session_id,
		.appointment_id = d->appointment_id, .reminder_slot = slot->text,
		.reminder_for = d->starts_at,
	};
	/* An appointment's reminder asks 1 or 2: her reply goes to it. */
	int r = 0;
	if (d->appointment_id)
		r = srv_conversation_open(w, d->participant_id, "reminder", d->appointment_id, 0,
					  NULL, d->starts_at, &m.conversation_id);
	int64_t id = 0;
	const char *not_sent = NULL;
	if (r == 0)
		r = srv_message_queue_template(w, &m, key, vars, "scheduler", &id, &not_sent);
	/* A reminder that cannot go asks nothing. */
	if (r == 0 && not_sent && m.conversation_id)
		r = tp_db_run(w, "UPDATE conversations SET status = 'closed' WHERE id = ?", "i",
			      m.conversation_id);
	/* One reminder at a time: an earlier one still waiting goes. */
	if (r == 0)
		r = srv_withdraw_superseded(w, d, id, now);
	if (r == -EEXIST)
		r = 0;
	json_decref(vars);
	return r;
}

/* Whether the reminder of slot for this start exists already. */
static int srv_reminder_exists(sqlite3 *w, const struct srv_due *d, const char *slot,
			       bool *exists)
{
	int64_t n = 0;
	int r = d->appointment_id
		? tp_db_int(w, &n, "SELECT count(*) FROM messages WHERE appointment_id = ?"
				   " AND reminder_slot = ? AND reminder_for = ?", "iti",
			    d->appointment_id, slot, d->starts_at)
		: tp_db_int(w, &n, "SELECT count(*) FROM messages WHERE session_id = ?"
				   " AND participant_id = ? AND reminder_slot = ? AND reminder_for = ?",
			    "iiti", d->session_id, d->participant_id, slot, d->starts_at);
	*exists = n > 0;
	return r;
}

/* Makes the due reminders of the rows st yields: participant_id,
 * appointment_id, session_id, starts_at, place, lang, alias, kind. */
static int srv_remind_rows(sqlite3 *w, sqlite3_stmt *st, int64_t now)
{
	int r;
	while ((r = tp_db_step(st)) == 1) {
		struct srv_due d = {
			.participant_id = sqlite3_column_int64(st, 0),
			.appointment_id = sqlite3_column_int64(st, 1),
			.session_id = sqlite3_column_int64(st, 2),
			.starts_at = sqlite3_column_int64(st, 3),
			.place = tp_db_col_text(st, 4),
			.lang = tp_db_col_text(st, 5),
			.alias = tp_db_col_text(st, 6),
			.kind = srv_kind_index(tp_db_col_text(st, 7)),
		};
		const struct srv_slot *slot = srv_due_slot(d.kind, d.starts_at, now);
		if (!slot)
			continue;
		bool exists = false;
		r = srv_reminder_exists(w, &d, slot->text, &exists);
		if (r == 0 && !exists)
			r = srv_remind(w, &d, slot, now);
		if (r < 0)
			break;
	}
	return r;
}

int srv_reminder_check(sqlite3 *db, int64_t id, int64_t now, const char **why,
		       char why_buf[128])
{
	(void)now;
	*why = NULL;
	sqlite3_stmt *st;
	int r = tp_db_row(db, &st, "SELECT appointment_id, session_id, participant_id,"
				   " reminder_for, lang FROM messages WHERE id = ?", "i", id);
	if (r <= 0)
		return r;
	int64_t appointment = sqlite3_column_int64(st, 0), session = sqlite3_column_int64(st, 1);
	int64_t pid = sqlite3_column_int64(st, 2), due_for = sqlite3_column_int64(st, 3);
	char lang[8];
	snprintf(lang, sizeof lang, "%s", tp_db_col_text(st, 4));
	sqlite3_finalize(st);
	int64_t starts = 0;
	if (appointment) {
		r = tp_db_prepare(db, &st, "SELECT archived_at IS NOT NULL, status, starts_at"
					   " FROM appointments WHERE id = ?", "i", appointment);
		if (r < 0)
			return r;
		if ((r = tp_db_step(st)) == 1) {
			const char *status = tp_db_col_text(st, 1);
			starts = sqlite3_column_int64(st, 2);
			if (sqlite3_column_int(st, 0))
				*why = "the appointment was removed";
			else if (strcmp(status, "cancelled") == 0)
				*why = "the appointment was cancelled";
			else if (strcmp(status, "change_requested") == 0)
				*why = "she asked to change the appointment";
			else if (strcmp(status, "attended") == 0 || strcmp(status, "missed") == 0)
				*why = "the appointment is over";
		}
		sqlite3_finalize(st);
	} else if (session) {
		r = tp_db_prepare(db, &st, "SELECT s.archived_at IS NOT NULL OR s.status = 'cancelled',"
					   " s.starts_at, (SELECT count(*) FROM enrolments e WHERE"
					   " e.group_id = s.group_id AND e.participant_id = ? AND"
					   " e.reminders = 1 AND"
					   SRV_ENROLMENT_ON("e", SRV_SQL_HK_DAY("s.starts_at")) ")"
					   " FROM sessions s WHERE s.id = ?", "ii", pid, session);
		if (r < 0)
			return r;
		if ((r = tp_db_step(st)) == 1) {
			starts = sqlite3_column_int64(st, 1);
			if (sqlite3_column_int(st, 0))
				*why = "the session was cancelled";
			else if (sqlite3_column_int(st, 2) == 0)
				*why = "she no longer takes this group's reminders";
		}
		sqlite3_finalize(st);
	}
	if (r < 0)
		return r;
	if (!*why && (appointment || session) && starts != due_for) {
		char when[64];
		srv_template_time(starts, "en", when);
		snprintf(why_buf, 128, "it moved to %s", when);
		*why = why_buf;
	}
	return 0;
}

/* Withdraws the waiting reminders the query (binding ?1 = now) finds
 * that no longer stand. */
static int srv_withdraw_stale(sqlite3 *w, int64_t now, const char *sql, int64_t arg)
{
	json_t *ids = NULL;
	int r = srv_message_ids(w, &ids, sql, "ii", now, arg);
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		if (r < 0)
			break;
		const char *why = NULL;
		char buf[128];
		r = srv_reminder_check(w, json_integer_value(v), now, &why, buf);
		if (r == 0 && why)
			r = srv_message_withdraw(w, json_integer_value(v), why);
	}
	json_decref(ids);
	return r;
}

#define SRV_WAITING_REMINDERS \
	"SELECT id FROM messages WHERE kind = 'reminder' AND direction = 'out'" \
	" AND (status = 'queued' OR (status = 'claimed' AND lease_until <= ?1))"

int srv_reminders_refresh(sqlite3 *w, int64_t appointment_id)
{
	return srv_withdraw_stale(w, tp_now(), SRV_WAITING_REMINDERS " AND appointment_id = ?2",
				  appointment_id);
}

int srv_scheduler_run(sqlite3 *w, int64_t now)
{
	int r = srv_withdraw_stale(w, now, SRV_WAITING_REMINDERS " AND ?2 = ?2", 0);
	if (r < 0)
		return r;
	sqlite3_stmt *st;
	r = tp_db_prepare(w, &st,
			  "SELECT a.participant_id, a.id, 0, a.starts_at, a.place, p.lang, p.alias,"
			  " a.kind FROM appointments a JOIN participants p ON p.id = a.participant_id"
			  " WHERE a.archived_at IS NULL AND a.status IN ('scheduled', 'confirmed')"
			  " AND p.archived_at IS NULL AND a.starts_at > ? AND a.starts_at <= ?",
			  "ii", now, now + srv_horizon);
	if (r < 0)
		return r;
	r = srv_remind_rows(w, st, now);
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	/* Group sessions: to those enrolled who take the group's reminders and
	 * may be sent messages at all (the others would only fail). */
	r = tp_db_prepare(w, &st,
			  "SELECT p.id, 0, s.id, s.starts_at, coalesce(s.venue, g.venue), p.lang,"
			  " p.alias, 'group_session' FROM sessions s"
			  " JOIN groups g ON g.id = s.group_id"
			  " JOIN enrolments e ON e.group_id = g.id"
			  " JOIN participants p ON p.id = e.participant_id"
			  " WHERE s.archived_at IS NULL AND s.status = 'planned' AND g.archived_at IS NULL"
			  " AND e.reminders = 1"
			  " AND e.enrolled_on <= " SRV_SQL_HK_DAY("s.starts_at")
			  " AND" SRV_ENROLMENT_ON("e", SRV_SQL_HK_DAY("s.starts_at"))
			  " AND p.archived_at IS NULL AND p.opted_out_at IS NULL AND p.consent = 1"
			  " AND p.channel != 'none' AND p.phone IS NOT NULL"
			  " AND s.starts_at > ? AND s.starts_at <= ?", "ii", now, now + srv_horizon);
	if (r < 0)
		return r;
	r = srv_remind_rows(w, st, now);
	sqlite3_finalize(st);
	return r;
}

int srv_reminders_describe(sqlite3 *db, int64_t appointment_id, json_t *obj)
{
	sqlite3_stmt *st;
	int r = tp_db_row(db, &st, "SELECT kind, starts_at FROM appointments WHERE id = ?", "i",
			  appointment_id);
	if (r <= 0)
		return r;
	int kind = srv_kind_index(tp_db_col_text(st, 0));
	int64_t starts = sqlite3_column_int64(st, 1), now = tp_now();
	sqlite3_finalize(st);
	const struct srv_slot *due = srv_due_slot(kind, starts, now);
	json_t *list = json_array();
	const struct srv_schedule *s = &srv_schedules[kind];
	for (int i = 0; r >= 0 && i < s->count; i++) {
		int64_t at = srv_slot_time(&s->slots[i], starts);
		json_t *o = json_pack("{s:s}", "slot", s->slots[i].text);
		tp_json_set_time(o, "at", at);
		json_array_append_new(list, o);
		r = tp_db_prepare(db, &st, "SELECT id, status FROM messages WHERE appointment_id = ?"
					   " AND reminder_slot = ? AND reminder_for = ?", "iti",
				  appointment_id, s->slots[i].text, starts);
		if (r < 0)
			break;
		if ((r = tp_db_step(st)) == 1) {
			json_object_set_new(o, "message_id", json_integer(sqlite3_column_int64(st, 0)));
			json_object_set_new(o, "status", json_string(tp_db_col_text(st, 1)));
		} else if (r == 0) {
			json_object_set_new(o, "status", json_string(at >= starts ? "never"
				: at > now ? "planned" : due == &s->slots[i] ? "due" : "skipped"));
		}
		sqlite3_finalize(st);
	}
	json_object_set_new(obj, "reminders", list);
	return r < 0 ? r : 0;
}

/* ---- the thread ---- */

static pthread_t srv_thread;
static pthread_mutex_t srv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t srv_cond = PTHREAD_COND_INITIALIZER;
static bool srv_running, srv_stopping;

static void *srv_scheduler_main(void *arg)
{
	struct srv_app *app = arg;
	pthread_mutex_lock(&srv_lock);
	while (!srv_stopping) {
		pthread_mutex_unlock(&srv_lock);
		sqlite3 *w;
		int r = srv_store_write_begin(&app->store, &w);
		if (r == 0) {
			r = srv_scheduler_run(w, tp_now());
			r = srv_store_write_end(&app->store, r);
		}
		if (r < 0)
			tp_warn("the reminder scheduler's pass failed (%d); it tries again", r);
		pthread_mutex_lock(&srv_lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		while (!srv_stopping &&
		       pthread_cond_timedwait(&srv_cond, &srv_lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&srv_lock);
	return NULL;
}

int srv_scheduler_start(struct srv_app *app)
{
	srv_stopping = false;
	int r = pthread_create(&srv_thread, NULL, srv_scheduler_main, app);
	if (r != 0)
		return -r;
	srv_running = true;
	return 0;
}

void srv_scheduler_stop(void)
{
	if (!srv_running)
		return;
	pthread_mutex_lock(&srv_lock);
	srv_stopping = true;
	pthread_cond_signal(&srv_cond);
	pthread_mutex_unlock(&srv_lock);
	pthread_join(srv_thread, NULL);
	srv_running = false;
}
