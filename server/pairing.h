/*
 * Kiosk pairing: an admin makes a one-time code for a device (8 base32
 * characters shown as XXXX-XXXX, valid 15 minutes, only its hash kept),
 * shown as text and as a QR code; the kiosk exchanges it once, through a
 * public, rate-limited route, for a new bearer token of its own. The old
 * token stops working at that moment. Archiving the device (revoking it)
 * stops it at its next call, as for any device.
 */
#ifndef SRV_PAIRING_H
#define SRV_PAIRING_H

#include "app.h"

int srv_pairing_create(struct tp_http_request *req); /* POST /api/v1/devices/{id}/pairing */
int srv_pairing_svg(struct tp_http_request *req);    /* GET  /api/v1/devices/{id}/pairing.svg */
int srv_pair(struct tp_http_request *req);           /* POST /api/v1/pair (public) */

#endif
