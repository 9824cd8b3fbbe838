package dev.iris.controller.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The last {@value #CAPACITY} notable actions, for people: job submitted, worker lost, failure domain... */
public final class ActionLog {
  public static final int CAPACITY = 1000;

  /** One line of the log. */
  public record Action(long timestampMs, String action, String subject, String details) {}

  private final ArrayDeque<Action> entries = new ArrayDeque<>(CAPACITY);

  /** The entries, oldest first: what a snapshot keeps. */
  List<Action> image() {
    return List.copyOf(entries);
  }

  /** The log {@code oldestFirst} was taken of. */
  static ActionLog restore(List<Action> oldestFirst) {
    if (oldestFirst.size() > CAPACITY) {
      throw new IllegalArgumentException(oldestFirst.size() + " actions, more than the " + CAPACITY + " kept");
    }
    ActionLog log = new ActionLog();
    log.entries.addAll(oldestFirst);
    return log;
  }

  public void add(long now, String action, String subject, String details) {
    if (entries.size() == CAPACITY) {
      entries.removeFirst();
    }
    entries.addLast(new Action(now, action, subject, details == null ? "" : details));
  }

  /** Newest first, at most {@code limit}. */
  public List<Action> newest(int limit) {
    List<Action> out = new ArrayList<>(Math.min(limit, entries.size()));
    Iterator<Action> it = entries.descendingIterator();
    while (it.hasNext() && out.size() < limit) {
      out.add(it.next());
    }
    return out;
  }
}
