package dev.iris.worker.runtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A process started by {@link PosixSpawner}: its output pipes and its exit code, once reaped. */
final class SpawnedProcess extends Process {
  private final long pid;
  private final InputStream stdout;
  private final InputStream stderr;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final CompletableFuture<Process> exited = exit.thenApply(code -> this);

  SpawnedProcess(long pid, InputStream stdout, InputStream stderr) {
    this.pid = pid;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  void exited(int code) {
    exit.complete(code);
  }

  @Override
  public OutputStream getOutputStream() {
    return OutputStream.nullOutputStream(); // standard input is /dev/null
  }

  @Override
  public InputStream getInputStream() {
    return stdout;
  }

  @Override
  public InputStream getErrorStream() {
    return stderr;
  }

  @Override
  public int waitFor() throws InterruptedException {
    try {
      return exit.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      exit.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public int exitValue() {
    if (!exit.isDone()) {
      throw new IllegalThreadStateException("process " + pid + " has not exited");
    }
    return exit.join();
  }

  @Override
  public boolean isAlive() {
    return !exit.isDone();
  }

  @Override
  public void destroy() {
    signal(false);
  }

  @Override
  public Process destroyForcibly() {
    signal(true);
    return this;
  }

  private void signal(boolean forcibly) {
    if (exit.isDone()) {
      return; // reaped: the pid may belong to someone else by now
    }
    ProcessHandle.of(pid).ifPresent(handle -> {
      if (forcibly) {
        handle.destroyForcibly();
      } else {
        handle.destroy();
      }
    });
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public CompletableFuture<Process> onExit() {
    return exited.copy();
  }

  @Override
  public ProcessHandle toHandle() {
    return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("process " + pid + " is gone"));
  }

  @Override
  public String toString() {
    return "process " + pid;
  }
}
