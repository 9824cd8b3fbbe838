package dev.iris.controller.journal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.iris.common.ProtoStates;
import dev.iris.controller.journal.UnreadableRecordException.Problem;
import dev.iris.controller.state.ActionLog;
import dev.iris.controller.state.EventLog;
import dev.iris.controller.state.StateImage;
import dev.iris.controller.state.StoreEvent;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.Endpoint;
import dev.iris.core.EndpointRegistry.RegistryImage;
import dev.iris.core.Job.JobImage;
import dev.iris.core.JobId;
import dev.iris.core.JobState;
import dev.iris.core.Task.TaskImage;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskAttempt.AttemptImage;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.rpc.SnapshotProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link StateImage} as the payload of a journal snapshot ({@code iris/snapshot.proto}) and back:
 * {@code decode(encode(image))} holds every value of {@code image}, so the state restored from it is equal in every
 * observable way to the one the image was taken of. Encoding takes a job at a time, so it never holds the whole
 * state as protobuf objects; it runs on the journal's snapshot thread, never the store's.
 *
 * <p>Decoding never answers a state it is unsure of: bytes that do not parse, a format or a field this build does
 * not know, and a value the domain refuses throw an {@link UnreadableSnapshotException} naming the problem.
 * Strings repeated over many tasks (worker ids, errors) come back as one shared instance each, as they were.
 */
public final class StateSnapshotCodec {
  /** The format this build writes and reads ({@code SnapshotFormat} in the schema). */
  public static final int FORMAT_VERSION = SnapshotProto.SnapshotFormat.SNAPSHOT_FORMAT_V1_VALUE;

  private StateSnapshotCodec() {}

  // ------------------------------------------------------------------ encoding

