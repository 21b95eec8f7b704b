/*
 * Message templates: the texts of assets/templates/, one JSON file each, in
 * zh-HK and en, loaded once at start before any request thread and never
 * changed after (readers need no lock). A malformed file stops the server
 * with the file's name and the reason. Templates are discreet by default:
 * a text that says what the service is (drugs, counselling, the service's
 * name) is refused unless the file says "discreet": false.
 *
 * A template:
 *   {"key": "reminder",
 *    "variables": ["alias", "time", "place"],
 *    "text": {"zh-HK": "{alias}你好，...", "en": "Hi {alias}, ..."},
 *    "buttons": [{"id": "1", "title": {"zh-HK": "確認", "en": "Confirm"}}],  (optional)
 *    "whatsapp": {"name": "tp_reminder", "params": ["alias", "time", "place"]},
 *                                                            (optional: an approved template)
 *    "discreet": true}                                       (optional, true)
 * {name} in a text is replaced by the variable's value; every name used
 * must be declared. Serves GET /api/v1/templates with each text's length
 * in SMS segments (tp_sms) and a warning past two.
 */
#ifndef SRV_TEMPLATES_H
#define SRV_TEMPLATES_H

#include <jansson.h>
#include <stdint.h>

#include "app.h"

/* More SMS segments than this gets a warning. */
#define SRV_TEMPLATE_SEGMENTS_WARN 2

/* Loads every template of <assets>/templates; *err (caller frees) says
 * which file and why. The templates the server sends itself (reminder,
 * session_reminder, code, ...) must be among them. */
int srv_templates_load(const char *assets, char **err);
void srv_templates_release(void);

/*
 * Renders template key in lang ("zh-HK" or "en") with vars (an object of
 * strings, borrowed): *body (caller frees), *wa the WhatsApp template
 * {"name", "language", "params"} or NULL, *buttons [{"id", "title"}] or
 * NULL (new references). -ENOENT when there is no such template.
 */
int srv_template_render(const char *key, const char *lang, json_t *vars, char **body,
			json_t **wa, json_t **buttons);

/* A word in text that would tell anyone who sees her phone what the
 * service is ("drug", "輔導", ...), or NULL. */
const char *srv_revealing_word(const char *text);

/* t as a person reads it in lang: "11月24日(二) 14:00", "Tue 24 Nov 14:00". */
void srv_template_time(int64_t t, const char *lang, char out[64]);

int srv_templates_list(struct tp_http_request *req); /* GET /api/v1/templates */

#endif
