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
	int r = tp_db_writer_open(&s->writer, path, srv_migrations, srv_migration_count, err);
	if (r < 0)
		return r;
	s->path = tp_xstrdup(path);
	pthread_key_create(&s->reader_key, srv_store_reader_close);
	return 0;
}

void srv_store_close(struct srv_store *s)
{
	if (!s->path)
		return;
	/* The calling thread's reader is not closed by the key destructor. */
	sqlite3 *mine = pthread_getspecific(s->reader_key);
	if (mine) {
		sqlite3_close_v2(mine);
		pthread_setspecific(s->reader_key, NULL);
	}
	pthread_key_delete(s->reader_key);
	tp_db_writer_close(&s->writer);
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
	return tp_db_writer_begin(&s->writer, w);
}

int srv_store_write_end(struct srv_store *s, int r)
{
	return tp_db_writer_end(&s->writer, r);
}
