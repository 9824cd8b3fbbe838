package dev.iris.cli;

import dev.iris.cli.parse.ConstraintExpr;
import dev.iris.cli.parse.KeyValue;
import dev.iris.cli.request.JobResources;
import dev.iris.cli.request.JobRunRequest;
import dev.iris.cli.request.JobSubmission;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iris job run [OPTIONS] -- CMD ARGS...}: submit a job and stream its logs until it ends. Every
 * flag is validated here; {@link #request()} is the validated job.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    showEndOfOptionsDelimiterInUsageHelp = true,
    description = {
      "Submit a job and stream its logs until it ends.",
      "Runs CMD ARGS... as N tasks and prints every task's log lines prefixed [task-i]. Exits 0 when "
          + "the job succeeds, 1 otherwise (naming its state). Ctrl+C detaches and leaves the job "
          + "running. Put the command after '--'."
    },
    footer = {
      "",
      "Examples:",
      "  iris job run -- echo hello",
      "  iris job run --name train --replicas 4 --memory 8G -- python train.py",
      "  iris job run --constraint 'zone in a,b' --port http -- ./serve.sh",
      "",
      "Sizes:       4096, 100k, 512M, 2G, 1.5GiB (K, M, G, T are powers of 1024)",
      "Durations:   30s, 5m, 1h30m, 250ms, 90 (plain numbers are seconds)",
      "Constraints: key=v, key!=v, key, !key, key>=3 (also > < <=), key in a,b,c"
    })
final class JobRunCommand extends BackendCommand {

  @Option(names = "--name", paramLabel = "NAME",
      description = "Job name; inside a task it becomes the child job {parent}/NAME (default: derived).")
  String name;

