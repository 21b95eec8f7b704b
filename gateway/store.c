/*
 * The gateway's schema, as numbered migrations; see store.h.
 *
 * intents: one row per call to a provider, written before the call; outcome
 *   stays NULL until the answer is read, so a row without one after a crash
 *   is a call whose fate is unknown.
 * reports: the outcome of each message for the server, kept until the
 *   server has taken it (one row per message: the latest).
 * spool: provider events for the server, kept until it answers.
 * seen: every provider event ever spooled, so a redelivery is recorded once.
 * console: what the console adapter "sent" and what the phone simulator
 *   replied.
 */
#include "store.h"
#include "tp_alloc.h"

#include <stdlib.h>

static const char gw_schema_v1[] =
	"CREATE TABLE intents ("
	"  id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL, lease TEXT NOT NULL,"
	"  provider TEXT NOT NULL, channel TEXT NOT NULL CHECK (channel IN ('sms','whatsapp')),"
	"  form TEXT NOT NULL CHECK (form IN ('text','buttons','template')),"
	"  to_number TEXT NOT NULL, sender TEXT, body TEXT, note TEXT,"
	"  created_at INTEGER NOT NULL, created_ms INTEGER NOT NULL,"
	"  outcome TEXT CHECK (outcome IN ('sent','retry','failed','stopped','window','unknown')),"
	"  provider_id TEXT, error_code TEXT, reason TEXT, done_at INTEGER);"
	"CREATE INDEX intents_message ON intents (message_id);"
	"CREATE INDEX intents_to ON intents (to_number, channel, created_ms);"
	"CREATE INDEX intents_open ON intents (id) WHERE outcome IS NULL;"
	"CREATE UNIQUE INDEX intents_provider_id ON intents (provider, provider_id)"
	"  WHERE provider_id IS NOT NULL;"
	"CREATE TABLE reports ("
	"  message_id INTEGER PRIMARY KEY, lease TEXT NOT NULL, outcome TEXT NOT NULL,"
	"  body TEXT NOT NULL, created_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending'"
	"    CHECK (state IN ('pending','done','superseded','refused')),"
	"  attempts INTEGER NOT NULL DEFAULT 0, next_ms INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT);"
	"CREATE INDEX reports_pending ON reports (next_ms) WHERE state = 'pending';"
	"CREATE TABLE spool ("
	"  id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('inbound','status')),"
	"  provider TEXT NOT NULL, provider_id TEXT NOT NULL, event TEXT NOT NULL,"
	"  received_ms INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','refused')),"
	"  refused_reason TEXT);"
	"CREATE INDEX spool_pending ON spool (id) WHERE state = 'pending';"
	"CREATE TABLE seen ("
	"  provider TEXT NOT NULL, kind TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT '', first_ms INTEGER NOT NULL,"
	"  times INTEGER NOT NULL DEFAULT 1,"
	"  PRIMARY KEY (provider, kind, provider_id, status)) WITHOUT ROWID;"
	"CREATE TABLE console ("
	"  id INTEGER PRIMARY KEY, direction TEXT NOT NULL CHECK (direction IN ('out','in')),"
	"  number TEXT NOT NULL, channel TEXT NOT NULL, form TEXT, text TEXT NOT NULL,"
	"  buttons TEXT, message_id INTEGER, intent_id INTEGER, provider_id TEXT NOT NULL UNIQUE,"
	"  status TEXT, at INTEGER NOT NULL);"
	"CREATE INDEX console_number ON console (number, id);";

static const char *const gw_migrations[] = { gw_schema_v1 };

int gw_store_open(struct gw_app *app, char **err)
{
	char *path = tp_xasprintf("%s/gateway.db", app->data_dir);
	int r = tp_db_writer_open(&app->db, path, gw_migrations,
				  (int)(sizeof gw_migrations / sizeof gw_migrations[0]), err);
	free(path);
	/* An intent must be on disk before the provider hears of it, and an
	 * event before the provider hears "200": every commit is synced. */
	if (r == 0)
		r = tp_db_exec(app->db.db, "PRAGMA synchronous = FULL");
	return r;
}

void gw_store_close(struct gw_app *app)
{
	tp_db_writer_close(&app->db);
}

int gw_store_prune(struct gw_app *app, int64_t now_ms)
{
	const int64_t day = 86400 * 1000LL;
	sqlite3 *db;
	int r = tp_db_writer_begin(&app->db, &db);
	if (r < 0)
		return r;
	r = tp_db_run(db, "DELETE FROM seen WHERE kind = 'status' AND first_ms < ?", "i",
		      now_ms - 30 * day);
	if (r == 0)
		r = tp_db_run(db, "DELETE FROM seen WHERE first_ms < ?", "i", now_ms - 365 * day);
	if (r == 0)
		r = tp_db_run(db, "DELETE FROM intents WHERE outcome IS NOT NULL AND created_ms < ?"
				  " AND message_id IN (SELECT message_id FROM reports WHERE"
				  " state <> 'pending' AND created_at < ?)", "ii",
			      now_ms - 180 * day, now_ms - 180 * day);
	if (r == 0)
		r = tp_db_run(db, "DELETE FROM reports WHERE state <> 'pending' AND created_at < ?"
				  " AND NOT EXISTS (SELECT 1 FROM intents i WHERE"
				  " i.message_id = reports.message_id)", "i", now_ms - 180 * day);
	return tp_db_writer_end(&app->db, r);
}
