package dev.iris.controller;

/** Event-bus addresses of the controller, in one place. */
public final class Addresses {
  /** {@link dev.iris.controller.state.Mutation}s and {@link StoreQuery}s for the state store; replies answer them. */
  public static final String STORE = "iris.store";
  /** Committed {@link dev.iris.controller.state.StoreEvent}s, published after each commit. */
  public static final String EVENTS = "iris.events";
  /** Worker commands for the dispatcher. */
  public static final String DISPATCH = "iris.dispatch";
  /** {@link dev.iris.controller.state.ClusterState.WorkerProbe}s of silent workers for the dispatcher. */
  public static final String PROBE = "iris.dispatch.probe";
  /** A hint that scheduling may find new placements. */
  public static final String SCHEDULER_WAKE = "iris.scheduler.wake";
  /** Prefix of the ControllerService methods served over the event bus: {@code iris.controller.LaunchJob}. */
  public static final String CONTROLLER_RPC = "iris.controller.";
  /** Prefix of a worker's WorkerService methods on the event bus: {@code iris.worker.<id>.RunTask}. */
  public static final String WORKER_RPC = "iris.worker.";

  private Addresses() {}

  public static String workerMethod(String workerId, String method) {
    return WORKER_RPC + workerId + "." + method;
  }
}
