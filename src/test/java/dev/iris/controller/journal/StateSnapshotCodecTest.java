package dev.iris.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import dev.iris.controller.journal.UnreadableRecordException.Problem;
import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ActionLog;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.EventLog;
import dev.iris.controller.state.StateImage;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.StoreEvent;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.Endpoint;
import dev.iris.core.EndpointRegistry.RegistryImage;
import dev.iris.core.Job.JobImage;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.JobState;
import dev.iris.core.Resources;
import dev.iris.core.Task.TaskImage;
import dev.iris.core.TaskAttempt.AttemptImage;
import dev.iris.core.TaskAttempt.Observation;
import dev.iris.core.TaskAttempt.Usage;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.rpc.SnapshotProto;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * A state's image survives a snapshot whole: every value of every part (a sample that sets each of them at least
 * once, edge values included), with nothing of the state left out of the image (every field of every class the
 * state is made of is in its image or derived from what is, and says which); bytes that are no snapshot, a
 * format or a field this build does not know, and values the domain refuses are refused with a message naming
 * the problem.
 */
class StateSnapshotCodecTest {
  private static final String UNICODE = "naïve 日本語 ✓ \uD83D\uDE80 Ωmega";

  // ------------------------------------------------------------------ nothing of the state is left out

  /**
   * Each class the controller's state is made of, and for each of its fields where the image keeps it: a component
   * of its image record ({@code "image: <component>"}), or why it needs none ({@code "derived: ..."} from other
   * fields, {@code "part: ..."} another part with its own image, {@code "transient: ..."} not state at all). A field
   * added to one of these classes fails {@link #everyFieldOfTheStateIsInItsImage} until it is put into the image,
   * the snapshot codec and this table (and so into the snapshot property of {@link JournalReplayProperties}).
   */
  private static final Map<String, Map<String, String>> FIELDS = Map.ofEntries(
      Map.entry("dev.iris.core.Job", Map.ofEntries(
          Map.entry("spec", "image: spec"), Map.entry("submittedAtMs", "image: submittedAtMs"),
          Map.entry("tasks", "image: tasks"), Map.entry("firstAttemptId", "image: firstAttemptId"),
          Map.entry("state", "image: state"), Map.entry("startedAtMs", "image: startedAtMs"),
          Map.entry("finishedAtMs", "image: finishedAtMs"), Map.entry("error", "image: error"),
          Map.entry("pendingReason", "image: pendingReason"),
          Map.entry("counts", "derived: the tasks' states"), Map.entry("failures", "derived: the tasks' counts"),
          Map.entry("preemptions", "derived: the tasks' counts"))),
      Map.entry("dev.iris.core.Task", Map.ofEntries(
          Map.entry("id", "derived: the job's id and the task's index"), Map.entry("state", "image: state"),
          Map.entry("attempts", "image: attempts"), Map.entry("failureCount", "image: failureCount"),
          Map.entry("preemptionCount", "image: preemptionCount"), Map.entry("queuedAtMs", "image: queuedAtMs"),
          Map.entry("finishedAtMs", "image: finishedAtMs"), Map.entry("exitCode", "image: exitCode"),
          Map.entry("error", "image: error"))),
      Map.entry("dev.iris.core.TaskAttempt", Map.ofEntries(
          Map.entry("attemptId", "image: attemptId"), Map.entry("workerId", "image: workerId"),
          Map.entry("assignedAtMs", "image: assignedAtMs"), Map.entry("state", "image: state"),
          Map.entry("startedAtMs", "image: startedAtMs"), Map.entry("finishedAtMs", "image: finishedAtMs"),
          Map.entry("exitCode", "image: exitCode"), Map.entry("error", "image: error"),
          Map.entry("workerFailure", "image: workerFailure"), Map.entry("observation", "image: observation"))),
      Map.entry("dev.iris.core.EndpointRegistry", Map.ofEntries(
          Map.entry("byId", "image: endpoints"), Map.entry("nextId", "image: nextId"),
          Map.entry("byName", "derived: an index of the endpoints"),
          Map.entry("byTask", "derived: an index of the endpoints"),
          Map.entry("byJob", "derived: an index of the endpoints"))),
      Map.entry("dev.iris.controller.state.WorkerRecord", Map.ofEntries(
          Map.entry("registration", "image: registration"),
          Map.entry("firstRegisteredAtMs", "image: firstRegisteredAtMs"),
          Map.entry("registeredAtMs", "image: registeredAtMs"), Map.entry("lastHeartbeatMs", "image: lastHeartbeatMs"),
          Map.entry("lastProbeMs", "image: lastProbeMs"), Map.entry("alive", "image: alive"),
          Map.entry("suspect", "image: suspect"), Map.entry("consecutiveFailures", "image: consecutiveFailures"),
          Map.entry("committed", "image: committed"), Map.entry("starting", "image: starting"),
          Map.entry("holdings", "image: holdings"))),
      Map.entry("dev.iris.controller.state.ClusterState", Map.ofEntries(
          Map.entry("config", "image: config"), Map.entry("queue", "image: queue"),
          Map.entry("endpoints", "image: endpoints"), Map.entry("events", "image: events"),
          Map.entry("actions", "image: actions"), Map.entry("jobs", "image: jobs"),
          Map.entry("membership", "image: workers"),
          Map.entry("outbox", "transient: drained after every command, before an image is taken"),
          Map.entry("jobMap", "part: the job table's map"),
          Map.entry("effects", "part: EffectInterpreter"), Map.entry("plans", "part: PlanCommitter"))),
      Map.entry("dev.iris.controller.state.JobTable", Map.ofEntries(
          Map.entry("jobs", "image: jobs"), Map.entry("children", "image: children"),
          Map.entry("nextAttemptIds", "image: nextAttemptIds"),
          Map.entry("submittedSequence", "image: submittedSequence"), Map.entry("bundles", "image: bundles"),
          Map.entry("finishedRoots", "image: finishedRoots"),
          Map.entry("finishedTasks", "derived: the sum over finishedRoots"),
          Map.entry("finishedJobCount", "derived: the sum over finishedRoots"),
          Map.entry("effects", "part: EffectInterpreter"), Map.entry("events", "part: EventLog"),
          Map.entry("actions", "part: ActionLog"))),
      Map.entry("dev.iris.controller.state.EffectInterpreter", Map.ofEntries(
          Map.entry("finished", "image: justFinished (of JobsImage)"),
          Map.entry("config", "part: the ClusterState's config"),
          Map.entry("observer", "transient: metrics, attached after recovery"),
          Map.entry("jobs", "part: the job table's map"), Map.entry("workers", "part: Membership's map"),
          Map.entry("queue", "part: PendingQueue"), Map.entry("endpoints", "part: EndpointRegistry"),
          Map.entry("events", "part: EventLog"), Map.entry("actions", "part: ActionLog"),
          Map.entry("outbox", "transient: the ClusterState's outbox"))),
      Map.entry("dev.iris.controller.state.Membership", Map.ofEntries(
          Map.entry("workers", "image: workers"), Map.entry("identities", "image: identities"),
          Map.entry("ignoredReports", "image: ignoredReports"),
          Map.entry("config", "part: the ClusterState's config"), Map.entry("jobs", "part: the job table's map"),
          Map.entry("effects", "part: EffectInterpreter"), Map.entry("actions", "part: ActionLog"),
          Map.entry("outbox", "transient: the ClusterState's outbox"))),
      Map.entry("dev.iris.controller.state.PlanCommitter", Map.ofEntries(
          Map.entry("startCapacity", "part: the ClusterState's config"),
          Map.entry("jobs", "part: the job table's map"), Map.entry("workers", "part: Membership's map"),
          Map.entry("queue", "part: PendingQueue"), Map.entry("effects", "part: EffectInterpreter"),
          Map.entry("outbox", "transient: the ClusterState's outbox"))),
      Map.entry("dev.iris.controller.state.PendingQueue", Map.ofEntries(
          Map.entry("runs", "image: the queue (of StateImage): the runs, compacted"),
          Map.entry("owners", "derived: the runs"),
          Map.entry("nextSeq", "derived: runs are numbered again in order; only their order matters"))),
      Map.entry("dev.iris.controller.state.EventLog", Map.ofEntries(
          Map.entry("ring", "image: retained"), Map.entry("lastSequence", "image: lastSequence"),
          Map.entry("firstKept", "derived: the first event retained"))),
      Map.entry("dev.iris.controller.state.ActionLog", Map.of("entries", "image: the actions (of StateImage)")));

