package dev.iris.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.core.ValidationException;
import dev.iris.rpc.Controller;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.WorkerTaskEntry;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a worker's reports and task lists may carry: bounded, and an outcome never lost for its wording. */
class ReportChecksTest {
  private static Controller.ReportTaskStateRequest.Builder report() {
    return Controller.ReportTaskStateRequest.newBuilder().setWorkerId("w1").setTaskId("job-1/task-0")
        .setState(TaskState.TASK_STATE_FAILED).setExitCode(1);
  }

  @Test
  void aHugeErrorIsCutNotRefused() {
    String mb = "e".repeat(1 << 20);
    String kept = RequestChecks.report(report().setError(mb).build()).error();
    assertThat(kept).hasSize(RequestChecks.MAX_ERROR_CHARS + " ... (1048576 characters)".length() - 1)
        .startsWith("eeee").endsWith("... (1048576 characters)");
    assertThat(RequestChecks.report(report().setError("Exit code: 1").build()).error()).isEqualTo("Exit code: 1");
  }

  @Test
  void portsAreBoundedInCountAndRange() {
    Map<String, Integer> many = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      many.put("p" + i, 30_000 + i);
    }
    assertThatThrownBy(() -> RequestChecks.report(report().putAllPorts(many).build()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("lists 65 ports");
    assertThatThrownBy(() -> RequestChecks.report(report().putPorts("http", 70_000).build()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("has port 'http' = 70000");
    assertThat(RequestChecks.report(report().putPorts("http", 30_001).build()).task().toString())
        .isEqualTo("job-1/task-0");
  }

  @Test
  void aTaskListIsBounded() {
    WorkerTaskEntry e = WorkerTaskEntry.newBuilder().setTaskId("job-1/task-0").setState(TaskState.TASK_STATE_RUNNING)
        .build();
    assertThatThrownBy(() -> RequestChecks.reports(Collections.nCopies(RequestChecks.MAX_TASK_ENTRIES + 1, e)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("at most 200000 attempts");
    assertThat(RequestChecks.reports(Collections.nCopies(3, e))).hasSize(3);
  }
}
