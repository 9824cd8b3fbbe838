package dev.iris.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The names and numbers the design documents fix, checked against the compiled contract. */
class ContractTest {

  static Map<String, Integer> fields(String... nameNumber) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < nameNumber.length; i += 2) {
      m.put(nameNumber[i], Integer.parseInt(nameNumber[i + 1]));
    }
    return m;
  }

  static List<Arguments> documentedMessages() {
    return List.of(
        Arguments.of(TaskStatus.getDescriptor(), fields("task_id", "1", "job_id", "2", "task_index", "3", "state", "4",
            "worker_id", "5", "worker_address", "6", "exit_code", "7", "error", "8", "started_at_ms", "9",
            "finished_at_ms", "10", "ports", "11", "resource_usage", "12", "build_metrics", "13",
            "current_attempt_id", "14", "attempts", "15")),
        Arguments.of(TaskAttempt.getDescriptor(), fields("attempt_id", "1", "worker_id", "2", "state", "3",
            "exit_code", "4", "error", "5", "started_at_ms", "6", "finished_at_ms", "7", "is_worker_failure", "8")),
        Arguments.of(JobStatus.getDescriptor(), fields("job_id", "1", "state", "2", "exit_code", "3", "error", "4",
            "started_at_ms", "5", "finished_at_ms", "6", "ports", "7", "resource_usage", "8", "status_message", "9",
            "build_metrics", "10", "serialized_result", "13", "parent_job_id", "14", "failure_count", "17",
            "preemption_count", "18", "num_tasks", "19", "tasks_pending", "20", "tasks_running", "21",
            "tasks_succeeded", "22", "tasks_failed", "23", "tasks", "24")),
        Arguments.of(Controller.LaunchJobRequest.getDescriptor(), fields("name", "1", "serialized_entrypoint", "2",
            "resources", "3", "environment", "4", "bundle_gcs_path", "5", "bundle_hash", "6", "bundle_blob", "7",
            "scheduling_timeout_seconds", "8", "ports", "9", "parent_job_id", "10", "max_task_failures", "11",
            "max_retries_failure", "12", "max_retries_preemption", "13")),
        Arguments.of(Controller.GetJobStatusRequest.getDescriptor(),
            fields("job_id", "1", "include_result", "2", "include_tasks", "3")),
        Arguments.of(Controller.GetTaskStatusRequest.getDescriptor(), fields("job_id", "1", "task_index", "2")),
        Arguments.of(Controller.ReportTaskStateRequest.getDescriptor(), fields("worker_id", "1", "task_id", "2",
            "job_id", "3", "task_index", "4", "state", "5", "exit_code", "6", "error", "7", "finished_at_ms", "8",
            "attempt_id", "9")),
        Arguments.of(Controller.ReportTaskStatesRequest.getDescriptor(), fields("worker_id", "1", "reports", "2")),
        Arguments.of(Controller.ReportTaskStatesResponse.getDescriptor(), fields("errors", "1")),
        Arguments.of(Controller.Endpoint.getDescriptor(), fields("endpoint_id", "1", "name", "2", "address", "3",
            "job_id", "4", "metadata", "5")),
        Arguments.of(Controller.RegisterWorkerRequest.getDescriptor(),
            fields("worker_id", "1", "address", "2", "metadata", "3")),
        Arguments.of(WorkerMetadata.getDescriptor(), fields("hostname", "1", "ip_address", "2", "cpu_count", "3",
            "memory_bytes", "4", "disk_bytes", "5", "device", "6")),
        Arguments.of(Worker.RunTaskRequest.getDescriptor(), fields("job_id", "1", "task_id", "2", "task_index", "3",
            "num_tasks", "4", "serialized_entrypoint", "5", "environment", "6", "bundle_gcs_path", "7",
            "resources", "8", "timeout_seconds", "9", "ports", "10", "attempt_id", "11")),
        Arguments.of(Worker.RunTaskResponse.getDescriptor(), fields("task_id", "1", "state", "2")),
        Arguments.of(Worker.GetTaskStatusRequest.getDescriptor(), fields("task_id", "1", "include_result", "2")),
        Arguments.of(Worker.FetchTaskLogsRequest.getDescriptor(), fields("task_id", "1", "filter", "2")),
        Arguments.of(Worker.FetchLogsFilter.getDescriptor(), fields("regex", "1", "start_line", "2", "start_ms", "3",
            "end_ms", "4", "max_lines", "5")),
        Arguments.of(Worker.LogEntry.getDescriptor(), fields("timestamp_ms", "1", "source", "2", "data", "3")),
        Arguments.of(Worker.KillTaskRequest.getDescriptor(), fields("task_id", "1", "term_timeout_ms", "2")),
        Arguments.of(Worker.HealthResponse.getDescriptor(),
            fields("healthy", "1", "uptime_ms", "2", "running_tasks", "3")),
        Arguments.of(ResourceSpecProto.getDescriptor(), fields("cpu", "1", "memory_bytes", "4", "disk_bytes", "9",
            "device", "5", "replicas", "6", "preemptible", "7", "regions", "8")),
        Arguments.of(EnvironmentConfig.getDescriptor(), fields("workspace", "1", "pip_packages", "2", "env_vars", "3",
            "extras", "4")),
        Arguments.of(ResourceUsage.getDescriptor(), fields("memory_mb", "1", "disk_mb", "2", "cpu_millicores", "3",
            "memory_peak_mb", "4", "cpu_percent", "5", "process_count", "6")),
        Arguments.of(BuildMetrics.getDescriptor(), fields("build_started_ms", "1", "build_finished_ms", "2",
            "from_cache", "3", "image_tag", "4")),
        Arguments.of(CoschedulingConfig.getDescriptor(), fields("group_by", "1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documentedMessages")
  void documentedFieldsHaveTheirNumbers(Descriptor message, Map<String, Integer> expected) {
    expected.forEach((name, number) -> {
      FieldDescriptor f = message.findFieldByName(name);
      assertThat(f).as(message.getFullName() + "." + name).isNotNull();
      assertThat(f.getNumber()).as(message.getFullName() + "." + name).isEqualTo(number);
    });
  }

  @Test
  void statesAreNumberedAsDocumented() {
    assertThat(numbers(TaskState.getDescriptor())).containsExactlyInAnyOrderEntriesOf(Map.of(
        "TASK_STATE_UNSPECIFIED", 0, "TASK_STATE_PENDING", 1, "TASK_STATE_BUILDING", 2, "TASK_STATE_RUNNING", 3,
        "TASK_STATE_SUCCEEDED", 4, "TASK_STATE_FAILED", 5, "TASK_STATE_KILLED", 6, "TASK_STATE_WORKER_FAILED", 7,
        "TASK_STATE_UNSCHEDULABLE", 8, "TASK_STATE_ASSIGNED", 9));
    assertThat(numbers(JobState.getDescriptor())).containsEntry("JOB_STATE_PENDING", 1)
        .containsEntry("JOB_STATE_RUNNING", 3).containsEntry("JOB_STATE_UNSCHEDULABLE", 8).hasSize(9);
    assertThat(numbers(ConstraintOp.getDescriptor())).containsKeys("CONSTRAINT_OP_EQ", "CONSTRAINT_OP_NE",
        "CONSTRAINT_OP_EXISTS", "CONSTRAINT_OP_NOT_EXISTS", "CONSTRAINT_OP_GT", "CONSTRAINT_OP_GE", "CONSTRAINT_OP_LT",
        "CONSTRAINT_OP_LE", "CONSTRAINT_OP_IN");
  }

  @Test
  void servicesOfferTheDocumentedRpcs() {
    assertThat(methods(WorkerServiceGrpcService.SERVICE_DESCRIPTOR)).containsExactlyInAnyOrder(
        "RunTask", "GetTaskStatus", "ListTasks", "FetchTaskLogs", "KillTask", "HealthCheck");
    assertThat(methods(ControllerServiceGrpcService.SERVICE_DESCRIPTOR)).contains("LaunchJob", "GetJobStatus",
        "TerminateJob", "ListJobs", "GetTaskStatus", "ListTasks", "RegisterWorker", "Heartbeat", "ListWorkers",
        "ReportTaskState", "ReportTaskStates", "RegisterEndpoint", "UnregisterEndpoint", "LookupEndpoint",
        "ListEndpoints", "WatchEvents");
    MethodDescriptor watch = ControllerServiceGrpcService.SERVICE_DESCRIPTOR.findMethodByName("WatchEvents");
    assertThat(watch.isServerStreaming()).isTrue();
    assertThat(ControllerServiceGrpcService.SERVICE_DESCRIPTOR.getFile().getPackage()).isEqualTo("iris.cluster");
  }

  private static Map<String, Integer> numbers(EnumDescriptor e) {
    Map<String, Integer> m = new LinkedHashMap<>();
    e.getValues().forEach(v -> m.put(v.getName(), v.getNumber()));
    return m;
  }

  private static List<String> methods(ServiceDescriptor s) {
    return s.getMethods().stream().map(MethodDescriptor::getName).toList();
  }
}
