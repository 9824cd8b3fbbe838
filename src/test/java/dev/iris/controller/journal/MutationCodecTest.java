package dev.iris.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.iris.controller.journal.UnreadableRecordException.Problem;
import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.WorkerRecord.Registration;
import dev.iris.core.Constraint;
import dev.iris.core.ConstraintOp;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import dev.iris.core.TaskAttempt.Observation;
import dev.iris.core.TaskAttempt.Usage;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.Role;
import dev.iris.rpc.JournalProto;
import dev.iris.rpc.JournalProto.JournalRecord;
import dev.iris.scheduler.Assignment;
import dev.iris.scheduler.Plan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of mutation survives the journal whole, edge values included (empty and unicode strings, the
 * largest numbers the domain allows, nulls where a mutation may hold them, a large bundle); bytes that are no
 * record, a record of a kind or with a field this build does not know, and values the domain refuses are
 * refused with a message that names the problem.
 */
class MutationCodecTest {
  private static final String UNICODE = "naïve 日本語 ✓ \uD83D\uDE80 Ωmega";
  private static final TaskId TASK = TaskId.parse("alice/train/eval/task-9999");
  private static final byte[] LARGE_BUNDLE = randomBytes(16 << 20);

  /** A sample of each kind of mutation, most in several shapes; {@link #everyKindHasSamples} keeps it whole. */
  static Stream<Mutation<?>> samples() {
    return Stream.of(
        new Mutation.SubmitJob(fullSpec(), LARGE_BUNDLE, Caller.task(JobId.of("alice/train"), "alice")),
        new Mutation.SubmitJob(JobSpec.simple(JobId.of("a"), List.of("x"), Resources.NONE, 1), null, null),
        new Mutation.SubmitJob(JobSpec.simple(JobId.of("b"), List.of(UNICODE, ""), Resources.of(1, 1), 1),
            new byte[0], Caller.of("bob@example.com", Role.USER)),
        new Mutation.TerminateJob(JobId.of("alice/train"), "killed by user"),
        new Mutation.TerminateJob(JobId.of("x"), null),
        new Mutation.TerminateJob(JobId.of("x"), ""),
        new Mutation.RegisterWorker(registration(), new AcceptMark(UNICODE, Long.MAX_VALUE), reports(),
            Caller.of("worker-1", Role.WORKER)),
        new Mutation.RegisterWorker(new Registration("w", "", Resources.NONE, null, null, null), null, List.of(),
            null),
        new Mutation.Heartbeat("w-1", AcceptMark.NONE, reports(), Caller.admin()),
        new Mutation.Heartbeat("", null, List.of(), null),
        new Mutation.ReportTaskStates("w-1", reports(), Caller.of("w", Role.WORKER)),
        new Mutation.ReportTaskStates("w-1", List.of(), null),
        new Mutation.CommitPlan(plan()),
        new Mutation.CommitPlan(Plan.EMPTY),
        new Mutation.Delivered(TASK, Integer.MAX_VALUE, "w-1", new AcceptMark("inc", 1)),
        new Mutation.Delivered(TASK, 0, "w-1", null),
        new Mutation.DeliveryFailed(TASK, 3, "w-1", "connection refused", true),
        new Mutation.DeliveryFailed(TASK, -1, "", null, false),
        new Mutation.Fenced(TASK, Integer.MIN_VALUE, UNICODE),
        new Mutation.WorkerUnreachable("w-1", UNICODE),
        new Mutation.WorkerUnreachable("w-1", null),
        new Mutation.RegisterEndpoint("alice/train/coordinator", "10.0.0.1:8476", JobId.of("alice/train"), TASK, 7,
            Map.of("role", UNICODE, "", "")),
        new Mutation.RegisterEndpoint("ep", "h:1", JobId.of("a"), null, -1, Map.of()),
        new Mutation.UnregisterEndpoint("ep-42"),
        new Mutation.UnregisterEndpoint(""),
        new Mutation.Tick(),
        new Mutation.Tick(3_000),
        new Mutation.Tick(Long.MAX_VALUE),
        new Mutation.ControllerRestarted(),
        new Mutation.Reconfigure(StoreConfig.DEFAULT),
        new Mutation.Reconfigure(new StoreConfig(Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE, Long.MAX_VALUE, new StoreConfig.JobRetention(Long.MAX_VALUE, Long.MAX_VALUE,
            Long.MAX_VALUE), dev.iris.core.Lease.MAX_MS)),
        new Mutation.Reconfigure(StoreConfig.DEFAULT.withLeaseMs(0)),
        new Mutation.Reconfigure(new StoreConfig(1, 1, 0, 1, 1, new StoreConfig.JobRetention(1, 1, 1), 500)));
  }

