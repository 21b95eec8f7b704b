/*
 * The phone simulator of the console adapter, for development and the
 * demo (GET /simulator): pick a number, see its thread of messages (with
 * WhatsApp's reply buttons), type a reply. A reply becomes an inbound
 * event with provider "console", spooled and forwarded like a provider's.
 * Opening a thread marks its messages read, as a phone would. Served only
 * while the console adapter sends on some channel.
 *
 *   GET  /simulator                 the page (assets/gateway/)
 *   GET  /simulator/api/threads     numbers with messages
 *   GET  /simulator/api/thread?number=+852...
 *   POST /simulator/api/reply       {"number", "text", "button_id", "channel"}
 */
#ifndef GW_SIMULATOR_H
#define GW_SIMULATOR_H

#include "tp_http.h"

int gw_sim_page(struct tp_http_request *req);
int gw_sim_file(struct tp_http_request *req);
int gw_sim_threads(struct tp_http_request *req);
int gw_sim_thread(struct tp_http_request *req);
int gw_sim_reply(struct tp_http_request *req);

#endif
