package dev.iris.controller.journal;

import dev.iris.common.ProtoSpecs;
import dev.iris.common.ProtoStates;
import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.WorkerRecord.Registration;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import dev.iris.core.TaskAttempt.Observation;
import dev.iris.core.TaskAttempt.Usage;
import dev.iris.core.TaskId;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.Role;
import dev.iris.rpc.JournalProto;
import dev.iris.rpc.ResourceUsage;
import dev.iris.scheduler.Assignment;
import dev.iris.scheduler.Plan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values mutations carry, to their journal messages and back. Decoding builds the domain records through
 * their constructors, so every rule of the domain is checked again (a rule breached throws the domain's
 * exception, which {@link MutationCodec} reports as an {@link UnreadableRecordException}). What may be null
 * in the domain is absent on the wire, and comes back null; a required value that is null fails the encoding
 * with a message naming it.
 */
final class JournalValues {
  private JournalValues() {}

  /** {@code value}, which a record cannot do without; a null is a bug of the caller. */
  static <T> T required(T value, String what) {
    if (value == null) {
      throw new IllegalArgumentException("cannot journal a mutation without " + what);
    }
    return value;
  }

  // ------------------------------------------------------------------ callers

  static JournalProto.Caller toProto(Caller c) {
    return JournalProto.Caller.newBuilder().setUser(c.user()).setRole(toProto(c.role()))
        .setScopeJobId(c.scope() == null ? "" : c.scope().value()).build();
  }

  static Caller toDomain(JournalProto.Caller c) {
    return new Caller(c.getUser(), toDomain(c.getRole(), c.getRoleValue()),
        c.getScopeJobId().isEmpty() ? null : JobId.of(c.getScopeJobId()));
  }

  private static JournalProto.Role toProto(Role r) {
    return switch (r) {
      case ADMIN -> JournalProto.Role.ROLE_ADMIN;
      case USER -> JournalProto.Role.ROLE_USER;
      case VIEWER -> JournalProto.Role.ROLE_VIEWER;
      case WORKER -> JournalProto.Role.ROLE_WORKER;
      case TASK -> JournalProto.Role.ROLE_TASK;
    };
  }

  private static Role toDomain(JournalProto.Role r, int number) {
    return switch (r) {
      case ROLE_ADMIN -> Role.ADMIN;
      case ROLE_USER -> Role.USER;
      case ROLE_VIEWER -> Role.VIEWER;
      case ROLE_WORKER -> Role.WORKER;
      case ROLE_TASK -> Role.TASK;
      case ROLE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("caller role " + number
          + " is not one this build knows");
    };
  }

  // ------------------------------------------------------------------ jobs

  static JournalProto.JobSpec toProto(JobSpec s) {
    JournalProto.JobSpec.Builder b = JournalProto.JobSpec.newBuilder()
        .setJobId(s.id().value())
        .addAllArgv(s.argv())
        .setResources(toProto(s.resources()))
        .setReplicas(s.replicas())
        .putAllEnv(s.env())
        .addAllPorts(s.ports())
        .setCoscheduleBy(s.coscheduleBy())
        .setMaxTaskFailures(s.maxTaskFailures())
        .setMaxRetriesFailure(s.maxRetriesFailure())
        .setMaxRetriesPreemption(s.maxRetriesPreemption())
        .setSchedulingTimeoutMs(s.schedulingTimeoutMs())
        .setTaskTimeoutSeconds(s.taskTimeoutSeconds())
        .addAllSetupCommand(s.setupCommand())
        .setBundleHash(s.bundleHash())
        .setUser(s.user());
    s.constraints().forEach(c -> b.addConstraints(ProtoSpecs.toProto(c)));
    return b.build();
  }

