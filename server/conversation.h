/*
 * The conversation engine: what an inbound text means. STOP, 停止, 取消 or
 * 退訂 as the whole message opts her out (even in the middle of a survey);
 * START or 開始 opts her back in, and nothing else does. Otherwise the
 * reply goes to her newest open question that has not expired: a
 * reminder's (1 confirms the appointment, 2 flags it for the worker to
 * change; yes reads as 1) or a survey's (surveys.c). An answer that cannot
 * be read gets one polite re-prompt, then the conversation rests. Anything
 * else goes to the workers' inbox. Replies the engine sends are queued as
 * ordinary messages (kind reply). An inbound text that moves nothing
 * forward is never answered twice, so an automatic reply cannot start a
 * loop. Reading the words is tp_reply's; the meaning is here.
 */
#ifndef SRV_CONVERSATION_H
#define SRV_CONVERSATION_H

#include <sqlite3.h>
#include <stdint.h>

#include "app.h"

/* An inbound reply may answer an engine's question this long (surveys). */
#define SRV_SURVEY_SECONDS (3 * 24 * 3600)

/*
 * Opens a question to participant: kind "reminder" (for appointment_id,
 * closing her older open questions about it) or "survey" (session_id and
 * form). It stays open until expires_at. *id gets it.
 */
int srv_conversation_open(sqlite3 *w, int64_t participant_id, const char *kind,
			  int64_t appointment_id, int64_t session_id, const char *form,
			  int64_t expires_at, int64_t *id);

/* Handles inbound message id (stored, from a participant) on the writer,
 * inside the caller's transaction. */
int srv_conversation_inbound(sqlite3 *w, const struct srv_actor *actor, int64_t message_id);

/*
 * What the engine made of an inbound message: handled is one word (stop,
 * start, confirmed, change, answer, reprompt, inbox, ...) kept on the
 * message with the conversation it went to (0: none), detail the plain
 * words added to its history.
 */
int srv_conversation_handled(sqlite3 *w, int64_t message_id, int64_t conversation_id,
			     const char *handled, const char *detail);

/* Queues a reply to her (kind reply, at once, day or night: she just
 * wrote) from template key with vars (borrowed, may be NULL). */
int srv_conversation_reply(sqlite3 *w, int64_t participant_id, int64_t conversation_id,
			   const char *key, json_t *vars);

#endif
