package dev.iris.controller;

import dev.iris.common.ProtoSpecs;
import dev.iris.common.ProtoStates;
import dev.iris.controller.state.StoreEvent;
import dev.iris.controller.state.WorkerInstruction;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.Endpoint;
import dev.iris.core.Job;
import dev.iris.core.JobSpec;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.CoschedulingConfig;
import dev.iris.rpc.EnvironmentConfig;
import dev.iris.rpc.EventKind;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.ResourceUsage;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.rpc.WorkerMetadata;
import java.util.function.Function;

/**
 * The controller's protobuf messages built from domain objects, at the edge. Called on the store's thread,
 * so it may read live domain objects. The mappings of the types every part shares (states, resources,
 * constraints) are {@link ProtoStates} and {@link ProtoSpecs}.
 */
public final class ProtoMapper {
  private ProtoMapper() {}

  /** The RunTask of an attempt; {@code taskToken} becomes the task's IRIS_TOKEN (empty: none). */
  public static Worker.RunTaskRequest runTask(WorkerInstruction.RunTask cmd, String taskToken) {
    JobSpec spec = cmd.spec();
    return Worker.RunTaskRequest.newBuilder()
        .setJobId(cmd.task().job().value())
        .setTaskId(cmd.task().toString())
        .setTaskIndex(cmd.task().index())
        .setNumTasks(cmd.numTasks())
        .setAttemptId(cmd.attemptId())
        .setEntrypoint(CommandEntrypoint.newBuilder().addAllArgv(spec.argv()))
        .setEnvironment(EnvironmentConfig.newBuilder().putAllEnvVars(spec.env()).addAllSetupCommand(spec.setupCommand()))
        .setResources(ProtoSpecs.toProto(spec.resources(), spec.replicas()))
        .setTimeoutSeconds(spec.taskTimeoutSeconds())
        .addAllPorts(spec.ports())
        .setBundleHash(spec.bundleHash())
        .setTaskToken(taskToken)
        .build();
  }

  public static Worker.KillTaskRequest killTask(WorkerInstruction.KillTask cmd) {
    return Worker.KillTaskRequest.newBuilder().setTaskId(cmd.task().toString())
        .setAttemptId(cmd.attemptId()).setTermTimeoutMs(cmd.graceMs()).build();
  }

  /** A job's status; {@code workerAddress} resolves a worker id to its address for task rows. */
  public static JobStatus jobStatus(Job job, boolean includeTasks, Function<String, String> workerAddress) {
    JobSpec spec = job.spec();
    JobStatus.Builder b = JobStatus.newBuilder()
        .setJobId(job.id().value())
        .setName(job.id().name())
        .setState(ProtoStates.toProto(job.state()))
        .setError(job.error())
        .setSubmittedAtMs(job.submittedAtMs())
        .setStartedAtMs(job.startedAtMs())
        .setFinishedAtMs(job.finishedAtMs())
        .setPendingReason(job.pendingReason())
        .setFailureCount(job.failureCount())
        .setPreemptionCount(job.preemptionCount())
        .setNumTasks(job.numTasks())
        .setTasksPending(job.count(dev.iris.core.TaskState.PENDING))
        .setTasksAssigned(job.count(dev.iris.core.TaskState.ASSIGNED))
        .setTasksBuilding(job.count(dev.iris.core.TaskState.BUILDING))
        .setTasksRunning(job.count(dev.iris.core.TaskState.RUNNING))
        .setTasksSucceeded(job.count(dev.iris.core.TaskState.SUCCEEDED))
        .setTasksFailed(job.count(dev.iris.core.TaskState.FAILED))
        .setTasksKilled(job.count(dev.iris.core.TaskState.KILLED))
        .setTasksWorkerFailed(job.count(dev.iris.core.TaskState.WORKER_FAILED))
        .setTasksUnschedulable(job.count(dev.iris.core.TaskState.UNSCHEDULABLE))
        .setResources(ProtoSpecs.toProto(spec.resources(), spec.replicas()))
        .setEntrypoint(CommandEntrypoint.newBuilder().addAllArgv(spec.argv()))
        .setMaxTaskFailures(spec.maxTaskFailures())
        .setMaxRetriesFailure(spec.maxRetriesFailure())
        .setMaxRetriesPreemption(spec.maxRetriesPreemption())
        .setSchedulingTimeoutSeconds((int) (spec.schedulingTimeoutMs() / 1000))
        .setTimeoutSeconds(spec.taskTimeoutSeconds())
        .addAllPortNames(spec.ports())
        .putAllEnvVars(spec.env())
        .setUser(spec.user());
    spec.constraints().forEach(c -> b.addConstraints(ProtoSpecs.toProto(c)));
    if (spec.isGang()) {
      b.setCoscheduling(CoschedulingConfig.newBuilder().setGroupBy(spec.coscheduleBy()));
    }
    if (job.id().parent() != null) {
      b.setParentJobId(job.id().parent().value());
    }
    if (job.isFinished() && job.numTasks() > 0) {
      b.setExitCode(firstNonZeroExit(job));
    }
    if (includeTasks) {
      for (Task t : job.tasks()) {
        b.addTasks(taskStatus(job, t, workerAddress));
      }
    }
    return b.build();
  }

