package dev.iris.worker.runtime;

import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcId;
import dev.iris.worker.proc.ProcStat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: a runtime plus every task started through it, so that each test can kill exactly the
 * processes it started (by their pids, never by name) when it ends.
 */
final class TaskProcesses {
  final ProcessTaskRuntime runtime;
  final RecordingSink sink = new RecordingSink();
  private final Path dir;
  private final List<RunningTask> started = new ArrayList<>();

  TaskProcesses(ProcessTaskRuntime runtime, Path dir) {
    this.runtime = runtime;
    this.dir = dir;
  }

  RunningTask sh(String script) {
    return sh(script, Map.of());
  }

  RunningTask sh(String script, Map<String, String> environment) {
    return start(LaunchSpec.shell(script, dir, environment));
  }

  RunningTask start(LaunchSpec spec) {
    RunningTask task = runtime.start(spec, sink);
    started.add(task);
    return task;
  }

  static int await(CompletableFuture<Integer> future) throws Exception {
    return future.get(20, TimeUnit.SECONDS);
  }

  /** Identities of the live processes of a tree, root included, looked up by parent pids. */
  static List<ProcId> liveTree(RunningTask task) {
    List<ProcId> ids = new ArrayList<>();
    ProcFs.stat(task.pid()).filter(ProcStat::isLive).ifPresent(s -> ids.add(s.id()));
    ProcessHandle.of(task.pid()).ifPresent(h -> h.descendants().forEach(d ->
        ProcFs.stat(d.pid()).filter(ProcStat::isLive).ifPresent(s -> ids.add(s.id()))));
    return ids;
  }

  /** Kills every task started here (by pid) and closes the runtime. */
  void killAllAndClose() throws Exception {
    for (RunningTask task : started) {
      task.kill(Duration.ZERO).get(20, TimeUnit.SECONDS);
    }
    runtime.close();
  }
}
