/* Pair-keyed hash map; see tp_idmap.h. */
#include "tp_idmap.h"
#include "tp_alloc.h"
#include "tp_log.h"

#include <stdlib.h>
#include <string.h>

void tp_idmap_init(struct tp_idmap *m)
{
	memset(m, 0, sizeof *m);
}

void tp_idmap_release(struct tp_idmap *m)
{
	free(m->entries);
	free(m->index);
	memset(m, 0, sizeof *m);
}

/* splitmix64's finaliser over both ids: ids that differ in low bits only
 * (consecutive rowids) spread over the whole table. */
static size_t tp_idmap_hash(int64_t a, int64_t b)
{
	uint64_t z = (uint64_t)a * 0x9e3779b97f4a7c15u ^ (uint64_t)b;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return (size_t)(z ^ (z >> 31));
}

/* The slot holding (a, b), or the empty slot where it would go. */
static size_t tp_idmap_slot(const struct tp_idmap *m, int64_t a, int64_t b)
{
	size_t mask = m->cap - 1, i = tp_idmap_hash(a, b) & mask;
	while (m->index[i]) {
		const struct tp_idmap_entry *e = &m->entries[m->index[i] - 1];
		if (e->a == a && e->b == b)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

void tp_idmap_clear(struct tp_idmap *m)
{
	if (m->count * 8 >= m->cap) {
		if (m->cap)
			memset(m->index, 0, m->cap * sizeof *m->index);
	} else {
		/* Each entry's own slot: probe for its number, not for an empty
		 * slot, since slots before it may be emptied already. */
		size_t mask = m->cap - 1;
		for (size_t n = 0; n < m->count; n++) {
			size_t i = tp_idmap_hash(m->entries[n].a, m->entries[n].b) & mask;
			while (m->index[i] != n + 1)
				i = (i + 1) & mask;
			m->index[i] = 0;
		}
	}
	m->count = 0;
}

static void tp_idmap_grow(struct tp_idmap *m)
{
	if (m->cap >= (size_t)UINT32_MAX) {
		tp_error("tp_idmap: more than %u entries", UINT32_MAX / 2);
		abort();
	}
	free(m->index);
	m->cap = m->cap ? m->cap * 2 : 64;
	m->index = tp_xcalloc(m->cap, sizeof *m->index);
	m->entries = tp_xrealloc(m->entries, m->cap / 2 * sizeof *m->entries);
	for (size_t n = 0; n < m->count; n++)
		m->index[tp_idmap_slot(m, m->entries[n].a, m->entries[n].b)] = (uint32_t)(n + 1);
}

int64_t *tp_idmap_add(struct tp_idmap *m, int64_t a, int64_t b, bool *added)
{
	if ((m->count + 1) * 2 > m->cap)
		tp_idmap_grow(m);
	size_t i = tp_idmap_slot(m, a, b);
	bool fresh = !m->index[i];
	if (fresh) {
		m->entries[m->count] = (struct tp_idmap_entry){ a, b, 0 };
		m->index[i] = (uint32_t)++m->count;
	}
	if (added)
		*added = fresh;
	return &m->entries[m->index[i] - 1].value;
}

int64_t *tp_idmap_find(const struct tp_idmap *m, int64_t a, int64_t b)
{
	if (!m->cap)
		return NULL;
	size_t i = tp_idmap_slot(m, a, b);
	return m->index[i] ? &m->entries[m->index[i] - 1].value : NULL;
}

const struct tp_idmap_entry *tp_idmap_next(const struct tp_idmap *m, size_t *i)
{
	return *i < m->count ? &m->entries[(*i)++] : NULL;
}
