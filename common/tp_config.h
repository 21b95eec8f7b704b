/*
 * Configuration: a fixed set of keys, each with a default, read in this
 * order (later wins): the built-in default, a config file of `key = value`
 * lines (# starts a comment), environment variables PREFIX + KEY (the key
 * upper-cased, '-' and '.' as '_'; TOUCHPOINT_ for the server,
 * TOUCHPOINT_KIOSK_ for the kiosk), and values set from the command line.
 * Unknown keys in a file are refused, so a typo is not silently ignored.
 */
#ifndef TP_CONFIG_H
#define TP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct tp_config_key {
	const char *name;
	const char *fallback;   /* default value, may be NULL */
	const char *help;
};

struct tp_config {
	const struct tp_config_key *keys;  /* borrowed, terminated by {NULL} */
	char **values;                     /* owned, one per key */
	size_t count;
};

void tp_config_init(struct tp_config *c, const struct tp_config_key *keys);
void tp_config_release(struct tp_config *c);
/* Reads a file; on failure *err says which line and why (caller frees). */
int tp_config_load_file(struct tp_config *c, const char *path, char **err);
/* Applies the variables named prefix + KEY, e.g. "TOUCHPOINT_" + "DB". */
void tp_config_load_env(struct tp_config *c, const char *prefix);
/* Sets one key (copied); -ENOENT for an unknown key. */
int tp_config_set(struct tp_config *c, const char *key, const char *value);
/* The value, borrowed; NULL when unset with no default. */
const char *tp_config_get(const struct tp_config *c, const char *key);
/* An integer value in [min, max]; *err names the key and the bad value. */
int tp_config_int(const struct tp_config *c, const char *key, int64_t min,
		  int64_t max, int64_t *out, char **err);

#endif
