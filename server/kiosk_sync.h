/*
 * What a kiosk downloads to work on its own: the sessions at its venue for
 * a few days, who is enrolled and who is already signed in, and the cards
 * of the people enrolled (live ones with their alias, revoked ones as bare
 * tokens), plus each session's QR key so the kiosk computes the rotating
 * phone code offline. Nothing more: no phones, notes or references. And
 * the phone sign-ins at its venue today, polled so the kiosk screen shows
 * each one's alias. Both answer kiosk tokens only.
 */
#ifndef SRV_KIOSK_SYNC_H
#define SRV_KIOSK_SYNC_H

#include "app.h"

int srv_kiosk_roster(struct tp_http_request *req);   /* GET /api/v1/kiosk/roster */
int srv_kiosk_signins(struct tp_http_request *req);  /* GET /api/v1/kiosk/signins */

#endif
