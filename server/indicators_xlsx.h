/*
 * The indicator report as an XLSX workbook for the funder (libxlsxwriter),
 * laid out like the results tables of the centres' year-end reports:
 * 產出指標 Output indicators (indicator, agreed level, actual, achievement),
 * 成效指標 Outcome indicators (a percentage with its numerator and
 * denominator), 前後測 Pre/post changes (improved / no change / worse, mean
 * change, paired t-test), each per scope (the whole programme, each group
 * kind, each group), and a sheet with every figure exactly as the CSV.
 * Numbers are numbers: percentages keep the report's unrounded value (e.g.
 * 63.265...) and are shown to one decimal by the cell's format. No sheet or
 * file name says what kind of service this is. Serves
 * GET /api/v1/indicators.xlsx and writes `touchpoint-server report --xlsx`.
 * Not here: computing the figures (indicators.h).
 */
#ifndef SRV_INDICATORS_XLSX_H
#define SRV_INDICATORS_XLSX_H

#include <sqlite3.h>
#include <stdint.h>

#include "app.h"
#include "indicators.h"

/* The sheets, in order (zh-HK first). */
#define SRV_XLSX_SHEET_OUTPUTS "產出 Outputs"
#define SRV_XLSX_SHEET_OUTCOMES "成效 Outcomes"
#define SRV_XLSX_SHEET_PREPOST "前後測 Pre-post"
#define SRV_XLSX_SHEET_DATA "數據 Data"

/*
 * Writes rep as a workbook at path (created or replaced). db (a reader,
 * borrowed) gives the names of the programmes and groups for the headings;
 * programme_id is the report's programme, 0 for all. Needs the forms
 * loaded (their titles label the rows). Returns 0, or -EIO when the
 * workbook cannot be written (the reason is logged).
 */
int srv_ind_xlsx_write(sqlite3 *db, const struct srv_ind_report *rep,
		       int64_t programme_id, const char *path);

/* The download's file name for the report's period:
 * "indicators_2025-04-01_2026-03-31.xlsx" (into out). */
void srv_ind_xlsx_filename(const struct srv_ind_report *rep, char out[64]);

int srv_indicators_xlsx(struct tp_http_request *req);  /* GET /api/v1/indicators.xlsx */

#endif