  private static int firstNonZeroExit(Job job) {
    for (Task t : job.tasks()) {
      if (t.state() == dev.iris.core.TaskState.FAILED && t.exitCode() != 0) {
        return t.exitCode();
      }
    }
    return 0;
  }

  public static TaskStatus taskStatus(Job job, Task t, Function<String, String> workerAddress) {
    TaskStatus.Builder b = TaskStatus.newBuilder()
        .setTaskId(t.id().toString())
        .setJobId(job.id().value())
        .setTaskIndex(t.index())
        .setState(ProtoStates.toProto(t.state()))
        .setExitCode(t.exitCode())
        .setError(t.error())
        .setFinishedAtMs(t.finishedAtMs())
        .setCurrentAttemptId(Math.max(0, t.currentAttemptId()))
        .setFailureCount(t.failureCount())
        .setPreemptionCount(t.preemptionCount())
        .setSubmittedAtMs(job.submittedAtMs());
    if (t.state() == dev.iris.core.TaskState.PENDING) {
      b.setPendingReason(job.pendingReason());
    }
    TaskAttempt current = t.currentAttempt();
    if (current != null) {
      b.setWorkerId(current.workerId());
      String address = workerAddress.apply(current.workerId());
      b.setWorkerAddress(address == null ? "" : address);
      b.setStartedAtMs(current.startedAtMs());
      TaskAttempt.Observation o = current.observation();
      b.putAllPorts(o.ports());
      TaskAttempt.Usage u = o.usage();
      b.setResourceUsage(ResourceUsage.newBuilder().setMemoryMb(u.memoryMb()).setMemoryPeakMb(u.memoryPeakMb())
          .setCpuPercent(u.cpuPercent()).setCpuMillicores(u.cpuMillicores()).setProcessCount(u.processCount())
          .setDiskMb(u.diskMb()));
      b.setBuildMetrics(dev.iris.rpc.BuildMetrics.newBuilder().setBuildStartedMs(o.buildStartedMs())
          .setBuildFinishedMs(o.buildFinishedMs()).setFromCache(o.buildFromCache()));
      if (t.state().isActive()) {
        b.setExitCode(0).setError("");
      } else if (t.state() == dev.iris.core.TaskState.PENDING && current.state().isTerminal()) {
        b.setWorkerId("").setWorkerAddress("");
      }
    }
    for (TaskAttempt a : t.attempts()) {
      b.addAttempts(dev.iris.rpc.TaskAttempt.newBuilder().setAttemptId(a.attemptId()).setWorkerId(a.workerId())
          .setState(ProtoStates.toProto(a.state())).setExitCode(a.exitCode()).setError(a.error())
          .setStartedAtMs(a.startedAtMs()).setFinishedAtMs(a.finishedAtMs()).setIsWorkerFailure(a.isWorkerFailure()));
    }
    return b.build();
  }

