/*
 * Touchpoint's schema. Times are INTEGER Unix seconds (UTC); dates are TEXT
 * YYYY-MM-DD in Hong Kong time. Constraints state what must never happen:
 * one attendance per participant and session, one answer per client nonce,
 * one live card per token.
 */
#include "schema.h"

static const char srv_schema_v1[] =
	"CREATE TABLE programmes ("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT UNIQUE,"
	"  name TEXT NOT NULL,"
	"  starts_on TEXT, ends_on TEXT,"
	"  archived_at INTEGER,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"

	"CREATE TABLE participants ("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT UNIQUE,"
	"  alias TEXT NOT NULL,"
	"  phone TEXT,"
	"  channel TEXT NOT NULL DEFAULT 'sms' CHECK (channel IN ('sms','whatsapp','none')),"
	"  lang TEXT NOT NULL DEFAULT 'zh-HK' CHECK (lang IN ('zh-HK','en')),"
	"  consent INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0,1)),"
	"  consent_on TEXT, consent_how TEXT,"
	"  note TEXT,"
	"  archived_at INTEGER,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE INDEX participants_phone ON participants(phone);"

	/* A participant's live card is the one not revoked. */
	"CREATE TABLE cards ("
	"  id INTEGER PRIMARY KEY,"
	"  participant_id INTEGER NOT NULL REFERENCES participants(id),"
	"  token TEXT NOT NULL UNIQUE,"
	"  issued_at INTEGER NOT NULL,"
	"  revoked_at INTEGER);"
	"CREATE UNIQUE INDEX cards_live ON cards(participant_id) WHERE revoked_at IS NULL;"

	"CREATE TABLE groups ("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT UNIQUE,"
	"  programme_id INTEGER NOT NULL REFERENCES programmes(id),"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('counselling','family','parent_child',"
	"    'education','peer_support','other')),"
	"  retention_n INTEGER NOT NULL DEFAULT 3 CHECK (retention_n BETWEEN 1 AND 100),"
	"  venue TEXT,"
	"  archived_at INTEGER,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE INDEX groups_programme ON groups(programme_id);"

	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT UNIQUE,"
	"  group_id INTEGER NOT NULL REFERENCES groups(id),"
	"  title TEXT,"
	"  starts_at INTEGER NOT NULL,"
	"  ends_at INTEGER NOT NULL,"
	"  venue TEXT,"
	"  status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','cancelled')),"
	"  qr_key TEXT NOT NULL UNIQUE,"
	"  archived_at INTEGER,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  CHECK (ends_at > starts_at));"
	"CREATE INDEX sessions_group ON sessions(group_id, starts_at);"
	"CREATE INDEX sessions_time ON sessions(starts_at);"

	"CREATE TABLE enrolments ("
	"  id INTEGER PRIMARY KEY,"
	"  group_id INTEGER NOT NULL REFERENCES groups(id),"
	"  participant_id INTEGER NOT NULL REFERENCES participants(id),"
	"  enrolled_on TEXT NOT NULL,"
	"  left_on TEXT,"
	"  archived_at INTEGER,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  UNIQUE (group_id, participant_id));"
	"CREATE INDEX enrolments_participant ON enrolments(participant_id);"

	"CREATE TABLE staff_users ("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  display_name TEXT,"
	"  role TEXT NOT NULL CHECK (role IN ('admin','worker','viewer')),"
	"  password_hash TEXT NOT NULL,"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER,"
	"  archived_at INTEGER,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"

	"CREATE TABLE web_sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  user_id INTEGER NOT NULL REFERENCES staff_users(id),"
	"  csrf_token TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL);"

	/* Kiosks and services; archived_at is the revocation time. */
	"CREATE TABLE devices ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('kiosk','gateway')),"
	"  venue TEXT,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  last_seen_at INTEGER,"
	"  archived_at INTEGER,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"

	"CREATE TABLE attendance ("
	"  id INTEGER PRIMARY KEY,"
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  participant_id INTEGER NOT NULL REFERENCES participants(id),"
	"  method TEXT NOT NULL CHECK (method IN ('card','phone','staff','import')),"
	"  walk_in INTEGER NOT NULL DEFAULT 0 CHECK (walk_in IN (0,1)),"
	"  scanned_at INTEGER NOT NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  device_id INTEGER REFERENCES devices(id),"
	"  user_id INTEGER REFERENCES staff_users(id),"
	"  undone_at INTEGER, undone_by INTEGER REFERENCES staff_users(id),"
	"  undo_reason TEXT,"
	"  UNIQUE (session_id, participant_id));"
	"CREATE INDEX attendance_participant ON attendance(participant_id);"

	/* What each client was answered for each nonce: a retry gets the same. */
	"CREATE TABLE checkin_requests ("
	"  id INTEGER PRIMARY KEY,"
	"  client TEXT NOT NULL,"
	"  nonce TEXT NOT NULL,"
	"  http_status INTEGER NOT NULL,"
	"  response TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (client, nonce));"

	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  entity TEXT NOT NULL,"
	"  entity_id INTEGER,"
	"  detail TEXT);"
	"CREATE INDEX audit_entity ON audit_log(entity, entity_id);";

/*
 * Version 2: the kiosk. Feedback forms and their responses, pairing codes
 * for kiosks, and phones that sign in by the session QR.
 */
static const char srv_schema_v2[] =
	/* The form a session of the group offers after sign-in (a key of
	 * assets/forms/). */
	"ALTER TABLE groups ADD COLUMN feedback_form TEXT NOT NULL DEFAULT 'satisfaction';"

	/* One filled form. Answers are the normalised JSON of the form version
	 * named; an anonymous form's responses name no participant. A resent
	 * (client, nonce) finds the response it made the first time. */
	"CREATE TABLE responses ("
	"  id INTEGER PRIMARY KEY,"
	"  form TEXT NOT NULL,"
	"  form_version INTEGER NOT NULL CHECK (form_version >= 1),"
	"  participant_id INTEGER REFERENCES participants(id),"
	"  session_id INTEGER REFERENCES sessions(id),"
	"  phase TEXT CHECK (phase IN ('pre','post')),"
	"  channel TEXT NOT NULL CHECK (channel IN ('kiosk','staff','sms','whatsapp','import')),"
	"  device_id INTEGER REFERENCES devices(id),"
	"  user_id INTEGER REFERENCES staff_users(id),"
	"  submitted_at INTEGER NOT NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  answers TEXT NOT NULL,"
	"  client TEXT,"
	"  nonce TEXT,"
	"  CHECK ((client IS NULL) = (nonce IS NULL)),"
	"  UNIQUE (client, nonce));"
	"CREATE INDEX responses_session ON responses(session_id, form);"
	"CREATE INDEX responses_participant ON responses(participant_id, form);"
	"CREATE INDEX responses_form ON responses(form, submitted_at);"

	/* A one-time pairing code, stored hashed; used once, then kept as used
	 * so that a second try is told so. */
	"ALTER TABLE devices ADD COLUMN pairing_hash TEXT;"
	"ALTER TABLE devices ADD COLUMN pairing_expires_at INTEGER;"
	"ALTER TABLE devices ADD COLUMN pairing_used_at INTEGER;"
	"CREATE UNIQUE INDEX devices_pairing ON devices(pairing_hash);"

	/* A phone that signed in before: its cookie, hashed, names her. */
	"CREATE TABLE phone_devices ("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  participant_id INTEGER NOT NULL REFERENCES participants(id),"
	"  created_at INTEGER NOT NULL,"
	"  last_used_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  revoked_at INTEGER);"
	"CREATE INDEX phone_devices_participant ON phone_devices(participant_id);"

	/* One-time codes for a new phone. phone_hash is the SHA-256 of the
	 * number (numbers nobody enrolled are not kept in the clear);
	 * participant_id is NULL when the number is not known, so that asking
	 * for a code behaves the same either way. */
	"CREATE TABLE phone_codes ("
	"  id INTEGER PRIMARY KEY,"
	"  phone_hash TEXT NOT NULL,"
	"  participant_id INTEGER REFERENCES participants(id),"
	"  session_id INTEGER NOT NULL REFERENCES sessions(id),"
	"  code_hash TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  tries INTEGER NOT NULL DEFAULT 0,"
	"  used_at INTEGER);"
	"CREATE INDEX phone_codes_phone ON phone_codes(phone_hash, created_at);"
	"CREATE INDEX sessions_venue ON sessions(venue, starts_at);";

/*
 * Version 3: agreed levels. A target is the level a programme agreed for an
 * indicator (indicators.h) in a scope: "*" (the whole programme), a group
 * kind, or a group's ref.
 */
static const char srv_schema_v3[] =
	"CREATE TABLE targets ("
	"  id INTEGER PRIMARY KEY,"
	"  programme_id INTEGER NOT NULL REFERENCES programmes(id),"
	"  scope TEXT NOT NULL,"
	"  indicator TEXT NOT NULL,"
	"  level REAL NOT NULL CHECK (level > 0),"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  UNIQUE (programme_id, scope, indicator));";

