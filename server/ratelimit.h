/*
 * A small in-memory rate limit: at most max tries per period seconds for
 * one key (a client address), counted over a sliding window. It guards the
 * public routes where guessing is the attack (pairing codes). It holds a
 * bounded number of keys, forgetting the least recently seen first, and
 * forgets everything on restart; it is not a defence against an attacker
 * with many addresses.
 */
#ifndef SRV_RATELIMIT_H
#define SRV_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define SRV_RATELIMIT_KEYS 256
#define SRV_RATELIMIT_MAX_TRIES 16

struct srv_rate_entry {
	char key[64];
	int64_t at[SRV_RATELIMIT_MAX_TRIES];  /* the tries within the period, oldest first */
	unsigned n;
	int64_t last;
};

struct srv_ratelimit {
	pthread_mutex_t lock;
	unsigned max;                           /* 1..SRV_RATELIMIT_MAX_TRIES */
	int64_t period;                         /* seconds */
	struct srv_rate_entry entries[SRV_RATELIMIT_KEYS];
};

#define SRV_RATELIMIT_INIT(max_, period_) \
	{ .lock = PTHREAD_MUTEX_INITIALIZER, .max = (max_), .period = (period_) }

/* Counts a try for key at now: true when it is within the limit, false when
 * the key has used up its tries (the refused try is not counted). */
bool srv_ratelimit_take(struct srv_ratelimit *rl, const char *key, int64_t now);

#endif
