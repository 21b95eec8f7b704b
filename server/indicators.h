/*
 * The indicator engine: the figures a centre reports to its funder
 * (DESIGN.md, "Indicators"), for a period and a programme (or all), per
 * group, per group kind and for the whole programme, computed from the
 * database on demand. Every figure keeps its numerator and denominator;
 * nothing is rounded here (only shown values are). Serves
 * GET /api/v1/indicators and GET /api/v1/indicators.csv, and makes the
 * table of `touchpoint-server report`. Not here: the XLSX workbook, the follow-up list and the dashboard; targets are
 * read here and written by import (srv_ind_target_put).
 */
#ifndef SRV_INDICATORS_H
#define SRV_INDICATORS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "tp_buf.h"
#include "tp_error.h"

/* A session shorter than this counts for no delivered session. */
#define SRV_IND_SESSION_MIN (60 * 60)
/* A session at least this long is a whole-day activity and counts as
 * SRV_IND_WHOLE_DAY_COUNT sessions (see indicators.c). */
#define SRV_IND_WHOLE_DAY (6 * 60 * 60)
#define SRV_IND_WHOLE_DAY_COUNT 3

/* What to compute. */
struct srv_ind_query {
	int64_t from, to;         /* Unix seconds, [from, to) */
	int64_t programme_id;     /* 0: every programme */
	int64_t now;              /* sessions ending after it were not delivered */
	const char *venue;        /* NULL: every venue; else what happened there
				   * (see indicators.c); borrowed */
};

/* One figure. Absent parts are shown empty (CSV) or null (JSON). */
struct srv_ind_row {
	char *scope;              /* "*", "P1", "P1/kind:family", "P1/group:G7" */
	char *indicator;          /* "retention", "phq9.improved", ... */
	bool has_num, has_den, has_value;
	double num, den, value;   /* value: num/den*100 for shares, else the figure */
	const char *status;       /* a word instead of a value ("too_few"), or NULL */
	bool has_target;
	double target;            /* the agreed level */
	double achievement;       /* value / target * 100 (needs a value) */
};

struct srv_ind_report {
	struct srv_ind_row *rows;
	size_t count, cap;
	int64_t from, to;
	char *venue;              /* the venue the report is cut to, or NULL */
};

/*
 * The financial year (1 April to 31 March, Hong Kong time) that holds t:
 * *from is 1 April 00:00 HK, *to the next 1 April 00:00 HK.
 */
void srv_ind_financial_year(int64_t t, int64_t *from, int64_t *to);

/*
 * Reads the period from optional dates "YYYY-MM-DD" (Hong Kong; to is
 * inclusive): a missing from or to is taken from the financial year of the
 * other, or of now. Returns 0, or -400 with e naming "from" or "to".
 */
int srv_ind_period(const char *from, const char *to, int64_t now, int64_t *from_out,
		   int64_t *to_out, struct tp_error *e);

/*
 * Reads a venue to cut the report to: text is trimmed; empty (or NULL)
 * means every venue (*out NULL). Returns 0 with *out a new string or NULL,
 * or -400 with e naming "venue".
 */
int srv_ind_venue(const char *text, char **out, struct tp_error *e);

/* Computes the report on db (a reader; borrowed). The caller releases out
 * (also after a failure). Needs the forms loaded (forms.h). */
int srv_ind_compute(sqlite3 *db, const struct srv_ind_query *q, struct srv_ind_report *out);
void srv_ind_report_release(struct srv_ind_report *rep);

/* The report as CSV, with the header
 * scope,indicator,numerator,denominator,value,target,achievement_pct. */
int srv_ind_report_csv(const struct srv_ind_report *rep, struct tp_buf *out);
/* The report as JSON (a new reference). */
json_t *srv_ind_report_json(const struct srv_ind_report *rep);

/*
 * Writes one agreed level on w (inside the caller's transaction): scope is
 * "*", a group kind or the ref of one of the programme's groups; indicator
 * a name the report prints (FORM.x for a loaded form); level a positive
 * number. Returns 0 created, 1 updated, 2 unchanged, or -400 with e naming
 * "scope", "indicator" or "level".
 */
int srv_ind_target_put(sqlite3 *w, int64_t programme_id, const char *scope,
		       const char *indicator, const char *level, struct tp_error *e);

/*
 * Reads ?from, ?to, ?programme (a ref) and ?venue of a request and
 * computes the report into rep (the caller releases it, also after a
 * failure); *programme_id gets the programme (0: all). Returns 0, 1 when
 * the request was refused and answered (a bad date, an unknown programme,
 * a bad venue), or a negative error.
 */
int srv_ind_request(struct tp_http_request *req, struct srv_ind_report *rep,
		    int64_t *programme_id);

/* Records in the audit log that rep left the server as format ("csv",
 * "xlsx"): the period, the programme and the number of rows. */
int srv_ind_audit_export(struct tp_http_request *req, const struct srv_ind_report *rep,
			 int64_t programme_id, const char *format);

int srv_indicators_get(struct tp_http_request *req);     /* GET /api/v1/indicators */
int srv_indicators_csv(struct tp_http_request *req);     /* GET /api/v1/indicators.csv */

#endif
