/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The side channel of a two-node run: one TCP connection between the
 * runners in the two guests, for what RDMA needs before it can talk (QP
 * numbers, GIDs, keys, addresses) and for keeping the steps in lock step.
 * Every call is bounded by a timeout and returns 0 or a negative errno
 * (-ETIMEDOUT when the other side did not answer in time, -ECONNRESET when
 * its runner closed the link, -EHOSTDOWN when its machine stopped answering
 * TCP keepalive: found within seconds, however long the wait allowed).
 */
#ifndef P2PRIG_PEER_LINK_H
#define P2PRIG_PEER_LINK_H

#include <stddef.h>
#include <stdint.h>

#define PEER_LINK_PORT 18650

struct peer_link {
	int listen_fd;		/* server side, until accepted; -1 otherwise */
	int fd;			/* the connection; -1 until there is one */
	uint16_t port;		/* the port listened on (server) */
};

void peer_link_init(struct peer_link *l);
/* Server: listen on PORT (0: any; l->port says which) on every address. */
int peer_link_listen(struct peer_link *l, uint16_t port);
int peer_link_accept(struct peer_link *l, int timeout_ms);
/* Client: connect to ADDR:PORT, trying again until the server listens. */
int peer_link_connect(struct peer_link *l, const char *addr, uint16_t port, int timeout_ms);

/* Send LEN bytes of MINE and receive LEN bytes into THEIRS. */
int peer_link_exchange(struct peer_link *l, const void *mine, void *theirs, size_t len,
		       int timeout_ms);
/* Both sides reach the point named TAG; -EPROTO if the other side names another. */
int peer_link_barrier(struct peer_link *l, const char *tag, int timeout_ms);

void peer_link_close(struct peer_link *l);

#endif
