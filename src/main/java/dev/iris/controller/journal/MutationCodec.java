package dev.iris.controller.journal;

import static dev.iris.controller.journal.JournalValues.required;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.iris.controller.journal.UnreadableRecordException.Problem;
import dev.iris.controller.state.Mutation;
import dev.iris.core.JobId;
import dev.iris.core.TaskId;
import dev.iris.rpc.JournalProto;
import dev.iris.rpc.JournalProto.JournalRecord;
import dev.iris.rpc.JournalProto.JournalRecord.MutationCase;
import java.util.Map;

/**
 * A {@link Mutation} and the instant it was applied at, as one journal record ({@code iris/journal.proto})
 * and back: {@code decode(encode(m, now))} is a mutation that, applied at {@code now} to an equal state, has
 * the same effects as {@code m}. Every input of a mutation is written in full (the job's spec and bundle, the
 * plan with its assignments, the reports with their observations, the caller); nulls come back as nulls.
 *
 * <p>Exhaustive over the sealed family: a mutation this codec has no case for fails to encode, and a test
 * holds every permitted subclass to a round trip. Decoding never answers a mutation it is unsure of: bytes
 * that are no record, a kind or field this build does not know, and a value the domain refuses all throw an
 * {@link UnreadableRecordException} that names the problem.
 *
 * <p>A record holds what the mutation was given, not what the store derived from it; so replaying it rebuilds
 * the same state only under the same {@link dev.iris.controller.state.StoreConfig} (the worker timeout, the
 * probe delay, the start capacity, the job retention and the events retained all shape what a mutation does).
 * The journal keeps the configuration its records were written under ({@link Mutation.Reconfigure} records and
 * snapshots), and recovery replays them under it.
 */
public final class MutationCodec {
  /** The format of the records this build writes and reads ({@code JournalFormat} in the schema). */
  public static final int FORMAT_VERSION = JournalProto.JournalFormat.JOURNAL_FORMAT_V1_VALUE;

  private MutationCodec() {}

  /** A decoded record: the mutation and the instant (ms since the epoch) it was applied at. */
  public record Decoded(Mutation<?> mutation, long nowMs) {}

  /** The record of {@code mutation} applied at {@code nowMs}. */
  public static byte[] encode(Mutation<?> mutation, long nowMs) {
    return toRecord(mutation, nowMs).toByteArray();
  }

  /** The mutation and instant {@code record} holds; throws {@link UnreadableRecordException} when it cannot. */
  public static Decoded decode(byte[] record) {
    return decode(required(record, "bytes"), 0, record.length);
  }

