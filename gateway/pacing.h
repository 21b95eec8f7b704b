/*
 * How fast the gateway sends: a token bucket per channel (the configured
 * messages per minute, with up to a second's worth in a burst) and the
 * backoff before a failed send is tried again (exponential with jitter, or
 * the provider's Retry-After). The least gap between two messages to one
 * number is kept by the sender from its intents. Pure arithmetic, so tests
 * drive it with their own clock and dice.
 */
#ifndef GW_PACING_H
#define GW_PACING_H

#include <stdint.h>

struct gw_bucket {
	double tokens;
	double capacity;
	double per_ms;            /* tokens added per millisecond */
	int64_t last_ms;
};

/* per_minute <= 0 means no limit. */
void gw_bucket_init(struct gw_bucket *b, int64_t per_minute, int64_t now_ms);
/* Takes a token and returns 0 when a send may start at now_ms; otherwise
 * takes nothing and returns the milliseconds until one is there. */
int64_t gw_bucket_take(struct gw_bucket *b, int64_t now_ms);

/*
 * Seconds before the attempt-th try (1 for the first failure) is repeated:
 * retry_after when the provider gave one (> 0), plus up to a tenth more;
 * else base * 2^(attempt-1), capped at max, times a factor from 0.5 to 1.5
 * set by dice (0-65535, random in use), so that many messages refused at
 * once do not all come back at once. Never less than 1.
 */
int64_t gw_backoff(int64_t attempt, int64_t base, int64_t max, int64_t retry_after,
		   unsigned dice);

#endif
