package dev.iris.cli;

import dev.iris.client.Reconnect;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The {@code --outage-timeout DUR} option of the commands that follow a job ({@code job run}, {@code job logs
 * --follow}): how long they ride through a controller that does not answer (a restart) before they give up.
 */
final class ReconnectOption {
  @Option(names = "--outage-timeout", paramLabel = "DUR", converter = ValueConverters.DurationValue.class,
      description = "While following, how long to keep retrying a controller that does not answer (a restart) "
          + "before giving up; 0 gives up at once (default: 10m).")
  Duration timeout;

  /** The flag's value, else {@link Reconnect#DEFAULT_GIVE_UP_AFTER}. */
  Duration giveUpAfter() {
    return timeout == null ? Reconnect.DEFAULT_GIVE_UP_AFTER : timeout;
  }
}
