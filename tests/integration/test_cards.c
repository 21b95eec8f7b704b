/*
 * QR cards as a worker prints them: the card SVG from the server, rendered
 * to PNG by rsvg-convert and read back by zbarimg, gives exactly her token;
 * the card shows her alias and nothing that names the service; a group's A4
 * sheet holds every enrolled member's card; a session poster's QR opens a
 * page that names no group; every card export is audited.
 */
#include "../support/testserver.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes svg to a file, renders and decodes it; returns zbarimg's output. */
static char *decode_svg(struct ts_server *srv, const char *svg, const char *name)
{
	char svg_path[400], png_path[400], cmd[1400];
	snprintf(svg_path, sizeof svg_path, "%s/%s.svg", srv->dir, name);
	snprintf(png_path, sizeof png_path, "%s/%s.png", srv->dir, name);
	FILE *f = fopen(svg_path, "w");
	fputs(svg, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "rsvg-convert -w 1600 -b white -o '%s' '%s' && "
		 "zbarimg --raw -q '%s' 2>/dev/null", png_path, svg_path, png_path);
	FILE *p = popen(cmd, "r");
	char *out = calloc(1, 65536);
	size_t n = fread(out, 1, 65535, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct ts_server srv;
	ts_server_prepare(&srv);
	char *pw = ts_create_user(&srv, "amy", "worker");
	ts_server_start(&srv);
	struct ts_client c;
	ts_client_init(&c, &srv);
	ts_client_login(&c, "amy", pw);
	struct ts_response r;

	ts_requestf(&c, "POST", "/api/v1/programmes", &r, "{s:s}", "name", "Drug counselling scheme");
	int64_t programme = ts_int(&r, "id");
	ts_response_release(&r);
	ts_requestf(&c, "POST", "/api/v1/groups", &r, "{s:I, s:s, s:s}", "programme_id",
		    (json_int_t)programme, "name", "親子小組", "kind", "parent_child");
	int64_t group = ts_int(&r, "id");
	ts_response_release(&r);

	char tokens[10][64];
	int64_t ids[10];
	for (int i = 0; i < 10; i++) {
		char alias[32];
		snprintf(alias, sizeof alias, i == 0 ? "陳小姐" : "Mum %d", i);
		ts_requestf(&c, "POST", "/api/v1/participants", &r, "{s:s, s:s}", "alias", alias,
			    "phone", "98765432");
		ids[i] = ts_int(&r, "id");
		snprintf(tokens[i], sizeof tokens[i], "%s", ts_str(&r, "card_token"));
		ts_response_release(&r);
		ts_requestf(&c, "POST", "/api/v1/enrolments", &r, "{s:I, s:I}", "group_id",
			    (json_int_t)group, "participant_id", (json_int_t)ids[i]);
		ts_response_release(&r);
	}
	is_int(strlen(tokens[0]), 32, "a card token is 32 characters (160 bits)");
	ok(strspn(tokens[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == 32,
	   "in uppercase base32, inside the QR alphanumeric set");

	char path[160];
	snprintf(path, sizeof path, "/api/v1/participants/%lld/card.svg", (long long)ids[0]);
	ts_request(&c, "GET", path, NULL, &r);
	is_int(r.status, 200, "her card is served");
	ok(strstr(r.headers, "image/svg+xml") != NULL, "as SVG");
	ok(strstr(r.body, "陳小姐") != NULL, "showing her alias");
	ok(!strstr(r.body, "98765432") && !strstr(r.body, "ounsel") && !strstr(r.body, "rug") &&
	   !strstr(r.body, "親子"), "and no phone, programme or group name");
	char *decoded = decode_svg(&srv, r.body, "card");
	decoded[strcspn(decoded, "\n")] = '\0';
	is_str(decoded, tokens[0], "the printed QR decodes back to exactly her token");
	free(decoded);
	ts_response_release(&r);

	/* Lost card: the reissued one decodes to the new token. */
	snprintf(path, sizeof path, "/api/v1/participants/%lld/card", (long long)ids[1]);
	ts_request(&c, "POST", path, "{}", &r);
	char new_token[64];
	snprintf(new_token, sizeof new_token, "%s", ts_str(&r, "card_token"));
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/participants/%lld/card.svg", (long long)ids[1]);
	ts_request(&c, "GET", path, NULL, &r);
	decoded = decode_svg(&srv, r.body, "reissued");
	decoded[strcspn(decoded, "\n")] = '\0';
	is_str(decoded, new_token, "a reissued card carries the new token");
	snprintf(tokens[1], sizeof tokens[1], "%s", new_token);
	free(decoded);
	ts_response_release(&r);

	/* The A4 sheet: eight cards a page, two pages for ten members. */
	snprintf(path, sizeof path, "/api/v1/groups/%lld/cards.svg", (long long)group);
	ts_request(&c, "GET", path, NULL, &r);
	is_int(r.status, 200, "the group's card sheet is served");
	ok(strstr(r.body, "width=\"210mm\"") && strstr(r.body, "height=\"297mm\""), "on A4");
	decoded = decode_svg(&srv, r.body, "sheet1");
	int found = 0;
	for (int i = 0; i < 10; i++)
		found += strstr(decoded, tokens[i]) != NULL;
	is_int(found, 8, "page 1 holds eight readable cards");
	free(decoded);
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/groups/%lld/cards.svg?page=2", (long long)group);
	ts_request(&c, "GET", path, NULL, &r);
	decoded = decode_svg(&srv, r.body, "sheet2");
	int found2 = 0;
	for (int i = 0; i < 10; i++)
		found2 += strstr(decoded, tokens[i]) != NULL;
	is_int(found2, 2, "page 2 holds the other two");
	free(decoded);
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/groups/%lld/cards.svg?page=3", (long long)group);
	ts_request(&c, "GET", path, NULL, &r);
	is_int(r.status, 404, "there is no page 3");
	ts_response_release(&r);

	/* A session poster's QR opens a page that names the time, not the group. */
	ts_requestf(&c, "POST", "/api/v1/sessions", &r, "{s:I, s:s, s:s}", "group_id",
		    (json_int_t)group, "starts_at", "2026-12-01T14:00", "ends_at", "2026-12-01T16:00");
	int64_t session = ts_int(&r, "id");
	ok(!json_object_get(r.json, "qr_key"), "the session's QR key is not shown in the API");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/qr.svg", (long long)session);
	ts_request(&c, "GET", path, NULL, &r);
	decoded = decode_svg(&srv, r.body, "poster");
	decoded[strcspn(decoded, "\n")] = '\0';
	char prefix[128];
	snprintf(prefix, sizeof prefix, "%s/s/", srv.base);
	ok(strncmp(decoded, prefix, strlen(prefix)) == 0, "the poster QR is a link to this server");
	ts_response_release(&r);
	struct ts_client phone;
	ts_client_init(&phone, &srv);
	ts_request(&phone, "GET", decoded + strlen(srv.base), NULL, &r);
	is_int(r.status, 200, "a phone opens it without signing in");
	ok(strstr(r.body, "2026-12-01 14:00") != NULL, "it shows the session's time");
	ok(!strstr(r.body, "親子") && !strstr(r.body, "rug"), "but not the group or the service");
	ts_response_release(&r);
	ts_request(&phone, "GET", "/s/NOTAKEY", NULL, &r);
	is_int(r.status, 404, "an unknown poster code says it is not valid");
	ts_response_release(&r);
	ts_client_release(&phone);
	free(decoded);

	ts_client_release(&c);
	char *admin_pw = ts_create_user(&srv, "boss", "admin");
	struct ts_client admin;
	ts_client_init(&admin, &srv);
	ts_client_login(&admin, "boss", admin_pw);
	ts_request(&admin, "GET", "/api/v1/audit?entity=participant", NULL, &r);
	int exports = 0;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(r.json, "items"), i, item)
		exports += strcmp(json_string_value(json_object_get(item, "action")), "export_card") == 0;
	is_int(exports, 2, "each card printed is in the audit log");
	ts_response_release(&r);
	ts_request(&admin, "GET", "/api/v1/audit?entity=group", NULL, &r);
	exports = 0;
	json_array_foreach(json_object_get(r.json, "items"), i, item)
		exports += strcmp(json_string_value(json_object_get(item, "action")), "export_cards") == 0;
	is_int(exports, 2, "and each sheet");
	ts_response_release(&r);
	ts_client_release(&admin);
	free(admin_pw);
	free(pw);
	is_int(ts_server_stop(&srv), 0, "the server stops cleanly");
	ts_server_cleanup(&srv);
	curl_global_cleanup();
	return done_testing();
}
