/* SPDX-License-Identifier: GPL-2.0 */
/*
 * This runner's place in a two-node run (`nodes 2`, `p2prig run --node
 * server|client --peer ADDR`) and its link to the other runner: opened
 * once before the first step (the server listens, the client connects),
 * checked with a hello that both parsed the same scenario, then used by
 * the steps to keep in lock step. Once an exchange fails the link counts
 * as lost: later steps fail at once with the reason instead of waiting.
 */
#ifndef P2PRIG_NODE_LINK_H
#define P2PRIG_NODE_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "run/peer_link.h"
#include "results/result.h"
#include "scenario/scenario.h"

/* The other guest may still be booting. */
#define NODE_CONNECT_TIMEOUT_MS	240000
/* The other runner may still be in the step before (a long transfer step). */
#define NODE_STEP_TIMEOUT_MS	300000
/* One stage's local work on the other node: seeding or checking a buffer. */
#define NODE_STAGE_TIMEOUT_MS	120000

enum node_role {
	NODE_SINGLE,		/* one guest: no link */
	NODE_SERVER,		/* listens; owns the target buffer of rdma steps */
	NODE_CLIENT,		/* connects; the requester of rdma steps */
};

const char *node_role_name(enum node_role role);
bool node_role_parse(const char *text, enum node_role *out);

struct node_peer {
	enum node_role role;
	char addr[48];			/* the other node's IPv4 address */
	struct peer_link link;
	char lost[RESULT_TEXT_MAX];	/* "" while the link works, else why not */
};

/* "client" on the server, "server" on the client. */
const char *node_peer_other(const struct node_peer *p);

/*
 * Listens on PORT and accepts (server) or connects to ADDR:PORT (client),
 * then the hello. On
 * failure false, with the reason in p->lost.
 */
bool node_peer_open(struct node_peer *p, enum node_role role, const char *addr, uint16_t port,
		    const struct scenario *sc, int timeout_ms);
void node_peer_close(struct node_peer *p);

/* Both runners reach TAG. False (p->lost set) if the link fails or they are out of step. */
bool node_peer_barrier(struct node_peer *p, const char *tag, int timeout_ms);
/* LEN bytes each way; WHAT names the exchange in a failure. */
bool node_peer_exchange(struct node_peer *p, const char *what, const void *mine, void *theirs,
			size_t len, int timeout_ms);

#endif
