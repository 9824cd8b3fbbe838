package dev.iris.bench;

import dev.iris.controller.journal.Journal;
import dev.iris.controller.journal.JournalObserver;
import dev.iris.controller.journal.JournalOptions;
import dev.iris.controller.journal.RecoveryHandler;
import dev.iris.controller.journal.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Durable storage for the controller, measured: the journal ({@code dev.iris.controller.journal}) against
 * SQLite in WAL mode with {@code synchronous=FULL} (org.xerial:sqlite-jdbc), both committing in groups
 * from one writer thread (SQLite: one transaction per batch, as many inserts as were queued). Figures go to
 * {@code docs/DESIGN-durability.md}.
 *
 * <pre>
 *   java -cp target/classes:target/test-classes:$(cat target/bench.cp) dev.iris.bench.JournalBench \
 *       [--dir DIR] [--slice-seconds 1] [--rounds 5] [--repeat 1] [--recovery-records 1000000] \\
 *       [--only journal,journal-grow,sqlite]
 * </pre>
 *
 * Scenarios: (1) 1, 8 and 64 appenders each waiting for its own append, records of 200 B and 2 KiB:
 * appends/s, latency (one appender: the latency of a lone durable write), records per commit, CPU per
 * append; the stores take turns in short slices so that each sees the same noise from the rest of the
 * machine; (2) recovery: N records of 200 B written, then read back by a cold open.
 */
public final class JournalBench {
  private static final int[] APPENDERS = {1, 8, 64};
  private static final int[] SIZES = {200, 2048};
  /** The journal as configured by default, the journal without writing ahead, SQLite. */
  private static final List<String> STORES = List.of("journal", "journal-grow", "sqlite");

  /** What is measured: something that makes a record durable, in groups. */
  private interface Sink extends AutoCloseable {
    CompletableFuture<?> append(byte[] record);

    /** Commits so far (fsyncs of the journal, transactions of SQLite). */
    long commits();

    @Override
    void close() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(option(args, "--dir", "target/journal-bench"));
    double slice = Double.parseDouble(option(args, "--slice-seconds", "1"));
    int rounds = Integer.parseInt(option(args, "--rounds", "5"));
    int repeat = Integer.parseInt(option(args, "--repeat", "1"));
    int recoveryRecords = Integer.parseInt(option(args, "--recovery-records", "1000000"));
    String only = option(args, "--only", "");
    List<String> stores = only.isEmpty() ? STORES : List.of(only.split(","));
    System.out.printf(Locale.ROOT, "# %s, %d cores, load %s%n", System.getProperty("java.vm.version"),
        Runtime.getRuntime().availableProcessors(), loadAverage());
    for (int run = 1; run <= repeat; run++) {
      System.out.printf(Locale.ROOT, "## run %d of %d (load %s)%n", run, repeat, loadAverage());
      for (int size : SIZES) {
        for (int appenders : APPENDERS) {
          throughput(root, stores, appenders, size, slice, rounds);
        }
      }
      for (String store : stores) {
        recovery(root, store, recoveryRecords);
      }
    }
  }

  /** One slice of one store: appends done, their latencies, commits and CPU spent. */
  private record Slice(long appends, long[] nanos, long commits, long cpuNanos, double seconds) {}

