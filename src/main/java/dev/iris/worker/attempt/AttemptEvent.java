package dev.iris.worker.attempt;

import dev.iris.worker.usage.UsageSample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** Something that happened to an attempt: a request, or the outcome of an effect the worker carried out. */
public sealed interface AttemptEvent {
  /** The event's kind, the column of {@link AttemptLifecycle}'s table. */
  Type type();

  /** Every kind of event. */
  enum Type {
    MAY_START, PREPARED, BUNDLE_INSTALLED, STEP_FAILED, PROCESS_STARTED, PROCESS_EXITED, KILL_REQUESTED,
    KILL_DONE, TIMEOUT_EXPIRED, USAGE_SAMPLED, REPORT_SETTLED
  }

  /** The task's previous attempt on this worker is gone (or there was none): this one may start. */
  record MayStart() implements AttemptEvent {
    public Type type() {
      return Type.MAY_START;
    }
  }

  /** Its directory is made and its ports allocated (and, if it {@link AttemptSpec#startsAtOnce}, its command is being started). */
  record Prepared(Path workDir, Map<String, Integer> ports) implements AttemptEvent {
    public Prepared {
      Objects.requireNonNull(workDir, "workDir");
      ports = Map.copyOf(ports);
    }

    public Type type() {
      return Type.PREPARED;
    }
  }

  /** Its bundle is unpacked into its directory. */
  record BundleInstalled(boolean fromCache) implements AttemptEvent {
    public Type type() {
      return Type.BUNDLE_INSTALLED;
    }
  }

  /** A step before the command ran failed: preparing, installing, or starting a process. */
  record StepFailed(String message) implements AttemptEvent {
    public Type type() {
      return Type.STEP_FAILED;
    }
  }

  /** The command's process started. */
  record ProcessStarted(Command command) implements AttemptEvent {
    public Type type() {
      return Type.PROCESS_STARTED;
    }
  }

  /** The command's process exited (its output drained); {@code lastLine} is its last stderr line, or null. */
  record ProcessExited(Command command, int code, String lastLine) implements AttemptEvent {
    public Type type() {
      return Type.PROCESS_EXITED;
    }
  }

  /**
   * Someone asked for the attempt to die: KillTask, a newer attempt of its task, the worker stopping; or the worker
   * fenced it (its lease ran out), and it ends {@code ends} WORKER_FAILED.
   */
  record KillRequested(Duration grace, String reason, dev.iris.core.TaskState ends) implements AttemptEvent {
    /** A kill that ends the attempt KILLED. */
    public KillRequested(Duration grace, String reason) {
      this(grace, reason, dev.iris.core.TaskState.KILLED);
    }

    public Type type() {
      return Type.KILL_REQUESTED;
    }
  }

  /** The process tree a kill was sent to is gone, root and descendants. */
  record KillDone(Command command) implements AttemptEvent {
    public Type type() {
      return Type.KILL_DONE;
    }
  }

  /** The timeout armed when the command started fired. */
  record TimeoutExpired() implements AttemptEvent {
    public Type type() {
      return Type.TIMEOUT_EXPIRED;
    }
  }

  /** Its resource usage was sampled. */
  record UsageSampled(UsageSample usage) implements AttemptEvent {
    public Type type() {
      return Type.USAGE_SAMPLED;
    }
  }

  /** The controller answered its latest report: acknowledged it, or refused it for good. */
  record ReportSettled(boolean acknowledged) implements AttemptEvent {
    public Type type() {
      return Type.REPORT_SETTLED;
    }
  }
}
