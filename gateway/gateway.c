/* The waking and sleeping of the gateway's threads; see gateway.h. */
#include "gateway.h"

#include <errno.h>
#include <time.h>

void gw_wake_forwarder(struct gw_app *app)
{
	pthread_mutex_lock(&app->lock);
	app->events_queued = true;
	pthread_cond_signal(&app->wake_forwarder);
	pthread_mutex_unlock(&app->lock);
}

bool gw_stopping(struct gw_app *app)
{
	pthread_mutex_lock(&app->lock);
	bool stop = app->stopping;
	pthread_mutex_unlock(&app->lock);
	return stop;
}

void gw_sleep(struct gw_app *app, pthread_cond_t *cond, bool *flag, int64_t ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&app->lock);
	while (!app->stopping && !(flag && *flag)) {
		if (pthread_cond_timedwait(cond, &app->lock, &until) == ETIMEDOUT)
			break;
	}
	if (flag)
		*flag = false;
	pthread_mutex_unlock(&app->lock);
}
