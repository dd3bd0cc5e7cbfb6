// SPDX-License-Identifier: GPL-2.0
/*
 * An RC QP's choices that reach the wire: its first PSN differs from one
 * process to the next (a stale packet of an earlier run must not match;
 * lrand48() unseeded gave every process the same one), and RoCEv2 packets
 * carry perftest's hop limit, so a routed lab fabric passes them on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "actions/rdma/rdma_qp.h"

#include "unit_helpers.h"

/* The first PSN a fresh process picks, as a run of the runner would. */
static uint32_t first_psn_of_a_new_process(void)
{
	int pipefd[2];
	uint32_t psn = 0;
	pid_t pid;

	assert_int_equal(0, pipe(pipefd));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		psn = rdma_qp_first_psn();
		_exit(write(pipefd[1], &psn, sizeof(psn)) == sizeof(psn) ? 0 : 1);
	}
	close(pipefd[1]);
	assert_int_equal(sizeof(psn), read(pipefd[0], &psn, sizeof(psn)));
	close(pipefd[0]);
	assert_int_equal(pid, waitpid(pid, NULL, 0));
	return psn;
}

static void test_first_psn_differs_between_processes(void **state)
{
	uint32_t a, b, c;

	(void)state;
	a = first_psn_of_a_new_process();
	b = first_psn_of_a_new_process();
	c = first_psn_of_a_new_process();
	/* Three equal by chance: 1 in 2^48. */
	assert_false(a == b && b == c);
	assert_true(a <= 0xffffff && b <= 0xffffff && c <= 0xffffff);
}

static void test_hop_limit_crosses_routers(void **state)
{
	(void)state;
	assert_int_equal(255, RDMA_HOP_LIMIT);
}

UNIT_TEST_MAIN("tests",
	cmocka_unit_test(test_first_psn_differs_between_processes),
	cmocka_unit_test(test_hop_limit_crosses_routers));
