/*
 * Devices: kiosks at the centres and the messaging gateway, each with a
 * bearer token shown once at creation and stored only as a hash. Archiving
 * a device revokes its token for good.
 */
#ifndef SRV_DEVICES_H
#define SRV_DEVICES_H

#include "resource.h"

extern const struct srv_resource srv_devices;

/* Creates a device and its token (*token, caller frees). */
int srv_device_create(struct srv_store *store, const char *name, const char *kind,
		      const char *venue, char **token, struct tp_error *e);

#endif
