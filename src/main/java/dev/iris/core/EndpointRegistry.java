package dev.iris.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The endpoints of running jobs. Rules: an endpoint belongs to the task attempt that registered it and
 * disappears when that attempt ends (retried or finished); the store removes a job's remaining
 * endpoints when the job finishes, so only endpoints of unfinished jobs are visible; listing is by name
 * prefix, in name order.
 */
public final class EndpointRegistry {
  /** The longest endpoint name. */
  public static final int MAX_NAME_LENGTH = 512;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._:-]+");

  /** In registration order, which a snapshot keeps. */
  private final Map<String, Endpoint> byId = new LinkedHashMap<>();
  private final TreeMap<String, Map<String, Endpoint>> byName = new TreeMap<>();
  private final Map<TaskId, List<String>> byTask = new HashMap<>();
  private final Map<JobId, List<String>> byJob = new HashMap<>();
  private long nextId = 1;

  /**
   * Validates a name: at most {@value #MAX_NAME_LENGTH} characters, segments separated by {@code /} (a task's
   * endpoints are {@code {root_job}/{name}}), each segment letters, digits and {@code . _ : -}, and no
   * segment empty, {@code .} or {@code ..}: a name is never a path that climbs out of its namespace.
   */
  public static void validateName(String name) {
    if (name == null || name.isEmpty()) {
      throw new ValidationException("endpoint name must not be empty");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new ValidationException("endpoint name " + Quoted.of(name) + " is longer than " + MAX_NAME_LENGTH
          + " characters");
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new ValidationException("endpoint name " + Quoted.of(name) + " has an empty segment");
      }
      if (!SEGMENT.matcher(segment).matches()) {
        throw new ValidationException("endpoint name " + Quoted.of(name)
            + " may hold only letters, digits and . _ : - in segments separated by '/'");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new ValidationException("endpoint name " + Quoted.of(name) + " has a '" + segment + "' segment");
      }
    }
  }

  /** Adds an endpoint; the caller has checked that the job is unfinished and the attempt is current. */
  public Endpoint register(String name, String address, JobId job, TaskId task, int attemptId,
      Map<String, String> metadata) {
    validateName(name);
    if (address == null || address.isBlank()) {
      throw new ValidationException("endpoint " + Quoted.of(name) + " needs an address");
    }
    Endpoint e = new Endpoint("ep-" + nextId++, name, address, job, task, attemptId, metadata);
    add(e);
    return e;
  }

  /**
   * The registry as an immutable value: its endpoints in registration order (the order they list in under one
   * name) and the number the next id takes. What a snapshot of the controller's state keeps.
   */
  public record RegistryImage(List<Endpoint> endpoints, long nextId) {}

  public RegistryImage image() {
    return new RegistryImage(List.copyOf(byId.values()), nextId);
  }

  /** The registry {@code image} was taken of. */
  public static EndpointRegistry restore(RegistryImage image) {
    EndpointRegistry r = new EndpointRegistry();
    for (Endpoint e : image.endpoints()) {
      r.add(e);
    }
    r.nextId = image.nextId();
    return r;
  }

  private void add(Endpoint e) {
    if (byId.putIfAbsent(e.id(), e) != null) {
      throw new IllegalArgumentException("endpoint id " + e.id() + " twice");
    }
    byName.computeIfAbsent(e.name(), n -> new LinkedHashMap<>()).put(e.id(), e);
    byJob.computeIfAbsent(e.job(), j -> new ArrayList<>()).add(e.id());
    if (e.task() != null) {
      byTask.computeIfAbsent(e.task(), t -> new ArrayList<>()).add(e.id());
    }
  }

  public Optional<Endpoint> unregister(String id) {
    Endpoint e = byId.remove(id);
    if (e == null) {
      return Optional.empty();
    }
    Map<String, Endpoint> sameName = byName.get(e.name());
    sameName.remove(id);
    if (sameName.isEmpty()) {
      byName.remove(e.name());
    }
    removeIndex(byJob, e.job(), id);
    if (e.task() != null) {
      removeIndex(byTask, e.task(), id);
    }
    return Optional.of(e);
  }

  /** Removes the endpoints registered by attempt {@code attemptId} of {@code task}. */
  public List<Endpoint> removeForAttempt(TaskId task, int attemptId) {
    List<Endpoint> removed = new ArrayList<>();
    for (String id : List.copyOf(byTask.getOrDefault(task, List.of()))) {
      Endpoint e = byId.get(id);
      if (e != null && e.attemptId() == attemptId) {
        unregister(id).ifPresent(removed::add);
      }
    }
    return removed;
  }

  /** Removes every endpoint of {@code job} (the job finished). */
  public List<Endpoint> removeForJob(JobId job) {
    List<Endpoint> removed = new ArrayList<>();
    for (String id : List.copyOf(byJob.getOrDefault(job, List.of()))) {
      unregister(id).ifPresent(removed::add);
    }
    return removed;
  }

  /** The newest endpoint registered under exactly {@code name}. */
  public Optional<Endpoint> lookup(String name) {
    Map<String, Endpoint> sameName = byName.get(name);
    if (sameName == null || sameName.isEmpty()) {
      return Optional.empty();
    }
    Endpoint newest = null;
    for (Endpoint e : sameName.values()) {
      newest = e;
    }
    return Optional.ofNullable(newest);
  }

  /** Endpoints whose name starts with {@code prefix} (empty = all), by name, then registration. */
  public List<Endpoint> list(String prefix) {
    List<Endpoint> out = new ArrayList<>();
    Map<String, Map<String, Endpoint>> range = prefix == null || prefix.isEmpty()
        ? byName
        : byName.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
    range.values().forEach(m -> out.addAll(m.values()));
    return out;
  }

  public int size() {
    return byId.size();
  }

  private static <K> void removeIndex(Map<K, List<String>> index, K key, String id) {
    List<String> ids = index.get(key);
    if (ids != null) {
      ids.remove(id);
      if (ids.isEmpty()) {
        index.remove(key);
      }
    }
  }
}
