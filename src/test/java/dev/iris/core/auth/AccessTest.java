package dev.iris.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.core.JobId;
import dev.iris.core.auth.Access.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every (caller, action, job) against a table written out here, separately from {@link Access}'s: alice owns
 * {@code alice-job} (and its child), bob owns {@code bob-job}; the task acts for {@code alice-job}.
 */
class AccessTest {
  private static final JobId ALICE_JOB = JobId.root("alice-job");
  private static final JobId ALICE_CHILD = ALICE_JOB.child("step");
  private static final JobId BOB_JOB = JobId.root("bob-job");

  private static final Caller ADMIN = Caller.admin();
  private static final Caller ALICE = Caller.of("alice", Role.USER);
  private static final Caller VIEWER = Caller.of("vera", Role.VIEWER);
  private static final Caller WORKER = Caller.of("w1", Role.WORKER);
  private static final Caller TASK = Caller.task(ALICE_JOB, "alice");

  /** caller, action, job (null: none), owner, allowed. */
  static Stream<Arguments> table() {
    List<Arguments> rows = new ArrayList<>();
    Object[][] t = {
      // admin: everything
      {ADMIN, Permission.SUBMIT_JOB, null, null, true}, {ADMIN, Permission.SUBMIT_JOB, BOB_JOB, "bob", true},
      {ADMIN, Permission.READ_JOB, BOB_JOB, "bob", true}, {ADMIN, Permission.CHANGE_JOB, BOB_JOB, "bob", true},
      {ADMIN, Permission.SEE_ENV, BOB_JOB, "bob", true}, {ADMIN, Permission.LOOKUP_ENDPOINTS, null, null, true},
      {ADMIN, Permission.READ_CLUSTER, null, null, true}, {ADMIN, Permission.ACT_AS_WORKER, null, null, true},
      // user: top-level jobs and children of its own; reads all; changes and sees the variables of its own
      {ALICE, Permission.SUBMIT_JOB, null, null, true}, {ALICE, Permission.SUBMIT_JOB, ALICE_JOB, "alice", true},
      {ALICE, Permission.SUBMIT_JOB, BOB_JOB, "bob", false},
      {ALICE, Permission.READ_JOB, BOB_JOB, "bob", true}, {ALICE, Permission.CHANGE_JOB, ALICE_JOB, "alice", true},
      {ALICE, Permission.CHANGE_JOB, BOB_JOB, "bob", false}, {ALICE, Permission.SEE_ENV, ALICE_JOB, "alice", true},
      {ALICE, Permission.SEE_ENV, BOB_JOB, "bob", false}, {ALICE, Permission.LOOKUP_ENDPOINTS, null, null, true},
      {ALICE, Permission.READ_CLUSTER, null, null, true}, {ALICE, Permission.ACT_AS_WORKER, null, null, false},
      // viewer: reads, never changes, never sees variables
      {VIEWER, Permission.SUBMIT_JOB, null, null, false}, {VIEWER, Permission.READ_JOB, BOB_JOB, "bob", true},
      {VIEWER, Permission.CHANGE_JOB, BOB_JOB, "bob", false}, {VIEWER, Permission.SEE_ENV, BOB_JOB, "bob", false},
      {VIEWER, Permission.LOOKUP_ENDPOINTS, null, null, true}, {VIEWER, Permission.READ_CLUSTER, null, null, true},
      {VIEWER, Permission.ACT_AS_WORKER, null, null, false},
      // worker: only worker calls
      {WORKER, Permission.SUBMIT_JOB, null, null, false}, {WORKER, Permission.READ_JOB, BOB_JOB, "bob", false},
      {WORKER, Permission.CHANGE_JOB, BOB_JOB, "bob", false}, {WORKER, Permission.READ_CLUSTER, null, null, false},
      {WORKER, Permission.LOOKUP_ENDPOINTS, null, null, false}, {WORKER, Permission.ACT_AS_WORKER, null, null, true},
      // task: within its job's tree only
      {TASK, Permission.SUBMIT_JOB, null, null, false}, {TASK, Permission.SUBMIT_JOB, ALICE_JOB, "alice", true},
      {TASK, Permission.SUBMIT_JOB, ALICE_CHILD, "alice", true}, {TASK, Permission.SUBMIT_JOB, BOB_JOB, "bob", false},
      {TASK, Permission.READ_JOB, ALICE_CHILD, "alice", true}, {TASK, Permission.READ_JOB, BOB_JOB, "bob", false},
      {TASK, Permission.CHANGE_JOB, ALICE_JOB, "alice", true}, {TASK, Permission.CHANGE_JOB, BOB_JOB, "bob", false},
      {TASK, Permission.SEE_ENV, ALICE_JOB, "alice", true}, {TASK, Permission.LOOKUP_ENDPOINTS, null, null, true},
      {TASK, Permission.READ_CLUSTER, null, null, false}, {TASK, Permission.ACT_AS_WORKER, null, null, false},
    };
    for (Object[] r : t) {
      rows.add(Arguments.of(r));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}: {4}")
  @MethodSource("table")
  void decides(Caller caller, Permission action, JobId job, String owner, boolean allowed) {
    assertThat(Access.allows(caller, action, job, owner)).isEqualTo(allowed);
    if (allowed) {
      Access.require(caller, action, job, owner);
    } else {
      assertThatThrownBy(() -> Access.require(caller, action, job, owner)).isInstanceOf(AccessDenied.class)
          .hasMessageContaining(caller.describe()).hasMessageContaining("may not");
    }
  }

  @Test
  void aDenialSaysWhoseJobItIs() {
    assertThatThrownBy(() -> Access.require(ALICE, Permission.CHANGE_JOB, BOB_JOB, "bob"))
        .hasMessage("user 'alice' may not change job 'bob-job': it belongs to 'bob'");
    assertThatThrownBy(() -> Access.require(TASK, Permission.READ_JOB, BOB_JOB, "bob"))
        .hasMessage("the task token of job 'alice-job' may not read job 'bob-job': it is outside the task's job "
            + "'alice-job'");
  }

  @Test
  void onlyRolesThatNeverMayAreRefusedWithoutLooking() {
    assertThat(Access.mayEver(VIEWER, Permission.CHANGE_JOB)).isFalse();
    assertThat(Access.mayEver(WORKER, Permission.CHANGE_JOB)).isFalse();
    assertThat(Access.mayEver(ALICE, Permission.CHANGE_JOB)).isTrue();
    assertThat(Access.mayEver(TASK, Permission.CHANGE_JOB)).isTrue();
    assertThat(Access.mayEver(WORKER, Permission.ACT_AS_WORKER)).isTrue();
  }

  @Test
  void aTaskOfAChildJobDoesNotReachItsParent() {
    Caller child = Caller.task(ALICE_CHILD, "alice");
    assertThat(Access.allows(child, Permission.READ_JOB, ALICE_JOB, "alice")).isFalse();
    assertThat(Access.allows(child, Permission.CHANGE_JOB, ALICE_CHILD, "alice")).isTrue();
  }
}
