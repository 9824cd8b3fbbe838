package dev.iris.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.testing.TestCa;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a certificate, key and CA the clustered event bus runs over mutual TLS: members with certificates of the
 * CA exchange messages, and a member that joined Hazelcast without one cannot reach their consumers.
 */
@Tag("slow") // three Hazelcast members
class ClusteredVertxTlsTest {
  private final List<Vertx> members = new ArrayList<>();

  @AfterEach
  void leave() throws Exception {
    for (Vertx v : members) {
      await(v.close());
    }
  }

  @Test
  void membersWithCertificatesTalkAndOneWithoutIsShutOut(@TempDir Path dir) throws Exception {
    TestCa ca = TestCa.create(dir);
    List<Integer> ports = List.of(freePort(), freePort(), freePort());
    List<String> all = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    Vertx a = join(ports.get(0), all, tls(ca, ca.issue("a")));
    Vertx b = join(ports.get(1), all, tls(ca, ca.issue("b")));
    await(b.eventBus().<String>consumer("tls.echo", m -> m.reply("pong " + m.body())).completion());

    assertThat(await(a.eventBus().<String>request("tls.echo", "from a")).body()).isEqualTo("pong from a");

    Vertx plain = join(ports.get(2), all, Tls.NONE);
    DeliveryOptions quick = new DeliveryOptions().setSendTimeout(3_000);
    assertThatThrownBy(() -> await(plain.eventBus().request("tls.echo", "from plain", quick)))
        .isInstanceOf(ExecutionException.class);
  }

  private static Tls tls(TestCa ca, TestCa.Issued member) {
    return new Tls(Optional.of(member.cert()), Optional.of(member.key()), Optional.of(ca.cert()));
  }

  private Vertx join(int port, List<String> all, Tls tls) throws Exception {
    Vertx vertx = await(new ClusteredVertx("127.0.0.1", port, all, tls, ClusteredVertx.clusterNameFor(null)).start());
    members.add(vertx);
    return vertx;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
