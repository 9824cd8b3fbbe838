package dev.iris.core.auth;

import dev.iris.core.JobId;
import java.util.Objects;

/**
 * Who makes a request: a user name and a {@link Role}; a task's caller also names the job it acts for
 * ({@code scope}), and its user is that job's owner.
 */
public record Caller(String user, Role role, JobId scope) {
  /** The user name of the cluster's admin token. */
  public static final String ADMIN_NAME = "admin";

  public Caller {
    Objects.requireNonNull(role, "role");
    user = dev.iris.core.TextRules.userName(user);
    if ((role == Role.TASK) != (scope != null)) {
      throw new IllegalArgumentException("a task caller, and only a task caller, acts for a job");
    }
  }

  public static Caller of(String user, Role role) {
    return new Caller(user, role, null);
  }

  /** A task of {@code job} (owned by {@code owner}) acting for it. */
  public static Caller task(JobId job, String owner) {
    return new Caller(owner, Role.TASK, job);
  }

  /** The holder of the cluster's admin token. */
  public static Caller admin() {
    return of(ADMIN_NAME, Role.ADMIN);
  }

  /** Whether this caller acts for {@code job}'s tree: a task scoped to {@code job} or one of its ancestors. */
  public boolean scopeCovers(JobId job) {
    return scope != null && (scope.equals(job) || scope.isAncestorOf(job));
  }

  /** How messages name the caller: {@code user 'alice'}, {@code task of job 'alice/train'}. */
  public String describe() {
    return role == Role.TASK ? "the task token of job '" + scope.value() + "'"
        : role.label() + " '" + user + "'";
  }
}
