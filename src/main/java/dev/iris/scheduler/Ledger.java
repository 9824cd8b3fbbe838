package dev.iris.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The capacity ledger of one pass: the free capacity of every schedulable worker in primitive arrays,
 * debited as the pass places tasks, so a worker is never over-committed. Workers are numbered 0..size-1
 * in the order of the snapshot; unschedulable workers are left out.
 */
final class Ledger {
  static final int CPU = 1;
  static final int MEMORY = 2;
  static final int DISK = 4;
  static final int GPU = 8;

  final int registered;
  final int size;
  private final String[] ids;
  private final List<Map<String, String>> attributes;
  private final int[] cpu;
  private final long[] memory;
  private final long[] disk;
  private final int[] gpus;
  private final String[] variant;
  private final int[] slots;
  private int maxCpu;
  private long maxMemory;
  private long maxDisk;
  private int maxGpus;

  Ledger(List<WorkerView> workers) {
    registered = workers.size();
    List<WorkerView> usable = new ArrayList<>(workers.size());
    for (WorkerView w : workers) {
      if (w.schedulable()) {
        usable.add(w);
      }
    }
    size = usable.size();
    ids = new String[size];
    attributes = new ArrayList<>(size);
    cpu = new int[size];
    memory = new long[size];
    disk = new long[size];
    gpus = new int[size];
    variant = new String[size];
    slots = new int[size];
    for (int w = 0; w < size; w++) {
      WorkerView view = usable.get(w);
      ids[w] = view.workerId();
      attributes.add(view.attributes());
      cpu[w] = view.free().cpu();
      memory[w] = view.free().memoryBytes();
      disk[w] = view.free().diskBytes();
      gpus[w] = view.free().gpus();
      variant[w] = view.free().gpuVariant();
      slots[w] = view.startSlots();
      maxCpu = Math.max(maxCpu, cpu[w]);
      maxMemory = Math.max(maxMemory, memory[w]);
      maxDisk = Math.max(maxDisk, disk[w]);
      maxGpus = Math.max(maxGpus, gpus[w]);
    }
  }

  String id(int w) {
    return ids[w];
  }

  Map<String, String> attributes(int w) {
    return attributes.get(w);
  }

  /** False when some dimension of {@code s} exceeds what any worker had free at the start of the pass. */
  boolean withinBounds(Shape s) {
    return s.cpu <= maxCpu && s.memory <= maxMemory && s.disk <= maxDisk && s.gpus <= maxGpus;
  }

  /**
   * True when one more task of {@code s} fits on {@code w} now: a start slot is free and the resources
   * fit (the rule of {@code Resources.fits}).
   */
  boolean fits(int w, Shape s) {
    return slots[w] > 0 && fitsResources(w, s);
  }

  /** True when the resources of one more task of {@code s} fit on {@code w}, start slots aside. */
  boolean fitsResources(int w, Shape s) {
    return cpu[w] >= s.cpu && memory[w] >= s.memory && disk[w] >= s.disk && gpus[w] >= s.gpus
        && (s.variant.isEmpty() || s.variant.equalsIgnoreCase(variant[w]));
  }

  /** How many tasks of {@code s} fit on {@code w} now: at most its free start slots. */
  int room(int w, Shape s) {
    if (!s.variant.isEmpty() && !s.variant.equalsIgnoreCase(variant[w])) {
      return 0;
    }
    long k = slots[w];
    if (s.cpu > 0) {
      k = Math.min(k, cpu[w] / s.cpu);
    }
    if (s.memory > 0) {
      k = Math.min(k, memory[w] / s.memory);
    }
    if (s.disk > 0) {
      k = Math.min(k, disk[w] / s.disk);
    }
    if (s.gpus > 0) {
      k = Math.min(k, gpus[w] / s.gpus);
    }
    return (int) k;
  }

  /** Debits {@code count} tasks of {@code s} from {@code w}; the caller has checked {@link #room}. */
  void take(int w, Shape s, int count) {
    cpu[w] -= s.cpu * count;
    memory[w] -= s.memory * count;
    disk[w] -= s.disk * count;
    gpus[w] -= s.gpus * count;
    slots[w] -= count;
  }

  /**
   * The dimensions ({@link #CPU}, {@link #MEMORY}, {@link #DISK}, {@link #GPU}) in which {@code s} does not
   * fit on {@code w}; start slots are not a dimension (see {@link #fitsResources}).
   */
  int shortfall(int w, Shape s) {
    int mask = 0;
    if (cpu[w] < s.cpu) {
      mask |= CPU;
    }
    if (memory[w] < s.memory) {
      mask |= MEMORY;
    }
    if (disk[w] < s.disk) {
      mask |= DISK;
    }
    if (gpus[w] < s.gpus || (!s.variant.isEmpty() && !s.variant.equalsIgnoreCase(variant[w]))) {
      mask |= GPU;
    }
    return mask;
  }
}