  @Test
  void everyKindHasSamples() {
    assertThat(samples().map(Object::getClass).distinct().toList())
        .as("a mutation without a journal case fails here: add it to journal.proto, MutationCodec and samples()")
        .containsExactlyInAnyOrderElementsOf(Arrays.asList(Mutation.class.getPermittedSubclasses()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void aMutationSurvivesTheJournalWhole(Mutation<?> m) {
    for (long now : new long[] {0, 1, 1_700_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE}) {
      MutationCodec.Decoded d = MutationCodec.decode(MutationCodec.encode(m, now));
      assertThat(d.nowMs()).isEqualTo(now);
      assertSameMutation(d.mutation(), m);
    }
  }

  @Test
  void aRecordIsReadFromWithinALargerBuffer() {
    Mutation<?> m = new Mutation.WorkerUnreachable("w-1", UNICODE);
    byte[] record = MutationCodec.encode(m, 42);
    byte[] segment = new byte[record.length + 20];
    Arrays.fill(segment, (byte) 0xff);
    System.arraycopy(record, 0, segment, 7, record.length);
    MutationCodec.Decoded d = MutationCodec.decode(segment, 7, record.length);
    assertThat(d.nowMs()).isEqualTo(42);
    assertSameMutation(d.mutation(), m);
  }

  @Test
  void aRecordIsSmall() {
    assertThat(MutationCodec.encode(new Mutation.Tick(), 1_700_000_000_000L)).hasSizeLessThanOrEqualTo(9);
    assertThat(MutationCodec.encode(new Mutation.Delivered(TaskId.parse("job-1/task-3"), 0, "w-17",
        new AcceptMark("0f8a6e1c", 1234)), 1_700_000_000_000L)).hasSizeLessThan(50);
  }

  @Test
  void theFormatVersionIsTheSchemas() {
    assertThat(MutationCodec.FORMAT_VERSION).isEqualTo(1);
  }

  @Test
  void aRequiredValueThatIsNullFailsTheEncodingNamingIt() {
    assertThatThrownBy(() -> MutationCodec.encode(new Mutation.Heartbeat(null, null, List.of(), null), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worker id");
    assertThatThrownBy(() -> MutationCodec.encode(new Mutation.TerminateJob(null, "r"), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("job id");
  }

  // ------------------------------------------------------------------ refusals

  @Test
  void bytesThatAreNoRecordAreMalformed() {
    assertRefused(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, Problem.MALFORMED, "not a journal record");
    assertRefused(new byte[0], Problem.MALFORMED, "holds no mutation");
    assertRefused(JournalRecord.newBuilder().setNowMs(5).build().toByteArray(), Problem.MALFORMED,
        "holds no mutation");
    assertRefused(new byte[] {0x0a, 0x00}, Problem.MALFORMED, "field 1 with the wrong wire type");
  }

  @Test
  void everyCutOfARecordIsRefused() {
    for (Mutation<?> m : List.of(samples().toList().get(3), samples().toList().get(6), samples().toList().get(12))) {
      byte[] whole = MutationCodec.encode(m, 1_700_000_000_000L);
      for (int n = 0; n < whole.length; n++) {
        byte[] cut = Arrays.copyOf(whole, n);
        assertThatThrownBy(() -> MutationCodec.decode(cut)).as("%s cut to %d of %d bytes", m, n, whole.length)
            .isInstanceOf(UnreadableRecordException.class);
      }
    }
  }

  @Property(tries = 2_000)
  void garbageIsRefusedOrDecodedButNeverThrowsAnythingElse(@ForAll byte[] garbage) {
    try {
      MutationCodec.decode(garbage);
    } catch (UnreadableRecordException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Test
  void aMutationOfAnUnknownKindIsRefusedNamingItsField() {
    byte[] record = JournalRecord.newBuilder().setNowMs(5).setUnknownFields(unknownField(17)).build().toByteArray();
    assertRefused(record, Problem.UNKNOWN, "[17]", "newer version");
  }

  @Test
  void aFieldThisBuildDoesNotKnowIsRefused() {
    byte[] inRecord = JournalRecord.newBuilder().setTick(JournalProto.Tick.getDefaultInstance())
        .setUnknownFields(unknownField(99)).build().toByteArray();
    assertRefused(inRecord, Problem.UNKNOWN, "of kind Tick", "[99]");
    byte[] inMutation = JournalRecord.newBuilder().setHeartbeat(JournalProto.Heartbeat.newBuilder().setWorkerId("w")
        .setUnknownFields(unknownField(20))).build().toByteArray();
    assertRefused(inMutation, Problem.UNKNOWN, "Heartbeat", "[20]");
  }

  @Test
  void aValueTheDomainRefusesIsInvalid() {
    assertRefused(record(b -> b.setTerminateJob(JournalProto.TerminateJob.newBuilder().setJobId(""))),
        Problem.INVALID, "of kind TerminateJob", "job id must not be empty");
    assertRefused(record(b -> b.setFenced(JournalProto.Fenced.newBuilder().setTaskId("nonsense"))),
        Problem.INVALID, "of kind Fenced", "nonsense");
    assertRefused(record(b -> b.setReportTaskStates(JournalProto.ReportTaskStates.newBuilder().setWorkerId("w")
        .addReports(JournalProto.AttemptReport.newBuilder().setTaskId("j/task-0")))), Problem.INVALID, "task state 0");
    assertRefused(record(b -> b.setHeartbeat(JournalProto.Heartbeat.newBuilder().setWorkerId("w")
        .setCaller(JournalProto.Caller.newBuilder().setUser("u").setRoleValue(42)))), Problem.INVALID, "role 42");
    JournalProto.Plan twoReasons = JournalProto.Plan.newBuilder()
        .addPendingReasons(JournalProto.PendingReason.newBuilder().setJobId("j").setReason("a"))
        .addPendingReasons(JournalProto.PendingReason.newBuilder().setJobId("j").setReason("b")).build();
    assertRefused(record(b -> b.setCommitPlan(JournalProto.CommitPlan.newBuilder().setPlan(twoReasons))),
        Problem.INVALID, "two pending reasons");
    assertRefused(record(b -> b.setSubmitJob(JournalProto.SubmitJob.newBuilder().setSpec(
        JournalValues.toProto(fullSpec()).toBuilder().setReplicas(0)))), Problem.INVALID, "replicas");
    assertRefused(record(b -> b.setReconfigure(JournalProto.Reconfigure.newBuilder().setConfig(
        JournalValues.toProto(StoreConfig.DEFAULT).toBuilder().setFinishedJobs(0)))), Problem.INVALID,
        "of kind Reconfigure", "job retention must be positive");
  }

  @Test
  void aMutationWithoutWhatEveryOneHasIsMalformed() {
    assertRefused(record(b -> b.setSubmitJob(JournalProto.SubmitJob.getDefaultInstance())), Problem.MALFORMED,
        "lacks a job spec");
    assertRefused(record(b -> b.setCommitPlan(JournalProto.CommitPlan.getDefaultInstance())), Problem.MALFORMED,
        "lacks a plan");
    assertRefused(record(b -> b.setRegisterWorker(JournalProto.RegisterWorker.getDefaultInstance())),
        Problem.MALFORMED, "lacks a registration");
    assertRefused(record(b -> b.setReconfigure(JournalProto.Reconfigure.getDefaultInstance())),
        Problem.MALFORMED, "lacks a config");
  }

  // ------------------------------------------------------------------ values

  static JobSpec fullSpec() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GREETING", UNICODE);
    env.put("EMPTY", "");
    return new JobSpec(JobId.of("alice/train/eval"), List.of("python", "-c", UNICODE, ""),
        new Resources(JobSpec.MAX_CPU, JobSpec.MAX_MEMORY_BYTES, JobSpec.MAX_DISK_BYTES, JobSpec.MAX_GPUS, "H100 ✓"),
        JobSpec.MAX_REPLICAS, env, List.of("http", "grpc_2"),
        List.of(Constraint.of("zone", ConstraintOp.EQ, UNICODE),
            new Constraint("tier", ConstraintOp.IN, "", List.of("a", "b", UNICODE)),
            Constraint.of("mem", ConstraintOp.GE, "1e3"), Constraint.of("gpu", ConstraintOp.NOT_EXISTS, "")),
        "slice", JobSpec.MAX_REPLICAS, JobSpec.MAX_RETRIES, JobSpec.MAX_RETRIES, JobSpec.MAX_SCHEDULING_TIMEOUT_MS,
        365 * 24 * 3600, List.of("pip", "install", "-e", "."), "a".repeat(64), "alice");
  }

  static Registration registration() {
    return new Registration("worker-1", "10.0.0.1:10001", new Resources(Integer.MAX_VALUE, Long.MAX_VALUE,
        Long.MAX_VALUE, Integer.MAX_VALUE, UNICODE), Map.of("slice", "s0", "label", UNICODE), "host-ü", "::1",
        Integer.MAX_VALUE, "0f8a6e1c");
  }

  /** Reports with every shape of observation: none, the empty one, and full ones with and without usage. */
  private static List<AttemptReport> reports() {
    List<AttemptReport> out = new ArrayList<>();
    out.add(new AttemptReport(TASK, 0, TaskState.RUNNING, 0, null, null, 0));
    out.add(new AttemptReport(TASK, 1, TaskState.FAILED, Integer.MIN_VALUE, UNICODE, Observation.NONE, Long.MAX_VALUE));
    out.add(new AttemptReport(TASK, Integer.MAX_VALUE, TaskState.SUCCEEDED, 0, "",
        new Observation(Map.of("http", 8080, "grpc", 65535), new Usage(1, 2, 3, 4, 5, 6), 10, 20, true), 7));
    out.add(new AttemptReport(TaskId.parse("j/task-0"), 2, TaskState.BUILDING, -1, "",
        new Observation(Map.of(), new Usage(0, 0, 0, 0, 0, 0), 0, 0, false), 1));
    for (TaskState s : TaskState.values()) {
      out.add(new AttemptReport(TASK, 3, s, 0, "", null, 0));
    }
    return out;
  }

  private static Plan plan() {
    Map<JobId, String> reasons = new LinkedHashMap<>();
    for (int i = 20; i > 0; i--) { // not in the jobs' natural order: the plan's order must survive
      reasons.put(JobId.of("job-" + i), i == 3 ? "" : "no worker has " + i + " cpu free " + UNICODE);
    }
    return new Plan(List.of(new Assignment(TASK, "w-1"), new Assignment(TaskId.parse("j/task-0"), "w-2"),
        new Assignment(TaskId.parse("j/task-1"), "")), reasons);
  }

  // ------------------------------------------------------------------ helpers

  /**
   * {@code decoded} equals {@code original}, down to what record equality misses: a bundle's bytes, and
   * whether an observation's usage is {@link Usage#NONE} itself (the domain tells "not observed" by identity).
   */
  static void assertSameMutation(Mutation<?> decoded, Mutation<?> original) {
    assertThat(decoded).hasSameClassAs(original);
    if (original instanceof Mutation.SubmitJob o) {
      Mutation.SubmitJob d = (Mutation.SubmitJob) decoded;
      assertThat(d.spec()).isEqualTo(o.spec());
      assertThat(d.submitter()).isEqualTo(o.submitter());
      assertThat(d.bundle() == null).as("bundle null").isEqualTo(o.bundle() == null);
      assertThat(Arrays.equals(d.bundle(), o.bundle())).as("bundle bytes").isTrue();
      return;
    }
    assertThat(decoded).isEqualTo(original);
    assertThat(usages(decoded)).isEqualTo(usages(original));
  }

  /** Per report, whether it has an observation and whether that observation's usage is {@link Usage#NONE}. */
  private static List<String> usages(Mutation<?> m) {
    List<AttemptReport> reports = m instanceof Mutation.RegisterWorker r ? r.running()
        : m instanceof Mutation.Heartbeat h ? h.attempts()
        : m instanceof Mutation.ReportTaskStates t ? t.reports() : List.of();
    return reports.stream().map(r -> r.observation() == null ? "none"
        : r.observation().usage() == Usage.NONE ? "usage NONE" : "usage " + r.observation().usage()).toList();
  }

  private static void assertRefused(byte[] record, Problem problem, String... phrases) {
    assertThatThrownBy(() -> MutationCodec.decode(record)).isInstanceOfSatisfying(UnreadableRecordException.class,
        e -> {
          assertThat(e.problem()).as(e.getMessage()).isEqualTo(problem);
          for (String phrase : phrases) {
            assertThat(e.getMessage()).contains(phrase);
          }
        });
  }

  private static byte[] record(java.util.function.Consumer<JournalRecord.Builder> fill) {
    JournalRecord.Builder b = JournalRecord.newBuilder().setNowMs(1);
    fill.accept(b);
    return b.build().toByteArray();
  }

  private static UnknownFieldSet unknownField(int number) {
    return UnknownFieldSet.newBuilder().addField(number, UnknownFieldSet.Field.newBuilder()
        .addLengthDelimited(ByteString.copyFromUtf8("from the future")).build()).build();
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    return b;
  }
}
