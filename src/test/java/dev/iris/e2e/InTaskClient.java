package dev.iris.e2e;

import dev.iris.client.IrisClient;
import dev.iris.client.JobHandle;
import dev.iris.client.JobInfo;
import dev.iris.client.JobRequest;
import java.util.Map;

/**
 * A program the end-to-end tests run as an Iris task (a real JVM started by the task's shell): it uses
 * the public client from inside the task, as a user's task would. It publishes endpoint {@code svc} at
 * {@code $IRIS_ADVERTISE_HOST:$IRIS_PORT_HTTP}, submits the child job {@code child} (a long sleep), prints
 * what it did and exits; the task's shell then keeps the task alive.
 */
public final class InTaskClient {
  private InTaskClient() {}

  public static void main(String[] args) {
    int code = 0;
    try {
      JobInfo me = JobInfo.fromEnv().orElseThrow(() -> new IllegalStateException("not inside an Iris task"));
      try (IrisClient iris = IrisClient.remote(me.controllerAddress())) {
        String endpoint = iris.registerEndpoint("svc", me.advertiseHost() + ":" + me.ports().get("http"),
            Map.of("task", me.taskId()));
        System.out.println("endpoint " + endpoint);
        System.out.println("lookup " + iris.lookupEndpoint("svc").map(e -> e.getAddress()).orElse("none"));
        JobHandle child = iris.submit(JobRequest.command("sleep", "600").name("child").cpu(0));
        System.out.println("child " + child.id());
      }
    } catch (RuntimeException e) {
      System.out.println("error " + e);
      code = 1;
    }
    System.out.flush();
    System.exit(code);
  }
}
