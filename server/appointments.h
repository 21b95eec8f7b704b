/*
 * Appointments: one participant's home visit, clinic escort, antenatal
 * check, MCHC visit, group session or other visit, at a time, with a
 * discreet place text (what her reminder says: "the clinic", never what
 * the visit is for) and the worker who holds it. Status: scheduled,
 * confirmed, change_requested (she replied 2), cancelled, attended, missed.
 * A plain resource (resource.h); each appointment shows its reminders.
 */
#ifndef SRV_APPOINTMENTS_H
#define SRV_APPOINTMENTS_H

#include "resource.h"

extern const struct srv_resource srv_appointments;

#endif
