/*
 * Staff users (admin, worker, viewer) and the `admin create` command that
 * makes the first admin.
 */
#ifndef SRV_USERS_H
#define SRV_USERS_H

#include "resource.h"

extern const struct srv_resource srv_users;

/*
 * Creates a staff user with the given password, or a generated one when
 * password is NULL (copied to *generated, caller frees). Refuses an
 * existing username with -EEXIST.
 */
int srv_user_create(struct srv_store *store, const char *username,
		    const char *display_name, const char *role, const char *password,
		    char **generated, struct tp_error *e);

#endif
