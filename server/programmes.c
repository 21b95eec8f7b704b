/* The programme resource; see programmes.h. */
#include "programmes.h"

#include <string.h>

static int srv_programme_check(struct srv_write *wr)
{
	const char *from = json_string_value(json_object_get(wr->row, "starts_on"));
	const char *to = json_string_value(json_object_get(wr->row, "ends_on"));
	if (from && to && strcmp(to, from) < 0)
		return tp_error_set(wr->e, 400, "invalid_field", "ends_on",
				    "is before starts_on");
	return 0;
}

static const struct srv_field srv_programme_fields[] = {
	{ "ref", SRV_F_TEXT, SRV_F_FILTER, 0, 64, NULL, NULL, NULL },
	{ "name", SRV_F_TEXT, SRV_F_REQUIRED, 0, 200, NULL, NULL, NULL },
	{ "starts_on", SRV_F_DATE, 0, 0, 0, NULL, NULL, NULL },
	{ "ends_on", SRV_F_DATE, 0, 0, 0, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

const struct srv_resource srv_programmes = {
	.path = "programmes",
	.entity = "programme",
	.table = "programmes",
	.fields = srv_programme_fields,
	.search = "(name LIKE :q ESCAPE '\\' OR ref LIKE :q ESCAPE '\\')",
	.before_write = srv_programme_check,
};
