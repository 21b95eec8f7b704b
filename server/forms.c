/* The server's loaded forms; see forms.h. */
#include "forms.h"
#include "tp_alloc.h"
#include "tp_buf.h"
#include "tp_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct tp_forms srv_forms;
static char *srv_keys;

int srv_forms_load(const char *assets, char **err)
{
	srv_forms_release();
	char *dir = tp_xasprintf("%s/forms", assets);
	int r = tp_forms_load_dir(dir, &srv_forms, err);
	if (r == 0 && !tp_forms_find(&srv_forms, SRV_DEFAULT_FORM)) {
		*err = tp_xasprintf("%s: there is no %s.json, the feedback form groups use "
				    "by default", dir, SRV_DEFAULT_FORM);
		r = -ENOENT;
	}
	free(dir);
	if (r < 0) {
		tp_forms_release(&srv_forms);
		return r;
	}
	struct tp_buf keys;
	tp_buf_init(&keys, 64 * 1024);
	for (size_t i = 0; i < srv_forms.count; i++)
		tp_buf_printf(&keys, "%s%s", i ? ", " : "", srv_forms.items[i]->key);
	srv_keys = tp_buf_steal(&keys);
	return 0;
}

void srv_forms_release(void)
{
	tp_forms_release(&srv_forms);
	free(srv_keys);
	srv_keys = NULL;
}

const struct tp_form *srv_form_find(const char *key)
{
	return tp_forms_find(&srv_forms, key);
}

const char *srv_form_keys(void)
{
	return srv_keys ? srv_keys : "";
}

int srv_forms_list(struct tp_http_request *req)
{
	json_t *items = json_array();
	for (size_t i = 0; i < srv_forms.count; i++)
		json_array_append_new(items, tp_form_json(srv_forms.items[i]));
	return tp_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

int srv_form_get(struct tp_http_request *req)
{
	const struct tp_form *f = srv_form_find(req->params[0]);
	if (!f)
		return tp_http_reply_error(req, 404, "not_found", "there is no form \"%.40s\" (%s)",
					   req->params[0], srv_form_keys());
	return tp_http_reply_json(req, 200, tp_form_json(f));
}
