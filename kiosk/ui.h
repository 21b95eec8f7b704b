/*
 * The kiosk's local HTTP interface, for its own touch screen only (it
 * listens on localhost): the page and its assets from assets/kiosk/, and a
 * small JSON API the page calls: state, scan, the rotating session QR,
 * forms and feedback, phone sign-ins to announce, and staff mode behind a
 * PIN (roster, sign in by hand, undo, refresh, the queue). Requests that
 * change anything must carry the header "X-Kiosk: 1", which a page from
 * another origin cannot send without a preflight this server never grants.
 */
#ifndef KIOSK_UI_H
#define KIOSK_UI_H

#include "tp_http.h"

int kiosk_ui_dispatch(struct tp_http_request *req);
void kiosk_ui_completed(struct tp_http_request *req, double seconds);

#endif
