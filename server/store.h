/*
 * The server's database: one writer connection behind a mutex (sqlite takes
 * one writer at a time, and queueing on our own mutex is much faster than
 * sqlite's sleeping busy handler), and a read-only connection per worker
 * thread, opened on first use and closed when the thread ends.
 */
#ifndef SRV_STORE_H
#define SRV_STORE_H

#include <pthread.h>
#include <sqlite3.h>

#include "tp_db.h"

struct srv_store {
	char *path;
	struct tp_db_writer writer;
	pthread_key_t reader_key;
};

/* Opens (creating) the database and applies migrations; *err on failure. */
int srv_store_open(struct srv_store *s, const char *path, char **err);
void srv_store_close(struct srv_store *s);
/* This thread's read-only connection (borrowed). NULL if it cannot open. */
sqlite3 *srv_store_reader(struct srv_store *s);
/* Takes the write lock and begins an IMMEDIATE transaction; returns the
 * writer connection (borrowed until srv_store_write_end). */
int srv_store_write_begin(struct srv_store *s, sqlite3 **w);
/* Commits when r >= 0, rolls back otherwise; releases the lock. Returns r,
 * or the commit's error. */
int srv_store_write_end(struct srv_store *s, int r);

#endif
