/* Staff users; see users.h. */
#include "users.h"
#include "auth.h"
#include "tp_alloc.h"
#include "tp_password.h"

#include <errno.h>
#include <stdlib.h>

static const char *const srv_roles[] = { "admin", "worker", "viewer", NULL };

static const struct srv_field srv_user_fields[] = {
	{ "username", SRV_F_TEXT, SRV_F_REQUIRED | SRV_F_FIXED, 0, 64, NULL, NULL, NULL },
	{ "display_name", SRV_F_TEXT, 0, 0, 100, NULL, NULL, NULL },
	{ "role", SRV_F_ENUM, SRV_F_REQUIRED | SRV_F_FILTER, 0, 0, srv_roles, NULL, NULL },
	{ "password", SRV_F_PASSWORD, SRV_F_REQUIRED, 0, 0, NULL, NULL, "password_hash" },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

const struct srv_resource srv_users = {
	.path = "users",
	.entity = "staff_user",
	.table = "staff_users",
	.fields = srv_user_fields,
	.search = "(username LIKE :q ESCAPE '\\' OR display_name LIKE :q ESCAPE '\\')",
};

int srv_user_create(struct srv_store *store, const char *username,
		    const char *display_name, const char *role, const char *password,
		    char **generated, struct tp_error *e)
{
	char *made = password ? NULL : tp_password_generate();
	json_t *input = json_pack("{s:s, s:s, s:s}", "username", username, "role", role,
				  "password", password ? password : made);
	if (display_name)
		json_object_set_new(input, "display_name", json_string(display_name));
	struct srv_actor cli;
	srv_actor_cli(&cli, "cli");
	int r = srv_resource_create_in(store, &srv_users, input, &cli, NULL, NULL, e);
	json_decref(input);
	if (r < 0) {
		free(made);
		return r;
	}
	if (generated)
		*generated = made;
	else
		free(made);
	return 0;
}
