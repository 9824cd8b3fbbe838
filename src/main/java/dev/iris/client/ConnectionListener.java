package dev.iris.client;

import java.time.Duration;

/**
 * Told when a follow of a job ({@link IrisClient#wait}) loses the controller and when it has it back: once
 * each per outage, however many retries fall in between. Called on a Vert.x thread: return quickly. Set with
 * {@link IrisClient#onConnectionChange}; by default both are logged (SLF4J, logger {@code dev.iris.client}).
 */
public interface ConnectionListener {
  /**
   * The controller at {@code address} stopped answering ({@code reason}, one line); the follow retries ({@link
   * Reconnect}) until it answers again or {@code giveUpAfter} has passed.
   */
  void unavailable(String address, String reason, Duration giveUpAfter);

  /** The controller at {@code address} answers again after {@code downFor}; the follow resumed where it was. */
  void reconnected(String address, Duration downFor);

  /** Logs both, a warning and an information line. */
  ConnectionListener LOG = new ConnectionListener() {
    private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("dev.iris.client");

    @Override
    public void unavailable(String address, String reason, Duration giveUpAfter) {
      log.warn("controller {} unavailable, retrying for up to {}: {}", address, Reconnect.shortly(giveUpAfter),
          reason);
    }

    @Override
    public void reconnected(String address, Duration downFor) {
      log.info("reconnected to controller {} after {}", address, Reconnect.shortly(downFor));
    }
  };
}
