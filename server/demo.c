/*
 * Demo data; see demo.h. Everything goes through the same resource writes
 * as the API, so the demo is validated like real input.
 */
#include "demo.h"
#include "app.h"
#include "appointments.h"
#include "auth.h"
#include "checkins.h"
#include "enrolments.h"
#include "import.h"
#include "tp_buf.h"
#include "groups.h"
#include "participants.h"
#include "programmes.h"
#include "resource.h"
#include "sessions.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_time.h"
#include "users.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const srv_demo_aliases[20] = {
	"KIKI", "阿欣", "May", "小芳", "Winnie", "阿玲", "Joey", "家怡", "Candy", "美琪",
	"Ada", "阿珍", "Vivian", "嘉欣", "Mandy", "小雯", "Carmen", "詠詩", "Fiona", "阿敏",
};

static int srv_demo_write(sqlite3 *w, const struct srv_resource *res, json_t *input,
			  const struct srv_actor *cli, int64_t *id, char **err)
{
	struct tp_error e;
	tp_error_clear(&e);
	int r = srv_resource_write(w, res, input, 0, cli, id, NULL, &e);
	json_decref(input);
	if (r < 0 && !*err)
		*err = tp_xasprintf("demo %s: %s", res->entity, e.message);
	return r < 0 ? r : 0;
}

