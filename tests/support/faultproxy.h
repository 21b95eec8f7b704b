/*
 * A fault-injecting HTTP proxy for tests: it stands between a daemon and the
 * real server on loopback and forwards every request, unless told to answer
 * 500, to drop the connection, or to hold the answer of a request it has
 * already forwarded (so a test can kill the caller while the server has
 * acted but the caller has not heard back). It fakes nothing of the
 * server: every answer it passes on is the server's own.
 */
#ifndef TS_FAULTPROXY_H
#define TS_FAULTPROXY_H

#include <stdbool.h>

enum fp_mode {
	FP_FORWARD,     /* pass requests through */
	FP_FAIL_500,    /* answer 500 without forwarding */
	FP_DROP,        /* close the connection without an answer */
};

struct fp_proxy;

/* Starts a proxy on 127.0.0.1 (free port) in front of target ("http://..."). */
struct fp_proxy *fp_start(const char *target);
void fp_stop(struct fp_proxy *p);
int fp_port(const struct fp_proxy *p);
void fp_set_mode(struct fp_proxy *p, enum fp_mode mode);
/* After the next n forwarded requests, forward the one after but hold its
 * answer until fp_release. */
void fp_hold_after(struct fp_proxy *p, int n);
/* Waits (up to seconds) until a request is being held; true if one is. */
bool fp_wait_holding(struct fp_proxy *p, int seconds);
/* Lets a held request go (its answer is dropped if the caller is gone). */
void fp_release(struct fp_proxy *p);
/* Requests forwarded to the server so far. */
int fp_forwarded(struct fp_proxy *p);

#endif
