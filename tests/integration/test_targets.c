/*
 * Agreed levels over the API: a worker sets G1's enrolled level to 40
 * (created), again (unchanged), to 45 (updated, the audit keeps 40), a
 * kind's retention and the programme's satisfaction; the report carries
 * the level; a viewer reads them and may not change them; bad input is
 * refused with the field named and nothing written; a removed level leaves
 * the report and stays in the audit log.
 */
#include "../support/testserver.h"
#include "../tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ts_server srv;
static struct ts_client admin, worker, viewer;
static json_int_t p1, p2, g1;

static void load(void)
{
	ts_import(&worker, "programmes", "ref,name\nP1,Programme one\nP2,Programme two\n");
	ts_import(&worker, "groups", "ref,programme_ref,name,kind\nG1,P1,Tuesday group,counselling\n");
	p1 = ts_id_of(&admin, "programmes", "P1");
	p2 = ts_id_of(&admin, "programmes", "P2");
	g1 = ts_id_of(&admin, "groups", "G1");
	char path[80];
	snprintf(path, sizeof path, "/api/v1/programmes/%lld/archive", (long long)p2);
	struct ts_response r;
	ts_request(&admin, "POST", path, "{}", &r);
	if (r.status != 200)
		bail_out("archive P2: %ld %s", r.status, r.body);
	ts_response_release(&r);
}

static void put(struct ts_client *c, const char *scope, const char *indicator, double level,
		struct ts_response *r)
{
	ts_requestf(c, "PUT", "/api/v1/targets", r, "{s:I, s:s, s:s, s:f}", "programme_id", p1,
		    "scope", scope, "indicator", indicator, "level", level);
}

static json_int_t count_targets(void)
{
	struct ts_response r;
	ts_request(&viewer, "GET", "/api/v1/targets", NULL, &r);
	json_int_t n = (json_int_t)json_array_size(json_object_get(r.json, "items"));
	ts_response_release(&r);
	return n;
}

/* The newest audit entry about targets (caller decrefs), or NULL. */
static json_t *last_audit(void)
{
	struct ts_response r;
	ts_request(&admin, "GET", "/api/v1/audit?entity=target&limit=1", NULL, &r);
	json_t *e = json_incref(json_array_get(json_object_get(r.json, "items"), 0));
	ts_response_release(&r);
	return e;
}

/* The target column of the report's row (programme P1). */
static char *report_target(const char *scope, const char *indicator)
{
	struct ts_response r;
	ts_request(&viewer, "GET", "/api/v1/indicators?programme=P1", NULL, &r);
	char *out = strdup("none");
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(r.json, "rows"), i, row) {
		if (strcmp(json_string_value(json_object_get(row, "scope")), scope) == 0 &&
		    strcmp(json_string_value(json_object_get(row, "indicator")), indicator) == 0) {
			free(out);
			json_t *t = json_object_get(row, "target");
			char buf[32];
			snprintf(buf, sizeof buf, "%g", json_number_value(t));
			out = strdup(json_is_null(t) ? "null" : buf);
		}
	}
	ts_response_release(&r);
	return out;
}