/* Weekly sessions of a group: four in the past, one today, five to come. */
static int srv_demo_term(sqlite3 *w, const struct srv_actor *cli, int64_t group,
			 const char *ref_prefix, const char *title, int hour, int minutes,
			 int64_t today, int64_t sessions[10], char **err)
{
	for (int i = 0; i < 10; i++) {
		int64_t start = today + (int64_t)(i - 4) * 7 * 86400 + hour * 3600;
		char from[32], to[32], ref[32], name[64];
		tp_time_format_hk(start, from);
		tp_time_format_hk(start + minutes * 60, to);
		snprintf(ref, sizeof ref, "%s-%02d", ref_prefix, i + 1);
		snprintf(name, sizeof name, "%s 第%d節", title, i + 1);
		int r = srv_demo_write(w, &srv_sessions,
				       json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "ref", ref,
						 "group_id", (json_int_t)group, "title", name,
						 "starts_at", from, "ends_at", to, "venue",
						 "Room 1"),
				       cli, &sessions[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Imports generated CSV text as a centre would import its sheets. */
static int srv_demo_import(struct srv_store *store, const char *kind, struct tp_buf *csv,
			   char **err)
{
	struct srv_actor cli;
	srv_actor_cli(&cli, "demo");
	struct tp_error e;
	tp_error_clear(&e);
	json_t *summary = NULL;
	int r = srv_import(store, kind, tp_buf_str(csv), csv->len, &cli, &summary, &e);
	json_decref(summary);
	tp_buf_release(csv);
	if (r < 0 && !*err)
		*err = tp_xasprintf("demo %s: %s", kind, e.message);
	return r;
}

/*
 * The demo's filled forms and agreed levels: a satisfaction form from most
 * of those who came to the four past sessions, PHQ-9 before and after for
 * ten mothers (most better, one the same, one worse), and the programme's
 * levels, so that the figures have something to show. Needs the forms
 * loaded (srv_forms_load).
 */
/*
 * Whether demo person i (0-19) missed past session s (0-3): each missed one
 * of the four, and two (DEMO-11 and DEMO-17) stopped coming after the
 * second, so the follow-up list has someone to call.
 */
static bool srv_demo_absent(int i, int s)
{
	return (i + s) % 4 == 3 || ((i == 10 || i == 16) && s >= 2);
}

static int srv_demo_figures(struct srv_store *store, char **err)
{
	struct tp_buf csv;
	tp_buf_init(&csv, 1024 * 1024);
	tp_buf_puts(&csv, "form,participant_ref,session_ref,phase,submitted_at,overall,again\n");
	for (int s = 0; s < 4; s++)
		for (int i = 0; i < 20; i++) {
			if (srv_demo_absent(i, s) || (i + 2 * s) % 7 == 6)
				continue;  /* absent, or did not fill it in */
			int overall = (i * 7 + s) % 9 == 0 ? 3 : 4 + (i + s) % 2;
			tp_buf_printf(&csv, "satisfaction,DEMO-%02d,%s-%02d,,,%d,%s\n", i + 1,
				      i < 12 ? "MSG" : "PCG", s + 1, overall,
				      overall > 3 ? "yes" : "no");
		}
	int r = srv_demo_import(store, "responses", &csv, err);
	if (r < 0)
		return r;
	tp_buf_init(&csv, 1024 * 1024);
	tp_buf_puts(&csv, "form,participant_ref,session_ref,phase,submitted_at,"
			  "q1,q2,q3,q4,q5,q6,q7,q8,q9\n");
	for (int i = 0; i < 10; i++) {
		for (int phase = 0; phase < 2; phase++) {
			tp_buf_printf(&csv, "phq9,DEMO-%02d,MSG-%02d,%s,", i + 1, phase ? 4 : 1,
				      phase ? "post" : "pre");
			for (int q = 0; q < 9; q++) {
				int pre = (i + q) % 3 + 1;
				int post = i == 9 ? (pre < 3 ? pre + 1 : 3) : i == 8 ? pre
					 : pre > 0 ? pre - 1 : 0;
				tp_buf_printf(&csv, ",%d", phase ? post : pre);
			}
			tp_buf_puts(&csv, "\n");
		}
	}
	r = srv_demo_import(store, "responses", &csv, err);
	if (r < 0)
		return r;
	tp_buf_init(&csv, 64 * 1024);
	tp_buf_puts(&csv, "programme_ref,scope,indicator,level\n"
			  "FSP2026,*,enrolled,18\n"
			  "FSP2026,*,attendances,80\n"
			  "FSP2026,*,sessions_delivered,16\n"
			  "FSP2026,*,retention,60\n"
			  "FSP2026,*,satisfaction.positive,80\n"
			  "FSP2026,MSG,retention,70\n"
			  "FSP2026,parent_child,enrolled,10\n");
	return srv_demo_import(store, "targets", &csv, err);
}

/*
 * A few appointments with the worker, so that `make run` has reminders to
 * send: one due within the hour (its two-hours-before reminder goes as soon
 * as a gateway claims), and visits tomorrow and the day after.
 */
static int srv_demo_appointments(struct srv_store *store, int64_t today, char **err)
{
	struct srv_actor cli;
	srv_actor_cli(&cli, "demo");
	sqlite3 *w;
	int r = srv_store_write_begin(store, &w);
	if (r < 0)
		return r;
	int64_t worker = 0, soon = (tp_now() + 90 * 60 + 899) / 900 * 900;
	r = tp_db_int(w, &worker, "SELECT id FROM staff_users WHERE username = ?", "t",
		      SRV_DEMO_WORKER);
	static const struct { const char *who, *kind, *place; int day, minute; } list[] = {
		{ "DEMO-03", "mchc", "健康院", -1, 0 },
		{ "DEMO-01", "home_visit", NULL, 1, 10 * 60 + 30 },
		{ "DEMO-05", "clinic_escort", "the clinic", 1, 15 * 60 },
		{ "DEMO-02", "antenatal", "診所", 2, 14 * 60 + 30 },
	};
	for (size_t i = 0; r == 0 && i < sizeof list / sizeof list[0]; i++) {
		int64_t pid = 0, id = 0;
		r = tp_db_int(w, &pid, "SELECT id FROM participants WHERE ref = ?", "t", list[i].who);
		char when[32];
		tp_time_format_hk(list[i].day < 0 ? soon : today + list[i].day * 86400 +
				  list[i].minute * 60, when);
		json_t *in = json_pack("{s:I, s:s, s:s, s:I}", "participant_id", (json_int_t)pid,
				       "kind", list[i].kind, "starts_at", when, "worker_id",
				       (json_int_t)worker);
		if (list[i].place)
			json_object_set_new(in, "place", json_string(list[i].place));
		if (r == 0)
			r = srv_demo_write(w, &srv_appointments, in, &cli, &id, err);
		else
			json_decref(in);
	}
	return srv_store_write_end(store, r);
}

int srv_demo_load(struct srv_store *store, char **err)
{
	*err = NULL;
	struct srv_actor cli;
	srv_actor_cli(&cli, "demo");
	sqlite3 *w;
	int r = srv_store_write_begin(store, &w);
	if (r < 0)
		return r;
	int64_t existing = 0;
	r = tp_db_int(w, &existing, "SELECT count(*) FROM programmes", NULL);
	if (r < 0 || existing) {
		srv_store_write_end(store, r < 0 ? r : -1);
		return r < 0 ? r : 0;
	}
	int64_t programme, mothers, parent_child, id;
	int64_t people[20], s_mothers[10], s_parent[10];
	r = srv_demo_write(w, &srv_programmes,
			   json_pack("{s:s, s:s, s:s, s:s}", "ref", "FSP2026",
				     "name", "家庭支援計劃 Family Support Project",
				     "starts_on", "2026-04-01", "ends_on", "2028-03-31"),
			   &cli, &programme, err);
	if (r == 0)
		r = srv_demo_write(w, &srv_groups,
				   json_pack("{s:s, s:I, s:s, s:s, s:i, s:s}", "ref", "MSG",
					     "programme_id", (json_int_t)programme,
					     "name", "媽媽支援小組", "kind", "peer_support",
					     "retention_n", 3, "venue", "Room 1"),
				   &cli, &mothers, err);
	if (r == 0)
		r = srv_demo_write(w, &srv_groups,
				   json_pack("{s:s, s:I, s:s, s:s, s:i, s:s}", "ref", "PCG",
					     "programme_id", (json_int_t)programme,
					     "name", "親子小組", "kind", "parent_child",
					     "retention_n", 3, "venue", "Room 1"),
				   &cli, &parent_child, err);
	for (int i = 0; i < 20 && r == 0; i++) {
		char ref[16], phone[16];
		snprintf(ref, sizeof ref, "DEMO-%02d", i + 1);
		snprintf(phone, sizeof phone, "%d%07d", i % 2 ? 6 : 9, 1000 + i * 37);
		json_t *p = json_pack("{s:s, s:s, s:s, s:b, s:s}", "ref", ref,
				      "alias", srv_demo_aliases[i], "phone", phone,
				      "consent", 1, "consent_how", "written");
		if (i % 5 == 4)
			json_object_set_new(p, "lang", json_string("en"));
		if (i % 3 == 1)
			json_object_set_new(p, "channel", json_string("whatsapp"));
		r = srv_demo_write(w, &srv_participants, p, &cli, &people[i], err);
	}
	int y, m, d;
	char today_text[11];
	tp_date_format_hk(tp_now(), today_text);
	tp_date_parse(today_text, &y, &m, &d);
	int64_t today = tp_date_start_hk(y, m, d);
	/* Mothers 1-12 in the support group, 9-20 in the parent-child group,
	 * since the term began four weeks ago. */
	char term_start[11];
	tp_date_format_hk(today - 4 * 7 * 86400, term_start);
	for (int i = 0; i < 20 && r == 0; i++) {
		if (i < 12)
			r = srv_demo_write(w, &srv_enrolments,
					   json_pack("{s:I, s:I, s:s}", "group_id", (json_int_t)mothers,
						     "participant_id", (json_int_t)people[i],
						     "enrolled_on", term_start),
					   &cli, &id, err);
		if (r == 0 && i >= 8)
			r = srv_demo_write(w, &srv_enrolments,
					   json_pack("{s:I, s:I, s:s}", "group_id",
						     (json_int_t)parent_child, "participant_id",
						     (json_int_t)people[i], "enrolled_on", term_start),
					   &cli, &id, err);
	}
	/* The mothers' group meets at the hour the demo is loaded, so that the
	 * kiosk of `make run` has a session open now. */
	int hour = (int)((tp_now() - today) / 3600);
	if (r == 0)
		r = srv_demo_term(w, &cli, mothers, "MSG", "媽媽支援小組", hour, 120, today,
				  s_mothers, err);
	if (r == 0)
		r = srv_demo_term(w, &cli, parent_child, "PCG", "親子小組", 10, 90, today,
				  s_parent, err);
	/* Past sessions: most came to each of their groups, some did not. */
	for (int s = 0; s < 4 && r == 0; s++) {
		for (int i = 0; i < 20 && r == 0; i++) {
			if (srv_demo_absent(i, s))
				continue;
			int64_t week = today + (int64_t)(s - 4) * 7 * 86400 + (i % 7) * 120;
			const char *how = i % 3 ? "card" : "staff";
			if (i < 12)
				r = srv_attendance_record(w, s_mothers[s], people[i], how,
							  week + hour * 3600, &cli);
			if (r >= 0 && i >= 8)
				r = srv_attendance_record(w, s_parent[s], people[i], how,
							  week + 10 * 3600, &cli);
			r = r < 0 ? r : 0;
		}
	}
	r = srv_store_write_end(store, r);
	if (r < 0)
		return r;
	struct tp_error e;
	tp_error_clear(&e);
	r = srv_user_create(store, SRV_DEMO_ADMIN, "陳主任 Supervisor", "admin",
			    SRV_DEMO_ADMIN_PASSWORD, NULL, &e);
	if (r == 0)
		r = srv_user_create(store, SRV_DEMO_WORKER, "李姑娘 Social worker", "worker",
				    SRV_DEMO_WORKER_PASSWORD, NULL, &e);
	if (r < 0) {
		*err = tp_xasprintf("demo users: %s", e.message);
		return r;
	}
	r = srv_demo_figures(store, err);
	if (r >= 0)
		r = srv_demo_appointments(store, today, err);
	return r < 0 ? r : 1;
}
