package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;
import static dev.iris.controller.ControllerGrpcTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.Mutation;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import dev.iris.core.TaskState;
import dev.iris.link.EventBusControllerLink;
import dev.iris.node.ControllerNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Wake-ups are coalesced: a burst of submissions costs a handful of scheduling passes, not one each. */
class SchedulerCoalescingTest {

  @Test
  void burstOfTenThousandSubmissionsCausesAFewPasses() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ControllerNode node = await(ControllerNode.start(vertx, ControllerNode.Config.defaults("127.0.0.1", 0), Clock.systemUTC()));
      await(new FakeWorker(vertx, new EventBusControllerLink(vertx.eventBus(), 5_000), "w1", 100_000, Map.of())
          .outcome(r -> null).start());
      StoreClient store = new StoreClient(vertx);
      long before = node.scheduler().passes();
      List<Future<String>> submits = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        JobSpec spec = JobSpec.simple(JobId.root("burst-" + i), List.of("true"), Resources.of(1, 1), 1);
        submits.add(store.apply(new Mutation.SubmitJob(spec, null, dev.iris.core.auth.Caller.admin()))
            .map(JobId::value));
      }
      await(Future.all(submits));
      eventually(() -> await(store.read(new StoreQuery.CountStates()))
          .tasks()[TaskState.PENDING.ordinal()] == 0);
      long passes = node.scheduler().passes() - before;
      System.out.println("passes for 10,000 submissions: " + passes);
      assertThat(passes).as("scheduling passes for 10,000 submissions").isLessThan(100);
      await(node.stop());
    } finally {
      await(vertx.close());
    }
  }
}
