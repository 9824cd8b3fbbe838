package dev.iris.controller.state;

import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.controller.state.ClusterState.WorkerProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * Events to publish and commands to send, produced by the commands applied since the last drain: what
 * {@link ClusterState} has committed but nobody has been told of yet.
 */
public final class Outbox {
  private final List<StoreEvent> events = new ArrayList<>();
  private final List<WorkerInstruction> commands = new ArrayList<>();
  private final List<WorkerProbe> probes = new ArrayList<>();
  private boolean wakeScheduler;

  public List<StoreEvent> events() {
    return events;
  }

  public List<WorkerInstruction> commands() {
    return commands;
  }

  public boolean wakeScheduler() {
    return wakeScheduler;
  }

  public boolean isEmpty() {
    return events.isEmpty() && commands.isEmpty() && probes.isEmpty() && !wakeScheduler;
  }

  /** Hands over what accumulated and empties the outbox. */
  public Drained drain() {
    Drained d = new Drained(List.copyOf(events), List.copyOf(commands), List.copyOf(probes), wakeScheduler);
    events.clear();
    commands.clear();
    probes.clear();
    wakeScheduler = false;
    return d;
  }

  void publish(StoreEvent event) {
    events.add(event);
  }

  void send(WorkerInstruction command) {
    commands.add(command);
  }

  void probe(WorkerProbe probe) {
    probes.add(probe);
  }

  /** Something changed that may let the scheduler place more: wake it after the drain. */
  void nudgeScheduler() {
    wakeScheduler = true;
  }
}
