/*
 * The kiosk's own database (DATA/kiosk.db): the day's sessions at this
 * venue with their rosters and cards, who has signed in (decided here or
 * learnt from the server), and the outbox of events not yet acknowledged.
 */
#ifndef KIOSK_KSTORE_H
#define KIOSK_KSTORE_H

#include "kiosk.h"

int kiosk_store_open(struct kiosk_app *app, char **err);
void kiosk_store_close(struct kiosk_app *app);

#endif
