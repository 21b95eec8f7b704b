/* Devices and their tokens; see devices.h. */
#include "devices.h"
#include "auth.h"
#include "tp_alloc.h"
#include "tp_token.h"

#include <stdlib.h>
#include <string.h>

static const char *const srv_device_kinds[] = { "kiosk", "gateway", NULL };

/* The token is made here, shown once in the reply, and kept only hashed. */
static int srv_device_check(struct srv_write *wr)
{
	if (wr->id)
		return 0;
	const char *kind = json_string_value(json_object_get(wr->row, "kind"));
	char *token = tp_token_new(kind && strcmp(kind, "gateway") == 0 ? "tpg_" : "tpk_", 20);
	char hash[65];
	srv_token_hash(token, hash);
	json_object_set_new(wr->vals, "token_hash", json_string(hash));
	json_object_set_new(wr->extra, "token", json_string(token));
	free(token);
	return 0;
}

static const struct srv_field srv_device_fields[] = {
	{ "name", SRV_F_TEXT, SRV_F_REQUIRED, 0, 100, NULL, NULL, NULL },
	{ "kind", SRV_F_ENUM, SRV_F_REQUIRED | SRV_F_FIXED | SRV_F_FILTER, 0, 0, srv_device_kinds, NULL, NULL },
	{ "venue", SRV_F_TEXT, 0, 0, 100, NULL, NULL, NULL },
	{ "last_seen_at", SRV_F_TIME, SRV_F_READONLY, 0, 0, NULL, NULL, NULL },
	{ "token_hash", SRV_F_TEXT, SRV_F_SECRET, 0, 64, NULL, NULL, NULL },
	/* A pending pairing code's expiry, and when the device last paired. */
	{ "pairing_expires_at", SRV_F_TIME, SRV_F_READONLY, 0, 0, NULL, NULL, NULL },
	{ "paired_at", SRV_F_TIME, SRV_F_READONLY, 0, 0, NULL, NULL, "pairing_used_at" },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

const struct srv_resource srv_devices = {
	.path = "devices",
	.entity = "device",
	.table = "devices",
	.fields = srv_device_fields,
	.before_write = srv_device_check,
	.no_restore = true,
	.computed = (const char *const[]){ "token", NULL },
};

int srv_device_create(struct srv_store *store, const char *name, const char *kind,
		      const char *venue, char **token, struct tp_error *e)
{
	json_t *input = json_pack("{s:s, s:s}", "name", name, "kind", kind);
	if (venue)
		json_object_set_new(input, "venue", json_string(venue));
	json_t *extra = json_object();
	struct srv_actor cli;
	srv_actor_cli(&cli, "cli");
	int r = srv_resource_create_in(store, &srv_devices, input, &cli, NULL, extra, e);
	if (r >= 0)
		*token = tp_xstrdup(json_string_value(json_object_get(extra, "token")));
	json_decref(input);
	json_decref(extra);
	return r < 0 ? r : 0;
}
