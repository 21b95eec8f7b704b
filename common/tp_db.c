/*
 * sqlite helpers; see tp_db.h. Pragmas are set per connection: foreign keys
 * on, a busy timeout (readers may wait for a checkpoint), and on the writer
 * WAL with synchronous=NORMAL, which in WAL mode keeps every committed
 * transaction across a process crash (only a power loss can roll back the
 * last ones).
 */
#include "tp_db.h"
#include "tp_alloc.h"
#include "tp_log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int tp_db_errno(sqlite3 *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return -EEXIST;
		return -EINVAL;
	default:
		tp_error("sqlite: %s (%d)", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), rc);
		return -EIO;
	}
}

int tp_db_open(const char *path, enum tp_db_mode mode, sqlite3 **out)
{
	int flags = SQLITE_OPEN_NOMUTEX;
	flags |= mode == TP_DB_WRITER ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
				      : SQLITE_OPEN_READONLY;
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		tp_error("cannot open database %s: %s", path,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close_v2(db);
		return -EIO;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 5000);
	int r = tp_db_exec(db, "PRAGMA foreign_keys = ON");
	if (r == 0 && mode == TP_DB_WRITER)
		r = tp_db_exec(db, "PRAGMA journal_mode = WAL;"
				   "PRAGMA synchronous = NORMAL");
	if (r < 0) {
		sqlite3_close_v2(db);
		return r;
	}
	*out = db;
	return 0;
}

int tp_db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int r = tp_db_errno(db, sqlite3_extended_errcode(db));
		if (r == -EBUSY || r == -EEXIST || r == -EINVAL)
			tp_debug("sqlite: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return r ? r : -EIO;
	}
	return 0;
}

static int tp_db_bind(sqlite3 *db, sqlite3_stmt *st, const char *types, va_list ap)
{
	int n = 0;
	for (const char *t = types; t && *t; t++) {
		int rc;
		n++;
		switch (*t) {
		case 'i':
			rc = sqlite3_bind_int64(st, n, va_arg(ap, int64_t));
			break;
		case 'I':
			rc = sqlite3_bind_int(st, n, va_arg(ap, int));
			break;
		case 't': {
			const char *s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(st, n, s, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, n);
			break;
		}
		case 'd':
			rc = sqlite3_bind_double(st, n, va_arg(ap, double));
			break;
		case 'n':
			rc = sqlite3_bind_null(st, n);
			break;
		default:
			tp_error("tp_db: unknown bind type '%c'", *t);
			return -EINVAL;
		}
		if (rc != SQLITE_OK)
			return tp_db_errno(db, rc);
	}
	return 0;
}

int tp_db_vprepare(sqlite3 *db, sqlite3_stmt **out, const char *sql,
		   const char *types, va_list ap)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		tp_error("sqlite prepare: %s in: %s", sqlite3_errmsg(db), sql);
		return -EIO;
	}
	int r = tp_db_bind(db, st, types, ap);
	if (r < 0) {
		sqlite3_finalize(st);
		return r;
	}
	*out = st;
	return 0;
}

int tp_db_prepare(sqlite3 *db, sqlite3_stmt **out, const char *sql,
		  const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int r = tp_db_vprepare(db, out, sql, types, ap);
	va_end(ap);
	return r;
}

int tp_db_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sqlite3 *db = sqlite3_db_handle(st);
	return tp_db_errno(db, sqlite3_extended_errcode(db));
}

int tp_db_run(sqlite3 *db, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	va_start(ap, types);
	int r = tp_db_vprepare(db, &st, sql, types, ap);
	va_end(ap);
	if (r < 0)
		return r;
	while ((r = tp_db_step(st)) == 1)
		;
	sqlite3_finalize(st);
	return r;
}

/* Prepares and steps to the first row: 0 with *st on it (finalize it), or
 * -ENOENT when there is none, or an error (nothing to finalize). */
static int tp_db_first_row(sqlite3 *db, sqlite3_stmt **st, const char *sql,
			   const char *types, va_list ap)
{
	int r = tp_db_vprepare(db, st, sql, types, ap);
	if (r < 0)
		return r;
	r = tp_db_step(*st);
	if (r == 1)
		return 0;
	sqlite3_finalize(*st);
	return r == 0 ? -ENOENT : r;
}

