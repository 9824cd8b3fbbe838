package dev.iris.common;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Runs the handler of one service method: whatever it throws or fails with becomes a precise gRPC status
 * ({@link RpcErrors#toStatus}), and the call's latency is recorded by method and by the status it was
 * answered with ({@code OK} or the status name). Every unary method of a service goes through one guard.
 */
public final class RpcGuard {
  /** Where a guard records each call: the method, {@code OK} or a gRPC status name, and its latency. */
  @FunctionalInterface
  public interface CallRecorder {
    void record(String method, String status, long nanos);
  }

  private final CallRecorder recorder;

  public RpcGuard(CallRecorder recorder) {
    this.recorder = recorder;
  }

  /** Runs {@code handler} as the call of {@code method}. */
  public <T> Future<T> call(String method, Supplier<Future<T>> handler) {
    long started = System.nanoTime();
    Future<T> answer;
    try {
      answer = handler.get().recover(t -> Future.failedFuture(RpcErrors.toStatus(t)));
    } catch (RuntimeException e) {
      answer = Future.failedFuture(RpcErrors.toStatus(e));
    }
    return answer.andThen(ar -> recorder.record(method, ar.succeeded() ? "OK"
        : RpcErrors.toStatus(ar.cause()).status().name(), System.nanoTime() - started));
  }
}
