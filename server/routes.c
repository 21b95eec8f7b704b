/*
 * Every route of touchpoint-server in one table, so that "who may call
 * what" reads top to bottom. Plain resources share the generic handlers of
 * resource.c; everything else names its own module's handler.
 */
#include "routes.h"
#include "app.h"
#include "appointments.h"
#include "attendance_trend.h"
#include "audit.h"
#include "auth.h"
#include "cards.h"
#include "checkins.h"
#include "devices.h"
#include "enrolments.h"
#include "followup.h"
#include "forms.h"
#include "gateway.h"
#include "groups.h"
#include "import.h"
#include "inbox.h"
#include "indicators.h"
#include "indicators_xlsx.h"
#include "kiosk_sync.h"
#include "messages.h"
#include "ops.h"
#include "pairing.h"
#include "participants.h"
#include "phone.h"
#include "programmes.h"
#include "resource.h"
#include "responses.h"
#include "sessions.h"
#include "terms.h"
#include "static_files.h"
#include "surveys.h"
#include "targets.h"
#include "templates.h"
#include "users.h"

#define ALLOW(bits) (&(const struct srv_route_meta){ .allow = (bits) })
#define RES(bits, r) (&(const struct srv_route_meta){ .allow = (bits), .res = &(r) })

/* The five routes of a plain resource: list, create, read, update, archive
 * (and restore). */
#define RESOURCE_ROUTES(base, r, read, write)                                          \
	{ "GET", "/api/v1/" base, srv_resource_list, RES(read, r) },                   \
	{ "POST", "/api/v1/" base, srv_resource_create, RES(write, r) },               \
	{ "GET", "/api/v1/" base "/{id}", srv_resource_get, RES(read, r) },            \
	{ "PATCH", "/api/v1/" base "/{id}", srv_resource_update, RES(write, r) },      \
	{ "POST", "/api/v1/" base "/{id}/archive", srv_resource_archive, RES(write, r) }, \
	{ "POST", "/api/v1/" base "/{id}/restore", srv_resource_restore, RES(write, r) }

#define STAFF_READ SRV_P_STAFF_READ
#define STAFF_WRITE SRV_P_STAFF_WRITE
#define KIOSK_READ (SRV_P_STAFF_READ | SRV_P_KIOSK)

