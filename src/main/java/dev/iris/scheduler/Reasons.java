package dev.iris.scheduler;

import dev.iris.core.Resources;
import java.util.List;

/**
 * Why a run waits, as one sentence a user understands. Each sentence is literally true of the pass's
 * state when the run was found not to fit, and depends only on the snapshot and the queue order.
 */
final class Reasons {
  static final String NO_WORKERS = "no workers registered";
  static final String NO_SCHEDULABLE_WORKERS = "no schedulable workers";
  static final String BUSY_STARTING = "workers with room are busy starting earlier tasks";

  private Reasons() {}

  /** Why a run without a gang has tasks no worker can take. */
  static String forRun(Ledger ledger, Shape shape) {
    if (ledger.size == 0) {
      return ledger.registered == 0 ? NO_WORKERS : NO_SCHEDULABLE_WORKERS;
    }
    int matching = 0;
    int everywhere = ~0;
    int anywhere = 0;
    boolean busy = false;
    for (int w = 0; w < ledger.size; w++) {
      if (shape.eligible(w)) {
        matching++;
        busy |= ledger.fitsResources(w, shape);
        int shortfall = ledger.shortfall(w, shape);
        everywhere &= shortfall;
        anywhere |= shortfall;
      }
    }
    if (matching == 0) {
      return "no worker matches constraints " + shape.filter;
    }
    if (busy) {
      return BUSY_STARTING;
    }
    if (everywhere != 0) {
      return "no worker has " + phrase(shape.perTask, Integer.lowestOneBit(everywhere)) + " free";
    }
    return "no single worker has " + phrases(shape.perTask, anywhere) + " free";
  }

  /** Why no group can take all {@code size} tasks of a gang. */
  static String forGang(Ledger ledger, Shape shape, String attribute, int size, List<Gangs.Group> groups) {
    if (ledger.size == 0) {
      return ledger.registered == 0 ? NO_WORKERS : NO_SCHEDULABLE_WORKERS;
    }
    if (groups.isEmpty()) {
      return "coscheduling: no worker has attribute '" + attribute + "'";
    }
    String need = "coscheduling: need " + size + (size == 1 ? " worker" : " workers");
    String in = " in one '" + attribute + "' group, largest has ";
    int largest = 0;
    for (Gangs.Group group : groups) {
      largest = Math.max(largest, group.members().length);
    }
    if (largest < size) {
      return need + in + largest;
    }
    if (shape.filter != null) {
      int mostMatching = 0;
      for (Gangs.Group group : groups) {
        int matching = 0;
        for (int w : group.members()) {
          matching += shape.eligible(w) ? 1 : 0;
        }
        mostMatching = Math.max(mostMatching, matching);
      }
      if (mostMatching < size) {
        return need + " matching constraints " + shape.filter + in + mostMatching;
      }
    }
    // Some group has enough workers matching the constraints: capacity is what is missing. Explain it
    // with the group of those that comes closest.
    int mostFitting = -1;
    int everywhere = 0;
    int anywhere = 0;
    for (Gangs.Group group : groups) {
      int matching = 0;
      int fitting = 0;
      int all = ~0;
      int any = 0;
      for (int w : group.members()) {
        if (shape.eligible(w)) {
          matching++;
          int shortfall = ledger.shortfall(w, shape);
          if (shortfall == 0) {
            fitting++;
          } else {
            all &= shortfall;
            any |= shortfall;
          }
        }
      }
      if (matching >= size && fitting > mostFitting) {
        mostFitting = fitting;
        everywhere = all;
        anywhere = any;
      }
    }
    if (mostFitting >= size) {
      return BUSY_STARTING; // the resources are there; start slots are what is missing
    }
    String room = everywhere != 0 && everywhere != ~0
        ? phrase(shape.perTask, Integer.lowestOneBit(everywhere))
        : phrases(shape.perTask, anywhere);
    return need + " with " + room + " free" + in + mostFitting;
  }

  /** The dimensions in {@code mask}, as {@link Resources#shortfall} phrases them, joined by commas. */
  private static String phrases(Resources need, int mask) {
    if (mask == 0) {
      return need.toString();
    }
    StringBuilder s = new StringBuilder();
    for (int dim = Ledger.CPU; dim <= Ledger.GPU; dim <<= 1) {
      if ((mask & dim) != 0) {
        s.append(s.length() == 0 ? "" : ", ").append(phrase(need, dim));
      }
    }
    return s.toString();
  }

  /**
   * One dimension of {@code need} as {@link Resources#shortfall} phrases it ("8 cpu", "4 GiB memory",
   * "2 gpu a100"): asks it about a probe that lacks exactly one unit of that dimension, so the wording
   * lives in one place.
   */
  private static String phrase(Resources need, int dim) {
    int cpu = need.cpu() - (dim == Ledger.CPU ? 1 : 0);
    long memory = need.memoryBytes() - (dim == Ledger.MEMORY ? 1 : 0);
    long disk = need.diskBytes() - (dim == Ledger.DISK ? 1 : 0);
    int gpus = need.gpus() - (dim == Ledger.GPU ? 1 : 0);
    return new Resources(cpu, memory, disk, gpus, need.gpuVariant()).shortfall(need);
  }
}
