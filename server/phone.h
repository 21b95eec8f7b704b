/*
 * Signing in by phone. The kiosk shows a session QR that changes every
 * window (tp_session_code.h): a link to /p/<session>.<window>.<code> on
 * this server, which serves a small page (assets/phone/). The server
 * checks the link under the session's key, with one window of grace, and
 * hands the page a ticket good for a few minutes, so that typing a phone
 * number and a code does not race the QR.
 *
 * A phone that signed in before carries a long-lived random cookie, stored
 * hashed and tied to the participant: one tap signs her in. A new phone
 * gives her number and gets a 6-digit one-time code (10 minutes, 5 tries,
 * 3 codes a number an hour); the answer is the same whether or not the
 * number is known, so numbers cannot be probed. There is no messaging
 * gateway yet: in development mode the code is written to the log, and
 * otherwise the log says it could not be sent.
 *
 * Every phone sign-in goes through the check-in decision of checkins.c
 * (method "phone", no device) and shows on the kiosk through the sign-in
 * feed. Nothing sent to a phone names the group or the service: only the
 * session's date and time, and her alias.
 */
#ifndef SRV_PHONE_H
#define SRV_PHONE_H

#include "app.h"

int srv_phone_page(struct tp_http_request *req);     /* GET  /p/{link} */
int srv_phone_asset(struct tp_http_request *req);    /* GET  /phone/{file} */
int srv_phone_link(struct tp_http_request *req);     /* GET  /api/v1/phone/link/{link} */
int srv_phone_checkin(struct tp_http_request *req);  /* POST /api/v1/phone/checkin */
int srv_phone_code(struct tp_http_request *req);     /* POST /api/v1/phone/code */
int srv_phone_verify(struct tp_http_request *req);   /* POST /api/v1/phone/verify */
int srv_phone_forget(struct tp_http_request *req);   /* POST /api/v1/phone/forget */

#endif