  static JobSpec toDomain(JournalProto.JobSpec s) {
    return new JobSpec(JobId.of(s.getJobId()), s.getArgvList(), toDomain(s.getResources()), s.getReplicas(),
        s.getEnvMap(), s.getPortsList(), s.getConstraintsList().stream().map(ProtoSpecs::toDomain).toList(),
        s.getCoscheduleBy(), s.getMaxTaskFailures(), s.getMaxRetriesFailure(), s.getMaxRetriesPreemption(),
        s.getSchedulingTimeoutMs(), s.getTaskTimeoutSeconds(), s.getSetupCommandList(), s.getBundleHash(),
        s.getUser());
  }

  static JournalProto.Resources toProto(Resources r) {
    return JournalProto.Resources.newBuilder().setCpu(r.cpu()).setMemoryBytes(r.memoryBytes())
        .setDiskBytes(r.diskBytes()).setGpus(r.gpus()).setGpuVariant(r.gpuVariant()).build();
  }

  static Resources toDomain(JournalProto.Resources r) {
    return new Resources(r.getCpu(), r.getMemoryBytes(), r.getDiskBytes(), r.getGpus(), r.getGpuVariant());
  }

  // ------------------------------------------------------------------ workers

  static JournalProto.Registration toProto(Registration r) {
    return JournalProto.Registration.newBuilder()
        .setWorkerId(required(r.workerId(), "the registration's worker id"))
        .setAddress(required(r.address(), "the registration's address"))
        .setCapacity(toProto(required(r.capacity(), "the registration's capacity")))
        .putAllAttributes(r.attributes())
        .setHostname(r.hostname())
        .setIpAddress(r.ipAddress())
        .setStartCapacity(r.startCapacity())
        .setIncarnation(r.incarnation())
        .build();
  }

  static Registration toDomain(JournalProto.Registration r) {
    return new Registration(r.getWorkerId(), r.getAddress(), toDomain(r.getCapacity()), r.getAttributesMap(),
        r.getHostname(), r.getIpAddress(), r.getStartCapacity(), r.getIncarnation());
  }

  static JournalProto.AcceptMark toProto(AcceptMark m) {
    return JournalProto.AcceptMark.newBuilder().setIncarnation(m.incarnation()).setSeq(m.seq()).build();
  }

  static AcceptMark toDomain(JournalProto.AcceptMark m) {
    return new AcceptMark(m.getIncarnation(), m.getSeq());
  }

  // ------------------------------------------------------------------ attempt reports

  static List<JournalProto.AttemptReport> toProto(List<AttemptReport> reports) {
    List<JournalProto.AttemptReport> out = new ArrayList<>(reports.size());
    for (AttemptReport r : reports) {
      JournalProto.AttemptReport.Builder b = JournalProto.AttemptReport.newBuilder()
          .setTaskId(required(r.task(), "the task of an attempt report").toString())
          .setAttemptId(r.attemptId())
          .setState(ProtoStates.toProto(required(r.state(), "the state of an attempt report")))
          .setExitCode(r.exitCode())
          .setAcceptedSeq(r.acceptedSeq());
      if (r.error() != null) {
        b.setError(r.error());
      }
      if (r.observation() != null) {
        b.setObservation(toProto(r.observation()));
      }
      out.add(b.build());
    }
    return out;
  }

  static List<AttemptReport> toDomain(List<JournalProto.AttemptReport> reports) {
    List<AttemptReport> out = new ArrayList<>(reports.size());
    for (JournalProto.AttemptReport r : reports) {
      out.add(new AttemptReport(TaskId.parse(r.getTaskId()), r.getAttemptId(),
          ProtoStates.toDomain(r.getState()).orElseThrow(() -> new IllegalArgumentException(
              "the report on " + r.getTaskId() + " has task state " + r.getStateValue()
                  + ", not one this build knows")),
          r.getExitCode(), r.hasError() ? r.getError() : null,
          r.hasObservation() ? toDomain(r.getObservation()) : null, r.getAcceptedSeq()));
    }
    return out;
  }