const struct tp_route srv_routes[] = {
	{ "GET", "/healthz", srv_healthz, ALLOW(SRV_P_PUBLIC) },
	{ "GET", "/metrics", srv_metrics, ALLOW(SRV_P_PUBLIC) },

	{ "POST", "/api/v1/auth/login", srv_auth_login, ALLOW(SRV_P_PUBLIC) },
	{ "POST", "/api/v1/auth/logout", srv_auth_logout, ALLOW(SRV_P_PUBLIC) },
	{ "GET", "/api/v1/auth/me", srv_auth_me, ALLOW(STAFF_READ | SRV_P_KIOSK | SRV_P_GATEWAY) },
	{ "POST", "/api/v1/auth/password", srv_auth_password, ALLOW(STAFF_READ) },

	RESOURCE_ROUTES("programmes", srv_programmes, STAFF_READ, STAFF_WRITE),
	RESOURCE_ROUTES("participants", srv_participants, STAFF_READ, STAFF_WRITE),
	{ "GET", "/api/v1/participants/{id}/card.svg", srv_card_svg, ALLOW(STAFF_WRITE) },
	{ "POST", "/api/v1/participants/{id}/card", srv_card_reissue, ALLOW(STAFF_WRITE) },
	{ "GET", "/api/v1/participants/{id}/attendance", srv_participant_attendance,
	  ALLOW(STAFF_READ) },
	RESOURCE_ROUTES("groups", srv_groups, KIOSK_READ, STAFF_WRITE),
	{ "GET", "/api/v1/groups/{id}/cards.svg", srv_group_cards_svg, ALLOW(STAFF_WRITE) },
	{ "POST", "/api/v1/groups/{id}/term", srv_term_plan, ALLOW(STAFF_WRITE) },
	RESOURCE_ROUTES("sessions", srv_sessions, KIOSK_READ, STAFF_WRITE),
	{ "GET", "/api/v1/sessions/{id}/roster", srv_session_roster, ALLOW(KIOSK_READ) },
	{ "GET", "/api/v1/sessions/{id}/qr.svg", srv_session_qr_svg, ALLOW(STAFF_READ) },
	RESOURCE_ROUTES("enrolments", srv_enrolments, STAFF_READ, STAFF_WRITE),

	{ "POST", "/api/v1/checkins", srv_checkin_post, ALLOW(STAFF_WRITE | SRV_P_KIOSK) },
	{ "POST", "/api/v1/attendance/{id}/undo", srv_attendance_undo,
	  ALLOW(STAFF_WRITE | SRV_P_KIOSK) },
	{ "POST", "/api/v1/checkins/undo", srv_checkin_undo_post, ALLOW(STAFF_WRITE | SRV_P_KIOSK) },

	{ "GET", "/api/v1/kiosk/roster", srv_kiosk_roster, ALLOW(SRV_P_KIOSK) },
	{ "GET", "/api/v1/kiosk/signins", srv_kiosk_signins, ALLOW(SRV_P_KIOSK) },

	{ "POST", "/api/v1/import/{kind}", srv_import_post, ALLOW(STAFF_WRITE) },

	{ "GET", "/api/v1/forms", srv_forms_list, ALLOW(KIOSK_READ) },
	{ "GET", "/api/v1/forms/{key}", srv_form_get, ALLOW(KIOSK_READ) },
	{ "POST", "/api/v1/responses", srv_response_post, ALLOW(STAFF_WRITE | SRV_P_KIOSK) },
	{ "GET", "/api/v1/responses", srv_responses_list, ALLOW(STAFF_READ) },

	RESOURCE_ROUTES("appointments", srv_appointments, STAFF_WRITE, STAFF_WRITE),
	{ "GET", "/api/v1/templates", srv_templates_list, ALLOW(STAFF_READ) },

	/* Messages: staff read them and send a one-off text; the gateway alone
	 * claims, reports and hands in (gateway.h). */
	{ "GET", "/api/v1/messages", srv_messages_list, ALLOW(STAFF_WRITE) },
	{ "POST", "/api/v1/messages", srv_message_post, ALLOW(STAFF_WRITE) },
	{ "GET", "/api/v1/messages/{id}", srv_message_get, ALLOW(STAFF_WRITE) },
	{ "GET", "/api/v1/participants/{id}/messages", srv_participant_messages,
	  ALLOW(STAFF_WRITE) },
	{ "GET", "/api/v1/inbox", srv_inbox_list, ALLOW(STAFF_WRITE) },
	{ "POST", "/api/v1/inbox/{id}/claim", srv_inbox_claim, ALLOW(STAFF_WRITE) },
	{ "GET", "/api/v1/change_requests", srv_change_requests, ALLOW(STAFF_WRITE) },
	{ "POST", "/api/v1/sessions/{id}/survey", srv_session_survey, ALLOW(STAFF_WRITE) },
	{ "POST", "/api/v1/gateway/claim", srv_gateway_claim, ALLOW(SRV_P_GATEWAY) },
	{ "POST", "/api/v1/gateway/messages/{id}/result", srv_gateway_result,
	  ALLOW(SRV_P_GATEWAY) },
	{ "POST", "/api/v1/gateway/events", srv_gateway_events, ALLOW(SRV_P_GATEWAY) },

	{ "GET", "/api/v1/indicators", srv_indicators_get, ALLOW(STAFF_READ) },
	{ "GET", "/api/v1/indicators.csv", srv_indicators_csv, ALLOW(STAFF_READ) },
	{ "GET", "/api/v1/indicators/attendance", srv_attendance_trend, ALLOW(STAFF_READ) },
	{ "GET", "/api/v1/indicators.xlsx", srv_indicators_xlsx, ALLOW(STAFF_READ) },
	{ "GET", "/api/v1/targets", srv_targets_list, ALLOW(STAFF_READ) },
	{ "PUT", "/api/v1/targets", srv_target_put, ALLOW(STAFF_WRITE) },
	{ "DELETE", "/api/v1/targets/{id}", srv_target_delete, ALLOW(STAFF_WRITE) },
	/* Viewers get it without phone numbers (followup.h). */
	{ "GET", "/api/v1/followup", srv_followup_get, ALLOW(STAFF_READ) },

	RESOURCE_ROUTES("users", srv_users, SRV_P_ADMIN, SRV_P_ADMIN),
	RESOURCE_ROUTES("devices", srv_devices, SRV_P_ADMIN, SRV_P_ADMIN),
	{ "POST", "/api/v1/devices/{id}/pairing", srv_pairing_create, ALLOW(SRV_P_ADMIN) },
	{ "GET", "/api/v1/devices/{id}/pairing.svg", srv_pairing_svg, ALLOW(SRV_P_ADMIN) },
	{ "POST", "/api/v1/pair", srv_pair, ALLOW(SRV_P_PUBLIC) },
	{ "GET", "/api/v1/audit", srv_audit_list, ALLOW(SRV_P_ADMIN) },

	/* Phones sign in by the session QR: public, the link or ticket is the
	 * credential (see phone.h). */
	{ "GET", "/api/v1/phone/link/{link}", srv_phone_link, ALLOW(SRV_P_PUBLIC) },
	{ "POST", "/api/v1/phone/checkin", srv_phone_checkin, ALLOW(SRV_P_PUBLIC) },
	{ "POST", "/api/v1/phone/code", srv_phone_code, ALLOW(SRV_P_PUBLIC) },
	{ "POST", "/api/v1/phone/verify", srv_phone_verify, ALLOW(SRV_P_PUBLIC) },
	{ "POST", "/api/v1/phone/forget", srv_phone_forget, ALLOW(SRV_P_PUBLIC) },
	{ "GET", "/p/{link}", srv_phone_page, ALLOW(SRV_P_PUBLIC) },
	{ "GET", "/phone/{file}", srv_phone_asset, ALLOW(SRV_P_PUBLIC) },

	{ "GET", "/s/{key}", srv_session_landing, ALLOW(SRV_P_PUBLIC) },
	{ "GET", "/", srv_static_file, ALLOW(SRV_P_PUBLIC) },
	{ "GET", "/vendor/{file}", srv_static_file, ALLOW(SRV_P_PUBLIC) },
	{ "GET", "/pages/{file}", srv_static_file, ALLOW(SRV_P_PUBLIC) },
	{ "GET", "/{file}", srv_static_file, ALLOW(SRV_P_PUBLIC) },
};

const size_t srv_route_count = sizeof srv_routes / sizeof srv_routes[0];
