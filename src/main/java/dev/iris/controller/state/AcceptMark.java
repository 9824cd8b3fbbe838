package dev.iris.controller.state;

/**
 * A point in the stream of RunTasks one worker process accepted: the process's {@code incarnation} (new at
 * every start of the worker) and how many RunTasks it had accepted by then ({@code seq}, counting from 1).
 *
 * <p>Every RunTask answer carries the mark of its acceptance, every heartbeat and registration the mark at
 * which its list of attempts was taken. A list taken at or after an attempt's acceptance, in the same
 * incarnation, names that attempt until its end has been acknowledged; a list of a later incarnation names
 * none of the earlier one's. So an attempt missing from a list {@link #covers covering} it is truly unknown
 * to the worker, and an attempt whose RunTask is still in flight, or was accepted after the list was taken,
 * is never mistaken for a lost one: the controller never gives up on an attempt the worker may yet start.
 */
public record AcceptMark(String incarnation, long seq) {
  /** What a worker that sends no marks (an older or a fake one) is taken to say. */
  public static final AcceptMark NONE = new AcceptMark("", 0);

  public AcceptMark {
    incarnation = incarnation == null ? "" : incarnation;
  }

  /**
   * What a restarted controller takes of an attempt whose RunTask was in flight when its previous process
   * ended: the answer is lost, so the attempt counts as accepted before anything {@code incarnation} lists
   * from now on (no RunTask of the dead process arrives later). The worker's next list names it if it took
   * it; one that does not was never delivered, and is sent again.
   */
  public static AcceptMark lostInRestart(String incarnation) {
    return new AcceptMark(incarnation, 0);
  }

  /** True for {@link #lostInRestart} (and {@link #NONE}): no acceptance was ever seen, only assumed. */
  public boolean assumed() {
    return seq == 0;
  }

  /**
   * True when a list of attempts taken at this mark must name an attempt accepted at {@code accepted}
   * (unless it ended since): same incarnation and no earlier, or a different (later) incarnation.
   */
  public boolean covers(AcceptMark accepted) {
    return !incarnation.equals(accepted.incarnation) || seq >= accepted.seq;
  }
}
