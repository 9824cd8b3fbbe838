package dev.iris.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A job's identifier: one or more name segments joined by {@code /}, the parent's id first
 * ({@code train/eval} is the child {@code eval} of the root job {@code train}).
 *
 * <p>A segment is 1-63 characters of letters, digits, {@code . _ -}, starting with a letter or digit,
 * and never of the form {@code task-N} (reserved for task ids). At most 8 levels deep.
 */
public record JobId(String value) implements Comparable<JobId> {
  public static final int MAX_DEPTH = 8;
  /** The longest job id: {@value #MAX_DEPTH} segments of 63 characters and the slashes between them. */
  public static final int MAX_LENGTH = MAX_DEPTH * 64 - 1;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern TASK_SEGMENT = Pattern.compile("task-[0-9]+");

  public JobId {
    validate(value);
  }

  /** Parses {@code value}, throwing a {@link ValidationException} that says what is wrong. */
  public static JobId of(String value) {
    return new JobId(value);
  }

  /** The id of a root job named {@code name}. */
  public static JobId root(String name) {
    validateSegment(name, name);
    return new JobId(name);
  }

  /** The child job {@code {this}/{name}}. */
  public JobId child(String name) {
    validateSegment(name, value + "/" + name);
    return new JobId(value + "/" + name);
  }

  /** The parent job, or null for a root job. */
  public JobId parent() {
    int slash = value.lastIndexOf('/');
    return slash < 0 ? null : new JobId(value.substring(0, slash));
  }

  /** The root job of this job's tree (itself for a root job). */
  public JobId root() {
    int slash = value.indexOf('/');
    return slash < 0 ? this : new JobId(value.substring(0, slash));
  }

  /** The last segment: the name the job was submitted with. */
  public String name() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  public List<String> segments() {
    return List.of(value.split("/"));
  }

  public int depth() {
    return segments().size();
  }

  /** True when this job is a strict ancestor of {@code other}. */
  public boolean isAncestorOf(JobId other) {
    return other.value.startsWith(value + "/");
  }

  @Override
  public int compareTo(JobId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }

  private static void validate(String value) {
    if (value == null || value.isEmpty()) {
      throw new ValidationException("job id must not be empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new ValidationException("job id " + Quoted.of(value) + " is longer than " + MAX_LENGTH + " characters");
    }
    if (value.startsWith("/") || value.endsWith("/") || value.contains("//")) {
      throw new ValidationException("job id " + Quoted.of(value) + " has an empty segment");
    }
    String[] segments = value.split("/");
    if (segments.length > MAX_DEPTH) {
      throw new ValidationException(
          "job id " + Quoted.of(value) + " is nested " + segments.length + " deep; at most " + MAX_DEPTH);
    }
    for (String segment : segments) {
      validateSegment(segment, value);
    }
  }

  private static void validateSegment(String segment, String whole) {
    if (segment == null || segment.isEmpty()) {
      throw new ValidationException("job name must not be empty");
    }
    if (segment.indexOf('/') >= 0) {
      throw new ValidationException("job name " + Quoted.of(segment) + " must not contain '/'");
    }
    if (!SEGMENT.matcher(segment).matches()) {
      throw new ValidationException("job name " + Quoted.of(segment) + " in " + Quoted.of(whole)
          + " must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (TASK_SEGMENT.matcher(segment).matches()) {
      throw new ValidationException(
          "job name " + Quoted.of(segment) + " is reserved: 'task-N' names tasks");
    }
  }
}
