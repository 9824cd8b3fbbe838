package dev.iris.controller;

/**
 * Event-bus addresses inside the controller, in one place; those of the services (ControllerService,
 * WorkerService) are their links' ({@code EventBusControllerLink.address}, {@code EventBusWorkerLink.address}).
 */
public final class Addresses {
  /** {@link dev.iris.controller.state.Mutation}s and {@link StoreQuery}s for the state store; replies answer them. */
  public static final String STORE = "iris.store";
  /** Committed {@link dev.iris.controller.state.StoreEvent}s, published after each commit. */
  public static final String EVENTS = "iris.events";
  /** Worker instructions for the dispatcher. */
  public static final String DISPATCH = "iris.dispatch";
  /** {@link dev.iris.controller.state.ClusterState.WorkerProbe}s of silent workers for the dispatcher. */
  public static final String PROBE = "iris.dispatch.probe";
  /** A hint that scheduling may find new placements. */
  public static final String SCHEDULER_WAKE = "iris.scheduler.wake";

  private Addresses() {}
}
