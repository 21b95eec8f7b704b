/*
 * Participants: a display alias (not necessarily the legal name), a phone
 * (E.164), the channel and language for messages, consent, and a card. A
 * new participant gets her first card at once.
 */
#ifndef SRV_PARTICIPANTS_H
#define SRV_PARTICIPANTS_H

#include "resource.h"

extern const struct srv_resource srv_participants;

#endif
