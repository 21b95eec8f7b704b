/*
 * The kiosk's schema, as numbered migrations (see kstore.h). Sign-ins are
 * keyed by who: "p:<participant id>" for a known card or person, and
 * "c:<card token>" for a card not in the local roster (accepted
 * provisionally, for the server to confirm or flag).
 */
#include "kstore.h"
#include "tp_alloc.h"

#include <stdlib.h>

static const char kiosk_schema_v1[] =
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY, title TEXT, group_name TEXT, number INTEGER,"
	"  starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, venue TEXT,"
	"  status TEXT NOT NULL DEFAULT 'planned', form TEXT, qr_key TEXT);"
	"CREATE TABLE enrolled ("
	"  session_id INTEGER NOT NULL, participant_id INTEGER NOT NULL, alias TEXT NOT NULL,"
	"  PRIMARY KEY (session_id, participant_id));"
	"CREATE TABLE cards ("
	"  token TEXT PRIMARY KEY, participant_id INTEGER NOT NULL, alias TEXT NOT NULL);"
	"CREATE TABLE revoked_cards (token TEXT PRIMARY KEY);"
	/* Cards the server refused after a provisional sign-in: answered at once
	 * from then on, so one stray card does not fill the queue. */
	"CREATE TABLE refused_cards (token TEXT PRIMARY KEY, result TEXT NOT NULL);"
	"CREATE TABLE signins ("
	"  session_id INTEGER NOT NULL, who TEXT NOT NULL, participant_id INTEGER,"
	"  alias TEXT, method TEXT NOT NULL, walk_in INTEGER NOT NULL DEFAULT 0,"
	"  at INTEGER NOT NULL, source TEXT NOT NULL CHECK (source IN ('local','server')),"
	"  PRIMARY KEY (session_id, who));"
	/* Events for the server, sent oldest first and deleted when acknowledged;
	 * one the server refuses for good stays, rejected, for staff to see. */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('checkin','undo','response')),"
	"  nonce TEXT NOT NULL UNIQUE, body TEXT NOT NULL, summary TEXT,"
	"  session_id INTEGER, who TEXT,"
	"  created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','rejected')),"
	"  rejected_status INTEGER, rejected_code TEXT, rejected_message TEXT);"
	"CREATE TABLE phone_signins ("
	"  id INTEGER PRIMARY KEY, session_id INTEGER, participant_id INTEGER, alias TEXT,"
	"  at INTEGER);"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);";

static const char *const kiosk_migrations[] = { kiosk_schema_v1 };

int kiosk_store_open(struct kiosk_app *app, char **err)
{
	char *path = tp_xasprintf("%s/kiosk.db", app->data_dir);
	int r = tp_db_writer_open(&app->db, path, kiosk_migrations,
				  (int)(sizeof kiosk_migrations / sizeof kiosk_migrations[0]), err);
	free(path);
	/* The screen says yes after the commit: a kiosk unplugged a moment later
	 * must still have it, so every commit is synced to disk (the kiosk
	 * writes little; the cost does not show). */
	if (r == 0)
		r = tp_db_exec(app->db.db, "PRAGMA synchronous = FULL");
	return r;
}

void kiosk_store_close(struct kiosk_app *app)
{
	tp_db_writer_close(&app->db);
}
