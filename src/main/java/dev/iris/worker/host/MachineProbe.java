package dev.iris.worker.host;

import dev.iris.common.ProtoSpecs;
import dev.iris.rpc.WorkerMetadata;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this machine offers to tasks: cores, memory, disk of the work directory, GPUs (through
 * {@code nvidia-smi} when it is on the PATH). Blocking: call it off any event loop.
 */
public final class MachineProbe {
  private static final Logger log = LoggerFactory.getLogger(MachineProbe.class);
  private static final long NVIDIA_SMI_TIMEOUT_MS = 5_000;

  private MachineProbe() {}

  /** The machine as found: host name, cores, memory, the disk holding {@code workDir}, GPUs. */
  public static WorkerMetadata probe(Path workDir) {
    WorkerMetadata.Builder m = WorkerMetadata.newBuilder()
        .setHostname(hostname())
        .setCpuCount(Runtime.getRuntime().availableProcessors())
        .setMemoryBytes(memoryBytes())
        .setDiskBytes(diskBytes(workDir));
    List<String> gpus = gpus();
    if (!gpus.isEmpty()) {
      m.setDevice(ProtoSpecs.gpus(gpus.size(), gpus.get(0)));
    }
    return m.build();
  }

  public static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** MemTotal from /proc/meminfo, else the JVM's view of physical memory. */
  static long memoryBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("MemTotal:")) {
          String[] f = line.trim().split("\\s+");
          return Long.parseLong(f[1]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("cannot read /proc/meminfo: {}", e.toString());
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getTotalMemorySize();
    }
    return 0;
  }

  /** Usable space of the file store holding the work directory (or its nearest existing parent). */
  static long diskBytes(Path workDir) {
    Path p = workDir.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    try {
      return p == null ? 0 : Files.getFileStore(p).getUsableSpace();
    } catch (IOException e) {
      log.warn("cannot measure the disk of {}: {}", workDir, e.toString());
      return 0;
    }
  }

  /** GPU names, one per device; empty without nvidia-smi on the PATH or when it fails. */
  static List<String> gpus() {
    if (!onPath("nvidia-smi")) {
      return List.of();
    }
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader")
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      if (!p.waitFor(NVIDIA_SMI_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        log.warn("nvidia-smi did not answer within {} ms: assuming no GPUs", NVIDIA_SMI_TIMEOUT_MS);
        return List.of();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        log.warn("nvidia-smi failed with exit code {}: assuming no GPUs", p.exitValue());
        return List.of();
      }
      return out.lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      log.warn("cannot run nvidia-smi: {}", e.toString());
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