static json_int_t test_put(void)
{
	struct ts_response r;
	put(&worker, "G1", "enrolled", 40, &r);
	is_int(r.status, 201, "a worker sets G1's enrolled level: created");
	is_str(ts_str(&r, "result"), "created", "result: created");
	is_str(ts_str(&r, "scope"), "G1", "scope G1");
	is_str(ts_str(&r, "scope_type"), "group", "a group's level");
	is_int(ts_int(&r, "group_id"), g1, "with the group's id");
	is_str(ts_str(&r, "programme_ref"), "P1", "and the programme's ref");
	ok(json_number_value(json_object_get(r.json, "level")) == 40, "level 40");
	is_str(ts_str(&r, "unit"), "number", "a count's level is a number");
	json_int_t id = ts_int(&r, "id");
	ts_response_release(&r);
	json_t *a = last_audit();
	is_str(json_string_value(json_object_get(a, "action")), "create", "audited as create");
	json_int_t audit_id = json_integer_value(json_object_get(a, "id"));
	json_decref(a);

	put(&worker, "G1", "enrolled", 40, &r);
	is_int(r.status, 200, "the same level again: 200");
	is_str(ts_str(&r, "result"), "unchanged", "result: unchanged");
	is_int(ts_int(&r, "id"), id, "the same target");
	ts_response_release(&r);
	a = last_audit();
	is_int(json_integer_value(json_object_get(a, "id")), audit_id, "nothing to audit");
	json_decref(a);

	put(&worker, "G1", "enrolled", 45, &r);
	is_int(r.status, 200, "a new level: 200");
	is_str(ts_str(&r, "result"), "updated", "result: updated");
	ts_response_release(&r);
	a = last_audit();
	json_t *d = json_object_get(a, "detail");
	is_str(json_string_value(json_object_get(a, "action")), "update", "audited as update");
	ok(json_number_value(json_object_get(d, "level_before")) == 40 &&
	   json_number_value(json_object_get(d, "level")) == 45, "with the level before and after");
	json_decref(a);

	put(&admin, "counselling", "retention", 70, &r);
	is_int(r.status, 201, "an admin sets the counselling kind's retention");
	is_str(ts_str(&r, "scope_type"), "kind", "a kind's level");
	ok(json_is_null(json_object_get(r.json, "group_id")), "no group id");
	is_str(ts_str(&r, "unit"), "percent", "retention's level is a percentage");
	ts_response_release(&r);
	put(&worker, "*", "satisfaction.positive", 90, &r);
	is_int(r.status, 201, "the programme's satisfaction level");
	is_str(ts_str(&r, "scope_type"), "programme", "scope * is the programme");
	ts_response_release(&r);

	char *t = report_target("P1/group:G1", "enrolled");
	is_str(t, "45", "the report sets G1's enrolled against 45");
	free(t);
	t = report_target("P1/kind:counselling", "retention");
	is_str(t, "70", "and the kind's retention against 70");
	free(t);
	return id;
}

static void test_list(void)
{
	struct ts_response r;
	char path[80];
	snprintf(path, sizeof path, "/api/v1/targets?programme_id=%lld", (long long)p1);
	ts_request(&viewer, "GET", path, NULL, &r);
	is_int(r.status, 200, "a viewer lists the levels");
	json_t *items = json_object_get(r.json, "items");
	char got[200] = "";
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s %s %g", i ? "; " : "",
			 json_string_value(json_object_get(it, "scope")),
			 json_string_value(json_object_get(it, "indicator")),
			 json_number_value(json_object_get(it, "level")));
	is_str(got, "* satisfaction.positive 90; G1 enrolled 45; counselling retention 70",
	       "the programme's levels, its own first");
	ts_response_release(&r);
	snprintf(path, sizeof path, "/api/v1/targets?programme_id=%lld", (long long)p2);
	ts_request(&viewer, "GET", path, NULL, &r);
	is_int(json_array_size(json_object_get(r.json, "items")), 0, "P2 has none");
	ts_response_release(&r);
	ts_request(&viewer, "GET", "/api/v1/targets?programme_id=x", NULL, &r);
	is_int(r.status, 400, "a bad programme_id is refused");
	is_str(ts_error_field(&r), "programme_id", "and named");
	ts_response_release(&r);

	put(&viewer, "G1", "enrolled", 50, &r);
	is_int(r.status, 403, "a viewer may not set a level");
	ts_response_release(&r);
	ts_request(&viewer, "DELETE", "/api/v1/targets/1", NULL, &r);
	is_int(r.status, 403, "nor remove one");
	ts_response_release(&r);
}

