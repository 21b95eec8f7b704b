/*
 * Definition files in a folder (forms, message templates): the sorted names
 * of a folder's files with a given ending, and a whole small file read with
 * a size cap. Errors come back as a message for people naming the path.
 */
#ifndef TP_DIR_H
#define TP_DIR_H

#include <stddef.h>

/*
 * The names (not paths) of the files in dir whose names end in suffix,
 * skipping names that start with '.', sorted bytewise; at most max of them
 * (more is an error). *names and each name are the caller's (free each,
 * then the array). Returns 0, or a negative errno with *err set (caller
 * frees).
 */
int tp_dir_list(const char *dir, const char *suffix, size_t max, char ***names,
		size_t *count, char **err);

/* Reads all of path (NUL-terminated, *len bytes, caller frees *out). A file
 * larger than cap is refused with -EFBIG. *err as above. */
int tp_file_read(const char *path, size_t cap, char **out, size_t *len, char **err);

#endif
