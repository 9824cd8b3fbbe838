package dev.iris.cli;

import dev.iris.cli.request.StartWorkerRequest;
import dev.iris.worker.WorkerConfig;
import dev.iris.worker.host.WorkerIdFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Who {@code iris worker} is and where it works: its id and its work directory, from its flags and, when it is
 * given no id, the id file of its work directory ({@link WorkerIdFile}).
 *
 * <ul>
 *   <li>{@code --worker-id ID}: that id; work dir {@code --work-dir}, else {@code <tmp>/iris-worker-<ID>}. The
 *       id file is neither read nor written.
 *   <li>no {@code --worker-id}: the id in {@code <work dir>/worker-id}, made on the first start as
 *       {@code <hostname>-<5 random letters and digits>}. The work dir is {@code --work-dir}, else one named by
 *       the port that sets this worker apart on its machine, {@code <tmp>/iris-worker-<port>} (with
 *       {@code --cluster}, {@code <tmp>/iris-worker-cluster-<cluster port>}), so the id survives restarts;
 *       with {@code --port 0} a new temporary directory each start, and so a new id.
 * </ul>
 *
 * @param id the worker's id
 * @param workDir its work directory
 * @param origin how the id was found, for the start-up line
 */
record WorkerIdentity(String id, Path workDir, Origin origin) {
  /** How a worker's id was found. */
  enum Origin {
    /** {@code --worker-id}. */
    FLAG,
    /** Read from the work dir's id file. */
    FILE,
    /** Made by this start and written to the work dir's id file. */
    CREATED
  }

  /** The identity of {@code request}'s worker, temporary directories going under {@code tmp}. Blocking. */
  static WorkerIdentity of(StartWorkerRequest request, Path tmp, Supplier<String> fresh) throws IOException {
    if (request.workerId().isPresent()) {
      String id = request.workerId().get();
      return new WorkerIdentity(id, request.workDir().orElseGet(() -> tmp.resolve("iris-worker-" + id)), Origin.FLAG);
    }
    Path workDir = request.workDir().isPresent() ? request.workDir().get() : defaultWorkDir(request, tmp);
    WorkerIdFile.KeptId loaded = WorkerIdFile.loadOrCreate(workDir, fresh);
    return new WorkerIdentity(loaded.id(), workDir, loaded.created() ? Origin.CREATED : Origin.FILE);
  }

  /** {@link #of(StartWorkerRequest, Path, Supplier)} under the system's temporary directory, ids of this machine. */
  static WorkerIdentity of(StartWorkerRequest request) throws IOException {
    return of(request, Path.of(System.getProperty("java.io.tmpdir")), WorkerConfig::newWorkerId);
  }

  private static Path defaultWorkDir(StartWorkerRequest request, Path tmp) throws IOException {
    if (request.cluster().isPresent()) {
      return tmp.resolve("iris-worker-cluster-" + request.cluster().get().port());
    }
    if (request.port() > 0) {
      return tmp.resolve("iris-worker-" + request.port());
    }
    Files.createDirectories(tmp);
    return Files.createTempDirectory(tmp, "iris-worker-");
  }

  /** What the start-up line says about the work dir and the id. */
  String describe() {
    return "work dir " + workDir + switch (origin) {
      case FLAG -> "";
      case FILE -> " (id from its " + WorkerIdFile.FILE_NAME + " file)";
      case CREATED -> " (new id, kept in its " + WorkerIdFile.FILE_NAME + " file)";
    };
  }
}
