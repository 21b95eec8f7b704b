/* Definition files in a folder; see tp_dir.h. */
#include "tp_dir.h"
#include "tp_alloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tp_dir_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tp_dir_list(const char *dir, const char *suffix, size_t max, char ***names,
		size_t *count, char **err)
{
	*names = NULL;
	*count = 0;
	*err = NULL;
	DIR *d = opendir(dir);
	if (!d) {
		int r = -errno;
		*err = tp_xasprintf("%s: cannot open the folder: %s", dir, strerror(errno));
		return r;
	}
	char **list = tp_xcalloc(max + 1, sizeof *list);
	size_t n = 0, sl = strlen(suffix);
	int r = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= sl || strcmp(de->d_name + len - sl, suffix) != 0)
			continue;
		if (n == max) {
			*err = tp_xasprintf("%s: more than %zu %s files", dir, max, suffix);
			r = -E2BIG;
			break;
		}
		list[n++] = tp_xstrdup(de->d_name);
	}
	closedir(d);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(list[i]);
		free(list);
		return r;
	}
	qsort(list, n, sizeof *list, tp_dir_cmp);
	*names = list;
	*count = n;
	return 0;
}

int tp_file_read(const char *path, size_t cap, char **out, size_t *len, char **err)
{
	*out = NULL;
	*len = 0;
	*err = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		int r = -errno;
		*err = tp_xasprintf("%s: cannot open: %s", path, strerror(errno));
		return r;
	}
	char *buf = tp_xmalloc(cap + 2);
	size_t n = fread(buf, 1, cap + 1, fp);
	bool failed = ferror(fp);
	fclose(fp);
	if (failed || n > cap) {
		free(buf);
		*err = failed ? tp_xasprintf("%s: cannot read the file", path)
			      : tp_xasprintf("%s: larger than %zu bytes", path, cap);
		return failed ? -EIO : -EFBIG;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}
