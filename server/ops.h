/* Operations: health check and Prometheus metrics. */
#ifndef SRV_OPS_H
#define SRV_OPS_H

#include "tp_http.h"

int srv_healthz(struct tp_http_request *req);   /* GET /healthz */
int srv_metrics(struct tp_http_request *req);   /* GET /metrics */

#endif
