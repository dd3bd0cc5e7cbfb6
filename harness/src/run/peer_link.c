// SPDX-License-Identifier: GPL-2.0
/* The two-node side channel: one TCP connection, bounded waits. */
#include "run/peer_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BARRIER_TAG_MAX 64

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until DEADLINE, at least 0. */
static int left_ms(int64_t deadline)
{
	int64_t left = deadline - now_ms();

	return left > 0 ? (int)left : 0;
}

static int wait_for(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int n = poll(&p, 1, left_ms(deadline));
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

void peer_link_init(struct peer_link *l)
{
	l->listen_fd = -1;
	l->fd = -1;
	l->port = 0;
}

int peer_link_listen(struct peer_link *l, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	socklen_t len = sizeof(sa);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	l->listen_fd = fd;
	l->port = ntohs(sa.sin_port);
	return 0;
}

/*
 * Small messages, each waited for: no Nagle. A peer machine that dies
 * answers nothing, not even a reset: keepalive probes and a bound on
 * unacknowledged data turn its silence into -EHOSTDOWN within seconds,
 * even while a long wait (a whole RDMA pass) is allowed.
 */
static void tune(int fd)
{
	int one = 1, idle_s = 5, interval_s = 2, probes = 5;
	unsigned int unacked_ms = 20000;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof(idle_s));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval_s, sizeof(interval_s));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof(probes));
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &unacked_ms, sizeof(unacked_ms));
}

int peer_link_accept(struct peer_link *l, int timeout_ms)
{
	int rc = wait_for(l->listen_fd, POLLIN, now_ms() + timeout_ms);

	if (rc)
		return rc;
	l->fd = accept4(l->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (l->fd < 0)
		return -errno;
	tune(l->fd);
	close(l->listen_fd);
	l->listen_fd = -1;
	return 0;
}

/* One attempt: 0, or a negative errno (-ECONNREFUSED while nobody listens). */
static int connect_once(struct sockaddr_in *sa, int64_t deadline, int *out)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int rc = 0, err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)sa, sizeof(*sa)) && errno != EINPROGRESS)
		rc = -errno;
	if (!rc)
		rc = wait_for(fd, POLLOUT, deadline);
	if (!rc && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err)
		rc = -err;
	if (rc) {
		close(fd);
		return rc;
	}
	*out = fd;
	return 0;
}

int peer_link_connect(struct peer_link *l, const char *addr, uint16_t port, int timeout_ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int64_t deadline = now_ms() + timeout_ms;
	int rc;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return -EINVAL;
	for (;;) {
		rc = connect_once(&sa, deadline, &l->fd);
		if (rc == 0)
			break;
		/* The other runner may not listen yet: that is worth waiting for. */
		if ((rc != -ECONNREFUSED && rc != -EHOSTUNREACH && rc != -ENETUNREACH) ||
		    left_ms(deadline) == 0)
			return rc == -ECONNREFUSED || rc == -EHOSTUNREACH ? -ETIMEDOUT : rc;
		usleep(100 * 1000);
	}
	/* Blocking from here on; every transfer is bounded by poll(). */
	int flags = fcntl(l->fd, F_GETFL);
	if (flags < 0 || fcntl(l->fd, F_SETFL, flags & ~O_NONBLOCK))
		return -errno;
	tune(l->fd);
	return 0;
}

static int send_all(int fd, const uint8_t *buf, size_t len, int64_t deadline)
{
	while (len) {
		int rc = wait_for(fd, POLLOUT, deadline);
		if (rc)
			return rc;
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ETIMEDOUT)
			return -EHOSTDOWN;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int recv_all(int fd, uint8_t *buf, size_t len, int64_t deadline)
{
	while (len) {
		int rc = wait_for(fd, POLLIN, deadline);
		if (rc)
			return rc;
		ssize_t n = recv(fd, buf, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ETIMEDOUT)
			return -EHOSTDOWN;	/* keepalive: the machine is gone */
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;	/* the other runner went away */
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int peer_link_exchange(struct peer_link *l, const void *mine, void *theirs, size_t len,
		       int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	int rc;

	if (l->fd < 0)
		return -ENOTCONN;
	/* Messages are small: both sides send first without filling the buffers. */
	rc = send_all(l->fd, mine, len, deadline);
	return rc ? rc : recv_all(l->fd, theirs, len, deadline);
}

int peer_link_barrier(struct peer_link *l, const char *tag, int timeout_ms)
{
	char mine[BARRIER_TAG_MAX] = "", theirs[BARRIER_TAG_MAX];
	int rc;

	strncpy(mine, tag, sizeof(mine) - 1);
	rc = peer_link_exchange(l, mine, theirs, sizeof(mine), timeout_ms);
	if (rc)
		return rc;
	theirs[sizeof(theirs) - 1] = '\0';
	return strcmp(mine, theirs) == 0 ? 0 : -EPROTO;
}

void peer_link_close(struct peer_link *l)
{
	if (l->fd >= 0)
		close(l->fd);
	if (l->listen_fd >= 0)
		close(l->listen_fd);
	peer_link_init(l);
}
