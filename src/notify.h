/*
 * The systemd notification protocol, written directly (no libsystemd):
 * one datagram per state change ("READY=1", "STOPPING=1", "WATCHDOG=1",
 * "STATUS=...") to the unix socket named by $NOTIFY_SOCKET, a path or
 * an abstract name written with a leading '@'.
 *
 * Without $NOTIFY_SOCKET (not under systemd) every call does nothing.
 * Sends never block (MSG_DONTWAIT), so the reactor may call them.
 */
#ifndef XARB_NOTIFY_H
#define XARB_NOTIFY_H

#include <stdint.h>

/*
 * Sends state.  Returns 1 if it was sent, 0 when there is no
 * $NOTIFY_SOCKET, -1 on error (errno set).
 */
int notify_send(const char *state);

/*
 * The watchdog interval systemd asked for ($WATCHDOG_USEC, for this
 * process if $WATCHDOG_PID is set), in microseconds; 0 if none.  Send
 * "WATCHDOG=1" at half of it.
 */
uint64_t notify_watchdog_usec(void);

#endif /* XARB_NOTIFY_H */
