/*
 * A hash map from a pair of 64-bit ids (such as a group and a participant)
 * to a 64-bit value, for tallies over a million rows, where sqlite's
 * GROUP BY would sort them all first. The entries sit in one array in the
 * order they were added (walking them costs what they hold, not the
 * table's size), found through an open-addressing table (linear probing,
 * grown when half full). Keys are never removed one by one; the map can
 * be emptied and reused. Not a general container.
 */
#ifndef TP_IDMAP_H
#define TP_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tp_idmap_entry {
	int64_t a, b;
	int64_t value;
};

struct tp_idmap {
	struct tp_idmap_entry *entries;  /* count of them, in the order added */
	uint32_t *index;                 /* cap slots: entry number + 1, or 0 */
	size_t count, cap;
};

void tp_idmap_init(struct tp_idmap *m);
void tp_idmap_release(struct tp_idmap *m);
/* Empties the map, keeping its room; costs what it held. */
void tp_idmap_clear(struct tp_idmap *m);

/* The value of (a, b), added with value 0 when missing (*added says which;
 * added may be NULL). The pointer is valid until the next tp_idmap_add. */
int64_t *tp_idmap_add(struct tp_idmap *m, int64_t a, int64_t b, bool *added);

/* The value of (a, b), or NULL when there is none. */
int64_t *tp_idmap_find(const struct tp_idmap *m, int64_t a, int64_t b);

/* Walks the entries in the order they were added: start with *i = 0;
 * returns the next entry (borrowed) or NULL at the end. */
const struct tp_idmap_entry *tp_idmap_next(const struct tp_idmap *m, size_t *i);

#endif
