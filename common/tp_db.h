/*
 * A thin layer over sqlite3 (in the manner of Fossil's db.c): open with the
 * pragmas Touchpoint relies on, prepare-and-bind in one call with every value
 * bound (SQL is never built with printf), run numbered migrations, and map
 * sqlite's result codes onto negative errno values:
 *   -EEXIST  a UNIQUE or PRIMARY KEY constraint failed
 *   -EINVAL  a CHECK, NOT NULL or FOREIGN KEY constraint failed
 *   -EBUSY   the database is locked past the busy timeout
 *   -ENOENT  a query that should find a row found none
 *   -EIO     anything else (logged with sqlite's message)
 *
 * Argument lists: `types` is a string with one letter per value that follows:
 *   'i' int64_t   'I' int (promoted)   't' const char * (NULL binds NULL)
 *   'd' double    'n' no argument, binds NULL
 */
#ifndef TP_DB_H
#define TP_DB_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum tp_db_mode {
	TP_DB_WRITER,   /* read-write, creates the file, WAL journal */
	TP_DB_READER,   /* read-only connection to an existing database */
};

/* Opens path; *out is owned by the caller (sqlite3_close_v2). */
int tp_db_open(const char *path, enum tp_db_mode mode, sqlite3 **out);
/* Runs SQL without parameters (may hold several statements). */
int tp_db_exec(sqlite3 *db, const char *sql);
/* Prepares sql and binds the values; *out is finalized by the caller. */
int tp_db_prepare(sqlite3 *db, sqlite3_stmt **out, const char *sql,
		  const char *types, ...);
int tp_db_vprepare(sqlite3 *db, sqlite3_stmt **out, const char *sql,
		   const char *types, va_list ap);
/*
 * Steps a prepared statement: 1 when a row is ready, 0 when done, or a
 * negative error. (A row/done answer, not an error flag.)
 */
int tp_db_step(sqlite3_stmt *st);
/* Prepares, binds and runs a statement that returns no rows. */
int tp_db_run(sqlite3 *db, const char *sql, const char *types, ...);
/* Prepares, binds and steps to the first row: 1 with *out on it (the
 * caller finalizes), 0 when there is none (nothing to finalize), or an
 * error. */
int tp_db_row(sqlite3 *db, sqlite3_stmt **out, const char *sql, const char *types, ...);
/* Runs a query and stores the first column of its first row in *out;
 * -ENOENT when there is no row. */
int tp_db_int(sqlite3 *db, int64_t *out, const char *sql, const char *types, ...);
/* As tp_db_int for text; *out is a new string (NULL for SQL NULL). */
int tp_db_text(sqlite3 *db, char **out, const char *sql, const char *types, ...);
/* Column helpers: text is borrowed until the next step; NULL stays NULL. */
const char *tp_db_col_text(sqlite3_stmt *st, int col);
bool tp_db_col_null(sqlite3_stmt *st, int col);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Rollback never fails loudly. */
int tp_db_begin(sqlite3 *db);
int tp_db_commit(sqlite3 *db);
void tp_db_rollback(sqlite3 *db);
/*
 * One writer connection behind a mutex: sqlite takes one writer at a time,
 * and waiting on our own mutex is much faster than sqlite's sleeping busy
 * handler. begin takes the lock and opens an IMMEDIATE transaction; end
 * commits when r >= 0, else rolls back, and releases the lock.
 */
struct tp_db_writer {
	sqlite3 *db;
	pthread_mutex_t lock;
};

/* Opens path as the writer (TP_DB_WRITER) and runs the migrations. */
int tp_db_writer_open(struct tp_db_writer *w, const char *path,
		      const char *const *migrations, int count, char **err);
void tp_db_writer_close(struct tp_db_writer *w);
int tp_db_writer_begin(struct tp_db_writer *w, sqlite3 **db);
/* Returns r, or the commit's error. */
int tp_db_writer_end(struct tp_db_writer *w, int r);

/* Maps a sqlite result code to the negative errno described above. */
int tp_db_errno(sqlite3 *db, int rc);

/*
 * Brings the schema up to date: migrations[i] takes the schema from version
 * i to i + 1 (PRAGMA user_version). All pending ones run in one transaction;
 * nothing changes if one fails. A database whose version is newer than
 * count is refused with -EPROTO. On failure *err (if err is not NULL) gets a
 * message for people, owned by the caller.
 */
int tp_db_migrate(sqlite3 *db, const char *const *migrations, int count,
		  char **err);

#endif
