/*
 * Attendance over time, for the dashboard's chart: for a period and a
 * programme (or all), the attendances of each week; for one group, of each
 * of its sessions, up to now (a session not yet begun is not shown as
 * empty). Counted as the indicator engine counts (indicators.c):
 * cancelled and archived sessions, archived groups and undone attendances
 * never count.
 */
#ifndef SRV_ATTENDANCE_TREND_H
#define SRV_ATTENDANCE_TREND_H

#include "tp_http.h"

/* GET /api/v1/indicators/attendance?from&to&programme=REF&group=REF&venue= */
int srv_attendance_trend(struct tp_http_request *req);

#endif
