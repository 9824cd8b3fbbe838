package dev.iris.cli;

import dev.iris.cli.output.HumanFormat;
import dev.iris.cli.output.Table;
import dev.iris.cli.parse.ConstraintExpr;
import dev.iris.cli.request.ControllerTarget;
import dev.iris.cli.request.EndpointListRequest;
import dev.iris.cli.request.JobKillRequest;
import dev.iris.cli.request.JobListRequest;
import dev.iris.cli.request.JobLogsRequest;
import dev.iris.cli.request.JobRunRequest;
import dev.iris.cli.request.JobStatusRequest;
import dev.iris.cli.request.JobSubmission;
import dev.iris.cli.request.OutputFormat;
import dev.iris.cli.request.TaskListRequest;
import dev.iris.cli.request.TaskStatusRequest;
import dev.iris.cli.request.WorkerListRequest;
import dev.iris.client.ConnectionListener;
import dev.iris.client.IrisClient;
import dev.iris.client.JobFailedException;
import dev.iris.client.JobHandle;
import dev.iris.client.JobRequest;
import dev.iris.client.Reconnect;
import dev.iris.common.ProtoStates;
import dev.iris.core.ConstraintOp;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerHealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** The client commands of the CLI, on top of {@link IrisClient}. Each returns an exit code. */
final class ClientCommands {
  private final Function<ControllerTarget, IrisClient> connect;

  ClientCommands(Function<ControllerTarget, IrisClient> connect) {
    this.connect = connect;
  }

