// SPDX-License-Identifier: GPL-2.0
/* A two-node run's link: roles, opening it, and exchanges that remember a failure. */
#include "run/node_link.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/array_size.h"
#include "util/names.h"

static const char *const role_names[] = {
	[NODE_SINGLE] = "single",
	[NODE_SERVER] = "server",
	[NODE_CLIENT] = "client",
};

const char *node_role_name(enum node_role role)
{
	return name_of(role_names, ARRAY_SIZE(role_names), role, "?");
}

/* Only the two roles of a linked run are given on the command line. */
bool node_role_parse(const char *text, enum node_role *out)
{
	if (strcmp(text, "server") == 0)
		*out = NODE_SERVER;
	else if (strcmp(text, "client") == 0)
		*out = NODE_CLIENT;
	else
		return false;
	return true;
}

const char *node_peer_other(const struct node_peer *p)
{
	return p->role == NODE_SERVER ? "client" : "server";
}

/* Why an exchange failed, in words a person running the rig can act on. */
static void lose(struct node_peer *p, const char *what, int rc, int timeout_ms)
{
	char cause[96];

	if (rc == -ETIMEDOUT)
		snprintf(cause, sizeof(cause), "no answer within %d s", timeout_ms / 1000);
	else if (rc == -ECONNRESET || rc == -EPIPE)
		snprintf(cause, sizeof(cause), "the %s runner went away", node_peer_other(p));
	else if (rc == -EHOSTDOWN)
		snprintf(cause, sizeof(cause), "the %s machine stopped answering (TCP keepalive)",
			 node_peer_other(p));
	else if (rc == -EPROTO)
		snprintf(cause, sizeof(cause), "out of step: the %s runner is elsewhere",
			 node_peer_other(p));
	else
		snprintf(cause, sizeof(cause), "%s", strerror(-rc));
	snprintf(p->lost, sizeof(p->lost), "peer link to the %s (%s): %s: %s", node_peer_other(p),
		 p->addr, what, cause);
}

bool node_peer_barrier(struct node_peer *p, const char *tag, int timeout_ms)
{
	int rc;

	if (p->lost[0])
		return false;
	rc = peer_link_barrier(&p->link, tag, timeout_ms);
	if (rc) {
		char what[96];

		snprintf(what, sizeof(what), "at '%s'", tag);
		lose(p, what, rc, timeout_ms);
	}
	return rc == 0;
}

bool node_peer_exchange(struct node_peer *p, const char *what, const void *mine, void *theirs,
			size_t len, int timeout_ms)
{
	int rc;

	if (p->lost[0])
		return false;
	rc = peer_link_exchange(&p->link, mine, theirs, len, timeout_ms);
	if (rc)
		lose(p, what, rc, timeout_ms);
	return rc == 0;
}

bool node_peer_open(struct node_peer *p, enum node_role role, const char *addr, uint16_t port,
		    const struct scenario *sc, int timeout_ms)
{
	char hello[64];
	int rc;

	memset(p, 0, sizeof(*p));
	peer_link_init(&p->link);
	p->role = role;
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
	if (role == NODE_SERVER) {
		rc = peer_link_listen(&p->link, port);
		if (!rc)
			rc = peer_link_accept(&p->link, timeout_ms);
	} else {
		rc = peer_link_connect(&p->link, addr, port, timeout_ms);
	}
	if (rc) {
		lose(p, role == NODE_SERVER ? "waiting for it to connect" : "connecting", rc,
		     timeout_ms);
		return false;
	}
	/* Both runners must walk the same steps: same scenario, same count. */
	snprintf(hello, sizeof(hello), "hello %.40s %zu", sc->name, sc->n_steps);
	return node_peer_barrier(p, hello, NODE_STAGE_TIMEOUT_MS);
}

void node_peer_close(struct node_peer *p)
{
	peer_link_close(&p->link);
}