int tp_db_row(sqlite3 *db, sqlite3_stmt **out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int r = tp_db_first_row(db, out, sql, types, ap);
	va_end(ap);
	return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

int tp_db_int(sqlite3 *db, int64_t *out, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	va_start(ap, types);
	int r = tp_db_first_row(db, &st, sql, types, ap);
	va_end(ap);
	if (r < 0)
		return r;
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int tp_db_text(sqlite3 *db, char **out, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	va_start(ap, types);
	int r = tp_db_first_row(db, &st, sql, types, ap);
	va_end(ap);
	if (r < 0)
		return r;
	*out = tp_xstrdup(tp_db_col_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

const char *tp_db_col_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

bool tp_db_col_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL;
}

int tp_db_begin(sqlite3 *db)
{
	return tp_db_exec(db, "BEGIN IMMEDIATE");
}

int tp_db_commit(sqlite3 *db)
{
	return tp_db_exec(db, "COMMIT");
}

void tp_db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int tp_db_migrate(sqlite3 *db, const char *const *migrations, int count,
		  char **err)
{
	int64_t version = 0;
	int r = tp_db_begin(db);
	if (r < 0)
		goto fail_msg;
	r = tp_db_int(db, &version, "PRAGMA user_version", NULL);
	if (r < 0)
		goto fail_msg;
	if (version > count) {
		tp_db_rollback(db);
		if (err)
			*err = tp_xasprintf(
				"the database is at schema version %lld, newer than this "
				"program knows (%d): run a newer touchpoint, or restore a "
				"backup made for this version",
				(long long)version, count);
		return -EPROTO;
	}
	for (int64_t v = version; v < count; v++) {
		r = tp_db_exec(db, migrations[v]);
		if (r < 0) {
			/* sqlite's message first: a successful ROLLBACK clears it. */
			if (err)
				*err = tp_xasprintf("migration %lld failed: %s",
						    (long long)v + 1, sqlite3_errmsg(db));
			tp_db_rollback(db);
			return r;
		}
		/* PRAGMA takes no bound parameters; the value is our own integer. */
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %lld",
			 (long long)v + 1);
		r = tp_db_exec(db, pragma);
		if (r < 0)
			goto fail_msg;
	}
	r = tp_db_commit(db);
	if (r < 0)
		goto fail_msg;
	if (version < count)
		tp_info("database schema migrated from version %lld to %d",
			(long long)version, count);
	return 0;
fail_msg:
	if (err)
		*err = tp_xasprintf("cannot read or update the schema version: %s",
				    sqlite3_errmsg(db));
	tp_db_rollback(db);
	return r;
}

int tp_db_writer_open(struct tp_db_writer *w, const char *path,
		      const char *const *migrations, int count, char **err)
{
	w->db = NULL;
	if (err)
		*err = NULL;
	int r = tp_db_open(path, TP_DB_WRITER, &w->db);
	if (r < 0) {
		if (err)
			*err = tp_xasprintf("cannot open the database %s (does its folder "
					    "exist and is it writable?)", path);
		return r;
	}
	r = tp_db_migrate(w->db, migrations, count, err);
	if (r < 0) {
		sqlite3_close_v2(w->db);
		w->db = NULL;
		return r;
	}
	pthread_mutex_init(&w->lock, NULL);
	return 0;
}

void tp_db_writer_close(struct tp_db_writer *w)
{
	if (!w->db)
		return;
	pthread_mutex_destroy(&w->lock);
	/* A clean close checkpoints the WAL into the main file. */
	sqlite3_close_v2(w->db);
	w->db = NULL;
}

int tp_db_writer_begin(struct tp_db_writer *w, sqlite3 **db)
{
	pthread_mutex_lock(&w->lock);
	int r = tp_db_begin(w->db);
	if (r < 0) {
		pthread_mutex_unlock(&w->lock);
		return r;
	}
	*db = w->db;
	return 0;
}

int tp_db_writer_end(struct tp_db_writer *w, int r)
{
	if (r >= 0) {
		int c = tp_db_commit(w->db);
		if (c < 0) {
			tp_db_rollback(w->db);
			r = c;
		}
	} else {
		tp_db_rollback(w->db);
	}
	pthread_mutex_unlock(&w->lock);
	return r;
}
