package dev.iris.controller.journal;

import dev.iris.controller.journal.AppendRefusedException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The journal's one writer thread. Appends are numbered and queued under a short lock (never waiting for
 * the disk); the thread takes everything queued (up to {@code batchBytes}), writes it in one go, forces once
 * and only then completes the batch's futures: one fsync for many appends. A segment that is full is forced
 * before the next one is created (header written and forced, directory forced). A failed write or fsync
 * fails the batch, everything queued and every later append, and cuts the file back to its last forced
 * byte where it still can; what was acknowledged stays as it was.
 */
final class GroupCommitWriter {
  private static final Set<StandardOpenOption> APPEND_OPTIONS = Set.of(StandardOpenOption.WRITE,
      StandardOpenOption.READ);
  private static final Set<StandardOpenOption> CREATE_OPTIONS = Set.of(StandardOpenOption.CREATE_NEW,
      StandardOpenOption.WRITE, StandardOpenOption.READ);

  private record QueuedAppend(long lsn, byte[] payload, CompletableFuture<Long> done) {}

  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 16).asReadOnlyBuffer();

  private final Path dir;
  private final JournalOptions options;
  /** First LSN to path, in order; the last entry is the segment being written. Shared with compaction. */
  private final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private final ArrayDeque<QueuedAppend> queue = new ArrayDeque<>();
  private final TreeMap<Long, List<CompletableFuture<Void>>> durableWaiters = new TreeMap<>();
  private final Thread thread;
  // guarded by lock
  private long nextLsn;
  private long queuedBytes;
  private AppendRefusedException refusal;
  private boolean closing;
  // the writer thread's own
  private FileChannel channel;
  private long position;
  /** The segment file's size: zeros from {@code position} to here, written ahead. */
  private long allocated;
  private long segmentFirstLsn;
  private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
  private volatile long durableLsn;

  GroupCommitWriter(Path dir, JournalOptions options, JournalRecovery.Recovered recovered) throws IOException {
    this.dir = dir;
    this.options = options;
    this.nextLsn = recovered.nextLsn();
    this.durableLsn = recovered.nextLsn() - 1;
    recovered.segments().forEach(s -> segments.put(s.lsn(), s.path()));
    if (recovered.tailEnd() >= 0) {
      Map.Entry<Long, Path> tail = segments.lastEntry();
      channel = options.opener().open(tail.getValue(), APPEND_OPTIONS);
      position = recovered.tailEnd();
      allocated = channel.size();
      segmentFirstLsn = tail.getKey();
    } else {
      startSegment(nextLsn);
    }
    thread = new Thread(this::run, "iris-journal-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a record; the future completes with its LSN once it is on disk. */
  CompletableFuture<Long> append(byte[] payload) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    if (payload.length > options.maxRecordBytes()) {
      done.completeExceptionally(new AppendRefusedException(Reason.TOO_LARGE, "journal record of " + payload.length
          + " bytes refused: the limit is " + options.maxRecordBytes(), null));
      return done;
    }
    lock.lock();
    try {
      AppendRefusedException refused = refusal != null ? refusal : closing ? closed() : queueFull(payload.length);
      if (refused != null) {
        done.completeExceptionally(refused);
        return done;
      }
      queue.add(new QueuedAppend(nextLsn++, payload, done));
      queuedBytes += payload.length;
      if (queue.size() == 1) {
        queued.signal();
      }
    } finally {
      lock.unlock();
    }
    return done;
  }

  private AppendRefusedException queueFull(int length) {
    if (queue.size() < options.queueRecords() && (queue.isEmpty() || queuedBytes + length <= options.queueBytes())) {
      return null;
    }
    return new AppendRefusedException(Reason.QUEUE_FULL, "journal queue full: " + queue.size() + " records ("
        + queuedBytes + " bytes) are waiting for the disk; try again shortly", null);
  }

  private static AppendRefusedException closed() {
    return new AppendRefusedException(Reason.CLOSED, "journal closed", null);
  }

  /** The LSN of the last append accepted (durable or not). */
  long appendedLsn() {
    lock.lock();
    try {
      return nextLsn - 1;
    } finally {
      lock.unlock();
    }
  }

  long durableLsn() {
    return durableLsn;
  }

  /** Completes once every record up to {@code lsn} is on disk (fails if the journal fails first). */
  CompletableFuture<Void> whenDurable(long lsn) {
    lock.lock();
    try {
      if (lsn <= durableLsn) {
        return CompletableFuture.completedFuture(null);
      }
      if (refusal != null) {
        return CompletableFuture.failedFuture(refusal);
      }
      CompletableFuture<Void> waiter = new CompletableFuture<>();
      durableWaiters.computeIfAbsent(lsn, k -> new ArrayList<>()).add(waiter);
      return waiter;
    } finally {
      lock.unlock();
    }
  }

  /** The segments in LSN order (first LSN to path); the last one is being written. */
  ConcurrentSkipListMap<Long, Path> segments() {
    return segments;
  }

  /** Writes what is queued, then stops the thread and closes the segment. */
  void close() throws IOException {
    lock.lock();
    try {
      closing = true;
      queued.signal();
    } finally {
      lock.unlock();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.close();
  }

  private void run() {
    List<QueuedAppend> batch = new ArrayList<>();
    while (true) {
      lock.lock();
      try {
        while (queue.isEmpty() && !closing) {
          queued.awaitUninterruptibly();
        }
        if (queue.isEmpty()) {
          return;
        }
        long bytes = 0;
        while (!queue.isEmpty() && (batch.isEmpty() || bytes + queue.peek().payload().length <= options.batchBytes())) {
          QueuedAppend p = queue.poll();
          bytes += p.payload().length;
          batch.add(p);
        }
        queuedBytes -= bytes;
      } finally {
        lock.unlock();
      }
      commit(batch);
      batch.clear();
    }
  }

  private void commit(List<QueuedAppend> batch) {
    long start = System.nanoTime();
    long startPosition = position;
    long bytes;
    try {
      bytes = writeAndForce(batch);
    } catch (IOException | RuntimeException e) {
      fail(batch, e, startPosition);
      return;
    } catch (Error e) { // nobody would ever complete these futures: fail them, then let the thread die
      fail(batch, new IOException("journal writer died: " + e, e), startPosition);
      throw e;
    }
    long last = batch.get(batch.size() - 1).lsn();
    List<CompletableFuture<Void>> waiters = new ArrayList<>();
    lock.lock();
    try {
      durableLsn = last;
      Map<Long, List<CompletableFuture<Void>>> due = durableWaiters.headMap(last, true);
      due.values().forEach(waiters::addAll);
      due.clear();
    } finally {
      lock.unlock();
    }
    options.observer().committed(batch.size(), bytes, System.nanoTime() - start);
    for (QueuedAppend p : batch) {
      p.done().complete(p.lsn());
    }
    waiters.forEach(w -> w.complete(null));
  }

  private long writeAndForce(List<QueuedAppend> batch) throws IOException {
    long written = 0;
    long batchFirst = batch.get(0).lsn();
    buffer.clear();
    for (QueuedAppend p : batch) {
      int frame = Frames.size(p.payload().length);
      boolean segmentHasRecords = p.lsn() > segmentFirstLsn;
      if (segmentHasRecords && position + buffer.position() + frame > options.segmentBytes()) {
        written += flush();
        channel.force(false);
        options.observer().forced();
        channel.close();
        startSegment(p.lsn());
      }
      if (buffer.remaining() < frame) {
        written += flush();
        if (buffer.capacity() < frame) {
          buffer = ByteBuffer.allocateDirect(Math.max(frame, buffer.capacity() * 2));
        }
      }
      Frames.put(buffer, p.lsn(), (int) (p.lsn() - batchFirst), p.payload());
    }
    written += flush();
    channel.force(false);
    options.observer().forced();
    return written;
  }

  /** Writes the buffer at the segment's end (extending the segment with zeros first when it is due). */
  private long flush() throws IOException {
    buffer.flip();
    int n = buffer.remaining();
    long zeros = preallocate(position + n);
    Segments.writeFully(channel, buffer, position);
    position += n;
    buffer.clear();
    return n + zeros;
  }

  /**
   * Makes the file at least {@code end} long, in steps of {@code preallocateBytes} of zeros: an fsync then
   * flushes only data until the next step (no new size, no new blocks to record), which is what makes a
   * lone append's fsync cheap. The first fsync after a step also carries the step's metadata.
   */
  private long preallocate(long end) throws IOException {
    long step = options.preallocateBytes();
    if (step == 0 || end <= allocated) {
      return 0;
    }
    long target = Math.max(end, Math.min(allocated + step, options.segmentBytes()));
    long from = allocated;
    while (allocated < target) {
      ByteBuffer zeros = ZEROS.duplicate().limit((int) Math.min(ZEROS.capacity(), target - allocated));
      Segments.writeFully(channel, zeros, allocated);
      allocated += zeros.limit();
    }
    return allocated - from;
  }

  /** A new segment whose first record will be {@code firstLsn}: header forced, then the directory. */
  private void startSegment(long firstLsn) throws IOException {
    Path path = Segments.segment(dir, firstLsn);
    channel = options.opener().open(path, CREATE_OPTIONS);
    Segments.writeFully(channel, Segments.header(firstLsn), 0);
    channel.force(true);
    options.observer().forced();
    Segments.syncDirectory(dir);
    options.observer().forced();
    segments.put(firstLsn, path);
    segmentFirstLsn = firstLsn;
    position = Segments.HEADER;
    allocated = Segments.HEADER;
  }

  private void fail(List<QueuedAppend> batch, Exception cause, long startPosition) {
    AppendRefusedException failure = new AppendRefusedException(Reason.FAILED, "journal write failed ("
        + (cause instanceof IOException io ? StateDir.describe(io) : cause.toString())
        + "): nothing after LSN " + durableLsn + " is on disk; appends are refused until the journal is reopened",
        cause);
    List<QueuedAppend> failed = new ArrayList<>(batch);
    List<CompletableFuture<Void>> waiters = new ArrayList<>();
    lock.lock();
    try {
      refusal = failure;
      failed.addAll(queue);
      queue.clear();
      queuedBytes = 0;
      durableWaiters.values().forEach(waiters::addAll);
      durableWaiters.clear();
    } finally {
      lock.unlock();
    }
    cutBack(batch.get(0).lsn(), startPosition);
    options.observer().failed(cause);
    failed.forEach(p -> p.done().completeExceptionally(failure));
    waiters.forEach(w -> w.completeExceptionally(failure));
  }

  /** Best effort: drop the failed batch's bytes, so that the records refused are not recovered later. */
  private void cutBack(long batchFirst, long startPosition) {
    try {
      channel.truncate(segmentFirstLsn == batchFirst || segmentFirstLsn > batchFirst ? Segments.HEADER : startPosition);
      channel.force(false);
    } catch (IOException | RuntimeException ignored) {
      // the disk refuses even this: recovery cuts what is torn, and a refused append may reappear
    }
  }
}
