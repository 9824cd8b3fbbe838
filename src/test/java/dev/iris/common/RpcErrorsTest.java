package dev.iris.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.ValidationException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import org.junit.jupiter.api.Test;

class RpcErrorsTest {
  private static final String MB = "z".repeat(1 << 20);

  @Test
  void aRefusalQuotingAHugeValueBecomesAShortStatusMessage() {
    StatusException s = RpcErrors.toStatus(new ValidationException("task id '" + MB + "' is not valid"));
    assertThat(s.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(s.message()).hasSizeLessThan(RpcErrors.MAX_MESSAGE_CHARS + 40).startsWith("task id 'zzz")
        .endsWith("... (1048599 characters)");
  }

  @Test
  void everyPathIsBounded() {
    assertThat(RpcErrors.invalid(MB).message()).hasSizeLessThan(RpcErrors.MAX_MESSAGE_CHARS + 40);
    assertThat(RpcErrors.notFound(MB).message()).hasSizeLessThan(RpcErrors.MAX_MESSAGE_CHARS + 40);
    assertThat(RpcErrors.toStatus(new StatusException(GrpcStatus.NOT_FOUND, MB)).message())
        .hasSizeLessThan(RpcErrors.MAX_MESSAGE_CHARS + 40);
    assertThat(RpcErrors.toStatus(new IllegalStateException(MB)).message())
        .hasSizeLessThan(RpcErrors.MAX_MESSAGE_CHARS + 40);
  }

  @Test
  void aShortMessageIsKeptAsItIs() {
    StatusException s = new StatusException(GrpcStatus.NOT_FOUND, "job j not found");
    assertThat(RpcErrors.toStatus(s)).isSameAs(s);
  }

  @Test
  void aFailedDownstreamCallKeepsItsStatus() {
    StatusException s = RpcErrors.toStatus(new RpcException(GrpcStatus.INVALID_ARGUMENT, "log filter: bad"));
    assertThat(s.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(s.message()).isEqualTo("log filter: bad");
    assertThat(RpcErrors.toStatus(RpcException.unreachable("connection refused")).status())
        .isEqualTo(GrpcStatus.UNAVAILABLE);
  }
}
