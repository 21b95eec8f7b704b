/*
 * QR cards and posters. A card carries one random token (160 bits, base32,
 * in QR alphanumeric mode) and shows the participant's alias and the QR,
 * nothing else: no phone, no service name. Reissuing revokes the old token
 * at once. Sheets of cards for a group print on A4; a session's poster QR
 * is an SVG too.
 */
#ifndef SRV_CARDS_H
#define SRV_CARDS_H

#include <sqlite3.h>
#include <stdint.h>

#include "app.h"

/* Revokes the participant's live card (if any) and issues a new token,
 * copied to token (at least 33 bytes). Runs on the writer, in a transaction. */
int srv_card_issue(sqlite3 *w, int64_t participant_id, char *token);

int srv_card_svg(struct tp_http_request *req);        /* GET  participants/{id}/card.svg */
int srv_card_reissue(struct tp_http_request *req);    /* POST participants/{id}/card */
int srv_group_cards_svg(struct tp_http_request *req); /* GET  groups/{id}/cards.svg */
int srv_session_qr_svg(struct tp_http_request *req);  /* GET  sessions/{id}/qr.svg */

#endif