  /**
   * An observation; its usage is present unless it is {@link Usage#NONE} itself, which stands for "not
   * observed" (the domain tells the two apart by identity, not by value).
   */
  static JournalProto.Observation toProto(Observation o) {
    JournalProto.Observation.Builder b = JournalProto.Observation.newBuilder()
        .putAllPorts(o.ports())
        .setBuildStartedMs(o.buildStartedMs())
        .setBuildFinishedMs(o.buildFinishedMs())
        .setBuildFromCache(o.buildFromCache());
    Usage u = o.usage();
    if (u != Usage.NONE) {
      b.setUsage(ResourceUsage.newBuilder().setMemoryMb(u.memoryMb()).setMemoryPeakMb(u.memoryPeakMb())
          .setCpuPercent(u.cpuPercent()).setCpuMillicores(u.cpuMillicores()).setProcessCount(u.processCount())
          .setDiskMb(u.diskMb()));
    }
    return b.build();
  }

  static Observation toDomain(JournalProto.Observation o) {
    Usage usage = null;
    if (o.hasUsage()) {
      ResourceUsage u = o.getUsage();
      usage = new Usage(u.getMemoryMb(), u.getMemoryPeakMb(), u.getCpuPercent(), u.getCpuMillicores(),
          u.getProcessCount(), u.getDiskMb());
    }
    return new Observation(o.getPortsMap(), usage, o.getBuildStartedMs(), o.getBuildFinishedMs(),
        o.getBuildFromCache());
  }

  // ------------------------------------------------------------------ the store's configuration

  static JournalProto.StoreConfig toProto(StoreConfig c) {
    return JournalProto.StoreConfig.newBuilder()
        .setWorkerTimeoutMs(c.workerTimeoutMs())
        .setStartCapacity(c.startCapacity())
        .setKillGraceMs(c.killGraceMs())
        .setEventsRetained(c.eventsRetained())
        .setProbeAfterMs(c.probeAfterMs())
        .setFinishedJobTtlMs(c.jobRetention().finishedJobTtlMs())
        .setFinishedTasks(c.jobRetention().finishedTasks())
        .setFinishedJobs(c.jobRetention().finishedJobs())
        .setLeaseMs(c.leaseMs())
        .build();
  }

  static StoreConfig toDomain(JournalProto.StoreConfig c) {
    return new StoreConfig(c.getWorkerTimeoutMs(), c.getStartCapacity(), c.getKillGraceMs(), c.getEventsRetained(),
        c.getProbeAfterMs(), new StoreConfig.JobRetention(c.getFinishedJobTtlMs(), c.getFinishedTasks(),
        c.getFinishedJobs()), c.getLeaseMs());
  }

  // ------------------------------------------------------------------ plans

  static JournalProto.Plan toProto(Plan p) {
    JournalProto.Plan.Builder b = JournalProto.Plan.newBuilder();
    for (Assignment a : p.assignments()) {
      b.addAssignments(JournalProto.Assignment.newBuilder().setTaskId(a.task().toString()).setWorkerId(a.workerId()));
    }
    p.pendingReasons().forEach((job, reason) -> b.addPendingReasons(JournalProto.PendingReason.newBuilder()
        .setJobId(job.value()).setReason(required(reason, "the pending reason of job " + job))));
    return b.build();
  }

  static Plan toDomain(JournalProto.Plan p) {
    List<Assignment> assignments = new ArrayList<>(p.getAssignmentsCount());
    for (JournalProto.Assignment a : p.getAssignmentsList()) {
      assignments.add(new Assignment(TaskId.parse(a.getTaskId()), a.getWorkerId()));
    }
    Map<JobId, String> reasons = new LinkedHashMap<>();
    for (JournalProto.PendingReason r : p.getPendingReasonsList()) {
      if (reasons.put(JobId.of(r.getJobId()), r.getReason()) != null) {
        throw new IllegalArgumentException("the plan gives job " + r.getJobId() + " two pending reasons");
      }
    }
    return new Plan(assignments, reasons);
  }
}