  /** {@link #decode(byte[])} of the {@code length} bytes of {@code buffer} from {@code offset} (a segment's). */
  public static Decoded decode(byte[] buffer, int offset, int length) {
    JournalRecord r;
    try {
      r = JournalRecord.parseFrom(java.nio.ByteBuffer.wrap(required(buffer, "bytes"), offset, length));
    } catch (InvalidProtocolBufferException e) {
      throw new UnreadableRecordException(Problem.MALFORMED,
          "not a journal record (" + length + " bytes): " + e.getMessage(), e);
    }
    MutationCase kind = r.getMutationCase();
    if (kind == MutationCase.MUTATION_NOT_SET) {
      requireNoUnknownFields(r, "journal record"); // a mutation of a kind this build does not know?
      throw new UnreadableRecordException(Problem.MALFORMED, "journal record (" + length
          + " bytes) holds no mutation", null);
    }
    requireNoUnknownFields(r, "journal record of kind " + name(kind));
    try {
      return new Decoded(toMutation(r), r.getNowMs());
    } catch (UnreadableRecordException e) {
      throw e;
    } catch (RuntimeException e) { // a domain rule refused a value (ValidationException, IllegalArgumentException, ...)
      throw new UnreadableRecordException(Problem.INVALID,
          "journal record of kind " + name(kind) + " holds an invalid value: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ encoding

  private static JournalRecord toRecord(Mutation<?> mutation, long nowMs) {
    JournalRecord.Builder b = JournalRecord.newBuilder().setNowMs(nowMs);
    if (mutation instanceof Mutation.SubmitJob m) {
      JournalProto.SubmitJob.Builder x = JournalProto.SubmitJob.newBuilder()
          .setSpec(JournalValues.toProto(required(m.spec(), "the job's spec")));
      if (m.bundle() != null) {
        x.setBundle(ByteString.copyFrom(m.bundle()));
      }
      if (m.submitter() != null) {
        x.setSubmitter(JournalValues.toProto(m.submitter()));
      }
      return b.setSubmitJob(x).build();
    }
    if (mutation instanceof Mutation.TerminateJob m) {
      JournalProto.TerminateJob.Builder x = JournalProto.TerminateJob.newBuilder().setJobId(id(m.job()));
      if (m.reason() != null) {
        x.setReason(m.reason());
      }
      return b.setTerminateJob(x).build();
    }
    if (mutation instanceof Mutation.RegisterWorker m) {
      JournalProto.RegisterWorker.Builder x = JournalProto.RegisterWorker.newBuilder()
          .setRegistration(JournalValues.toProto(required(m.registration(), "the worker's registration")))
          .addAllRunning(JournalValues.toProto(m.running()));
      if (m.mark() != null) {
        x.setMark(JournalValues.toProto(m.mark()));
      }
      if (m.caller() != null) {
        x.setCaller(JournalValues.toProto(m.caller()));
      }
      return b.setRegisterWorker(x).build();
    }
    if (mutation instanceof Mutation.Heartbeat m) {
      JournalProto.Heartbeat.Builder x = JournalProto.Heartbeat.newBuilder()
          .setWorkerId(required(m.workerId(), "the worker id"))
          .addAllAttempts(JournalValues.toProto(m.attempts()));
      if (m.mark() != null) {
        x.setMark(JournalValues.toProto(m.mark()));
      }
      if (m.caller() != null) {
        x.setCaller(JournalValues.toProto(m.caller()));
      }
      return b.setHeartbeat(x).build();
    }
    if (mutation instanceof Mutation.ReportTaskStates m) {
      JournalProto.ReportTaskStates.Builder x = JournalProto.ReportTaskStates.newBuilder()
          .setWorkerId(required(m.workerId(), "the worker id"))
          .addAllReports(JournalValues.toProto(m.reports()));
      if (m.caller() != null) {
        x.setCaller(JournalValues.toProto(m.caller()));
      }
      return b.setReportTaskStates(x).build();
    }
    if (mutation instanceof Mutation.CommitPlan m) {
      return b.setCommitPlan(JournalProto.CommitPlan.newBuilder()
          .setPlan(JournalValues.toProto(required(m.plan(), "the plan")))).build();
    }
    if (mutation instanceof Mutation.Delivered m) {
      JournalProto.Delivered.Builder x = JournalProto.Delivered.newBuilder().setTaskId(id(m.task()))
          .setAttemptId(m.attemptId()).setWorkerId(required(m.workerId(), "the worker id"));
      if (m.mark() != null) {
        x.setMark(JournalValues.toProto(m.mark()));
      }
      return b.setDelivered(x).build();
    }
    if (mutation instanceof Mutation.DeliveryFailed m) {
      JournalProto.DeliveryFailed.Builder x = JournalProto.DeliveryFailed.newBuilder().setTaskId(id(m.task()))
          .setAttemptId(m.attemptId()).setWorkerId(required(m.workerId(), "the worker id"))
          .setMayHaveArrived(m.mayHaveArrived());
      if (m.reason() != null) {
        x.setReason(m.reason());
      }
      return b.setDeliveryFailed(x).build();
    }
    if (mutation instanceof Mutation.Fenced m) {
      return b.setFenced(JournalProto.Fenced.newBuilder().setTaskId(id(m.task())).setAttemptId(m.attemptId())
          .setWorkerId(required(m.workerId(), "the worker id"))).build();
    }
    if (mutation instanceof Mutation.WorkerUnreachable m) {
      JournalProto.WorkerUnreachable.Builder x = JournalProto.WorkerUnreachable.newBuilder()
          .setWorkerId(required(m.workerId(), "the worker id"));
      if (m.reason() != null) {
        x.setReason(m.reason());
      }
      return b.setWorkerUnreachable(x).build();
    }
    if (mutation instanceof Mutation.RegisterEndpoint m) {
      JournalProto.RegisterEndpoint.Builder x = JournalProto.RegisterEndpoint.newBuilder()
          .setName(required(m.name(), "the endpoint's name"))
          .setAddress(required(m.address(), "the endpoint's address"))
          .setJobId(id(m.job()))
          .setAttemptId(m.attemptId())
          .putAllMetadata(m.metadata());
      if (m.task() != null) {
        x.setTaskId(m.task().toString());
      }
      return b.setRegisterEndpoint(x).build();
    }
    if (mutation instanceof Mutation.UnregisterEndpoint m) {
      return b.setUnregisterEndpoint(JournalProto.UnregisterEndpoint.newBuilder()
          .setEndpointId(required(m.endpointId(), "the endpoint id"))).build();
    }
    if (mutation instanceof Mutation.Tick t) {
      return b.setTick(JournalProto.Tick.newBuilder().setStallMs(t.stallMs())).build();
    }
    if (mutation instanceof Mutation.ControllerRestarted) {
      return b.setControllerRestarted(JournalProto.ControllerRestarted.getDefaultInstance()).build();
    }
    if (mutation instanceof Mutation.Reconfigure m) {
      return b.setReconfigure(JournalProto.Reconfigure.newBuilder()
          .setConfig(JournalValues.toProto(required(m.config(), "the config")))).build();
    }
    throw new IllegalArgumentException("no journal record for a mutation of type "
        + required(mutation, "a mutation").getClass().getName() + ": add it to journal.proto and MutationCodec");
  }

  private static String id(JobId job) {
    return required(job, "the job id").value();
  }

  private static String id(TaskId task) {
    return required(task, "the task id").toString();
  }

  // ------------------------------------------------------------------ decoding

  private static Mutation<?> toMutation(JournalRecord r) {
    switch (r.getMutationCase()) {
      case SUBMIT_JOB: {
        JournalProto.SubmitJob m = r.getSubmitJob();
        requireNoUnknownFields(m, "the SubmitJob of a journal record");
        return new Mutation.SubmitJob(JournalValues.toDomain(present(m.hasSpec(), m.getSpec(), "a job spec")),
            m.hasBundle() ? m.getBundle().toByteArray() : null,
            m.hasSubmitter() ? JournalValues.toDomain(m.getSubmitter()) : null);
      }
      case TERMINATE_JOB: {
        JournalProto.TerminateJob m = r.getTerminateJob();
        requireNoUnknownFields(m, "the TerminateJob of a journal record");
        return new Mutation.TerminateJob(JobId.of(m.getJobId()), m.hasReason() ? m.getReason() : null);
      }
      case REGISTER_WORKER: {
        JournalProto.RegisterWorker m = r.getRegisterWorker();
        requireNoUnknownFields(m, "the RegisterWorker of a journal record");
        return new Mutation.RegisterWorker(
            JournalValues.toDomain(present(m.hasRegistration(), m.getRegistration(), "a registration")),
            m.hasMark() ? JournalValues.toDomain(m.getMark()) : null,
            JournalValues.toDomain(m.getRunningList()),
            m.hasCaller() ? JournalValues.toDomain(m.getCaller()) : null);
      }
      case HEARTBEAT: {
        JournalProto.Heartbeat m = r.getHeartbeat();
        requireNoUnknownFields(m, "the Heartbeat of a journal record");
        return new Mutation.Heartbeat(m.getWorkerId(), m.hasMark() ? JournalValues.toDomain(m.getMark()) : null,
            JournalValues.toDomain(m.getAttemptsList()), m.hasCaller() ? JournalValues.toDomain(m.getCaller()) : null);
      }
      case REPORT_TASK_STATES: {
        JournalProto.ReportTaskStates m = r.getReportTaskStates();
        requireNoUnknownFields(m, "the ReportTaskStates of a journal record");
        return new Mutation.ReportTaskStates(m.getWorkerId(), JournalValues.toDomain(m.getReportsList()),
            m.hasCaller() ? JournalValues.toDomain(m.getCaller()) : null);
      }
      case COMMIT_PLAN: {
        JournalProto.CommitPlan m = r.getCommitPlan();
        requireNoUnknownFields(m, "the CommitPlan of a journal record");
        return new Mutation.CommitPlan(JournalValues.toDomain(present(m.hasPlan(), m.getPlan(), "a plan")));
      }
      case DELIVERED: {
        JournalProto.Delivered m = r.getDelivered();
        requireNoUnknownFields(m, "the Delivered of a journal record");
        return new Mutation.Delivered(TaskId.parse(m.getTaskId()), m.getAttemptId(), m.getWorkerId(),
            m.hasMark() ? JournalValues.toDomain(m.getMark()) : null);
      }
      case DELIVERY_FAILED: {
        JournalProto.DeliveryFailed m = r.getDeliveryFailed();
        requireNoUnknownFields(m, "the DeliveryFailed of a journal record");
        return new Mutation.DeliveryFailed(TaskId.parse(m.getTaskId()), m.getAttemptId(), m.getWorkerId(),
            m.hasReason() ? m.getReason() : null, m.getMayHaveArrived());
      }
      case FENCED: {
        JournalProto.Fenced m = r.getFenced();
        requireNoUnknownFields(m, "the Fenced of a journal record");
        return new Mutation.Fenced(TaskId.parse(m.getTaskId()), m.getAttemptId(), m.getWorkerId());
      }
      case WORKER_UNREACHABLE: {
        JournalProto.WorkerUnreachable m = r.getWorkerUnreachable();
        requireNoUnknownFields(m, "the WorkerUnreachable of a journal record");
        return new Mutation.WorkerUnreachable(m.getWorkerId(), m.hasReason() ? m.getReason() : null);
      }
      case REGISTER_ENDPOINT: {
        JournalProto.RegisterEndpoint m = r.getRegisterEndpoint();
        requireNoUnknownFields(m, "the RegisterEndpoint of a journal record");
        return new Mutation.RegisterEndpoint(m.getName(), m.getAddress(), JobId.of(m.getJobId()),
            m.hasTaskId() ? TaskId.parse(m.getTaskId()) : null, m.getAttemptId(), m.getMetadataMap());
      }
      case UNREGISTER_ENDPOINT: {
        JournalProto.UnregisterEndpoint m = r.getUnregisterEndpoint();
        requireNoUnknownFields(m, "the UnregisterEndpoint of a journal record");
        return new Mutation.UnregisterEndpoint(m.getEndpointId());
      }
      case TICK:
        requireNoUnknownFields(r.getTick(), "the Tick of a journal record");
        if (r.getTick().getStallMs() < 0) {
          throw new UnreadableRecordException(Problem.INVALID, "a Tick with a negative stall", null);
        }
        return new Mutation.Tick(r.getTick().getStallMs());
      case CONTROLLER_RESTARTED:
        requireNoUnknownFields(r.getControllerRestarted(), "the ControllerRestarted of a journal record");
        return new Mutation.ControllerRestarted();
      case RECONFIGURE: {
        JournalProto.Reconfigure m = r.getReconfigure();
        requireNoUnknownFields(m, "the Reconfigure of a journal record");
        return new Mutation.Reconfigure(JournalValues.toDomain(present(m.hasConfig(), m.getConfig(), "a config")));
      }
      case MUTATION_NOT_SET:
      default:
        throw new IllegalStateException("no mutation in the record"); // checked by decode() before
    }
  }

  private static <T> T present(boolean has, T value, String what) {
    if (!has) {
      throw new UnreadableRecordException(Problem.MALFORMED, "journal record lacks " + what, null);
    }
    return value;
  }

  /**
   * A field this build does not know would change what the record means, and ignoring it would replay another
   * mutation than the one recorded: such a record is refused. A known field with the wire type of another
   * (which protobuf sets aside as unknown too) is a malformed record. Only the record and its mutation's own
   * message are checked: the values inside them are read in full anyway.
   */
  private static void requireNoUnknownFields(Message m, String where) {
    Map<Integer, UnknownFieldSet.Field> unknown = m.getUnknownFields().asMap();
    if (unknown.isEmpty()) {
      return;
    }
    for (Integer number : unknown.keySet()) {
      if (m.getDescriptorForType().findFieldByNumber(number) != null) {
        throw new UnreadableRecordException(Problem.MALFORMED, where + " holds field " + number
            + " with the wrong wire type", null);
      }
    }
    throw new UnreadableRecordException(Problem.UNKNOWN, where + " holds field(s) " + unknown.keySet()
        + " that this build does not know: written by a newer version of Iris?", null);
  }

  /** The mutation's name as its record type: {@code SubmitJob}. */
  private static String name(MutationCase kind) {
    StringBuilder b = new StringBuilder();
    for (String part : kind.name().split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return b.toString();
  }
}
