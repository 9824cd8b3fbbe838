package dev.iris.cli.parse;

import static dev.iris.cli.parse.InvalidValueException.quote;

import dev.iris.rpc.JobState;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parses job state names as users type them: {@code running}, {@code RUNNING}, {@code JOB_STATE_RUNNING}
 * or {@code worker-failed}, case-insensitively. {@code UNSPECIFIED} is not a state one can ask for.
 */
public final class JobStates {
  private static final String PREFIX = "JOB_STATE_";
  private static final List<JobState> SELECTABLE =
      Arrays.stream(JobState.values())
          .filter(state -> state != JobState.UNRECOGNIZED && state != JobState.JOB_STATE_UNSPECIFIED)
          .toList();

  private JobStates() {}

  /**
   * Returns the job state named by {@code text}.
   *
   * @throws InvalidValueException when {@code text} names no job state; the message lists the states
   */
  public static JobState parse(String text) {
    String name = text == null ? "" : text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    String full = name.startsWith(PREFIX) ? name : PREFIX + name;
    for (JobState state : SELECTABLE) {
      if (state.name().equals(full)) {
        return state;
      }
    }
    throw new InvalidValueException(
        quote(String.valueOf(text)) + " is not a job state; use one of " + shortNames());
  }

  /** The lower-case short name of a state, as shown to users: {@code worker_failed}. */
  public static String shortName(JobState state) {
    String name = state.name();
    return (name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name).toLowerCase(Locale.ROOT);
  }

  /** The selectable states' short names, comma-separated, for help texts and error messages. */
  public static String shortNames() {
    return String.join(", ", shortNameList());
  }

  /** The selectable states' short names in contract order: {@code pending, building, ...}. */
  public static List<String> shortNameList() {
    return SELECTABLE.stream().map(JobStates::shortName).toList();
  }
}
