package dev.iris.controller.api;

import dev.iris.common.HostPort;
import dev.iris.common.ProtoSpecs;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.EndpointRegistry;
import dev.iris.core.JobId;
import dev.iris.core.Quoted;
import dev.iris.core.Resources;
import dev.iris.core.TaskId;
import dev.iris.core.TextRules;
import dev.iris.core.ValidationException;
import dev.iris.core.WorkerIds;
import dev.iris.link.WorkerLinks;
import dev.iris.rpc.Controller;
import dev.iris.rpc.WorkerMetadata;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks what workers and tasks register with the controller (a worker's id, address and metadata; an
 * endpoint's name, address and metadata) and turns it into domain values, or throws a
 * {@link ValidationException} saying why not. Everything registered is later stored, shown on the
 * dashboard, written to logs and, for addresses, dialled: each field is bounded and of a safe charset.
 */
final class RegistrationChecks {
  /** The longest worker id (a worker's default id, {@code <hostname>-<suffix>}, is cut to this length). */
  static final int MAX_WORKER_ID_LENGTH = WorkerIds.MAX_LENGTH;
  /** The longest host name or address in an address or in a worker's hostname and ip_address (DNS: 253). */
  static final int MAX_HOST_LENGTH = 253;
  /** The longest {@code host:port} address: a longest host in brackets, a colon and a 5-digit port. */
  static final int MAX_ADDRESS_LENGTH = MAX_HOST_LENGTH + 8;
  /** The most placement attributes of a worker, and the most metadata entries of an endpoint. */
  static final int MAX_ATTRIBUTES = 256;
  /** The longest key of a worker attribute or of endpoint metadata. */
  static final int MAX_ATTRIBUTE_KEY_LENGTH = 128;
  /** The longest value of a worker attribute or of endpoint metadata. */
  static final int MAX_ATTRIBUTE_VALUE_LENGTH = 1024;
  /** The longest GPU variant a worker states ({@code H100}, {@code A100-SXM4-80GB}). */
  static final int MAX_GPU_VARIANT_LENGTH = 64;
  /**
   * The most tasks a worker may say can be starting on it at once (a real worker states at most 256, see
   * {@code WorkerVerticle.START_CAPACITY}; 0 means the controller's default).
   */
  static final int MAX_START_CAPACITY = 10_000;
  /** The longest incarnation (a worker process's random id). */
  static final int MAX_INCARNATION_LENGTH = 128;

  /** Host names, IPv4 and (unbracketed) IPv6 addresses with an optional {@code %zone}. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]+");

  private RegistrationChecks() {}

  // ---------------------------------------------------------------- workers

  /** A worker id: 1-{@value #MAX_WORKER_ID_LENGTH} letters, digits or {@code . _ : -}, the first a letter or digit. */
  static String workerId(String id) {
    if (!WorkerIds.isValid(id)) {
      throw new ValidationException("worker_id " + Quoted.of(id) + " must be " + WorkerIds.RULE);
    }
    return id;
  }

  /** What a RegisterWorker request says about the worker (its attempts and mark are checked apart). */
  static WorkerRecord.Registration registration(Controller.RegisterWorkerRequest r) {
    String id = workerId(r.getWorkerId());
    String address = workerAddress(id, r.getAddress());
    WorkerMetadata m = r.getMetadata();
    if (m.getCpuCount() < 0 || m.getMemoryBytes() < 0 || m.getDiskBytes() < 0) {
      throw new ValidationException("worker " + id + " reports negative capacity: cpu_count=" + m.getCpuCount()
          + " memory_bytes=" + m.getMemoryBytes() + " disk_bytes=" + m.getDiskBytes());
    }
    int gpus = ProtoSpecs.gpuCount(m.getDevice());
    if (gpus < 0) {
      throw new ValidationException("worker " + id + " reports a negative gpu count, " + gpus);
    }
    if (m.getStartCapacity() < 0 || m.getStartCapacity() > MAX_START_CAPACITY) {
      throw new ValidationException("worker " + id + " start_capacity must be 0.." + MAX_START_CAPACITY + ", got "
          + m.getStartCapacity());
    }
    String variant = TextRules.text("worker " + id + " gpu variant", ProtoSpecs.gpuVariant(m.getDevice()),
        MAX_GPU_VARIANT_LENGTH);
    Map<String, String> attributes = TextRules.map("worker " + id + " attributes", m.getAttributesMap(),
        MAX_ATTRIBUTES, MAX_ATTRIBUTE_KEY_LENGTH, MAX_ATTRIBUTE_VALUE_LENGTH);
    String hostname = TextRules.text("worker " + id + " hostname", m.getHostname(), MAX_HOST_LENGTH);
    String ip = TextRules.text("worker " + id + " ip_address", m.getIpAddress(), MAX_HOST_LENGTH);
    return new WorkerRecord.Registration(id, address,
        new Resources(m.getCpuCount(), m.getMemoryBytes(), m.getDiskBytes(), gpus, variant), attributes, hostname,
        ip, m.getStartCapacity(), incarnation(r.getIncarnation()));
  }

  /** An incarnation: at most {@value #MAX_INCARNATION_LENGTH} characters, no control character. */
  static String incarnation(String incarnation) {
    return TextRules.text("incarnation", incarnation, MAX_INCARNATION_LENGTH);
  }

  /**
   * Where the controller reaches worker {@code id}: {@code bus://<id>} (its own id, on the event bus) or
   * {@code host:port} as {@link #hostPort} takes it.
   */
  static String workerAddress(String id, String address) {
    if (address.startsWith(WorkerLinks.BUS_SCHEME)) {
      if (!address.equals(WorkerLinks.BUS_SCHEME + id)) {
        throw new ValidationException("worker " + id + " address " + Quoted.of(address) + " must be "
            + WorkerLinks.BUS_SCHEME + id + " (a worker on the event bus is reached by its own id) or host:port");
      }
      return address;
    }
    return hostPort("worker " + id + " address", address);
  }

  /**
   * A {@code host:port} address as {@link HostPort#parse} reads it, taken exactly as written: at most
   * {@value #MAX_ADDRESS_LENGTH} characters, the host letters, digits and {@code . _ : % -} (an IPv6 address
   * in brackets), no whitespace or control character.
   */
  static String hostPort(String field, String address) {
    if (address.isEmpty()) {
      throw new ValidationException(field + " must not be empty; write host:port");
    }
    TextRules.text(field, address, MAX_ADDRESS_LENGTH);
    if (address.chars().anyMatch(Character::isWhitespace)) {
      throw new ValidationException(field + " " + Quoted.of(address) + " must not hold whitespace");
    }
    HostPort parsed;
    try {
      parsed = HostPort.parse(address);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(field + ": " + e.getMessage()); // it quotes the address, short by now
    }
    if (!HOST.matcher(parsed.host()).matches()) {
      throw new ValidationException(field + " " + Quoted.of(address)
          + " has a host other than letters, digits and . _ : % - (an IPv6 address in brackets)");
    }
    return address;
  }

  // ---------------------------------------------------------------- endpoints

  /** A RegisterEndpoint request, checked: the fields the store needs. */
  record EndpointRegistration(String name, String address, JobId job, TaskId task, int attemptId,
      Map<String, String> metadata) {}

  /**
   * The endpoint a RegisterEndpoint request registers: a name as {@link EndpointRegistry#validateName} takes
   * it, under the root job of the job it is registered for ({@code {root_job}/...}, where that job's tasks
   * look it up: no job takes a name in another's), a {@code host:port} address, metadata bounded like a
   * worker's attributes.
   */
  static EndpointRegistration endpoint(Controller.RegisterEndpointRequest r) {
    EndpointRegistry.validateName(r.getName());
    String address = hostPort("endpoint address", r.getAddress());
    Map<String, String> metadata = TextRules.map("endpoint metadata", r.getMetadataMap(), MAX_ATTRIBUTES,
        MAX_ATTRIBUTE_KEY_LENGTH, MAX_ATTRIBUTE_VALUE_LENGTH);
    JobId job = RequestChecks.jobId(r.getJobId());
    String namespace = job.root().value() + "/";
    if (!r.getName().startsWith(namespace)) {
      throw new ValidationException("endpoint name " + Quoted.of(r.getName()) + " must start with '" + namespace
          + "', the root job of job '" + job.value() + "'");
    }
    TaskId task = r.getTaskId().isEmpty() ? null : TaskId.parse(r.getTaskId());
    return new EndpointRegistration(r.getName(), address, job, task, r.getAttemptId(), metadata);
  }

  /** The name prefix of a ListEndpoints request: no longer than a name, no control character. */
  static String endpointPrefix(String prefix) {
    return TextRules.text("endpoint prefix", prefix, EndpointRegistry.MAX_NAME_LENGTH);
  }
}
