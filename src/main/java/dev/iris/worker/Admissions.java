package dev.iris.worker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What this worker process admitted and refuses: it numbers the RunTasks it accepts (1, 2, ... within
 * its {@link #incarnation}, new at every start) and remembers, per task, the newest attempt it accepted
 * or was told to kill before it arrived. A RunTask of an attempt no newer than that is refused, so an
 * attempt the controller superseded or cancelled never starts here afterwards, however late its RunTask
 * arrives. The controller reads the numbers back from RunTask answers and heartbeats to tell an attempt
 * still in flight from one the worker does not know (see {@code controller.state.AcceptMark}).
 *
 * <p>The fences are bounded (oldest forgotten first); a forgotten fence only matters for a RunTask that
 * arrives after {@code maxFences} newer tasks were seen, far beyond any delivery's retries. Not
 * thread-safe: owned by the worker verticle's context.
 */
final class Admissions {
  private final String incarnation = UUID.randomUUID().toString();
  private final int maxFences;
  private final Map<String, Integer> fences;
  private long accepted;

  Admissions(int maxFences) {
    this.maxFences = maxFences;
    this.fences = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
        return size() > Admissions.this.maxFences;
      }
    };
  }

  /** This worker process's name among the worker's restarts. */
  String incarnation() {
    return incarnation;
  }

  /** How many RunTasks this process accepted so far. */
  long acceptedSeq() {
    return accepted;
  }

  /** What a RunTask gets. */
  enum Verdict {
    /** A new attempt: accept it ({@link #accept}) and start it. */
    ACCEPT,
    /** The task's current attempt again (a retried delivery): answer as the first time, start nothing. */
    REPEAT,
    /** An attempt no newer than one accepted or fenced here: superseded or cancelled, never started. */
    REFUSE
  }

  /** The verdict on a RunTask of attempt {@code attemptId} of a task whose current attempt here is {@code current} (-1: none). */
  Verdict judge(String taskId, int attemptId, int current) {
    if (attemptId == current) {
      return Verdict.REPEAT;
    }
    return attemptId <= newest(taskId, current) ? Verdict.REFUSE : Verdict.ACCEPT;
  }

  /** The newest attempt of the task accepted or fenced here, or -1. */
  int newest(String taskId, int current) {
    Integer f = fences.get(taskId);
    return Math.max(f == null ? -1 : f, current);
  }

  /** Accepts attempt {@code attemptId} of {@code taskId}; returns its sequence number. */
  long accept(String taskId, int attemptId) {
    raise(taskId, attemptId);
    return ++accepted;
  }

  /**
   * A KillTask of attempt {@code attemptId} of a task whose current attempt here is {@code current} (-1:
   * none). Returns true when the current attempt is the one to kill; an attempt newer than the current
   * one (its RunTask may still be on the way) is fenced instead; an older one is already superseded.
   */
  boolean kill(String taskId, int attemptId, int current) {
    if (attemptId == current) {
      return true;
    }
    if (attemptId > current) {
      raise(taskId, attemptId);
    }
    return false;
  }

  private void raise(String taskId, int attemptId) {
    Integer f = fences.remove(taskId); // re-inserted as the newest
    fences.put(taskId, f == null ? attemptId : Math.max(f, attemptId));
  }
}