  public static WorkerHealthStatus workerStatus(WorkerRecord w) {
    WorkerRecord.Registration r = w.registration();
    WorkerMetadata.Builder meta = WorkerMetadata.newBuilder().setHostname(r.hostname()).setIpAddress(r.ipAddress())
        .setCpuCount(r.capacity().cpu()).setMemoryBytes(r.capacity().memoryBytes())
        .setDiskBytes(r.capacity().diskBytes()).putAllAttributes(r.attributes()).setStartCapacity(r.startCapacity());
    if (r.capacity().gpus() > 0) {
      meta.setDevice(ProtoSpecs.gpus(r.capacity().gpus(), r.capacity().gpuVariant()));
    }
    WorkerHealthStatus.Builder b = WorkerHealthStatus.newBuilder()
        .setWorkerId(w.id()).setAddress(w.address()).setHealthy(w.isSchedulable())
        .setLastHeartbeatMs(w.lastHeartbeatMs()).setMetadata(meta).setRegisteredAtMs(w.registeredAtMs())
        .setCommittedCpu(w.committed().cpu()).setCommittedMemoryBytes(w.committed().memoryBytes())
        .setCommittedDiskBytes(w.committed().diskBytes()).setCommittedGpu(w.committed().gpus())
        .setConsecutiveFailures(w.consecutiveFailures()).setSuspect(w.isAlive() && w.isSuspect())
        .setLost(!w.isAlive()).setStarting(w.starting());
    w.holdings().keySet().forEach(t -> b.addRunningTaskIds(t.toString()));
    return b.build();
  }

  public static Controller.Endpoint endpoint(Endpoint e) {
    return Controller.Endpoint.newBuilder().setEndpointId(e.id()).setName(e.name()).setAddress(e.address())
        .setJobId(e.job().value()).putAllMetadata(e.metadata())
        .setTaskId(e.task() == null ? "" : e.task().toString()).setAttemptId(e.attemptId()).build();
  }

  public static ClusterEvent event(StoreEvent e) {
    ClusterEvent.Builder b = ClusterEvent.newBuilder().setSequence(e.sequence()).setTimestampMs(e.timestampMs())
        .setKind(toProto(e.kind())).setAttemptId(e.attemptId())
        .setMessage(e.message());
    if (e.jobId() != null) {
      b.setJobId(e.jobId());
    }
    if (e.taskId() != null) {
      b.setTaskId(e.taskId());
    }
    if (e.workerId() != null) {
      b.setWorkerId(e.workerId());
    }
    if (e.jobState() != null) {
      b.setJobState(ProtoStates.toProto(e.jobState()));
    }
    if (e.taskState() != null) {
      b.setTaskState(ProtoStates.toProto(e.taskState()));
    }
    if (e.endpointName() != null) {
      b.setEndpointName(e.endpointName());
    }
    return b.build();
  }

  /** The contract's kind of a committed event (a switch: a new kind does not compile until it is mapped). */
  static EventKind toProto(StoreEvent.Kind kind) {
    return switch (kind) {
      case JOB_SUBMITTED -> EventKind.EVENT_KIND_JOB_SUBMITTED;
      case JOB_STATE_CHANGED -> EventKind.EVENT_KIND_JOB_STATE_CHANGED;
      case TASK_STATE_CHANGED -> EventKind.EVENT_KIND_TASK_STATE_CHANGED;
      case WORKER_REGISTERED -> EventKind.EVENT_KIND_WORKER_REGISTERED;
      case WORKER_LOST -> EventKind.EVENT_KIND_WORKER_LOST;
      case ENDPOINT_ADDED -> EventKind.EVENT_KIND_ENDPOINT_ADDED;
      case ENDPOINT_REMOVED -> EventKind.EVENT_KIND_ENDPOINT_REMOVED;
    };
  }
}
