/*
 * The console adapter, for development and the demo: it calls no provider.
 * Each message is logged and kept in the gateway's database, and reported
 * delivered; the phone simulator (simulator.c) shows it and turns a typed
 * reply into an inbound event with provider "console".
 */
#ifndef GW_CONSOLE_H
#define GW_CONSOLE_H

#include "adapter.h"

#endif
