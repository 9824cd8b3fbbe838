package dev.iris.e2e.netlab;

import java.nio.file.Path;
import java.util.List;

/**
 * The command of a task whose copies the checker can count: it appends a start mark to a shared marks file, does
 * its work in the background, and appends a stop mark when the work ends ({@code exit}) or when it is told to
 * stop by SIGTERM, SIGINT or SIGHUP ({@code term}). A SIGKILLed copy writes no stop mark: its end is when its
 * process was seen gone ({@link CopyWatch}). The pid in the marks is the task's shell, the copy's root process.
 */
public final class TaskScript {
  private TaskScript() {}

  /** {@code /bin/sh -c ...}: marks to {@code marks}, then runs {@code work} (a shell command line). */
  public static List<String> command(Path marks, String work) {
    String script = "m='" + marks + "'; me=\"$IRIS_TASK_ID $IRIS_ATTEMPT_ID $IRIS_WORKER_ID $$\"; "
        + "echo \"start $(date +%s%N) $me\" >> \"$m\"; "
        + "trap 'echo \"stop $(date +%s%N) $me term\" >> \"$m\"; exit 143' TERM INT HUP; "
        + work + " & wait $!; rc=$?; "
        + "echo \"stop $(date +%s%N) $me exit\" >> \"$m\"; exit $rc";
    return List.of("/bin/sh", "-c", script);
  }

  /** A task that marks and sleeps {@code seconds}. */
  public static List<String> sleeping(Path marks, int seconds) {
    return command(marks, "sleep " + seconds);
  }
}
