package dev.iris.dashboard;

import static dev.iris.dashboard.DashboardCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real worker's small dashboard API, and the controller's log API reaching that worker over gRPC. */
class WorkerDashboardTest {
  private DashboardCluster c;
  private RealWorker w;

  @BeforeEach
  void start() throws Exception {
    c = new DashboardCluster();
    w = new RealWorker(c, "real-1");
  }

  @AfterEach
  void stop() throws Exception {
    try {
      w.close();
    } finally {
      c.close();
    }
  }

  @Test
  void workerListsItsTasksWithCountsAndServesLogsAndThePage() throws Exception {
    c.launch(RealWorker.chatty("shell"));
    eventually(() -> c.status("shell").getTasksRunning() == 1);

    DashboardCluster.Reply list = c.send(w.port(), HttpMethod.GET, "/api/tasks");
    assertThat(list.status()).isEqualTo(200);
    JsonObject tasks = list.json();
    assertThat(tasks.getString("worker_id")).isEqualTo("real-1");
    assertThat(tasks.getJsonObject("counts").getInteger("TASK_STATE_RUNNING")).isEqualTo(1);
    assertThat(tasks.getJsonObject("counts").containsKey("TASK_STATE_ASSIGNED")).isTrue();
    assertThat(tasks.getJsonArray("tasks").getJsonObject(0).getString("task_id")).isEqualTo("shell/task-0");

    eventually(() -> lines(c.send(w.port(), HttpMethod.GET, "/api/tasks/logs?task_id=shell/task-0").json())
        .contains("line 3"));
    assertThat(lines(c.send(w.port(), HttpMethod.GET, "/api/tasks/logs?task_id=shell/task-0&regex=oops").json()))
        .containsExactly("oops");
    assertThat(c.send(w.port(), HttpMethod.GET, "/api/tasks/logs").status()).isEqualTo(400);

    // the controller's dashboard reads the same logs from the worker, over gRPC
    JsonObject viaController = c.get("/api/jobs/shell/tasks/0/logs").json();
    assertThat(viaController.getString("worker_address")).isEqualTo("127.0.0.1:" + w.port());
    assertThat(lines(viaController)).contains("starting shell/task-0", "line 1", "line 2", "line 3", "oops");

    DashboardCluster.Reply page = c.send(w.port(), HttpMethod.GET, "/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Iris worker");

    assertThat(c.send(HttpMethod.POST, "/api/jobs/shell/kill").status()).isEqualTo(200);
    eventually(() -> c.send(w.port(), HttpMethod.GET, "/api/tasks").json().getJsonObject("counts")
        .getInteger("TASK_STATE_KILLED") == 1);
  }

  private static List<String> lines(JsonObject logs) {
    return logs.getJsonArray("logs").stream().map(o -> ((JsonObject) o).getString("data")).toList();
  }
}
