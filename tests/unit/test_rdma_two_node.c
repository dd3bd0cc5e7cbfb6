// SPDX-License-Identifier: GPL-2.0
/*
 * An rdma step in a two-node run, over a real loopback TCP link (the
 * client a forked child): the runners meet with a hello that proves they
 * run the same scenario, keep in lock step through steps that cannot run
 * (each skips with its reason, the next step still meets), hand a
 * problem of one node to the other, and fail at once, saying why, when
 * the other runner is gone. Runs on any host: the verbs device is one no
 * machine has.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "run/node_link.h"
#include "actions/rdma/rdma_run.h"
#include "actions/action.h"
#include "actions/step.h"

#include "unit_helpers.h"

#define ABSENT "p2prig-absent0"
#define TWO_STEPS                                                                          \
	"describe unit\nnodes 2\n"                                                         \
	"step one rdma device=" ABSENT " op=write memory=host sizes=4K iterations=2 seed=7\n" \
	"step two rdma device=" ABSENT " op=read memory=host sizes=4K iterations=2 seed=8\n"
#define ONE_STEP                                                                           \
	"describe unit\nnodes 2\n"                                                         \
	"step one rdma device=" ABSENT " op=write memory=host sizes=4K iterations=2 seed=7\n"
#define WAIT_MS 5000
#define OWN_REASON "RDMA device " ABSENT ": "

/* A port of this test's own: the client must know it before the server listens. */
static uint16_t test_port(void)
{
	return (uint16_t)(20000 + getpid() % 20000);
}

static void parse(const char *text, struct scenario *sc)
{
	size_t errors = scenario_parse_text("unit", text, sc);

	if (errors)
		scenario_print_errors(sc, stdout);
	assert_int_equal(errors, 0);
}

/* One node's environment, as run.c gives it (no module, no providers in use). */
struct node {
	struct scenario sc;
	struct node_peer peer;
	struct provider_state providers[SCENARIO_MAX_PROVIDERS];
	struct initiator_state initiators[SCENARIO_MAX_INITIATORS];
	struct p2prig_info info;
	struct rigdev dev;
	struct step_env env;
};

static void node_env(struct node *n)
{
	n->dev.fd = -1;
	n->env = (struct step_env){
		.rig = "vlab", .skip_all = "", .dev = &n->dev, .info = &n->info, .sc = &n->sc,
		.providers = n->providers, .initiators = n->initiators, .peer = &n->peer,
	};
}

static void run_step(struct node *n, size_t i, struct step_report *out)
{
	char progress[256] = "";

	memset(out, 0, sizeof(*out));
	step_runner_find(STEP_RDMA)->run(&n->env, &n->sc.steps[i], out, progress, sizeof(progress));
}

/* The client child: exits 0 when both its steps skipped for its own device. */
static int client_runs_both_steps(uint16_t port)
{
	static struct node n;
	static struct step_report out;
	int bad = 0;

	if (scenario_parse_text("unit", TWO_STEPS, &n.sc))
		return 10;
	node_env(&n);
	if (!node_peer_open(&n.peer, NODE_CLIENT, "127.0.0.1", port, &n.sc, WAIT_MS))
		return 11;
	for (size_t i = 0; i < 2; i++) {
		run_step(&n, i, &out);
		bad |= out.verdict != VERDICT_SKIP || !strstr(out.reason, "RDMA device " ABSENT);
	}
	node_peer_close(&n.peer);
	return bad ? 12 : 0;
}

static pid_t start(int (*fn)(uint16_t), uint16_t port)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(port));
	return pid;
}

/*
 * The server node of TWO_STEPS, linked to a client child running client:
 * the child's pid.
 */
static pid_t server_with(struct node *n, int (*client)(uint16_t))
{
	uint16_t port = test_port();

	parse(TWO_STEPS, &n->sc);
	node_env(n);
	pid_t pid = start(client, port);
	assert_true(node_peer_open(&n->peer, NODE_SERVER, "127.0.0.1", port, &n->sc, WAIT_MS));
	return pid;
}