/*
 * Version 4: messages. One row per text, outbound (queued for the gateway,
 * which claims it with a lease) or inbound (handed in by the gateway, kept
 * once per provider message id, for good). Each message has a history of
 * events in plain words for staff. A participant who replied STOP (or whose
 * provider said so) is opted out until she sends START. The links to
 * appointments and conversations come with those tables (ALTER TABLE ADD
 * COLUMN ... REFERENCES), since sqlite refuses rows that name a table that
 * does not exist yet.
 */
static const char srv_schema_v4[] =
	"ALTER TABLE participants ADD COLUMN opted_out_at INTEGER;"
	"ALTER TABLE participants ADD COLUMN opted_out_how TEXT;"

	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  direction TEXT NOT NULL CHECK (direction IN ('out','in')),"
	"  participant_id INTEGER REFERENCES participants(id),"
	"  channel TEXT NOT NULL CHECK (channel IN ('sms','whatsapp')),"
	"  to_addr TEXT,"
	"  from_addr TEXT,"
	"  lang TEXT NOT NULL DEFAULT 'zh-HK' CHECK (lang IN ('zh-HK','en')),"
	"  body TEXT NOT NULL,"
	/* The template the body was made from and its variables (JSON). */
	"  template TEXT,"
	"  vars TEXT,"
	/* The approved WhatsApp template and its parameters (JSON), and the
	 * reply buttons (JSON array of {id, title}) when it asks something. */
	"  wa_template TEXT,"
	"  buttons TEXT,"
	"  kind TEXT NOT NULL CHECK (kind IN ('reminder','survey','reply','code','notice','inbound')),"
	"  not_before INTEGER NOT NULL,"
	"  deliver_by INTEGER,"
	"  quiet_hours INTEGER NOT NULL DEFAULT 1 CHECK (quiet_hours IN (0,1)),"
	"  status TEXT NOT NULL CHECK (status IN ('queued','claimed','sent','delivered','read',"
	"    'failed','undelivered','expired','withdrawn','unknown','received')),"
	"  lease TEXT,"
	"  lease_until INTEGER,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	/* The status the report for the current lease answered: a repeated
	 * report gets the same answer. */
	"  result TEXT,"
	"  provider TEXT,"
	"  provider_id TEXT,"
	"  error_code TEXT,"
	"  reason TEXT,"
	"  button_id TEXT,"
	/* Outbound: when the gateway sent it; inbound: when she sent it. */
	"  sent_at INTEGER,"
	"  session_id INTEGER REFERENCES sessions(id),"
	"  created_by TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  CHECK (direction = 'in' OR deliver_by IS NOT NULL),"
	"  CHECK ((provider IS NULL) = (provider_id IS NULL)),"
	"  UNIQUE (provider, provider_id));"
	"CREATE INDEX messages_due ON messages(status, not_before) WHERE direction = 'out';"
	"CREATE INDEX messages_participant ON messages(participant_id, id);"
	"CREATE INDEX messages_inbox ON messages(direction, status, id);"

	/* What happened to a message, in order. provider_status is set for
	 * the provider's status callbacks: each is kept once. */
	"CREATE TABLE message_events ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id INTEGER NOT NULL REFERENCES messages(id),"
	"  at INTEGER NOT NULL,"
	"  event TEXT NOT NULL,"
	"  detail TEXT,"
	"  provider_status TEXT);"
	"CREATE INDEX message_events_message ON message_events(message_id, id);"
	"CREATE UNIQUE INDEX message_events_status ON message_events(message_id, provider_status)"
	"  WHERE provider_status IS NOT NULL;";