  int runJob(JobRunRequest r, CliOutput o) {
    try (IrisClient iris = connect.apply(r.controller())) {
      JobHandle job = iris.submit(toRequest(r.job()));
      if (!r.waitForCompletion()) {
        o.out().println(job.id());
        return ExitCodes.OK;
      }
      o.err().println("iris: submitted job " + job.id() + " (" + r.job().replicas() + " task(s)); following its logs"
          + (o.interactive() ? " (Ctrl+C detaches, the job keeps running)" : ""));
      RunProgress bar = new RunProgress(o);
      followThroughRestarts(iris, r.reconnectTimeout(), bar::note);
      // Ctrl+C ends this JVM, not the job: say so, and how to get back to it
      Thread detached = new Thread(() -> {
        bar.clear();
        o.err().println("iris: detached; job " + job.id() + " keeps running (iris job logs " + job.id()
            + " --follow, iris job kill " + job.id() + ")");
        o.err().flush();
      }, "iris-detach");
      Runtime.getRuntime().addShutdownHook(detached);
      try {
        JobStatus end = iris.wait(job.id(), null, true, null, bar::line, o.interactive() ? bar::update : null);
        bar.clear();
        o.err().println("iris: job " + job.id() + " SUCCEEDED (" + end.getTasksSucceeded() + "/" + end.getNumTasks()
            + " tasks)");
        return ExitCodes.OK;
      } catch (JobFailedException e) {
        o.err().println("iris: " + e.getMessage());
        return ExitCodes.FAILURE;
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(detached);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or ran: Ctrl+C came as the wait ended
        }
      }
    }
  }

  int jobStatus(JobStatusRequest r, CliOutput o) {
    try (IrisClient iris = connect.apply(r.controller())) {
      JobStatus s = iris.status(r.jobId(), r.includeTasks());
      if (r.format() == OutputFormat.JSON) {
        o.out().println(ClientFormat.json(s));
        return ExitCodes.OK;
      }
      Instant now = Instant.now();
      o.out().println("job:       " + s.getJobId());
      o.out().println("state:     " + ProtoStates.shortName(s.getState()));
      if (!s.getUser().isEmpty()) {
        o.out().println("user:      " + s.getUser());
      }
      o.out().println("tasks:     " + ClientFormat.counts(s));
      o.out().println("submitted: " + HumanFormat.ago(Instant.ofEpochMilli(s.getSubmittedAtMs()), now));
      if (!s.getPendingReason().isEmpty()) {
        o.out().println("waiting:   " + s.getPendingReason());
      }
      if (!s.getError().isEmpty()) {
        o.out().println("error:     " + s.getError());
      }
      if (r.includeTasks()) {
        o.out().println();
        o.out().print(ClientFormat.taskTable(s.getTasksList()).render());
      }
      return ExitCodes.OK;
    }
  }

  int listJobs(JobListRequest r, CliOutput o) {
    try (IrisClient iris = connect.apply(r.controller())) {
      List<JobStatus> jobs = iris.listJobs(r.state().orElse(null), r.prefix().orElse(""));
      if (r.format() == OutputFormat.JSON) {
        jobs.forEach(j -> o.out().println(ClientFormat.jsonLine(j)));
        return ExitCodes.OK;
      }
      Instant now = Instant.now();
      Table t = Table.withColumns("JOB", "STATE", "USER", "TASKS", "SUBMITTED", "DURATION", "ERROR / WAITING");
      for (JobStatus j : jobs) {
        long end = j.getFinishedAtMs() > 0 ? j.getFinishedAtMs() : now.toEpochMilli();
        t.row(j.getJobId(), ProtoStates.shortName(j.getState()), j.getUser(), ClientFormat.counts(j),
            HumanFormat.ago(Instant.ofEpochMilli(j.getSubmittedAtMs()), now),
            HumanFormat.duration(Duration.ofMillis(Math.max(0, end - j.getSubmittedAtMs()))),
            j.getError().isEmpty() ? j.getPendingReason() : j.getError());
      }
      o.out().print(t.render());
      return ExitCodes.OK;
    }
  }

  int jobLogs(JobLogsRequest r, CliOutput o) {
    try (IrisClient iris = connect.apply(r.controller())) {
      if (r.follow()) {
        followThroughRestarts(iris, r.reconnectTimeout(), line -> {
          o.err().println(line);
          o.err().flush();
        });
        try {
          iris.wait(r.jobId(), null, true, r.taskIndex().isPresent() ? r.taskIndex().getAsInt() : null,
              line -> o.out().println(line));
        } catch (JobFailedException e) {
          o.err().println("iris: " + e.getMessage());
        }
        return ExitCodes.OK;
      }
      JobStatus s = iris.status(r.jobId(), false);
      long since = r.since().map(d -> System.currentTimeMillis() - d.toMillis()).orElse(0L);
      Worker.FetchLogsFilter filter = Worker.FetchLogsFilter.newBuilder().setStartMs(since)
          .setRegex(r.grep().map(com.google.re2j.Pattern::pattern).orElse("")).build();
      for (int i = 0; i < s.getNumTasks(); i++) {
        if (r.taskIndex().isPresent() && r.taskIndex().getAsInt() != i) {
          continue;
        }
        // a long log comes in pages (an answer stays under the transport's size limit): each from the line
        // after the last one printed, until a page comes back empty
        List<Worker.LogEntry> page = iris.fetchTaskLogs(r.jobId(), i, filter);
        while (!page.isEmpty()) {
          for (Worker.LogEntry e : page) {
            o.out().println(r.taskIndex().isPresent() ? e.getData() : "[task-" + i + "] " + e.getData());
          }
          long next = page.get(page.size() - 1).getLineNumber() + 1;
          page = iris.fetchTaskLogs(r.jobId(), i, filter.toBuilder().setStartLine(next).build());
        }
      }
      return ExitCodes.OK;
    }
  }

  int killJob(JobKillRequest r, CliOutput o) {
    try (IrisClient iris = connect.apply(r.controller())) {
      JobState before = iris.status(r.jobId(), false).getState();
      if (ProtoStates.isFinished(before)) {
        o.out().println("job " + r.jobId() + " already ended " + ProtoStates.shortName(before) + "; nothing to kill");
        return ExitCodes.OK;
      }
      iris.terminate(r.jobId());
      JobState after = iris.status(r.jobId(), false).getState();
      o.out().println("killed " + r.jobId() + " (" + ProtoStates.shortName(after) + ")");
      return ExitCodes.OK;
    }
  }

  int listTasks(TaskListRequest r, CliOutput o) {
    try (IrisClient iris = connect.apply(r.controller())) {
      List<TaskStatus> tasks = iris.listTasks(r.jobId());
      if (r.format() == OutputFormat.JSON) {
        tasks.forEach(t -> o.out().println(ClientFormat.jsonLine(t)));
      } else {
        o.out().print(ClientFormat.taskTable(tasks).render());
      }
      return ExitCodes.OK;
    }
  }

  int taskStatus(TaskStatusRequest r, CliOutput o) {
    try (IrisClient iris = connect.apply(r.controller())) {
      TaskStatus t = iris.taskStatus(r.jobId(), r.taskIndex());
      if (r.format() == OutputFormat.JSON) {
        o.out().println(ClientFormat.json(t));
        return ExitCodes.OK;
      }
      o.out().print(ClientFormat.taskTable(List.of(t)).render());
      if (t.getAttemptsCount() > 1) {
        Table a = Table.withColumns("ATTEMPT", "WORKER", "STATE", "EXIT", "ERROR");
        t.getAttemptsList().forEach(x -> a.row(x.getAttemptId(), x.getWorkerId(), ProtoStates.shortName(x.getState())
            + (x.getIsWorkerFailure() ? " (worker)" : ""), x.getExitCode(), x.getError()));
        o.out().println();
        o.out().print(a.render());
      }
      return ExitCodes.OK;
    }
  }

  int listWorkers(WorkerListRequest r, CliOutput o) {
    try (IrisClient iris = connect.apply(r.controller())) {
      List<WorkerHealthStatus> workers = iris.listWorkers();
      if (r.format() == OutputFormat.JSON) {
        workers.forEach(w -> o.out().println(ClientFormat.jsonLine(w)));
        return ExitCodes.OK;
      }
      Instant now = Instant.now();
      Table t = Table.withColumns("WORKER", "ADDRESS", "HEALTH", "CPU", "MEMORY", "TASKS", "HEARTBEAT", "ATTRIBUTES");
      for (WorkerHealthStatus w : workers) {
        t.row(w.getWorkerId(), w.getAddress(), ClientFormat.health(w),
            w.getCommittedCpu() + "/" + w.getMetadata().getCpuCount(),
            HumanFormat.bytes(w.getCommittedMemoryBytes()) + "/" + HumanFormat.bytes(w.getMetadata().getMemoryBytes()),
            w.getRunningTaskIdsCount(), HumanFormat.ago(Instant.ofEpochMilli(w.getLastHeartbeatMs()), now),
            w.getMetadata().getAttributesMap().toString());
      }
      o.out().print(t.render());
      return ExitCodes.OK;
    }
  }

  int listEndpoints(EndpointListRequest r, CliOutput o) {
    try (IrisClient iris = connect.apply(r.controller())) {
      List<Controller.Endpoint> eps = iris.listEndpoints(r.prefix().orElse(""));
      if (r.format() == OutputFormat.JSON) {
        eps.forEach(e -> o.out().println(ClientFormat.jsonLine(e)));
        return ExitCodes.OK;
      }
      Table t = Table.withColumns("NAME", "ADDRESS", "JOB", "TASK");
      eps.forEach(e -> t.row(e.getName(), e.getAddress(), e.getJobId(), e.getTaskId()));
      o.out().print(t.render());
      return ExitCodes.OK;
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * A follow rides through a controller restart for up to {@code giveUpAfter}, saying so in one line on
   * {@code notice} when the controller stops answering and one when it is back.
   */
  static void followThroughRestarts(IrisClient iris, Duration giveUpAfter, Consumer<String> notice) {
    iris.reconnect(Reconnect.DEFAULT.withGiveUpAfter(giveUpAfter)).onConnectionChange(new ConnectionListener() {
      @Override
      public void unavailable(String address, String reason, Duration giveUp) {
        notice.accept("iris: controller unavailable, retrying for up to " + Reconnect.shortly(giveUp) + " ("
            + ErrorLines.oneLine(reason) + ")");
      }

      @Override
      public void reconnected(String address, Duration downFor) {
        notice.accept("iris: reconnected to the controller at " + address + " after " + Reconnect.shortly(downFor)
            + "; following on");
      }
    });
  }

  static JobRequest toRequest(JobSubmission s) {
    JobRequest r = JobRequest.command(s.command()).replicas(s.replicas()).cpu(s.resources().cpu())
        .memoryBytes(s.resources().memoryBytes()).diskBytes(s.resources().diskBytes())
        .env(s.env()).maxTaskFailures(s.maxTaskFailures()).maxRetriesFailure(s.maxRetriesFailure())
        .maxRetriesPreemption(s.maxRetriesPreemption());
    s.name().ifPresent(r::name);
    if (s.resources().gpus() > 0) {
      r.gpus(s.resources().gpus(), s.resources().gpuVariant().orElse(""));
    }
    s.ports().forEach(r::port);
    for (ConstraintExpr c : s.constraints()) {
      r.constraint(c.key(), c.op().name(), c.op() == ConstraintOp.IN ? String.join(",", c.values()) : c.value());
    }
    s.coscheduleBy().ifPresent(r::coscheduleBy);
    s.schedulingTimeout().ifPresent(r::schedulingTimeout);
    s.timeout().ifPresent(r::timeout);
    s.workspace().ifPresent(r::workspace);
    s.setup().ifPresent(cmd -> r.setup(List.of("sh", "-c", cmd)));
    return r;
  }
}
