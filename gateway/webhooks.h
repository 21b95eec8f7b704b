/*
 * The gateway's HTTP side: the providers' webhooks, health and metrics,
 * and the phone simulator's routes (simulator.h). A webhook is answered
 * 2xx only after its events are on disk in the spool; a bad signature is
 * answered 403 and logged, with nothing kept.
 *
 *   POST /webhooks/twilio          Twilio inbound messages
 *   POST /webhooks/twilio/status   Twilio status callbacks
 *   GET  /webhooks/meta            Meta's verify-token handshake
 *   POST /webhooks/meta            Meta messages and statuses
 *   GET  /healthz, GET /metrics
 */
#ifndef GW_WEBHOOKS_H
#define GW_WEBHOOKS_H

#include "tp_http.h"

int gw_http_dispatch(struct tp_http_request *req);
void gw_http_completed(struct tp_http_request *req, double seconds);

#endif
