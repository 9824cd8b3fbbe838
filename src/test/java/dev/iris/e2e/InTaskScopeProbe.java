package dev.iris.e2e;

import dev.iris.client.IrisClient;
import dev.iris.client.IrisException;
import dev.iris.client.JobInfo;
import dev.iris.client.JobRequest;

/**
 * A program the end-to-end tests run as an Iris task, with the public client and nothing but what the task
 * was given ({@code IRIS_CONTROLLER_ADDRESS}, {@code IRIS_TOKEN}): it submits a child job under its own job,
 * reads its own job, then tries to kill and to read each job named in its arguments (jobs outside its own
 * job's tree). It prints one line per attempt ({@code kill JOB: STATUS}) and exits.
 */
public final class InTaskScopeProbe {
  private InTaskScopeProbe() {}

  public static void main(String[] args) {
    int code = 0;
    try {
      JobInfo me = JobInfo.fromEnv().orElseThrow(() -> new IllegalStateException("not inside an Iris task"));
      try (IrisClient iris = IrisClient.remote(me.controllerAddress())) {
        System.out.println("child " + iris.submit(JobRequest.command("sleep", "600").name("child").cpu(0)).id());
        System.out.println("own " + iris.status(me.jobId(), false).getState());
        for (String other : args) {
          System.out.println("kill " + other + ": " + outcome(() -> iris.terminate(other)));
          System.out.println("status " + other + ": " + outcome(() -> iris.status(other, false)));
        }
      }
    } catch (RuntimeException e) {
      System.out.println("error " + e);
      code = 1;
    }
    System.out.flush();
    System.exit(code);
  }

  private static String outcome(Runnable call) {
    try {
      call.run();
      return "OK";
    } catch (IrisException e) {
      return e.status() + " " + e.getMessage();
    }
  }
}