static void assert_child_ok(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_both_nodes_skip_in_lock_step(void **state)
{
	static struct node n;
	static struct step_report out;

	(void)state;
	pid_t pid = server_with(&n, client_runs_both_steps);
	for (size_t i = 0; i < 2; i++) {
		run_step(&n, i, &out);
		assert_int_equal(out.verdict, VERDICT_SKIP);
		/* Its own reason: the first problem is the one kept. */
		assert_true(strncmp(out.reason, OWN_REASON, sizeof(OWN_REASON) - 1) == 0);
		assert_false(out.rdma.sizes[0].verified);
		assert_string_equal(n.peer.lost, "");
	}
	assert_child_ok(pid);
	node_peer_close(&n.peer);
	scenario_free(&n.sc);
}

/*
 * A client child that says hello with text's scenario and leaves: exits 10
 * when text does not parse, else if_opened or if_refused.
 */
static int client_says_hello(uint16_t port, const char *text, int if_opened, int if_refused)
{
	static struct node n;

	if (scenario_parse_text("unit", text, &n.sc))
		return 10;
	bool opened = node_peer_open(&n.peer, NODE_CLIENT, "127.0.0.1", port, &n.sc, WAIT_MS);
	node_peer_close(&n.peer);
	return opened ? if_opened : if_refused;
}

/* The client child of a scenario with another step count. */
static int client_with_other_scenario(uint16_t port)
{
	return client_says_hello(port, ONE_STEP, 11, 0);
}

static void test_hello_refuses_another_scenario(void **state)
{
	static struct node n;
	uint16_t port = test_port();

	(void)state;
	parse(TWO_STEPS, &n.sc);
	pid_t pid = start(client_with_other_scenario, port);
	assert_false(node_peer_open(&n.peer, NODE_SERVER, "127.0.0.1", port, &n.sc, WAIT_MS));
	assert_non_null(strstr(n.peer.lost, "peer link to the client (127.0.0.1): "
					    "at 'hello unit 2': out of step"));
	assert_child_ok(pid);
	node_peer_close(&n.peer);
	scenario_free(&n.sc);
}

/* The client child that says hello and leaves. */
static int client_that_leaves(uint16_t port)
{
	return client_says_hello(port, TWO_STEPS, 0, 11);
}

static void test_peer_gone_fails_at_once(void **state)
{
	static struct node n;
	static struct step_report out;
	time_t started;

	(void)state;
	pid_t pid = server_with(&n, client_that_leaves);
	assert_child_ok(pid);
	started = time(NULL);
	run_step(&n, 0, &out);
	assert_true(time(NULL) - started < 3);
	assert_int_equal(out.verdict, VERDICT_FAIL);
	assert_non_null(strstr(out.reason, "peer link to the client (127.0.0.1): at 'step 0 one': "
					   "the client runner went away"));
	/* The next step does not wait again: the link is known lost. */
	run_step(&n, 1, &out);
	assert_int_equal(out.verdict, VERDICT_FAIL);
	assert_non_null(strstr(out.reason, "the client runner went away"));
	node_peer_close(&n.peer);
	scenario_free(&n.sc);
}

/* The client child's side of a sync: it had no problem, and must learn the server's. */
static int client_learns_problem(uint16_t port)
{
	static struct node n;
	struct rdma_sync mine = { 0 }, theirs = { 0 };
	struct rdma_run rr = { 0 };

	if (scenario_parse_text("unit", TWO_STEPS, &n.sc))
		return 10;
	node_env(&n);
	if (!node_peer_open(&n.peer, NODE_CLIENT, "127.0.0.1", port, &n.sc, WAIT_MS))
		return 11;
	rr.env = &n.env;
	rr.step = &n.sc.steps[1];
	rdma_run_assign_roles(&rr);
	if (!rr.requester || rr.owns_target)
		return 12;
	bool go_on = rdma_run_sync(&rr, "ready", &mine, &theirs, WAIT_MS);
	node_peer_close(&n.peer);
	if (go_on || rr.problem.verdict != VERDICT_FAIL)
		return 13;
	return strcmp(rr.problem.why, "server: RDMA device x: ibv_reg_mr: no memory") ? 14 : 0;
}

static void test_sync_hands_a_problem_over(void **state)
{
	static struct node n;
	struct rdma_sync mine = { 0 }, theirs = { 0 };
	struct rdma_run rr = { 0 };

	(void)state;
	pid_t pid = server_with(&n, client_learns_problem);
	rr.env = &n.env;
	rr.step = &n.sc.steps[1];
	rdma_run_assign_roles(&rr);
	assert_false(rr.requester);
	assert_true(rr.owns_target);
	rdma_problem_set(&rr.problem, VERDICT_FAIL, "RDMA device x: ibv_reg_mr: no memory");
	assert_false(rdma_run_sync(&rr, "ready", &mine, &theirs, WAIT_MS));
	assert_string_equal(rr.problem.why, "RDMA device x: ibv_reg_mr: no memory");
	assert_false(theirs.problem);
	assert_child_ok(pid);
	node_peer_close(&n.peer);
	scenario_free(&n.sc);
}

UNIT_TEST_MAIN("tests",
	cmocka_unit_test(test_both_nodes_skip_in_lock_step),
	cmocka_unit_test(test_hello_refuses_another_scenario),
	cmocka_unit_test(test_peer_gone_fails_at_once),
	cmocka_unit_test(test_sync_hands_a_problem_over));
