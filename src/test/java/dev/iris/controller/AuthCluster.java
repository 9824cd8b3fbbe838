package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.iris.controller.state.StoreConfig;
import dev.iris.core.JobId;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.Role;
import dev.iris.core.auth.TokenBook;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.EnvironmentConfig;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.ResourceSpecProto;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * An in-process controller that authenticates, reached over real gRPC: the admin token, users alice and bob,
 * viewer vera, workers alpha and beta (a users file's tokens), and task tokens minted with the controller's
 * own key. Every log line written meanwhile is kept, to check that none holds a token.
 */
final class AuthCluster implements AutoCloseable {
  static final String ADMIN = "admin-token-0123456789abcdef";
  static final String ALICE = "alice-token-0123456789abcdef";
  static final String BOB = "bob-token-0123456789abcdef";
  static final String VIEWER = "vera-token-0123456789abcdef";
  static final String ALPHA = "worker-alpha-token-0123456789";
  static final String BETA = "worker-beta-token-0123456789";
  /** Not a token of this cluster. */
  static final String WRONG = "wrong-token-0123456789abcdef";

  final Vertx vertx = Vertx.vertx();
  final ControllerAuth auth;
  final ControllerNode node;
  private final GrpcClient grpc;
  private final List<String> minted = new ArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Level rootLevel;

  AuthCluster() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    root.setLevel(Level.DEBUG); // every line our code writes, not only warnings
    logs.start();
    root.addAppender(logs);
    auth = ControllerAuth.of(ADMIN, List.of(grant("alice", Role.USER, ALICE), grant("bob", Role.USER, BOB),
        grant("vera", Role.VIEWER, VIEWER), grant("alpha", Role.WORKER, ALPHA), grant("beta", Role.WORKER, BETA)));
    var config = ControllerNode.Config.defaults("127.0.0.1", 0).withAuth(auth)
        .withStore(new StoreConfig(5_000, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 10_000));
    node = await(ControllerNode.start(vertx, config, Clock.systemUTC()));
    grpc = GrpcClient.client(vertx);
  }

  private static TokenBook.Grant grant(String name, Role role, String token) {
    return new TokenBook.Grant(token, Caller.of(name, role));
  }

  /** A client whose calls bear {@code token}; empty: no authorization header at all. */
  GrpcControllerLink as(String token) {
    return new GrpcControllerLink(grpc, SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"), 10_000, token);
  }

  /** The IRIS_TOKEN the controller gives the tasks of {@code job}, owned by {@code owner}. */
  String taskToken(String job, String owner) {
    String token = auth.taskToken(JobId.of(job), owner);
    minted.add(token);
    return token;
  }

  /** A task token of {@code job} as another cluster (another admin token) would mint it. */
  String forgedTaskToken(String job, String owner) {
    String token = ControllerAuth.of("another-cluster-admin-token-0123", List.of()).taskToken(JobId.of(job), owner);
    minted.add(token);
    return token;
  }

  /** Every token of this cluster, and every task token minted so far. */
  List<String> tokens() {
    List<String> all = new ArrayList<>(List.of(ADMIN, ALICE, BOB, VIEWER, ALPHA, BETA, WRONG));
    for (String worker : List.of("w-alpha", "idle-alpha", "victim", "beta-1")) { // the workers of the tests
      all.add(auth.workerToken(worker, "bus://" + worker));
    }
    all.addAll(minted);
    return all;
  }

  /** Every line logged since the cluster started, with its stack trace if any. */
  List<String> logLines() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(logs.list)) {
      lines.add(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
          + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    return lines;
  }

  /** A job of one task running {@code sleep}, with {@code env}; {@code parent} empty for a top-level job. */
  static Controller.LaunchJobRequest job(String name, String parent, Map<String, String> env) {
    return Controller.LaunchJobRequest.newBuilder().setName(name).setParentJobId(parent)
        .setEntrypoint(CommandEntrypoint.newBuilder().addArgv("sleep").addArgv("600"))
        .setEnvironment(EnvironmentConfig.newBuilder().putAllEnvVars(env))
        .setResources(ResourceSpecProto.newBuilder().setReplicas(1).setCpu(0).setMemoryBytes(1 << 20)).build();
  }

  /** Job {@code id} as the admin sees it. */
  JobStatus status(String id) throws Exception {
    return await(as(ADMIN).getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id).build())).getJob();
  }

  @Override
  public void close() throws Exception {
    try {
      await(node.stop());
      grpc.close();
      await(vertx.close());
    } finally {
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      root.detachAppender(logs);
      root.setLevel(rootLevel);
    }
  }
}
