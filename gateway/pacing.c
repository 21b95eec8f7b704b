/* Send rates and backoff; see pacing.h. */
#include "pacing.h"

void gw_bucket_init(struct gw_bucket *b, int64_t per_minute, int64_t now_ms)
{
	b->per_ms = per_minute > 0 ? (double)per_minute / 60000.0 : 0;
	b->capacity = per_minute > 60 ? (double)per_minute / 60.0 : 1.0;
	b->tokens = b->capacity;
	b->last_ms = now_ms;
}

int64_t gw_bucket_take(struct gw_bucket *b, int64_t now_ms)
{
	if (b->per_ms <= 0)
		return 0;
	if (now_ms > b->last_ms) {
		b->tokens += (double)(now_ms - b->last_ms) * b->per_ms;
		if (b->tokens > b->capacity)
			b->tokens = b->capacity;
		b->last_ms = now_ms;
	}
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 0;
	}
	int64_t wait = (int64_t)((1.0 - b->tokens) / b->per_ms) + 1;
	return wait > 0 ? wait : 1;
}

int64_t gw_backoff(int64_t attempt, int64_t base, int64_t max, int64_t retry_after,
		   unsigned dice)
{
	dice &= 0xffff;
	if (retry_after > 0)
		return retry_after + (retry_after * (int64_t)dice) / (10 * 65536);
	if (base < 1)
		base = 1;
	if (max < base)
		max = base;
	int64_t wait = base;
	for (int64_t i = 1; i < attempt && wait < max; i++)
		wait *= 2;
	if (wait > max)
		wait = max;
	wait = wait / 2 + (wait * (int64_t)dice) / 65536;
	return wait < 1 ? 1 : wait;
}