/*
 * Version 5: appointments and their reminders. An appointment is one
 * participant's visit (home visit, clinic escort, antenatal check, MCHC
 * visit, group session, other) at a time, with a discreet place text and a
 * worker. A reminder is a message that names what it reminds of and which
 * slot of the schedule it is ("-1d@10:00", "-2h") for which start time, so
 * that the scheduler makes each one once and a moved appointment gets new
 * ones. An enrolment says whether she gets the group's session reminders.
 */
static const char srv_schema_v5[] =
	"CREATE TABLE appointments ("
	"  id INTEGER PRIMARY KEY,"
	"  participant_id INTEGER NOT NULL REFERENCES participants(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('home_visit','clinic_escort','antenatal','mchc',"
	"    'group_session','other')),"
	"  starts_at INTEGER NOT NULL,"
	"  place TEXT,"
	"  worker_id INTEGER REFERENCES staff_users(id),"
	"  status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled','confirmed',"
	"    'change_requested','cancelled','attended','missed')),"
	"  note TEXT,"
	"  archived_at INTEGER,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE INDEX appointments_time ON appointments(starts_at);"
	"CREATE INDEX appointments_participant ON appointments(participant_id, starts_at);"

	"ALTER TABLE messages ADD COLUMN appointment_id INTEGER REFERENCES appointments(id);"
	"ALTER TABLE messages ADD COLUMN reminder_slot TEXT;"
	"ALTER TABLE messages ADD COLUMN reminder_for INTEGER;"
	"CREATE UNIQUE INDEX messages_appointment_reminder"
	"  ON messages(appointment_id, reminder_slot, reminder_for)"
	"  WHERE appointment_id IS NOT NULL AND reminder_slot IS NOT NULL;"
	"CREATE UNIQUE INDEX messages_session_reminder"
	"  ON messages(session_id, participant_id, reminder_slot, reminder_for)"
	"  WHERE session_id IS NOT NULL AND reminder_slot IS NOT NULL;"
	"CREATE INDEX messages_appointment ON messages(appointment_id)"
	"  WHERE appointment_id IS NOT NULL;"

	"ALTER TABLE enrolments ADD COLUMN reminders INTEGER NOT NULL DEFAULT 1"
	"  CHECK (reminders IN (0,1));";