  /** The image record of each class above whose fields name its components. */
  private static final Map<String, Class<?>> IMAGES = Map.of(
      "dev.iris.core.Job", JobImage.class, "dev.iris.core.Task", TaskImage.class,
      "dev.iris.core.TaskAttempt", AttemptImage.class, "dev.iris.core.EndpointRegistry", RegistryImage.class,
      "dev.iris.controller.state.WorkerRecord", WorkerRecord.WorkerImage.class,
      "dev.iris.controller.state.ClusterState", StateImage.class,
      "dev.iris.controller.state.JobTable", StateImage.JobsImage.class,
      "dev.iris.controller.state.Membership", StateImage.WorkersImage.class,
      "dev.iris.controller.state.EventLog", EventLog.EventsImage.class);

  @Test
  void everyFieldOfTheStateIsInItsImage() throws Exception {
    for (Map.Entry<String, Map<String, String>> e : FIELDS.entrySet()) {
      Class<?> type = Class.forName(e.getKey());
      Set<String> fields = new HashSet<>();
      for (Field f : type.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
          fields.add(f.getName());
        }
      }
      assertThat(fields).as("the fields of %s: a field missing from this test's table is a part of the state that "
          + "a snapshot may leave out; put it into the image (and StateSnapshotCodec), then into the table",
          type.getSimpleName()).containsExactlyInAnyOrderElementsOf(e.getValue().keySet());
      Class<?> image = IMAGES.get(e.getKey());
      if (image != null) {
        Set<String> components = new HashSet<>();
        for (RecordComponent c : image.getRecordComponents()) {
          components.add(c.getName());
        }
        e.getValue().forEach((field, where) -> {
          if (where.startsWith("image: ") && !where.contains("(of ")) {
            assertThat(components).as("%s.%s kept in %s", type.getSimpleName(), field, image.getSimpleName())
                .contains(where.substring("image: ".length()));
          }
        });
      }
    }
  }

  @Test
  void theSampleSetsEveryPartOfAnImage() {
    Map<String, Boolean> set = new TreeMap<>();
    walk(sample(), set);
    assertThat(set.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList())
        .as("components the sample never sets to anything but a default: a codec that dropped them would pass")
        .isEmpty();
    assertThat(set).containsKeys("StateImage.queue", "AttemptImage.observation", "Usage.memoryPeakMb",
        "Holding.accepted", "StoreEvent.endpointName", "JobRetention.finishedJobs");
  }

  // ------------------------------------------------------------------ round trips

  @Test
  void anImageSurvivesTheSnapshotWhole() {
    StateImage image = sample();
    StateImage back = StateSnapshotCodec.decode(StateSnapshotCodec.encode(image));
    assertThat(canonical(back)).isEqualTo(canonical(image));
    assertThat(List.copyOf(back.jobs().nextAttemptIds().keySet())).as("in the order they were remembered")
        .isEqualTo(List.copyOf(image.jobs().nextAttemptIds().keySet()));
  }

  @Test
  void theEmptyStateSurvivesToo() {
    StateImage image = new ClusterState(StoreConfig.DEFAULT).image();
    StateImage back = StateSnapshotCodec.decode(StateSnapshotCodec.encode(image));
    assertThat(canonical(back)).isEqualTo(canonical(image));
  }

  @Test
  void whatTheDomainTellsApartByIdentityStaysApart() {
    StateImage back = StateSnapshotCodec.decode(StateSnapshotCodec.encode(sample()));
    List<AttemptImage> attempts = back.jobs().jobs().get(0).tasks().get(1).attempts();
    assertThat(attempts.get(0).observation()).isSameAs(Observation.NONE);
    assertThat(attempts.get(1).observation().usage()).isSameAs(Usage.NONE);
    assertThat(attempts.get(2).observation().usage()).isNotSameAs(Usage.NONE).isEqualTo(Usage.NONE);
  }

  @Test
  void aStringRepeatedOverTasksComesBackAsOneInstance() {
    StateImage back = StateSnapshotCodec.decode(StateSnapshotCodec.encode(sample()));
    List<TaskImage> tasks = back.jobs().jobs().get(1).tasks();
    assertThat(tasks.get(0).error()).isSameAs(tasks.get(1).error());
    assertThat(tasks.get(0).attempts().get(0).workerId()).isSameAs(tasks.get(1).attempts().get(0).workerId());
  }

  @Test
  void aSnapshotIsSmall() {
    ClusterState s = new ClusterState(StoreConfig.DEFAULT);
    JobSpec spec = JobSpec.simple(JobId.of("held"), List.of("/bin/true"), Resources.of(64, 64 << 20),
        JobSpec.MAX_REPLICAS);
    s.submit(spec, null, 1_700_000_000_000L);
    int bytes = StateSnapshotCodec.encode(s.image()).length;
    assertThat(bytes / (double) JobSpec.MAX_REPLICAS).as("bytes per PENDING task").isLessThan(16);
  }

  // ------------------------------------------------------------------ refusals

  @Test
  void bytesThatAreNoSnapshotAreMalformed() {
    assertRefused(new byte[0], Problem.MALFORMED, "ends before its header");
    assertRefused(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, Problem.MALFORMED);
    byte[] whole = StateSnapshotCodec.encode(sample());
    byte[] longer = Arrays.copyOf(whole, whole.length + 3);
    assertRefused(longer, Problem.MALFORMED, "bytes after its 2 jobs");
  }

  @Test
  void everyCutOfASnapshotIsRefused() {
    byte[] whole = StateSnapshotCodec.encode(sample());
    for (int n = 0; n < whole.length; n++) {
      byte[] cut = Arrays.copyOf(whole, n);
      assertThatThrownBy(() -> StateSnapshotCodec.decode(cut)).as("cut to %d of %d bytes", n, whole.length)
          .isInstanceOf(UnreadableSnapshotException.class);
    }
  }

  @Property(tries = 1_000)
  void garbageIsRefusedOrDecodedButNeverThrowsAnythingElse(@ForAll byte[] garbage) {
    try {
      StateSnapshotCodec.decode(garbage);
    } catch (UnreadableSnapshotException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Test
  void aFormatThisBuildDoesNotKnowIsRefused() {
    assertRefused(rewritten(h -> h.setFormatValue(2), j -> j), Problem.UNKNOWN, "format 2", "newer version");
    assertRefused(rewritten(h -> h.setFormatValue(0), j -> j), Problem.MALFORMED, "format 0");
  }

  @Test
  void aFieldThisBuildDoesNotKnowIsRefusedWhereverItIs() {
    assertRefused(rewritten(h -> h.setUnknownFields(unknownField(99)), j -> j), Problem.UNKNOWN, "header", "[99]");
    assertRefused(rewritten(h -> h, j -> j.setUnknownFields(unknownField(40))), Problem.UNKNOWN, "a job", "[40]");
    assertRefused(rewritten(h -> h, j -> j.setTasks(0, j.getTasks(0).toBuilder().setUnknownFields(unknownField(30)))),
        Problem.UNKNOWN, "a task", "[30]");
    assertRefused(rewritten(h -> h.setWorkers(0, h.getWorkers(0).toBuilder().setUnknownFields(unknownField(31))),
        j -> j), Problem.UNKNOWN, "a worker", "[31]");
  }

  @Test
  void aValueTheDomainRefusesIsInvalid() {
    assertRefused(rewritten(h -> h, j -> j.setTasks(0, j.getTasks(0).toBuilder().setStateValue(0))), Problem.INVALID,
        "job alice/train", "task state 0");
    assertRefused(rewritten(h -> h, j -> j.setSpec(j.getSpec().toBuilder().setJobId(""))), Problem.INVALID,
        "job id must not be empty");
    assertRefused(rewritten(h -> h.setConfig(h.getConfig().toBuilder().setEventsRetained(0)), j -> j),
        Problem.INVALID, "eventsRetained");
    assertRefused(rewritten(h -> h.setEvents(0, h.getEvents(0).toBuilder().setKindValue(99)), j -> j),
        Problem.INVALID, "event kind 99");
  }

  // ------------------------------------------------------------------ the sample

  /**
   * An image that sets every component of every record in it, somewhere, to something else than its default
   * ({@link #theSampleSetsEveryPartOfAnImage}), with edge values; not a state that commands could reach.
   */
  static StateImage sample() {
    JobSpec full = JournalValues.toDomain(JournalValues.toProto(MutationCodecTest.fullSpec()).toBuilder()
        .setJobId("alice/train").setReplicas(2).build());
    Observation observed = new Observation(Map.of("http", 8080, "grpc", 65535),
        new Usage(1, 2, 3, 4, 5, Long.MAX_VALUE), 10, 20, true);
    AttemptImage first = new AttemptImage(7, "w-1", 1_000, TaskState.WORKER_FAILED, 1_100, 1_200, -1, UNICODE, true,
        observed);
    TaskImage running = new TaskImage(TaskState.RUNNING, List.of(first,
        new AttemptImage(8, "w-2", 2_000, TaskState.RUNNING, 2_100, 0, 0, "", false, Observation.NONE)), 0, 1, 1_500,
        0, 0, "");
    TaskImage tried = new TaskImage(TaskState.PENDING, List.of(
        new AttemptImage(Integer.MAX_VALUE, "w-1", 3_000, TaskState.FAILED, 0, 3_100, Integer.MIN_VALUE, "exit 1",
            false, Observation.NONE),
        new AttemptImage(0, "", 0, TaskState.KILLED, 0, 0, 0, "", false,
            new Observation(Map.of(), null, 0, 0, false)),
        new AttemptImage(1, "w-2", 4_000, TaskState.SUCCEEDED, 4_100, 4_200, 0, "", false,
            new Observation(Map.of(), new Usage(0, 0, 0, 0, 0, 0), 0, 5, false))),
        Integer.MAX_VALUE, 0, Long.MAX_VALUE, 0, 0, "");
    JobImage train = new JobImage(full, 7, 1_000, JobState.RUNNING, 1_100, 0, "", UNICODE, List.of(running, tried));
    JobSpec other = JobSpec.simple(JobId.of("alice/train/eval"), List.of("x"), Resources.NONE, 2);
    String killed = "killed: job failed (task-0: exit 1)";
    TaskImage killedTask = new TaskImage(TaskState.KILLED, List.of(new AttemptImage(0, "w-3", 5_000,
        TaskState.KILLED, 5_100, 5_200, 137, killed, false, Observation.NONE)), 0, 0, 4_900, 5_200, 137,
        new String(killed));
    TaskImage killedToo = new TaskImage(TaskState.KILLED, List.of(new AttemptImage(0, new String("w-3"), 5_000,
        TaskState.KILLED, 5_100, 5_200, 137, killed, false, Observation.NONE)), 0, 0, 4_900, 5_200, 137,
        new String(killed));
    JobImage eval = new JobImage(other, 0, Long.MIN_VALUE, JobState.KILLED, 0, Long.MAX_VALUE, killed, "",
        List.of(killedTask, killedToo));

    Map<String, byte[]> bundles = new LinkedHashMap<>();
    bundles.put("a".repeat(64), new byte[] {1, 2, 3, (byte) 0xff});
    bundles.put("b".repeat(64), new byte[0]);
    StateImage.JobsImage jobs = new StateImage.JobsImage(List.of(train, eval),
        Map.of(JobId.of("alice/train"), List.of(JobId.of("alice/train/eval"), JobId.of("alice/train/gone"))),
        orderedMap(JobId.of("old"), Integer.MAX_VALUE, JobId.of("b-older"), 3, JobId.of("a-oldest"), 0),
        Map.of(JobId.of("alice/train"), 17L, JobId.of("alice/train/eval"), Long.MAX_VALUE), bundles,
        List.of(new StateImage.FinishedRoot(JobId.of("done"), false, 4, 2),
            new StateImage.FinishedRoot(JobId.of("redone"), true, Long.MAX_VALUE, 1)),
        List.of(new StateImage.JustFinished(JobId.of("alice/train/eval"), false),
            new StateImage.JustFinished(JobId.of("x"), true)));

    WorkerRecord.WorkerImage w1 = new WorkerRecord.WorkerImage(MutationCodecTest.registration(), 10, 20, 30, 40,
        true, true, Integer.MAX_VALUE, new Resources(3, 4L << 30, 5, 1, "H100"), 1, List.of(
            new WorkerRecord.Holding(TaskId.parse("alice/train/task-0"), 8, new Resources(1, 2, 3, 1, "H100"), true,
                new AcceptMark(UNICODE, Long.MAX_VALUE)),
            new WorkerRecord.Holding(TaskId.parse("alice/train/task-1"), 0, Resources.NONE, false, null)));
    WorkerRecord.WorkerImage w2 = new WorkerRecord.WorkerImage(new WorkerRecord.Registration("w-2", "h:2",
        Resources.NONE, Map.of(), null, null), 0, 0, 0, Long.MIN_VALUE, false, false, 0, Resources.NONE, 0, List.of());
    StateImage.WorkersImage workers = new StateImage.WorkersImage(List.of(w1, w2),
        Map.of("w-1", "worker w-1", "w-2", UNICODE), Long.MAX_VALUE);

    RegistryImage endpoints = new RegistryImage(List.of(
        new Endpoint("ep-3", "alice/train/coordinator", "10.0.0.1:8476", JobId.of("alice/train"),
            TaskId.parse("alice/train/task-0"), 8, Map.of("role", UNICODE, "", "")),
        new Endpoint("ep-9", "alice/train/x", "h:1", JobId.of("alice/train"), null, -1, Map.of())), 10);
    EventLog.EventsImage events = new EventLog.EventsImage(Long.MAX_VALUE - 1, List.of(
        new StoreEvent(Long.MAX_VALUE - 2, 1_000, StoreEvent.Kind.TASK_STATE_CHANGED, "alice/train",
            "alice/train/task-0", "w-1", JobState.RUNNING, TaskState.RUNNING, 8, UNICODE, "alice/train/x"),
        new StoreEvent(Long.MAX_VALUE - 1, 0, StoreEvent.Kind.WORKER_LOST, null, null, null, null, null, -1, null,
            null)));
    List<ActionLog.Action> actions = List.of(new ActionLog.Action(1_000, "job submitted", "alice/train", UNICODE),
        new ActionLog.Action(0, "", null, null));
    List<StateImage.QueuedRun> queue = List.of(new StateImage.QueuedRun(JobId.of("alice/train"), new int[] {1}),
        new StateImage.QueuedRun(JobId.of("alice/train"), new int[] {0, 1, Integer.MAX_VALUE}));
    StoreConfig config = new StoreConfig(Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
        Long.MAX_VALUE, new StoreConfig.JobRetention(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE),
        dev.iris.core.Lease.MAX_MS);
    return new StateImage(config, jobs, workers, endpoints, events, actions, queue);
  }

  // ------------------------------------------------------------------ helpers

  private static Map<JobId, Integer> orderedMap(Object... keysAndValues) {
    Map<JobId, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((JobId) keysAndValues[i], (Integer) keysAndValues[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Records each record component seen under "Record.component": whether any instance set it to a non-default. */
  private static void walk(Object o, Map<String, Boolean> set) {
    if (o == null) {
      return;
    }
    if (o instanceof Record r) {
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        Object v = value(c, r);
        String key = r.getClass().getSimpleName() + "." + c.getName();
        set.merge(key, !isDefault(v), Boolean::logicalOr);
        walk(v, set);
      }
    } else if (o instanceof Collection<?> c) {
      c.forEach(x -> walk(x, set));
    } else if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        walk(k, set);
        walk(v, set);
      });
    }
  }

  private static boolean isDefault(Object v) {
    return v == null || v.equals(0) || v.equals(0L) || v.equals(false) || v.equals("")
        || (v instanceof Collection<?> c && c.isEmpty()) || (v instanceof Map<?, ?> m && m.isEmpty())
        || (v instanceof byte[] b && b.length == 0) || (v instanceof int[] i && i.length == 0);
  }

  /**
   * Everything an image holds, as text in a canonical order (maps sorted; arrays by content; the domain's "nothing
   * observed" values by identity).
   */
  static String canonical(Object o) {
    if (o == null) {
      return "null";
    }
    if (o == Usage.NONE) {
      return "Usage.NONE";
    }
    if (o == Observation.NONE) {
      return "Observation.NONE";
    }
    if (o instanceof Record r) {
      StringBuilder b = new StringBuilder(r.getClass().getSimpleName()).append('{');
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        b.append(c.getName()).append('=').append(canonical(value(c, r))).append(' ');
      }
      return b.append('}').toString();
    }
    if (o instanceof List<?> l) {
      List<String> each = new ArrayList<>();
      l.forEach(x -> each.add(canonical(x)));
      return each.toString();
    }
    if (o instanceof Map<?, ?> m) {
      TreeMap<String, String> sorted = new TreeMap<>();
      m.forEach((k, v) -> sorted.put(canonical(k), canonical(v)));
      return sorted.toString();
    }
    if (o instanceof byte[] b) {
      return Arrays.toString(b);
    }
    if (o instanceof int[] i) {
      return Arrays.toString(i);
    }
    return o.getClass().getSimpleName() + ":" + o;
  }

  private static Object value(RecordComponent c, Record r) {
    try {
      c.getAccessor().setAccessible(true);
      return c.getAccessor().invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** The sample's snapshot with its header and its first job rewritten. */
  private static byte[] rewritten(java.util.function.UnaryOperator<SnapshotProto.SnapshotHeader.Builder> header,
      java.util.function.UnaryOperator<SnapshotProto.Job.Builder> firstJob) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(StateSnapshotCodec.encode(sample()));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      SnapshotProto.SnapshotHeader h = header.apply(SnapshotProto.SnapshotHeader.newBuilder()
          .mergeFrom(in.readByteArray())).build();
      out.writeByteArrayNoTag(h.toByteArray());
      for (int i = 0; !in.isAtEnd(); i++) {
        SnapshotProto.Job.Builder j = SnapshotProto.Job.newBuilder().mergeFrom(in.readByteArray());
        out.writeByteArrayNoTag((i == 0 ? firstJob.apply(j) : j).build().toByteArray());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertRefused(byte[] snapshot, Problem problem, String... phrases) {
    assertThatThrownBy(() -> StateSnapshotCodec.decode(snapshot)).isInstanceOfSatisfying(
        UnreadableSnapshotException.class, e -> {
          assertThat(e.problem()).as(e.getMessage()).isEqualTo(problem);
          for (String phrase : phrases) {
            assertThat(e.getMessage()).contains(phrase);
          }
        });
  }

  private static UnknownFieldSet unknownField(int number) {
    return UnknownFieldSet.newBuilder().addField(number, UnknownFieldSet.Field.newBuilder()
        .addLengthDelimited(ByteString.copyFromUtf8("from the future")).build()).build();
  }
}