  @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
      description = "Number of tasks, 1.." + JobSubmission.MAX_REPLICAS + " (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--cpu", paramLabel = "N", defaultValue = "1",
      description = "Whole cores per task (default: ${DEFAULT-VALUE}).")
  int cpu;

  @Option(names = "--memory", paramLabel = "SIZE", converter = ValueConverters.Size.class,
      description = "Memory per task, e.g. 2G (default: no reservation).")
  Long memory;

  @Option(names = "--disk", paramLabel = "SIZE", converter = ValueConverters.Size.class,
      description = "Disk per task, e.g. 10G (default: no reservation).")
  Long disk;

  @Option(names = "--gpu", paramLabel = "N", defaultValue = "0",
      description = "GPUs per task (default: ${DEFAULT-VALUE}).")
  int gpus;

  @Option(names = "--gpu-variant", paramLabel = "V", description = "GPU model, e.g. a100; needs --gpu.")
  String gpuVariant;

  @Option(names = "--port", paramLabel = "NAME",
      description = "A named port to allocate per task, seen as $IRIS_PORT_<NAME>. Repeatable.")
  List<String> ports = List.of();

  @Option(names = "--env", paramLabel = "K=V", converter = ValueConverters.Pair.class,
      description = "An environment variable for every task. Repeatable.")
  List<KeyValue> env = List.of();

  @Option(names = "--constraint", paramLabel = "EXPR", converter = ValueConverters.ConstraintValue.class,
      description = "A condition on worker attributes, e.g. zone=a or 'cores>=8'. Repeatable; all must hold.")
  List<ConstraintExpr> constraints = List.of();

  @Option(names = "--coschedule-by", paramLabel = "KEY",
      description = "Place all tasks at once on workers sharing the same value of attribute KEY, or none: a gang "
          + "of N replicas needs N such workers, each with room for one task. Refused at submission when no group "
          + "of the live workers could ever hold it.")
  String coscheduleBy;

  @Option(names = "--max-task-failures", paramLabel = "N", defaultValue = "0",
      description = "Failed tasks the job tolerates before it fails (default: ${DEFAULT-VALUE}).")
  int maxTaskFailures;

  @Option(names = "--max-retries", paramLabel = "N", defaultValue = "0",
      description = "Retries per task after it fails (default: ${DEFAULT-VALUE}).")
  int maxRetriesFailure;

  @Option(names = "--max-preemptions", paramLabel = "N", defaultValue = "100",
      description = "Retries per task after its worker is lost (default: ${DEFAULT-VALUE}).")
  int maxRetriesPreemption;

  @Option(names = "--scheduling-timeout", paramLabel = "DUR", converter = ValueConverters.DurationValue.class,
      description = "Give up (UNSCHEDULABLE) when a task finds no worker within DUR (default: wait forever).")
  Duration schedulingTimeout;

  @Option(names = "--timeout", paramLabel = "DUR", converter = ValueConverters.DurationValue.class,
      description = "Kill a task that runs longer than DUR (default: no limit).")
  Duration timeout;

  @Option(names = "--workspace", paramLabel = "DIR",
      description = "A directory zipped and unpacked into each task's working directory.")
  Path workspace;

  @Option(names = "--setup", paramLabel = "CMD",
      description = "A shell command run in the task's directory before the command.")
  String setup;

  @Option(names = "--no-wait", description = "Print the job id and return without waiting.")
  boolean noWait;

  @Mixin ReconnectOption reconnect;
  @Mixin ControllerOption controller;
  @Mixin TlsClientOption tls;
  @Mixin JsonOption json;

  @Parameters(paramLabel = "CMD", arity = "0..*",
      description = "The command to run and its arguments, after '--'.")
  List<String> command = List.of();

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    return backend.runJob(request(), output);
  }

  JobRunRequest request() {
    FlagChecks check = check();
    if (command.isEmpty()) {
      throw check.usageError(
          "missing the command to run; put it after '--', as in: iris job run -- echo hello");
    }
    check.inRange("--replicas", replicas, 1, JobSubmission.MAX_REPLICAS);
    JobSubmission job = new JobSubmission(
        Optional.ofNullable(name).map(this::checkName),
        command,
        replicas,
        resources(check),
        check.envVars("--env", env),
        check.envNames("--port", ports),
        constraints,
        Optional.ofNullable(coscheduleBy).map(key -> check.attributeKey("--coschedule-by", key)),
        check.atLeast("--max-task-failures", maxTaskFailures, 0),
        check.atLeast("--max-retries", maxRetriesFailure, 0),
        check.atLeast("--max-preemptions", maxRetriesPreemption, 0),
        Optional.ofNullable(schedulingTimeout)
            .map(d -> check.wholeSeconds("--scheduling-timeout", d, shown("--scheduling-timeout"))),
        Optional.ofNullable(timeout).map(d -> check.wholeSeconds("--timeout", d, shown("--timeout"))),
        Optional.ofNullable(workspace).map(dir -> check.existingDirectory("--workspace", dir)),
        Optional.ofNullable(setup).map(cmd -> check.nonBlank("--setup", cmd)));
    return new JobRunRequest(tls.target(controller.address()), job, !noWait, json.format(), reconnect.giveUpAfter());
  }

  private JobResources resources(FlagChecks check) {
    check.atLeast("--cpu", cpu, 0);
    check.atLeast("--gpu", gpus, 0);
    if (gpuVariant != null) {
      check.nonBlank("--gpu-variant", gpuVariant);
      if (gpus == 0) {
        throw check.usageError("--gpu-variant " + gpuVariant + " needs --gpu N (N at least 1)");
      }
    }
    return new JobResources(
        cpu,
        memory == null ? 0 : memory,
        disk == null ? 0 : disk,
        gpus,
        Optional.ofNullable(gpuVariant));
  }

  private String checkName(String jobName) {
    if (jobName.isBlank() || jobName.contains("/") || jobName.chars().anyMatch(Character::isWhitespace)) {
      throw check().usageError(
          "--name '" + jobName + "' must be non-empty without '/' or whitespace"
              + " (child jobs get {parent}/NAME)");
    }
    return jobName;
  }

  /** The value of {@code flag} as the user typed it, for messages. */
  private String shown(String flag) {
    return spec.findOption(flag).originalStringValues().stream().reduce((a, b) -> b).orElse("?");
  }
}
