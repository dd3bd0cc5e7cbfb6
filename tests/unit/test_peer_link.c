// SPDX-License-Identifier: GPL-2.0
/*
 * The two-node side channel over a real loopback TCP connection: the
 * client child connects before or after the server listens, both sides
 * exchange and meet at barriers, and every wait is bounded.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "run/peer_link.h"

#include "unit_helpers.h"

/* The client side, in a child: exits 0 only if everything it saw was right. */
static int client(uint16_t port, const char *second_tag)
{
	struct peer_link l;
	uint32_t mine = 0xc11e, theirs = 0;
	int ok;

	peer_link_init(&l);
	ok = peer_link_connect(&l, "127.0.0.1", port, 5000) == 0 &&
	     peer_link_exchange(&l, &mine, &theirs, sizeof(mine), 5000) == 0 &&
	     theirs == 0x5e7e && peer_link_barrier(&l, "step-1", 5000) == 0;
	if (ok && second_tag)
		peer_link_barrier(&l, second_tag, 5000);
	peer_link_close(&l);
	return ok ? 0 : 1;
}

static pid_t start_client(uint16_t port, const char *second_tag)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(client(port, second_tag));
	return pid;
}

static void test_exchange_and_barrier(void **state)
{
	struct peer_link l;
	uint32_t mine = 0x5e7e, theirs = 0;
	int status;

	(void)state;
	peer_link_init(&l);
	assert_int_equal(peer_link_listen(&l, 0), 0);
	assert_int_not_equal(l.port, 0);
	pid_t pid = start_client(l.port, NULL);
	assert_int_equal(peer_link_accept(&l, 5000), 0);
	assert_int_equal(peer_link_exchange(&l, &mine, &theirs, sizeof(mine), 5000), 0);
	assert_int_equal(theirs, 0xc11e);
	assert_int_equal(peer_link_barrier(&l, "step-1", 5000), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The client is gone: a further exchange says so rather than hang. */
	assert_int_equal(peer_link_exchange(&l, &mine, &theirs, sizeof(mine), 2000), -ECONNRESET);
	peer_link_close(&l);
}

static void test_barrier_names_must_match(void **state)
{
	struct peer_link l;
	uint32_t mine = 0x5e7e, theirs;
	int status;

	(void)state;
	peer_link_init(&l);
	assert_int_equal(peer_link_listen(&l, 0), 0);
	pid_t pid = start_client(l.port, "step-3");
	assert_int_equal(peer_link_accept(&l, 5000), 0);
	assert_int_equal(peer_link_exchange(&l, &mine, &theirs, sizeof(mine), 5000), 0);
	assert_int_equal(peer_link_barrier(&l, "step-1", 5000), 0);
	assert_int_equal(peer_link_barrier(&l, "step-2", 5000), -EPROTO);
	waitpid(pid, &status, 0);
	peer_link_close(&l);
}

/* The client may start first: it keeps trying until the server listens. */
static void test_client_waits_for_the_server(void **state)
{
	struct peer_link probe, l;
	uint32_t mine = 0x5e7e, theirs;
	int status;

	(void)state;
	/* A port that was free a moment ago. */
	peer_link_init(&probe);
	assert_int_equal(peer_link_listen(&probe, 0), 0);
	uint16_t port = probe.port;
	peer_link_close(&probe);

	pid_t pid = start_client(port, NULL);
	usleep(300 * 1000);
	peer_link_init(&l);
	assert_int_equal(peer_link_listen(&l, port), 0);
	assert_int_equal(peer_link_accept(&l, 5000), 0);
	assert_int_equal(peer_link_exchange(&l, &mine, &theirs, sizeof(mine), 5000), 0);
	assert_int_equal(peer_link_barrier(&l, "step-1", 5000), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	peer_link_close(&l);
}

static void test_bounded_waits(void **state)
{
	struct peer_link l, c;

	(void)state;
	peer_link_init(&l);
	assert_int_equal(peer_link_listen(&l, 0), 0);
	assert_int_equal(peer_link_accept(&l, 200), -ETIMEDOUT);
	uint16_t port = l.port;
	peer_link_close(&l);
	peer_link_init(&c);
	assert_int_equal(peer_link_connect(&c, "127.0.0.1", port, 300), -ETIMEDOUT);
	assert_int_equal(peer_link_connect(&c, "not-an-address", port, 300), -EINVAL);
	assert_int_equal(peer_link_exchange(&c, "x", (char[1]){ 0 }, 1, 100), -ENOTCONN);
}

UNIT_TEST_MAIN("tests",
	cmocka_unit_test(test_exchange_and_barrier),
	cmocka_unit_test(test_barrier_names_must_match),
	cmocka_unit_test(test_client_waits_for_the_server),
	cmocka_unit_test(test_bounded_waits));
