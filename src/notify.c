/*
 * sd_notify(3) without libsystemd: the protocol is one datagram of
 * newline-separated KEY=VALUE assignments to $NOTIFY_SOCKET.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notify.h"

/* Fills *sa from $NOTIFY_SOCKET.  Returns its length, 0 if unset, -1. */
static int
notify_addr(struct sockaddr_un *sa)
{
	const char *path = getenv("NOTIFY_SOCKET");
	size_t n;

	if (path == NULL || *path == '\0')
		return (0);
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof sa->sun_path) {
		errno = EINVAL;
		return (-1);
	}
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, n);
	/* An abstract name starts with a NUL and has no terminator. */
	if (path[0] == '@')
		sa->sun_path[0] = '\0';
	return ((int)(offsetof(struct sockaddr_un, sun_path) + n +
	    (path[0] == '/')));
}

int
notify_send(const char *state)
{
	struct sockaddr_un sa;
	ssize_t n;
	int fd, len, saved;

	if ((len = notify_addr(&sa)) <= 0)
		return (len);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	n = sendto(fd, state, strlen(state), MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&sa, (socklen_t)len);
	saved = errno;
	close(fd);
	errno = saved;
	return (n == (ssize_t)strlen(state) ? 1 : -1);
}

uint64_t
notify_watchdog_usec(void)
{
	const char *us = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");
	unsigned long long v;
	char *end;

	if (us == NULL || *us == '\0')
		return (0);
	/* WATCHDOG_PID names the process the watchdog is for. */
	if (pid != NULL && *pid != '\0' &&
	    strtol(pid, NULL, 10) != (long)getpid())
		return (0);
	errno = 0;
	v = strtoull(us, &end, 10);
	if (errno != 0 || *end != '\0')
		return (0);
	return ((uint64_t)v);
}
