/*
 * Reading and validating JSON request bodies (jansson). Every reader checks
 * type, range and text rules and, on failure, fills a struct tp_error that
 * names the field, so that a refused request tells the caller exactly what
 * was wrong. Readers return 1 when the field was given, 0 when it is absent
 * or JSON null (which is an error for required fields), or -status.
 */
#ifndef TP_JSON_H
#define TP_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tp_error.h"

/* Parses text as exactly one JSON object; *out is owned by the caller. */
int tp_json_parse_object(const char *text, size_t len, json_t **out,
			 struct tp_error *e);
/* Refuses any key that is not in allowed (a NULL-terminated list). */
int tp_json_only_keys(json_t *obj, const char *const *allowed, struct tp_error *e);

/* A line of text (or several lines when multiline), trimmed-not-empty,
 * valid UTF-8, no control characters, at most max_chars characters.
 * *out is borrowed from obj. */
int tp_json_text(json_t *obj, const char *key, bool required, size_t max_chars,
		 bool multiline, const char **out, struct tp_error *e);
/* An integer in [min, max]. */
int tp_json_int(json_t *obj, const char *key, bool required, int64_t min,
		int64_t max, int64_t *out, struct tp_error *e);
int tp_json_bool(json_t *obj, const char *key, bool required, bool *out,
		 struct tp_error *e);
/* One of values (NULL-terminated); *out points into values. */
int tp_json_enum(json_t *obj, const char *key, bool required,
		 const char *const *values, const char **out, struct tp_error *e);
/* An ISO 8601 time; Hong Kong time when it has no offset. */
int tp_json_time(json_t *obj, const char *key, bool required, int64_t *out,
		 struct tp_error *e);
/* A date, YYYY-MM-DD, copied to out. */
int tp_json_date(json_t *obj, const char *key, bool required, char out[11],
		 struct tp_error *e);
/* A phone number, normalised to E.164 into out (TP_PHONE_MAX bytes). */
int tp_json_phone(json_t *obj, const char *key, bool required, char *out,
		  struct tp_error *e);

/* Adds key: time as "2026-11-22T13:00:00+08:00", or null when t is 0. */
void tp_json_set_time(json_t *obj, const char *key, int64_t t);
/* Adds key: string, or null when s is NULL. */
void tp_json_set_text(json_t *obj, const char *key, const char *s);

#endif