  /**
   * {@code appenders} threads, each appending a record of {@code size} and waiting for it, on every store in
   * turn for {@code slice} seconds, {@code rounds} times: the stores take turns, so they see the same
   * neighbours' noise. Reports per store the median rate over the rounds [min - max], the latencies of all
   * rounds pooled, records per commit and CPU per append.
   */
  private static void throughput(Path root, List<String> stores, int appenders, int size, double slice, int rounds)
      throws Exception {
    List<Path> dirs = new ArrayList<>();
    List<Sink> sinks = new ArrayList<>();
    try {
      for (String store : stores) {
        Path dir = fresh(root, store);
        dirs.add(dir);
        sinks.add(open(store, dir));
      }
      byte[] record = payload(size);
      for (Sink sink : sinks) {
        for (int i = 0; i < 200; i++) {
          sink.append(record).join();
        }
      }
      List<List<Slice>> slices = new ArrayList<>();
      stores.forEach(s -> slices.add(new ArrayList<>()));
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < sinks.size(); i++) {
          slices.get(i).add(slice(sinks.get(i), record, appenders, slice));
        }
      }
      for (int i = 0; i < stores.size(); i++) {
        List<Slice> mine = slices.get(i);
        double[] rates = mine.stream().mapToDouble(x -> x.appends() / x.seconds()).sorted().toArray();
        long[] all = mine.stream().flatMapToLong(x -> Arrays.stream(x.nanos())).sorted().toArray();
        long appends = mine.stream().mapToLong(Slice::appends).sum();
        long commits = mine.stream().mapToLong(Slice::commits).sum();
        long cpu = mine.stream().mapToLong(Slice::cpuNanos).sum();
        System.out.printf(Locale.ROOT, "commit   %-14s %2d appenders, %4d B: %7.0f appends/s [%.0f - %.0f], "
                + "%5.1f per commit, p50 %.2f ms, p99 %.2f ms, %.0f us CPU per append%n", stores.get(i), appenders,
            size, rates[rates.length / 2], rates[0], rates[rates.length - 1], (double) appends / Math.max(1, commits),
            ms(all[all.length / 2]), ms(all[all.length * 99 / 100]), cpu / 1e3 / appends);
      }
    } finally {
      for (Sink sink : sinks) {
        sink.close();
      }
      for (Path dir : dirs) {
        delete(dir);
      }
    }
  }

  private static Slice slice(Sink sink, byte[] record, int appenders, double seconds) throws InterruptedException {
    long commitsBefore = sink.commits();
    long cpuBefore = cpuNanos();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    List<long[]> latencies = new ArrayList<>();
    int[] counts = new int[appenders];
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < appenders; t++) {
      long[] mine = new long[1 << 16];
      latencies.add(mine);
      int index = t;
      Thread thread = new Thread(() -> {
        int n = 0;
        while (System.nanoTime() < deadline && n < mine.length) {
          long begin = System.nanoTime();
          sink.append(record).join();
          mine[n++] = System.nanoTime() - begin;
        }
        counts[index] = n;
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] all = new long[Arrays.stream(counts).sum()];
    int at = 0;
    for (int t = 0; t < appenders; t++) {
      System.arraycopy(latencies.get(t), 0, all, at, counts[t]);
      at += counts[t];
    }
    return new Slice(all.length, all, sink.commits() - commitsBefore, cpuNanos() - cpuBefore, elapsed);
  }

  private static void recovery(Path root, String store, int records) throws Exception {
    Path dir = fresh(root, store);
    byte[] record = payload(200);
    long writeStart = System.nanoTime();
    try (Sink sink = open(store, dir)) {
      CompletableFuture<?> last = null;
      for (int i = 0; i < records; i++) {
        last = sink.append(record);
        if (i % 10_000 == 9_999) {
          last.join(); // keep the queue bounded
        }
      }
      last.join();
    }
    double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
    long bytes = size(dir);
    long start = System.nanoTime();
    long read = store.startsWith("journal") ? recoverJournal(dir) : readSqlite(dir);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "recovery %-14s %d records of 200 B: written in %.1f s (%.0f/s), %.1f B/record on "
        + "disk, read back in %.2f s (%.0f records/s)%n", store, read, writeSeconds, records / writeSeconds,
        (double) bytes / records, seconds, read / seconds);
    delete(dir);
  }

  private static long recoverJournal(Path dir) throws IOException {
    long[] count = {0};
    try (StateDir state = StateDir.open(dir); Journal journal = Journal.open(state, JournalOptions.defaults(),
        new RecoveryHandler() {
          @Override
          public void snapshot(long upToLsn, byte[] snapshot) {}

          @Override
          public void record(long lsn, byte[] rec) {
            count[0]++;
          }
        })) {
      return count[0];
    }
  }

  private static long readSqlite(Path dir) throws SQLException {
    long count = 0;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("iris.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT lsn, payload FROM journal ORDER BY lsn")) {
      while (rs.next()) {
        rs.getLong(1);
        rs.getBytes(2);
        count++;
      }
    }
    return count;
  }

  private static Sink open(String store, Path dir) throws Exception {
    switch (store) {
      case "journal":
        return new JournalSink(dir, JournalOptions.defaults());
      case "journal-grow":
        return new JournalSink(dir, JournalOptions.defaults().withPreallocateBytes(0));
      case "sqlite":
        return new SqliteSink(dir);
      default:
        throw new IllegalArgumentException("no store " + store + "; stores: " + STORES);
    }
  }

  /** The journal, as the controller would use it. */
  private static final class JournalSink implements Sink {
    private final StateDir state;
    private final Journal journal;
    private final AtomicLong commits = new AtomicLong();

    JournalSink(Path dir, JournalOptions options) throws IOException {
      state = StateDir.open(dir);
      journal = Journal.open(state, options.withObserver(new JournalObserver() {
        @Override
        public void committed(int records, long bytes, long commitNanos) {
          commits.incrementAndGet();
        }
      }), new RecoveryHandler() {
        @Override
        public void snapshot(long upToLsn, byte[] snapshot) {}

        @Override
        public void record(long lsn, byte[] record) {}
      });
    }

    @Override
    public CompletableFuture<?> append(byte[] record) {
      return journal.append(record);
    }

    @Override
    public long commits() {
      return commits.get();
    }

    @Override
    public void close() throws IOException {
      journal.close();
      state.close();
    }
  }

  /**
   * SQLite in WAL mode, {@code synchronous=FULL} (each commit fsyncs the WAL), given the same group commit
   * as the journal: one writer thread takes everything queued and inserts it in one transaction.
   */
  private static final class SqliteSink implements Sink {
    private record Queued(byte[] record, CompletableFuture<Long> done) {}

    private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final Connection connection;
    private final Thread writer;
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean closing;
    private long lsn;

    SqliteSink(Path dir) throws SQLException {
      connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("iris.db"));
      try (Statement s = connection.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("CREATE TABLE journal (lsn INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
      }
      connection.setAutoCommit(false);
      writer = new Thread(this::run, "sqlite-writer");
      writer.start();
    }

    @Override
    public CompletableFuture<?> append(byte[] record) {
      CompletableFuture<Long> done = new CompletableFuture<>();
      queue.add(new Queued(record, done));
      return done;
    }

    private void run() {
      List<Queued> batch = new ArrayList<>();
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO journal (lsn, payload) VALUES (?, ?)")) {
        while (!closing || !queue.isEmpty()) {
          Queued first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, 100_000);
          for (Queued q : batch) {
            insert.setLong(1, ++lsn);
            insert.setBytes(2, q.record());
            insert.addBatch();
          }
          insert.executeBatch();
          connection.commit();
          commits.incrementAndGet();
          long at = lsn - batch.size();
          for (Queued q : batch) {
            q.done().complete(++at);
          }
          batch.clear();
        }
      } catch (SQLException | InterruptedException e) {
        batch.forEach(q -> q.done().completeExceptionally(e));
        queue.forEach(q -> q.done().completeExceptionally(e));
      }
    }

    @Override
    public long commits() {
      return commits.get();
    }

    @Override
    public void close() throws Exception {
      closing = true;
      writer.join();
      connection.close();
    }
  }

  private static byte[] payload(int size) {
    byte[] b = new byte[size];
    ThreadLocalRandom.current().nextBytes(b); // incompressible, like protobuf with ids and hashes
    return b;
  }

  private static Path fresh(Path root, String store) throws IOException {
    Path dir = root.resolve(store + "-" + System.nanoTime());
    Files.createDirectories(dir);
    return dir;
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** CPU time of this whole process (all threads, the JVM's own included). */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
