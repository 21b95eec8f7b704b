/* Tests for tp_idmap: counts by pair, keys that differ in one id only,
 * negative and extreme ids, clearing (a small map in a large table and a
 * full one), growth past many doublings with every value kept, and a walk
 * that meets every entry once, in the order added. */
#include "tp_idmap.h"
#include "../tap.h"

#include <stdint.h>
#include <stdlib.h>

static void test_counts(void)
{
	struct tp_idmap m;
	tp_idmap_init(&m);
	ok(tp_idmap_find(&m, 1, 2) == NULL, "an empty map finds nothing");
	bool added;
	(*tp_idmap_add(&m, 1, 2, &added))++;
	ok(added, "the first (1, 2) is added");
	(*tp_idmap_add(&m, 1, 2, &added))++;
	ok(!added, "the second (1, 2) is found");
	(*tp_idmap_add(&m, 2, 1, NULL))++;
	is_int(*tp_idmap_find(&m, 1, 2), 2, "(1, 2) counted twice");
	is_int(*tp_idmap_find(&m, 2, 1), 1, "(2, 1) is another key");
	ok(tp_idmap_find(&m, 1, 1) == NULL, "(1, 1) was never added");
	*tp_idmap_add(&m, INT64_MIN, -1, NULL) = 7;
	*tp_idmap_add(&m, INT64_MAX, 0, NULL) = 8;
	is_int(*tp_idmap_find(&m, INT64_MIN, -1), 7, "extreme and negative ids");
	is_int(*tp_idmap_find(&m, INT64_MAX, 0), 8, "the largest id");
	is_int(m.count, 4, "four keys");
	tp_idmap_clear(&m);
	ok(m.count == 0 && tp_idmap_find(&m, 1, 2) == NULL, "cleared, it finds nothing");
	bool again;
	is_int(*tp_idmap_add(&m, 1, 2, &again), 0, "an added key starts at 0 again");
	ok(again, "and is new");
	tp_idmap_release(&m);
}

static void test_growth_and_walk(void)
{
	struct tp_idmap m;
	tp_idmap_init(&m);
	enum { GROUPS = 37, PEOPLE = 5000 };
	for (int64_t g = 0; g < GROUPS; g++)
		for (int64_t p = 1; p <= PEOPLE; p++)
			*tp_idmap_add(&m, g, p, NULL) += g * 100000 + p;
	is_int(m.count, GROUPS * PEOPLE, "every pair is one key");
	int wrong = 0;
	for (int64_t g = 0; g < GROUPS; g++)
		for (int64_t p = 1; p <= PEOPLE; p++) {
			int64_t *v = tp_idmap_find(&m, g, p);
			wrong += !v || *v != g * 100000 + p;
		}
	is_int(wrong, 0, "every value survives the growth");
	size_t i = 0, n = 0;
	int64_t sum = 0, out_of_order = 0;
	const struct tp_idmap_entry *e;
	while ((e = tp_idmap_next(&m, &i))) {
		out_of_order += e->a != (int64_t)n / PEOPLE || e->b != (int64_t)n % PEOPLE + 1;
		n++;
		sum += e->value - (e->a * 100000 + e->b);
	}
	is_int(n, GROUPS * PEOPLE, "the walk meets every entry");
	is_int(sum, 0, "and each with its own value");
	is_int(out_of_order, 0, "in the order they were added");

	/* A few keys that collide in a table grown large, cleared one by one. */
	tp_idmap_clear(&m);
	for (int64_t p = 0; p < 100; p++)
		*tp_idmap_add(&m, 7, p, NULL) = p + 1;
	tp_idmap_clear(&m);
	int left = 0;
	for (int64_t p = 0; p < 100; p++)
		left += tp_idmap_find(&m, 7, p) != NULL;
	is_int(left, 0, "a small map in a large table clears");
	*tp_idmap_add(&m, 7, 3, NULL) += 5;
	is_int(*tp_idmap_find(&m, 7, 3), 5, "and takes keys again from 0");
	tp_idmap_release(&m);
	ok(m.cap == 0 && tp_idmap_find(&m, 0, 1) == NULL, "released, it is empty again");
}

int main(void)
{
	test_counts();
	test_growth_and_walk();
	return done_testing();
}
