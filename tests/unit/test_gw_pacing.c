/* Tests for the gateway's pacing: the per-channel token bucket and the
 * retry backoff (exponential, jittered, capped, Retry-After honoured). */
#include "pacing.h"
#include "../tap.h"

static void test_bucket(void)
{
	struct gw_bucket b;
	gw_bucket_init(&b, 60, 1000);   /* one a second */
	is_int(gw_bucket_take(&b, 1000), 0, "the first send goes at once");
	int64_t wait = gw_bucket_take(&b, 1000);
	ok(wait > 900 && wait <= 1001, "the second waits about a second (%lld ms)", (long long)wait);
	is_int(gw_bucket_take(&b, 1500), 500 + 1, "half a second later, half a second more");
	is_int(gw_bucket_take(&b, 2001), 0, "a second later it goes");
	/* A burst of at most a second's worth. */
	gw_bucket_init(&b, 600, 0);     /* ten a second */
	int n = 0;
	while (gw_bucket_take(&b, 0) == 0 && n < 100)
		n++;
	is_int(n, 10, "600 a minute allows a burst of 10");
	is_int(gw_bucket_take(&b, 100), 0, "and one more each 100 ms");
	ok(gw_bucket_take(&b, 100) > 0, "not two");
	gw_bucket_init(&b, 0, 0);
	for (n = 0; n < 1000 && gw_bucket_take(&b, 0) == 0; n++)
		;
	is_int(n, 1000, "0 per minute means no limit");
}

static void test_backoff(void)
{
	/* dice 32768 is the middle: the factor is 1. */
	is_int(gw_backoff(1, 30, 3600, 0, 32768), 30, "first retry: the base");
	is_int(gw_backoff(2, 30, 3600, 0, 32768), 60, "then doubled");
	is_int(gw_backoff(5, 30, 3600, 0, 32768), 480, "and doubled again (30 * 2^4)");
	is_int(gw_backoff(20, 30, 3600, 0, 32768), 3600, "capped at the most");
	is_int(gw_backoff(1, 30, 3600, 0, 0), 15, "the lowest die halves it");
	is_int(gw_backoff(1, 30, 3600, 0, 65535), 44, "the highest makes it about 1.5 times");
	int64_t lo = 1 << 30, hi = 0;
	for (unsigned d = 0; d < 65536; d += 97) {
		int64_t w = gw_backoff(3, 10, 3600, 0, d);
		lo = w < lo ? w : lo;
		hi = w > hi ? w : hi;
	}
	ok(lo >= 20 && hi <= 60 && hi - lo >= 30, "jitter spreads retries between %lld and %lld s",
	   (long long)lo, (long long)hi);
	is_int(gw_backoff(1, 30, 3600, 120, 0), 120, "Retry-After is honoured");
	ok(gw_backoff(1, 30, 3600, 120, 65535) <= 132, "with at most a tenth more");
	ok(gw_backoff(1, 30, 3600, 2, 65535) >= 2, "never less than Retry-After");
	is_int(gw_backoff(1, 1, 1, 0, 0), 1, "never less than a second");
}

int main(void)
{
	test_bucket();
	test_backoff();
	return done_testing();
}
