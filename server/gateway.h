/*
 * The gateway's API (README "Gateway API", the server <-> gateway contract
 * v1), for a device of kind gateway alone: claim due messages with a lease,
 * report the outcome of one send, hand in the provider's status callbacks
 * and inbound texts. Every call is safe to repeat: a repeated report for
 * the same lease gets the same answer, statuses only move forward, and an
 * inbound text is kept once per provider message id, for good.
 *
 * What an inbound text means (a confirmation, an answer, STOP) is decided
 * by the conversation engine, not here.
 */
#ifndef SRV_GATEWAY_H
#define SRV_GATEWAY_H

#include "app.h"

int srv_gateway_claim(struct tp_http_request *req);   /* POST /gateway/claim */
int srv_gateway_result(struct tp_http_request *req);  /* POST /gateway/messages/{id}/result */
int srv_gateway_events(struct tp_http_request *req);  /* POST /gateway/events */

#endif
