package dev.iris.cli.parse;

import static dev.iris.cli.parse.InvalidValueException.quote;

import dev.iris.common.ProtoStates;
import dev.iris.rpc.JobState;
import java.util.List;
import java.util.Locale;

/**
 * Parses job state names as users type them: {@code running}, {@code RUNNING}, {@code JOB_STATE_RUNNING}
 * or {@code worker-failed}, case-insensitively (the syntax of {@link ProtoStates#jobStateNamed}), and
 * shows them in lower case. {@code UNSPECIFIED} is not a state one can ask for.
 */
public final class JobStates {
  private JobStates() {}

  /**
   * Returns the job state named by {@code text}.
   *
   * @throws InvalidValueException when {@code text} names no job state; the message lists the states
   */
  public static JobState parse(String text) {
    return ProtoStates.jobStateNamed(text == null ? "" : text).orElseThrow(() -> new InvalidValueException(
        quote(String.valueOf(text)) + " is not a job state; use one of " + shortNames()));
  }

  /** The lower-case short name of a state, as shown to users: {@code worker_failed}. */
  public static String shortName(JobState state) {
    return ProtoStates.shortName(state).toLowerCase(Locale.ROOT);
  }

  /** The selectable states' short names, comma-separated, for help texts and error messages. */
  public static String shortNames() {
    return String.join(", ", shortNameList());
  }

  /** The selectable states' short names in contract order: {@code pending, building, ...}. */
  public static List<String> shortNameList() {
    return ProtoStates.namedJobStates().stream().map(JobStates::shortName).toList();
  }
}
