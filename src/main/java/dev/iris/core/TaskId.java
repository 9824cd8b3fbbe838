package dev.iris.core;

/** A task's identifier, {@code {job_id}/task-{index}} with a 0-based index. */
public record TaskId(JobId job, int index) implements Comparable<TaskId> {
  private static final String MARKER = "/task-";

  public TaskId {
    if (job == null) {
      throw new ValidationException("task id needs a job id");
    }
    if (index < 0 || index >= JobSpec.MAX_REPLICAS) {
      throw new ValidationException(
          "task index " + index + " is out of range 0.." + (JobSpec.MAX_REPLICAS - 1));
    }
  }

  /** Parses {@code {job_id}/task-{index}}, rejecting anything else with a precise message. */
  public static TaskId parse(String value) {
    if (value == null || value.isEmpty()) {
      throw new ValidationException("task id must not be empty");
    }
    int at = value.lastIndexOf(MARKER);
    if (at <= 0) {
      throw new ValidationException(
          "task id " + Quoted.of(value) + " is not of the form '{job_id}/task-{index}'");
    }
    String digits = value.substring(at + MARKER.length());
    if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)
        || (digits.length() > 1 && digits.charAt(0) == '0')) {
      throw new ValidationException(
          "task id " + Quoted.of(value) + " has a malformed index " + Quoted.of(digits));
    }
    return new TaskId(JobId.of(value.substring(0, at)), Integer.parseInt(digits));
  }

  /** The short name shown in logs and tables, {@code task-{index}}. */
  public String shortName() {
    return "task-" + index;
  }

  @Override
  public int compareTo(TaskId o) {
    int byJob = job.compareTo(o.job);
    return byJob != 0 ? byJob : Integer.compare(index, o.index);
  }

  @Override
  public String toString() {
    return job.value() + MARKER + index;
  }
}
