package dev.iris.controller.state;

/**
 * Tunables of the state store.
 *
 * @param workerTimeoutMs a worker silent this long is lost (default 5 s)
 * @param deliveryGraceMs an ASSIGNED attempt a worker does not list yet is left alone this long
 * @param killGraceMs SIGTERM-to-SIGKILL grace sent with kills (default 5 s)
 * @param eventsRetained committed events kept for watchers that resume
 */
public record StoreConfig(long workerTimeoutMs, long deliveryGraceMs, int killGraceMs, int eventsRetained) {
  public static final StoreConfig DEFAULT = new StoreConfig(5_000, 10_000, 5_000, 100_000);
}
