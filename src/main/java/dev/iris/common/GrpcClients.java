package dev.iris.common;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;

/**
 * gRPC clients that accept answers as large as Iris's servers send: bundles, pages of log lines, job
 * lists with their tasks (Vert.x's default limit of 256 KiB fails such calls with a bare error), and that
 * enforce each call's timeout themselves. Vert.x only sends a call's timeout to the server as its deadline
 * unless told to schedule it: a call on a connection whose peer went silent (a partition: no reset, no
 * answer) would otherwise wait forever, and a worker cut off from its controller would never see its
 * heartbeats fail.
 */
public final class GrpcClients {
  /** The largest gRPC message any Iris client or server takes (a bundle of up to 64 MiB fits, with room to spare). */
  public static final long MAX_MESSAGE_BYTES = 80L * 1024 * 1024;

  private GrpcClients() {}

  public static GrpcClient create(Vertx vertx) {
    return GrpcClient.client(vertx, options());
  }

  private static GrpcClientOptions options() {
    return new GrpcClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES).setScheduleDeadlineAutomatically(true);
  }

  /**
   * A client that calls over TLS when {@code tls} has a CA ({@link Tls#grpcClientOptions()}: the CA as the only
   * trust anchor, the server's name checked), and in plaintext otherwise.
   */
  public static GrpcClient create(Vertx vertx, Tls tls) {
    if (!tls.callsOverTls()) {
      return create(vertx);
    }
    return GrpcClient.client(vertx, options(), tls.grpcClientOptions());
  }

  /**
   * A client for a link whose silence must be noticed: a worker's link to its controller (heartbeats every second)
   * and the controller's links to its workers. A connection that read nothing for {@code quiet} is closed, and a
   * connection attempt gives up after {@code connect}, so the next call opens a fresh connection. Without them a
   * partition leaves calls on a connection that gets no packets, new calls queue on it, and after the network comes
   * back nothing moves until TCP's next retransmission, which after a long cut comes many seconds later; a worker
   * would lose its lease to a network that already works again.
   */
  public static GrpcClient createWatchful(Vertx vertx, Tls tls, Duration quiet, Duration connect) {
    HttpClientOptions http = tls.grpcClientOptions()
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setReadIdleTimeout(Math.toIntExact(quiet.toMillis()))
        .setConnectTimeout(Math.toIntExact(connect.toMillis()));
    return GrpcClient.client(vertx, options(), http);
  }
}
