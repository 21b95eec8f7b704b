/* In-memory rate limits; see ratelimit.h. */
#include "ratelimit.h"

#include <stdio.h>
#include <string.h>

/* Drops the tries of e that are older than the period. */
static void srv_rate_expire(struct srv_rate_entry *e, int64_t since)
{
	unsigned keep = 0;
	for (unsigned i = 0; i < e->n; i++)
		if (e->at[i] > since)
			e->at[keep++] = e->at[i];
	e->n = keep;
}

bool srv_ratelimit_take(struct srv_ratelimit *rl, const char *key, int64_t now)
{
	pthread_mutex_lock(&rl->lock);
	struct srv_rate_entry *e = NULL, *oldest = &rl->entries[0];
	for (size_t i = 0; i < SRV_RATELIMIT_KEYS; i++) {
		struct srv_rate_entry *c = &rl->entries[i];
		if (c->key[0] && strncmp(c->key, key, sizeof c->key - 1) == 0) {
			e = c;
			break;
		}
		if (c->last < oldest->last)
			oldest = c;
	}
	if (!e) {
		/* A free slot, or the one seen longest ago. */
		e = oldest;
		memset(e, 0, sizeof *e);
		snprintf(e->key, sizeof e->key, "%s", key);
	}
	srv_rate_expire(e, now - rl->period);
	e->last = now;
	unsigned max = rl->max > SRV_RATELIMIT_MAX_TRIES ? SRV_RATELIMIT_MAX_TRIES : rl->max;
	bool allowed = e->n < max;
	if (allowed)
		e->at[e->n++] = now;
	pthread_mutex_unlock(&rl->lock);
	return allowed;
}