static void test_refused(void)
{
	char body[300];
	snprintf(body, sizeof body, "{\"programme_id\": %lld, \"scope\": \"G1\","
		 " \"indicator\": \"enrolled\"", (long long)p1);
	struct {
		const char *json;  /* appended to body, or a whole body when it starts with { */
		const char *field;
	} bad[] = {
		{ ", \"level\": 0}", "level" },
		{ ", \"level\": -3}", "level" },
		{ ", \"level\": \"40\"}", "level" },
		{ "}", "level" },
		{ ", \"level\": 40, \"target\": 40}", "target" },
		{ "{\"scope\": \"G1\", \"indicator\": \"enrolled\", \"level\": 40}", "programme_id" },
		{ "{\"programme_id\": 999, \"scope\": \"G1\", \"indicator\": \"enrolled\", \"level\": 4}",
		  "programme_id" },
		{ NULL, "programme_id" },   /* archived P2 */
		{ "{\"programme_id\": 1, \"scope\": \"G9\", \"indicator\": \"enrolled\", \"level\": 4}",
		  "scope" },
		{ "{\"programme_id\": 1, \"scope\": \"\", \"indicator\": \"enrolled\", \"level\": 4}",
		  "scope" },
		{ "{\"programme_id\": 1, \"scope\": \"G1\", \"indicator\": \"enroled\", \"level\": 4}",
		  "indicator" },
		{ "{\"programme_id\": 1, \"scope\": \"*\", \"indicator\": \"phq9.positive\", \"level\": 4}",
		  "indicator" },
	};
	json_int_t before = count_targets();
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[400];
		if (!bad[i].json)
			snprintf(text, sizeof text, "{\"programme_id\": %lld, \"scope\": \"*\","
				 " \"indicator\": \"enrolled\", \"level\": 4}", (long long)p2);
		else if (bad[i].json[0] == '{')
			snprintf(text, sizeof text, "%s", bad[i].json);
		else
			snprintf(text, sizeof text, "%s%s", body, bad[i].json);
		struct ts_response r;
		ts_request(&worker, "PUT", "/api/v1/targets", text, &r);
		is_int(r.status, 400, "refused: %s", text);
		is_str(ts_error_field(&r), bad[i].field, "the field is named: %s", bad[i].field);
		ts_response_release(&r);
	}
	is_int(count_targets(), before, "nothing was written");
	char *t = report_target("P1/group:G1", "enrolled");
	is_str(t, "45", "G1's level is still 45");
	free(t);
}

static void test_delete(json_int_t id)
{
	char path[80];
	snprintf(path, sizeof path, "/api/v1/targets/%lld", (long long)id);
	struct ts_response r;
	ts_request(&worker, "DELETE", path, NULL, &r);
	is_int(r.status, 200, "a worker removes G1's enrolled level");
	is_str(ts_str(&r, "result"), "deleted", "result: deleted");
	ts_response_release(&r);
	char *t = report_target("P1/group:G1", "enrolled");
	is_str(t, "null", "the report has no level for it now");
	free(t);
	is_int(count_targets(), 2, "two levels left");
	json_t *a = last_audit();
	json_t *d = json_object_get(a, "detail");
	ok(strcmp(json_string_value(json_object_get(a, "action")), "delete") == 0 &&
	   json_number_value(json_object_get(d, "level")) == 45 &&
	   strcmp(json_string_value(json_object_get(d, "scope")), "G1") == 0 &&
	   strcmp(json_string_value(json_object_get(d, "indicator")), "enrolled") == 0,
	   "the audit log keeps what was removed");
	json_decref(a);
	ts_request(&worker, "DELETE", path, NULL, &r);
	is_int(r.status, 404, "removing it again: 404");
	ts_response_release(&r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ts_server_prepare(&srv);
	ts_server_start_staff(&srv, &admin, &worker, &viewer);

	load();
	json_int_t id = test_put();
	test_list();
	test_refused();
	test_delete(id);

	ts_server_stop_staff(&srv, &admin, &worker, &viewer);
	curl_global_cleanup();
	return done_testing();
}