  /** The snapshot payload of {@code image}. */
  public static byte[] encode(StateImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes, 1 << 16);
      writeDelimited(out, header(image));
      for (JobImage j : image.jobs().jobs()) {
        writeDelimited(out, toProto(j));
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  private static void writeDelimited(CodedOutputStream out, Message m) throws IOException {
    out.writeUInt32NoTag(m.getSerializedSize());
    m.writeTo(out);
  }

  private static SnapshotProto.SnapshotHeader header(StateImage image) {
    StateImage.JobsImage jobs = image.jobs();
    SnapshotProto.SnapshotHeader.Builder b = SnapshotProto.SnapshotHeader.newBuilder()
        .setFormatValue(FORMAT_VERSION)
        .setConfig(JournalValues.toProto(image.config()))
        .setJobCount(jobs.jobs().size());
    jobs.children().forEach((parent, kids) -> b.addChildren(SnapshotProto.Children.newBuilder()
        .setParent(parent.value()).addAllChildren(kids.stream().map(JobId::value).toList())));
    jobs.nextAttemptIds().forEach((id, next) -> b.addNextAttemptIds(SnapshotProto.NextAttemptId.newBuilder()
        .setJobId(id.value()).setNext(next)));
    jobs.submittedSequence().forEach((id, seq) -> b.putSubmittedSequence(id.value(), seq));
    jobs.bundles().forEach((hash, bundle) -> b.putBundles(hash, ByteString.copyFrom(bundle)));
    for (StateImage.FinishedRoot f : jobs.finishedRoots()) {
      b.addFinishedRoots(SnapshotProto.FinishedRoot.newBuilder().setJobId(f.job().value()).setReplaced(f.replaced())
          .setTasks(f.tasks()).setJobs(f.jobs()));
    }
    for (StateImage.JustFinished f : jobs.justFinished()) {
      b.addJustFinished(SnapshotProto.JustFinished.newBuilder().setJobId(f.job().value()).setReplaced(f.replaced()));
    }
    StateImage.WorkersImage workers = image.workers();
    for (WorkerRecord.WorkerImage w : workers.workers()) {
      b.addWorkers(toProto(w));
    }
    b.putAllIdentities(workers.identities()).setIgnoredReports(workers.ignoredReports());
    RegistryImage endpoints = image.endpoints();
    for (Endpoint e : endpoints.endpoints()) {
      b.addEndpoints(toProto(e));
    }
    b.setNextEndpointId(endpoints.nextId());
    b.setLastEventSequence(image.events().lastSequence());
    for (StoreEvent e : image.events().retained()) {
      b.addEvents(toProto(e));
    }
    for (ActionLog.Action a : image.actions()) {
      SnapshotProto.Action.Builder x = SnapshotProto.Action.newBuilder().setTimestampMs(a.timestampMs())
          .setAction(a.action());
      if (a.subject() != null) {
        x.setSubject(a.subject());
      }
      if (a.details() != null) {
        x.setDetails(a.details());
      }
      b.addActions(x);
    }
    for (StateImage.QueuedRun r : image.queue()) {
      SnapshotProto.QueuedRun.Builder x = SnapshotProto.QueuedRun.newBuilder().setJobId(r.job().value());
      for (int i : r.indices()) {
        x.addIndices(i);
      }
      b.addQueue(x);
    }
    return b.build();
  }

  private static SnapshotProto.Job toProto(JobImage j) {
    SnapshotProto.Job.Builder b = SnapshotProto.Job.newBuilder()
        .setSpec(JournalValues.toProto(j.spec()))
        .setFirstAttemptId(j.firstAttemptId())
        .setSubmittedAtMs(j.submittedAtMs())
        .setState(ProtoStates.toProto(j.state()))
        .setStartedAtMs(j.startedAtMs())
        .setFinishedAtMs(j.finishedAtMs())
        .setError(j.error())
        .setPendingReason(j.pendingReason());
    SnapshotProto.Task.Builder t = SnapshotProto.Task.newBuilder();
    TaskImage previous = null;
    SnapshotProto.Task previousProto = null;
    for (TaskImage task : j.tasks()) {
      if (task == previous) { // one image for a run of tasks never tried
        b.addTasks(previousProto);
        continue;
      }
      t.clear().setState(ProtoStates.toProto(task.state()))
          .setFailureCount(task.failureCount())
          .setPreemptionCount(task.preemptionCount())
          .setQueuedAtMs(task.queuedAtMs())
          .setFinishedAtMs(task.finishedAtMs())
          .setExitCode(task.exitCode())
          .setError(task.error());
      for (AttemptImage a : task.attempts()) {
        t.addAttempts(toProto(a));
      }
      previous = task;
      previousProto = t.build();
      b.addTasks(previousProto);
    }
    return b.build();
  }

  private static SnapshotProto.Attempt toProto(AttemptImage a) {
    SnapshotProto.Attempt.Builder b = SnapshotProto.Attempt.newBuilder()
        .setAttemptId(a.attemptId())
        .setWorkerId(a.workerId())
        .setAssignedAtMs(a.assignedAtMs())
        .setState(ProtoStates.toProto(a.state()))
        .setStartedAtMs(a.startedAtMs())
        .setFinishedAtMs(a.finishedAtMs())
        .setExitCode(a.exitCode())
        .setError(a.error())
        .setWorkerFailure(a.workerFailure());
    if (a.observation() != TaskAttempt.Observation.NONE) {
      b.setObservation(JournalValues.toProto(a.observation()));
    }
    return b.build();
  }

  private static SnapshotProto.Worker toProto(WorkerRecord.WorkerImage w) {
    SnapshotProto.Worker.Builder b = SnapshotProto.Worker.newBuilder()
        .setRegistration(JournalValues.toProto(w.registration()))
        .setFirstRegisteredAtMs(w.firstRegisteredAtMs())
        .setRegisteredAtMs(w.registeredAtMs())
        .setLastHeartbeatMs(w.lastHeartbeatMs())
        .setLastProbeMs(w.lastProbeMs())
        .setAlive(w.alive())
        .setSuspect(w.suspect())
        .setConsecutiveFailures(w.consecutiveFailures())
        .setCommitted(JournalValues.toProto(w.committed()))
        .setStarting(w.starting());
    for (WorkerRecord.Holding h : w.holdings()) {
      SnapshotProto.Holding.Builder x = SnapshotProto.Holding.newBuilder().setTaskId(h.task().toString())
          .setAttemptId(h.attemptId()).setResources(JournalValues.toProto(h.resources())).setStarting(h.starting());
      if (h.accepted() != null) {
        x.setAccepted(JournalValues.toProto(h.accepted()));
      }
      b.addHoldings(x);
    }
    return b.build();
  }

  private static SnapshotProto.Endpoint toProto(Endpoint e) {
    SnapshotProto.Endpoint.Builder b = SnapshotProto.Endpoint.newBuilder().setId(e.id()).setName(e.name())
        .setAddress(e.address()).setJobId(e.job().value()).setAttemptId(e.attemptId()).putAllMetadata(e.metadata());
    if (e.task() != null) {
      b.setTaskId(e.task().toString());
    }
    return b.build();
  }

  private static SnapshotProto.Event toProto(StoreEvent e) {
    SnapshotProto.Event.Builder b = SnapshotProto.Event.newBuilder().setSequence(e.sequence())
        .setTimestampMs(e.timestampMs()).setKind(toProto(e.kind())).setAttemptId(e.attemptId());
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
    if (e.message() != null) {
      b.setMessage(e.message());
    }
    if (e.endpointName() != null) {
      b.setEndpointName(e.endpointName());
    }
    return b.build();
  }

  private static SnapshotProto.EventKind toProto(StoreEvent.Kind k) {
    return switch (k) {
      case JOB_SUBMITTED -> SnapshotProto.EventKind.EVENT_KIND_JOB_SUBMITTED;
      case JOB_STATE_CHANGED -> SnapshotProto.EventKind.EVENT_KIND_JOB_STATE_CHANGED;
      case TASK_STATE_CHANGED -> SnapshotProto.EventKind.EVENT_KIND_TASK_STATE_CHANGED;
      case WORKER_REGISTERED -> SnapshotProto.EventKind.EVENT_KIND_WORKER_REGISTERED;
      case WORKER_LOST -> SnapshotProto.EventKind.EVENT_KIND_WORKER_LOST;
      case ENDPOINT_ADDED -> SnapshotProto.EventKind.EVENT_KIND_ENDPOINT_ADDED;
      case ENDPOINT_REMOVED -> SnapshotProto.EventKind.EVENT_KIND_ENDPOINT_REMOVED;
    };
  }

  // ------------------------------------------------------------------ decoding

  /** The image {@code payload} holds; throws {@link UnreadableSnapshotException} when it cannot. */
  public static StateImage decode(byte[] payload) {
    CodedInputStream in = CodedInputStream.newInstance(payload);
    SnapshotProto.SnapshotHeader header = readDelimited(in, SnapshotProto.SnapshotHeader.parser(), "its header");
    requireKnown(header, "the snapshot's header");
    if (header.getFormatValue() != FORMAT_VERSION) {
      throw new UnreadableSnapshotException(header.getFormatValue() > FORMAT_VERSION ? Problem.UNKNOWN
          : Problem.MALFORMED, "the snapshot has format " + header.getFormatValue() + "; this build reads format "
          + FORMAT_VERSION + (header.getFormatValue() > FORMAT_VERSION ? " (written by a newer version of Iris?)" : ""),
          null);
    }
    if (header.getJobCount() < 0 || header.getJobCount() > payload.length) {
      throw new UnreadableSnapshotException(Problem.MALFORMED, "the snapshot claims " + header.getJobCount()
          + " jobs in " + payload.length + " bytes", null);
    }
    Strings strings = new Strings();
    List<JobImage> jobs = new ArrayList<>((int) header.getJobCount());
    for (long i = 0; i < header.getJobCount(); i++) {
      SnapshotProto.Job j = readDelimited(in, SnapshotProto.Job.parser(), "job " + (i + 1) + " of "
          + header.getJobCount());
      try {
        jobs.add(toDomain(j, strings));
      } catch (UnreadableSnapshotException e) {
        throw e;
      } catch (RuntimeException e) {
        throw invalid("job " + j.getSpec().getJobId(), e);
      }
    }
    try {
      if (!in.isAtEnd()) {
        throw new UnreadableSnapshotException(Problem.MALFORMED, "the snapshot holds bytes after its "
            + header.getJobCount() + " jobs", null);
      }
    } catch (IOException e) {
      throw new UnreadableSnapshotException(Problem.MALFORMED, "the snapshot cannot be read: " + e.getMessage(), e);
    }
    try {
      return image(header, jobs);
    } catch (UnreadableSnapshotException e) {
      throw e;
    } catch (RuntimeException e) {
      throw invalid("its header", e);
    }
  }

  private static <T extends Message> T readDelimited(CodedInputStream in, com.google.protobuf.Parser<T> parser,
      String what) {
    try {
      if (in.isAtEnd()) {
        throw new UnreadableSnapshotException(Problem.MALFORMED, "the snapshot ends before " + what, null);
      }
      int length = in.readRawVarint32();
      if (length < 0) {
        throw new UnreadableSnapshotException(Problem.MALFORMED, "the snapshot gives " + what + " a length of "
            + length, null);
      }
      int limit = in.pushLimit(length);
      T m = parser.parseFrom(in);
      if (in.getBytesUntilLimit() != 0) {
        throw new UnreadableSnapshotException(Problem.MALFORMED, "the snapshot ends within " + what, null);
      }
      in.popLimit(limit);
      return m;
    } catch (InvalidProtocolBufferException e) {
      throw new UnreadableSnapshotException(Problem.MALFORMED, "the snapshot's " + what + " does not parse: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new UnreadableSnapshotException(Problem.MALFORMED, "the snapshot cannot be read at " + what + ": "
          + e.getMessage(), e);
    }
  }

  private static StateImage image(SnapshotProto.SnapshotHeader h, List<JobImage> jobs) {
    if (!h.hasConfig()) {
      throw new UnreadableSnapshotException(Problem.MALFORMED, "the snapshot holds no store config", null);
    }
    Map<JobId, List<JobId>> children = new HashMap<>();
    for (SnapshotProto.Children c : h.getChildrenList()) {
      requireKnown(c, "a job's children");
      children.put(JobId.of(c.getParent()), c.getChildrenList().stream().map(JobId::of).toList());
    }
    Map<JobId, Integer> nextAttemptIds = new LinkedHashMap<>();
    for (SnapshotProto.NextAttemptId n : h.getNextAttemptIdsList()) {
      requireKnown(n, "a job id's next attempt");
      nextAttemptIds.put(JobId.of(n.getJobId()), n.getNext());
    }
    Map<JobId, Long> submittedSequence = new HashMap<>();
    h.getSubmittedSequenceMap().forEach((id, seq) -> submittedSequence.put(JobId.of(id), seq));
    Map<String, byte[]> bundles = new HashMap<>();
    h.getBundlesMap().forEach((hash, bundle) -> bundles.put(hash, bundle.toByteArray()));
    List<StateImage.FinishedRoot> roots = new ArrayList<>();
    for (SnapshotProto.FinishedRoot f : h.getFinishedRootsList()) {
      requireKnown(f, "a finished job");
      roots.add(new StateImage.FinishedRoot(JobId.of(f.getJobId()), f.getReplaced(), f.getTasks(), f.getJobs()));
    }
    List<StateImage.JustFinished> just = new ArrayList<>();
    for (SnapshotProto.JustFinished f : h.getJustFinishedList()) {
      requireKnown(f, "a finished job");
      just.add(new StateImage.JustFinished(JobId.of(f.getJobId()), f.getReplaced()));
    }
    StateImage.JobsImage jobsImage = new StateImage.JobsImage(List.copyOf(jobs), Map.copyOf(children),
        java.util.Collections.unmodifiableMap(nextAttemptIds), Map.copyOf(submittedSequence), Map.copyOf(bundles), List.copyOf(roots),
        List.copyOf(just));

    List<WorkerRecord.WorkerImage> workers = new ArrayList<>();
    for (SnapshotProto.Worker w : h.getWorkersList()) {
      workers.add(toDomain(w));
    }
    StateImage.WorkersImage workersImage = new StateImage.WorkersImage(List.copyOf(workers),
        Map.copyOf(h.getIdentitiesMap()), h.getIgnoredReports());

    List<Endpoint> endpoints = new ArrayList<>();
    for (SnapshotProto.Endpoint e : h.getEndpointsList()) {
      requireKnown(e, "an endpoint");
      endpoints.add(new Endpoint(e.getId(), e.getName(), e.getAddress(), JobId.of(e.getJobId()),
          e.hasTaskId() ? TaskId.parse(e.getTaskId()) : null, e.getAttemptId(), e.getMetadataMap()));
    }
    List<StoreEvent> events = new ArrayList<>(h.getEventsCount());
    for (SnapshotProto.Event e : h.getEventsList()) {
      events.add(toDomain(e));
    }
    List<ActionLog.Action> actions = new ArrayList<>(h.getActionsCount());
    for (SnapshotProto.Action a : h.getActionsList()) {
      requireKnown(a, "an action");
      actions.add(new ActionLog.Action(a.getTimestampMs(), a.getAction(), a.hasSubject() ? a.getSubject() : null,
          a.hasDetails() ? a.getDetails() : null));
    }
    List<StateImage.QueuedRun> queue = new ArrayList<>(h.getQueueCount());
    for (SnapshotProto.QueuedRun r : h.getQueueList()) {
      requireKnown(r, "a queued run");
      int[] indices = new int[r.getIndicesCount()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = r.getIndices(i);
      }
      queue.add(new StateImage.QueuedRun(JobId.of(r.getJobId()), indices));
    }
    return new StateImage(JournalValues.toDomain(h.getConfig()), jobsImage, workersImage,
        new RegistryImage(List.copyOf(endpoints), h.getNextEndpointId()),
        new EventLog.EventsImage(h.getLastEventSequence(), List.copyOf(events)), List.copyOf(actions),
        List.copyOf(queue));
  }

  private static JobImage toDomain(SnapshotProto.Job j, Strings strings) {
    requireKnown(j, "a job");
    if (!j.hasSpec()) {
      throw new UnreadableSnapshotException(Problem.MALFORMED, "a job of the snapshot has no spec", null);
    }
    TaskImage[] tasks = new TaskImage[j.getTasksCount()];
    for (int i = 0; i < tasks.length; i++) {
      SnapshotProto.Task t = j.getTasks(i);
      requireKnown(t, "a task");
      List<AttemptImage> attempts = List.of();
      if (t.getAttemptsCount() > 0) {
        AttemptImage[] each = new AttemptImage[t.getAttemptsCount()];
        for (int k = 0; k < each.length; k++) {
          each[k] = toDomain(t.getAttempts(k), strings);
        }
        attempts = List.of(each);
      }
      tasks[i] = new TaskImage(taskState(t.getState(), t.getStateValue()), attempts, t.getFailureCount(),
          t.getPreemptionCount(), t.getQueuedAtMs(), t.getFinishedAtMs(), t.getExitCode(), strings.of(t.getError()));
    }
    return new JobImage(JournalValues.toDomain(j.getSpec()), j.getFirstAttemptId(), j.getSubmittedAtMs(),
        jobState(j.getState(), j.getStateValue()), j.getStartedAtMs(), j.getFinishedAtMs(), strings.of(j.getError()),
        strings.of(j.getPendingReason()), List.of(tasks));
  }

  private static AttemptImage toDomain(SnapshotProto.Attempt a, Strings strings) {
    requireKnown(a, "an attempt");
    return new AttemptImage(a.getAttemptId(), strings.of(a.getWorkerId()), a.getAssignedAtMs(),
        taskState(a.getState(), a.getStateValue()), a.getStartedAtMs(), a.getFinishedAtMs(), a.getExitCode(),
        strings.of(a.getError()), a.getWorkerFailure(),
        a.hasObservation() ? JournalValues.toDomain(a.getObservation()) : TaskAttempt.Observation.NONE);
  }

  private static WorkerRecord.WorkerImage toDomain(SnapshotProto.Worker w) {
    requireKnown(w, "a worker");
    if (!w.hasRegistration() || !w.hasCommitted()) {
      throw new UnreadableSnapshotException(Problem.MALFORMED, "a worker of the snapshot lacks its registration"
          + " or what it has committed", null);
    }
    List<WorkerRecord.Holding> holdings = new ArrayList<>(w.getHoldingsCount());
    for (SnapshotProto.Holding h : w.getHoldingsList()) {
      requireKnown(h, "a holding");
      holdings.add(new WorkerRecord.Holding(TaskId.parse(h.getTaskId()), h.getAttemptId(),
          JournalValues.toDomain(h.getResources()), h.getStarting(),
          h.hasAccepted() ? JournalValues.toDomain(h.getAccepted()) : null));
    }
    return new WorkerRecord.WorkerImage(JournalValues.toDomain(w.getRegistration()), w.getFirstRegisteredAtMs(),
        w.getRegisteredAtMs(), w.getLastHeartbeatMs(), w.getLastProbeMs(), w.getAlive(), w.getSuspect(),
        w.getConsecutiveFailures(), JournalValues.toDomain(w.getCommitted()), w.getStarting(), List.copyOf(holdings));
  }

  private static StoreEvent toDomain(SnapshotProto.Event e) {
    requireKnown(e, "an event");
    JobState jobState = e.getJobStateValue() == 0 ? null : jobState(e.getJobState(), e.getJobStateValue());
    TaskState taskState = e.getTaskStateValue() == 0 ? null : taskState(e.getTaskState(), e.getTaskStateValue());
    return new StoreEvent(e.getSequence(), e.getTimestampMs(), toDomain(e.getKind(), e.getKindValue()),
        e.hasJobId() ? e.getJobId() : null, e.hasTaskId() ? e.getTaskId() : null,
        e.hasWorkerId() ? e.getWorkerId() : null, jobState, taskState, e.getAttemptId(),
        e.hasMessage() ? e.getMessage() : null, e.hasEndpointName() ? e.getEndpointName() : null);
  }

  private static StoreEvent.Kind toDomain(SnapshotProto.EventKind k, int number) {
    return switch (k) {
      case EVENT_KIND_JOB_SUBMITTED -> StoreEvent.Kind.JOB_SUBMITTED;
      case EVENT_KIND_JOB_STATE_CHANGED -> StoreEvent.Kind.JOB_STATE_CHANGED;
      case EVENT_KIND_TASK_STATE_CHANGED -> StoreEvent.Kind.TASK_STATE_CHANGED;
      case EVENT_KIND_WORKER_REGISTERED -> StoreEvent.Kind.WORKER_REGISTERED;
      case EVENT_KIND_WORKER_LOST -> StoreEvent.Kind.WORKER_LOST;
      case EVENT_KIND_ENDPOINT_ADDED -> StoreEvent.Kind.ENDPOINT_ADDED;
      case EVENT_KIND_ENDPOINT_REMOVED -> StoreEvent.Kind.ENDPOINT_REMOVED;
      case EVENT_KIND_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("event kind " + number
          + " is not one this build knows");
    };
  }

  private static TaskState taskState(dev.iris.rpc.TaskState s, int number) {
    return ProtoStates.toDomain(s).orElseThrow(() -> new IllegalArgumentException("task state " + number
        + " is not one this build knows"));
  }

  private static JobState jobState(dev.iris.rpc.JobState s, int number) {
    return ProtoStates.toDomain(s).orElseThrow(() -> new IllegalArgumentException("job state " + number
        + " is not one this build knows"));
  }

  /** A field this build does not know would be a part of the state left out: refused. */
  private static void requireKnown(Message m, String what) {
    if (!m.getUnknownFields().asMap().isEmpty()) {
      throw new UnreadableSnapshotException(Problem.UNKNOWN, "the snapshot holds " + what + " with field(s) "
          + m.getUnknownFields().asMap().keySet() + " that this build does not know: written by a newer version of "
          + "Iris?", null);
    }
  }

  private static UnreadableSnapshotException invalid(String where, RuntimeException e) {
    return new UnreadableSnapshotException(Problem.INVALID, "the snapshot holds an invalid value in " + where + ": "
        + e.getMessage(), e);
  }

  /** One instance of each string decoded (a worker id or an error repeated over a million tasks). */
  private static final class Strings {
    private final Map<String, String> seen = new HashMap<>();

    String of(String s) {
      if (s.isEmpty()) {
        return "";
      }
      String known = seen.putIfAbsent(s, s);
      return known == null ? s : known;
    }
  }
}
