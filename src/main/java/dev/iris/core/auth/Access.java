package dev.iris.core.auth;

import dev.iris.core.JobId;
import java.util.EnumMap;
import java.util.Map;

/**
 * The permissions, one table: for each {@link Role}, which {@link Permission}s it may take, and on which jobs.
 * Every front end asks here; nothing else decides who may do what.
 *
 * <pre>
 *                 SUBMIT_JOB      READ_JOB  CHANGE_JOB  SEE_ENV  LOOKUP_ENDPOINTS  READ_CLUSTER  ACT_AS_WORKER
 *   admin         yes             yes       yes         yes      yes               yes           yes
 *   user          top / own       yes       own         own      yes               yes           -
 *   viewer        -               yes       -           -        yes               yes           -
 *   worker        -               -         -           -        -                 -             yes
 *   task          under its job   its job   its job     its job  yes               -             -
 * </pre>
 *
 * "own": the job's owner is the caller's user; "its job": the task's job or one of its descendants; "top":
 * a job without a parent (a child job needs the right to change its parent).
 */
public final class Access {
  /** What a caller wants to do. */
  public enum Permission {
    /** Launch a job; the job checked is the parent (null for a top-level job). */
    SUBMIT_JOB,
    /** Read a job, its tasks, its logs, its events. */
    READ_JOB,
    /** Kill a job; register or remove an endpoint of it. */
    CHANGE_JOB,
    /** See the values of a job's environment variables. */
    SEE_ENV,
    /** Look up and list endpoints (how tasks find each other). */
    LOOKUP_ENDPOINTS,
    /** Read what is not one job's: the job list, workers, every event. */
    READ_CLUSTER,
    /** Register as a worker, heartbeat, report attempts, fetch bundles. */
    ACT_AS_WORKER
  }

  private enum Rule { ALWAYS, NEVER, OWN, TOP_OR_OWN, SCOPE }

  private static final Map<Role, Map<Permission, Rule>> TABLE = new EnumMap<>(Role.class);

  static {
    row(Role.ADMIN, Rule.ALWAYS, Rule.ALWAYS, Rule.ALWAYS, Rule.ALWAYS, Rule.ALWAYS, Rule.ALWAYS, Rule.ALWAYS);
    row(Role.USER, Rule.TOP_OR_OWN, Rule.ALWAYS, Rule.OWN, Rule.OWN, Rule.ALWAYS, Rule.ALWAYS, Rule.NEVER);
    row(Role.VIEWER, Rule.NEVER, Rule.ALWAYS, Rule.NEVER, Rule.NEVER, Rule.ALWAYS, Rule.ALWAYS, Rule.NEVER);
    row(Role.WORKER, Rule.NEVER, Rule.NEVER, Rule.NEVER, Rule.NEVER, Rule.NEVER, Rule.NEVER, Rule.ALWAYS);
    row(Role.TASK, Rule.SCOPE, Rule.SCOPE, Rule.SCOPE, Rule.SCOPE, Rule.ALWAYS, Rule.NEVER, Rule.NEVER);
  }

  private static void row(Role role, Rule... rules) {
    Map<Permission, Rule> row = new EnumMap<>(Permission.class);
    for (Permission a : Permission.values()) {
      row.put(a, rules[a.ordinal()]);
    }
    TABLE.put(role, row);
  }

  private Access() {}

  /** Whether {@code caller} may take {@code action} on {@code job} (owned by {@code owner}); job null: none. */
  public static boolean allows(Caller caller, Permission action, JobId job, String owner) {
    switch (TABLE.get(caller.role()).get(action)) {
      case ALWAYS:
        return true;
      case NEVER:
        return false;
      case OWN:
        return job != null && caller.user().equals(owner);
      case TOP_OR_OWN:
        return job == null || caller.user().equals(owner);
      case SCOPE:
        return job != null && caller.scopeCovers(job);
      default:
        throw new IllegalStateException();
    }
  }

  /**
   * Whether {@code caller}'s role may take {@code action} on any job at all: a refusal for a role that never
   * may (a viewer changing a job) needs no look at the job, so it tells nothing about whether the job exists.
   */
  public static boolean mayEver(Caller caller, Permission action) {
    return TABLE.get(caller.role()).get(action) != Rule.NEVER;
  }

  /** Like {@link #allows}, for an action on no particular job. */
  public static boolean allows(Caller caller, Permission action) {
    return allows(caller, action, null, null);
  }

  /** Throws {@link AccessDenied}, saying who may not do what and why, unless {@link #allows}. */
  public static void require(Caller caller, Permission action, JobId job, String owner) {
    if (!allows(caller, action, job, owner)) {
      throw new AccessDenied(denial(caller, action, job, owner));
    }
  }

  public static void require(Caller caller, Permission action) {
    require(caller, action, null, null);
  }

  private static String denial(Caller caller, Permission action, JobId job, String owner) {
    String what = switch (action) {
      case SUBMIT_JOB -> job == null ? "launch a top-level job" : "launch a child job of '" + job.value() + "'";
      case READ_JOB -> "read job '" + job.value() + "'";
      case CHANGE_JOB -> "change job '" + job.value() + "'";
      case SEE_ENV -> "see the variables of job '" + job.value() + "'";
      case LOOKUP_ENDPOINTS -> "look up endpoints";
      case READ_CLUSTER -> "read the cluster's jobs, workers and events";
      case ACT_AS_WORKER -> "act as a worker";
    };
    Rule rule = TABLE.get(caller.role()).get(action);
    String why = rule == Rule.OWN || rule == Rule.TOP_OR_OWN ? ": it belongs to '" + owner + "'"
        : rule == Rule.SCOPE ? ": it is outside the task's job '" + caller.scope().value() + "'"
        : "";
    return caller.describe() + " may not " + what + why;
  }
}
