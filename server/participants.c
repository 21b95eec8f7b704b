/* The participant resource; see participants.h. */
#include "participants.h"
#include "cards.h"
#include "tp_db.h"
#include "tp_time.h"

#include <stdio.h>
#include <string.h>

static const char *const srv_channels[] = { "sms", "whatsapp", "none", NULL };
static const char *const srv_langs[] = { "zh-HK", "en", NULL };
static const char *const srv_consent_ways[] = { "written", "verbal", "online", "other", NULL };

static int srv_participant_check(struct srv_write *wr)
{
	json_t *row = wr->row;
	bool has_phone = json_is_string(json_object_get(row, "phone"));
	if (!wr->id && !json_object_get(wr->vals, "channel")) {
		json_t *channel = json_string(has_phone ? "sms" : "none");
		json_object_set(wr->vals, "channel", channel);
		json_object_set_new(row, "channel", channel);
	}
	const char *channel = json_string_value(json_object_get(row, "channel"));
	if (channel && strcmp(channel, "none") != 0 && !has_phone)
		return tp_error_set(wr->e, 400, "invalid_field",
				    json_object_get(wr->vals, "channel") ? "channel" : "phone",
				    "messages by %s need a phone number", channel);
	/* Consent is recorded with its date: today, unless one was given. */
	if (json_integer_value(json_object_get(row, "consent")) == 1 &&
	    !json_is_string(json_object_get(row, "consent_on"))) {
		char today[11];
		tp_date_format_hk(tp_now(), today);
		json_object_set_new(wr->vals, "consent_on", json_string(today));
	}
	return 0;
}

/* Gives a participant created without a reference one of the form P00042,
 * and her first card. */
static int srv_participant_created(struct srv_write *wr)
{
	if (!json_is_string(json_object_get(wr->row, "ref"))) {
		char ref[32];
		snprintf(ref, sizeof ref, "P%05lld", (long long)wr->id);
		int r = tp_db_run(wr->w, "UPDATE participants SET ref = ? WHERE id = ?"
					 " AND NOT EXISTS (SELECT 1 FROM participants WHERE ref = ?)",
				  "tit", ref, wr->id, ref);
		if (r < 0)
			return r;
	}
	char token[40];
	return srv_card_issue(wr->w, wr->id, token);
}

static int srv_participant_decorate(sqlite3 *db, int64_t id, json_t *obj,
				    const struct srv_actor *actor)
{
	sqlite3_stmt *st;
	int r = tp_db_prepare(db, &st, "SELECT token, issued_at FROM cards"
				       " WHERE participant_id = ? AND revoked_at IS NULL",
			      "i", id);
	if (r < 0)
		return r;
	if ((r = tp_db_step(st)) == 1) {
		/* Viewers see figures, not the means to sign someone in. */
		if (actor->perm != SRV_P_VIEWER)
			json_object_set_new(obj, "card_token", json_string(tp_db_col_text(st, 0)));
		char when[32];
		tp_time_format_hk(sqlite3_column_int64(st, 1), when);
		json_object_set_new(obj, "card_issued_at", json_string(when));
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

static const struct srv_field srv_participant_fields[] = {
	{ "ref", SRV_F_TEXT, SRV_F_FILTER, 0, 64, NULL, NULL, NULL },
	{ "alias", SRV_F_TEXT, SRV_F_REQUIRED, 0, 40, NULL, NULL, NULL },
	{ "phone", SRV_F_PHONE, SRV_F_PRIVATE, 0, 0, NULL, NULL, NULL },
	{ "channel", SRV_F_ENUM, SRV_F_NONULL, 0, 0, srv_channels, NULL, NULL },
	{ "lang", SRV_F_ENUM, SRV_F_NONULL, 0, 0, srv_langs, NULL, NULL },
	{ "consent", SRV_F_BOOL, SRV_F_NONULL, 0, 0, NULL, NULL, NULL },
	{ "consent_on", SRV_F_DATE, 0, 0, 0, NULL, NULL, NULL },
	{ "consent_how", SRV_F_ENUM, 0, 0, 0, srv_consent_ways, NULL, NULL },
	{ "note", SRV_F_LONGTEXT, SRV_F_PRIVATE, 0, 2000, NULL, NULL, NULL },
	/* Set when she replies STOP (or her provider says she did), cleared by
	 * START: while set she is sent nothing. */
	{ "opted_out_at", SRV_F_TIME, SRV_F_READONLY, 0, 0, NULL, NULL, NULL },
	{ "opted_out_how", SRV_F_TEXT, SRV_F_READONLY, 0, 200, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

const struct srv_resource srv_participants = {
	.path = "participants",
	.entity = "participant",
	.table = "participants",
	.fields = srv_participant_fields,
	.search = "(alias LIKE :q ESCAPE '\\' OR ref LIKE :q ESCAPE '\\'"
		  " OR phone LIKE :qend ESCAPE '\\')",
	.before_write = srv_participant_check,
	.after_create = srv_participant_created,
	.decorate = srv_participant_decorate,
	.computed = (const char *const[]){ "card_token", "card_issued_at", NULL },
};
