/*
 * The kiosk's credentials: the server's address and the bearer token that
 * pairing gave it. Written atomically (temporary file, fsync, rename) with
 * mode 0600, since the token lets anyone sign people in as this kiosk.
 */
#ifndef KIOSK_CREDENTIALS_H
#define KIOSK_CREDENTIALS_H

#include "kiosk.h"

/* Reads DIR/credentials.json; -ENOENT when the kiosk is not paired yet. */
int kiosk_credentials_load(const char *dir, struct kiosk_credentials *c, char **err);
int kiosk_credentials_save(const char *dir, const struct kiosk_credentials *c, char **err);
void kiosk_credentials_release(struct kiosk_credentials *c);

#endif
