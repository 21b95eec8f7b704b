/* The server's sqlite connections; see store.h. */
#include "store.h"
#include "schema.h"
#include "tp_alloc.h"
#include "tp_db.h"
#include "tp_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void srv_store_reader_close(void *db)
{
	sqlite3_close_v2(db);
}

int srv_store_open(struct srv_store *s, const char *path, char **err)
{
	memset(s, 0, sizeof *s);
	*err = NULL;
	int r = tp_db_open(path, TP_DB_WRITER, &s->writer);
	if (r < 0) {
		*err = tp_xasprintf("cannot open the database %s (does its folder exist "
				    "and is it writable?)", path);
		return r;
	}
	r = tp_db_migrate(s->writer, srv_migrations, srv_migration_count, err);
	if (r < 0) {
		sqlite3_close_v2(s->writer);
		s->writer = NULL;
		return r;
	}
	s->path = tp_xstrdup(path);
	pthread_mutex_init(&s->write_lock, NULL);
	pthread_key_create(&s->reader_key, srv_store_reader_close);
	return 0;
}

void srv_store_close(struct srv_store *s)
{
	if (!s->writer)
		return;
	/* The calling thread's reader is not closed by the key destructor. */
	sqlite3 *mine = pthread_getspecific(s->reader_key);
	if (mine) {
		sqlite3_close_v2(mine);
		pthread_setspecific(s->reader_key, NULL);
	}
	pthread_key_delete(s->reader_key);
	pthread_mutex_destroy(&s->write_lock);
	/* A clean close checkpoints the WAL into the main file. */
	sqlite3_close_v2(s->writer);
	s->writer = NULL;
	free(s->path);
	s->path = NULL;
}

sqlite3 *srv_store_reader(struct srv_store *s)
{
	sqlite3 *db = pthread_getspecific(s->reader_key);
	if (db)
		return db;
	if (tp_db_open(s->path, TP_DB_READER, &db) < 0)
		return NULL;
	pthread_setspecific(s->reader_key, db);
	return db;
}

int srv_store_write_begin(struct srv_store *s, sqlite3 **w)
{
	pthread_mutex_lock(&s->write_lock);
	int r = tp_db_begin(s->writer);
	if (r < 0) {
		pthread_mutex_unlock(&s->write_lock);
		return r;
	}
	*w = s->writer;
	return 0;
}

int srv_store_write_end(struct srv_store *s, int r)
{
	if (r >= 0) {
		int c = tp_db_commit(s->writer);
		if (c < 0) {
			tp_db_rollback(s->writer);
			r = c;
		}
	} else {
		tp_db_rollback(s->writer);
	}
	pthread_mutex_unlock(&s->write_lock);
	return r;
}
