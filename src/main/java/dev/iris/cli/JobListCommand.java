package dev.iris.cli;

import dev.iris.cli.parse.JobStates;
import dev.iris.cli.request.JobListRequest;
import dev.iris.rpc.JobState;
import java.util.Iterator;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code iris job list}: jobs, optionally filtered by state and id prefix. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = "List jobs with their state, task counts and age.")
final class JobListCommand extends BackendCommand {
  @Option(names = "--state", paramLabel = "S", converter = ValueConverters.State.class,
      completionCandidates = StateNames.class,
      description = "Only jobs in state S: ${COMPLETION-CANDIDATES} (any case; JOB_STATE_ prefix optional).")
  JobState state;

  @Option(names = "--prefix", paramLabel = "P", description = "Only jobs whose id starts with P.")
  String prefix;

  @Mixin ControllerOption controller;
  @Mixin TlsClientOption tls;
  @Mixin JsonOption json;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    JobListRequest request = new JobListRequest(
        tls.target(controller.address()), Optional.ofNullable(state), Optional.ofNullable(prefix), json.format());
    return backend.listJobs(request, output);
  }

  /** The states {@code --state} accepts, listed in its help. */
  static final class StateNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return JobStates.shortNameList().iterator();
    }
  }
}
