/*
 * The database schema as numbered, append-only migrations: srv_migrations[i]
 * takes a database from version i to i + 1. Never edit a released one; add
 * the next.
 */
#ifndef SRV_SCHEMA_H
#define SRV_SCHEMA_H

extern const char *const srv_migrations[];
extern const int srv_migration_count;

#endif