/*
 * Version 6: indexes for the indicator report at NGO scale (indicators.c):
 * a session's live attendances without reading the rows, and responses by
 * time, and by session and time.
 */
static const char srv_schema_v6[] =
	"CREATE INDEX attendance_live ON attendance(session_id, participant_id)"
	"  WHERE undone_at IS NULL;"
	"CREATE INDEX responses_time ON responses(submitted_at, session_id);"
	"CREATE INDEX responses_session_time ON responses(session_id, submitted_at);";

/*
 * Version 7: conversations by text. A conversation is an open question to
 * one participant: a reminder that asks 1 to confirm or 2 to change (its
 * appointment), or a feedback form sent one question a message (its
 * session and form, the question asked now, the answers so far). A reply
 * goes to her newest open one until it expires. An inbound message says
 * what was made of it (handled) and, in the workers' inbox, who took it.
 */
static const char srv_schema_v7[] =
	"CREATE TABLE conversations ("
	"  id INTEGER PRIMARY KEY,"
	"  participant_id INTEGER NOT NULL REFERENCES participants(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('reminder','survey')),"
	"  appointment_id INTEGER REFERENCES appointments(id),"
	"  session_id INTEGER REFERENCES sessions(id),"
	"  form TEXT,"
	"  question INTEGER NOT NULL DEFAULT 0,"
	"  answers TEXT NOT NULL DEFAULT '{}',"
	"  reprompts INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','answered','rested',"
	"    'closed','stopped')),"
	"  expires_at INTEGER NOT NULL,"
	"  response_id INTEGER REFERENCES responses(id),"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  CHECK ((kind = 'survey') = (form IS NOT NULL)),"
	"  CHECK (kind = 'survey' OR appointment_id IS NOT NULL));"
	"CREATE INDEX conversations_open ON conversations(participant_id, status, id);"
	"CREATE UNIQUE INDEX conversations_survey ON conversations(participant_id, session_id, form)"
	"  WHERE kind = 'survey';"
	"ALTER TABLE messages ADD COLUMN conversation_id INTEGER REFERENCES conversations(id);"
	"ALTER TABLE messages ADD COLUMN handled TEXT;"
	"ALTER TABLE messages ADD COLUMN handled_by INTEGER REFERENCES staff_users(id);"
	"ALTER TABLE messages ADD COLUMN handled_at INTEGER;"
	"CREATE INDEX messages_handled ON messages(handled, handled_by, id) WHERE direction = 'in';";

const char *const srv_migrations[] = {
	srv_schema_v1,
	srv_schema_v2,
	srv_schema_v3,
	srv_schema_v4,
	srv_schema_v5,
	srv_schema_v6,
	srv_schema_v7,
};

const int srv_migration_count = sizeof srv_migrations / sizeof srv_migrations[0];
