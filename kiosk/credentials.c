/* The kiosk's credentials file; see credentials.h. */
#include "credentials.h"
#include "tp_alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int kiosk_credentials_load(const char *dir, struct kiosk_credentials *c, char **err)
{
	memset(c, 0, sizeof *c);
	char *path = tp_xasprintf("%s/credentials.json", dir);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (!root) {
		int r = access(path, F_OK) == 0 ? -EINVAL : -ENOENT;
		*err = r == -ENOENT
			? tp_xasprintf("this kiosk is not paired yet: run touchpoint-kiosk "
				       "pair SERVER-URL CODE (data folder %s)", dir)
			: tp_xasprintf("%s: %s", path, jerr.text);
		free(path);
		return r;
	}
	const char *server = json_string_value(json_object_get(root, "server"));
	const char *token = json_string_value(json_object_get(root, "token"));
	if (!server || !token) {
		*err = tp_xasprintf("%s: server and token are missing", path);
		json_decref(root);
		free(path);
		return -EINVAL;
	}
	c->server = tp_xstrdup(server);
	c->token = tp_xstrdup(token);
	c->device_id = json_integer_value(json_object_get(root, "device_id"));
	c->name = tp_xstrdup(json_string_value(json_object_get(root, "name")));
	c->venue = tp_xstrdup(json_string_value(json_object_get(root, "venue")));
	json_decref(root);
	free(path);
	return 0;
}

int kiosk_credentials_save(const char *dir, const struct kiosk_credentials *c, char **err)
{
	json_t *root = json_pack("{s:s, s:s, s:I, s:s?, s:s?}", "server", c->server, "token",
				 c->token, "device_id", (json_int_t)c->device_id, "name", c->name,
				 "venue", c->venue);
	char *text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	char *path = tp_xasprintf("%s/credentials.json", dir);
	char *tmp = tp_xasprintf("%s/.credentials.json.tmp", dir);
	int r = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
	} else {
		size_t len = strlen(text);
		if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
			r = -EIO;
		close(fd);
		if (r == 0 && rename(tmp, path) < 0)
			r = -errno;
	}
	if (r < 0) {
		*err = tp_xasprintf("cannot write %s: %s", path, strerror(-r));
		unlink(tmp);
	}
	free(text);
	free(path);
	free(tmp);
	return r;
}

void kiosk_credentials_release(struct kiosk_credentials *c)
{
	free(c->server);
	free(c->token);
	free(c->name);
	free(c->venue);
	memset(c, 0, sizeof *c);
}
