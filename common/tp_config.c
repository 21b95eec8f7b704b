/* Configuration from defaults, a file and the environment; see tp_config.h. */
#include "tp_config.h"
#include "tp_alloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tp_config_init(struct tp_config *c, const struct tp_config_key *keys)
{
	c->keys = keys;
	c->count = 0;
	while (keys[c->count].name)
		c->count++;
	c->values = tp_xcalloc(c->count, sizeof *c->values);
	for (size_t i = 0; i < c->count; i++)
		c->values[i] = tp_xstrdup(keys[i].fallback);
}

void tp_config_release(struct tp_config *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->values[i]);
	free(c->values);
	c->values = NULL;
	c->count = 0;
}

static int tp_config_index(const struct tp_config *c, const char *key)
{
	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->keys[i].name, key) == 0)
			return (int)i;
	return -1;
}

int tp_config_set(struct tp_config *c, const char *key, const char *value)
{
	int i = tp_config_index(c, key);
	if (i < 0)
		return -ENOENT;
	free(c->values[i]);
	c->values[i] = tp_xstrdup(value);
	return 0;
}

const char *tp_config_get(const struct tp_config *c, const char *key)
{
	int i = tp_config_index(c, key);
	return i < 0 ? NULL : c->values[i];
}

static char *tp_config_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

int tp_config_load_file(struct tp_config *c, const char *path, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int r = -errno;
		*err = tp_xasprintf("cannot read config file %s: %s", path, strerror(-r));
		return r;
	}
	char line[4096];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			*err = tp_xasprintf("%s:%d: the line is longer than %zu bytes", path,
					    lineno, sizeof line - 2);
			fclose(f);
			return -EINVAL;
		}
		char *s = tp_config_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			*err = tp_xasprintf("%s:%d: expected key = value", path, lineno);
			fclose(f);
			return -EINVAL;
		}
		*eq = '\0';
		char *key = tp_config_trim(s);
		char *value = tp_config_trim(eq + 1);
		if (tp_config_set(c, key, value) < 0) {
			*err = tp_xasprintf("%s:%d: unknown key '%s'", path, lineno, key);
			fclose(f);
			return -EINVAL;
		}
	}
	fclose(f);
	return 0;
}

void tp_config_load_env(struct tp_config *c, const char *prefix)
{
	for (size_t i = 0; i < c->count; i++) {
		char name[128];
		snprintf(name, sizeof name, "%s", prefix);
		size_t n = strlen(name);
		for (const char *k = c->keys[i].name; *k && n + 1 < sizeof name; k++)
			name[n++] = (*k == '-' || *k == '.') ? '_' : (char)toupper((unsigned char)*k);
		name[n] = '\0';
		const char *v = getenv(name);
		if (v)
			tp_config_set(c, c->keys[i].name, v);
	}
}

int tp_config_int(const struct tp_config *c, const char *key, int64_t min,
		  int64_t max, int64_t *out, char **err)
{
	const char *v = tp_config_get(c, key);
	char *end;
	errno = 0;
	long long n = v ? strtoll(v, &end, 10) : 0;
	if (!v || !*v || errno || *end || n < min || n > max) {
		*err = tp_xasprintf("config %s = '%s' must be a whole number from %lld to %lld",
				    key, v ? v : "", (long long)min, (long long)max);
		return -EINVAL;
	}
	*out = n;
	return 0;
}
