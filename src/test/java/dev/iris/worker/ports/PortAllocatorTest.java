package dev.iris.worker.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {

  @Test
  void portsAreDistinctInRangeAndBindable() throws IOException {
    PortAllocator allocator = new PortAllocator();
    Map<String, Integer> ports = allocator.allocate("job-1/task-0#0", List.of("http", "grpc", "metrics_2"));

    assertThat(ports.keySet()).containsExactly("http", "grpc", "metrics_2");
    assertThat(new HashSet<>(ports.values())).hasSize(3);
    assertThat(ports.values()).allSatisfy(p -> assertThat(p).isBetween(30000, 40000));
    for (int port : ports.values()) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("0.0.0.0", port));
      }
    }
    assertThat(allocator.portsOf("job-1/task-0#0")).isEqualTo(ports);
  }

  @Test
  void aHeldPortIsNeverHandedOutTwice() {
    PortAllocator allocator = new PortAllocator();
    Set<Integer> seen = new HashSet<>();
    for (int owner = 0; owner < 50; owner++) {
      seen.addAll(allocator.allocate("owner-" + owner, List.of("a", "b")).values());
    }
    assertThat(seen).hasSize(100);
    assertThat(allocator.heldCount()).isEqualTo(100);
  }

  @Test
  void releasedPortsCanBeAllocatedAgain() throws IOException {
    int[] free = twoAdjacentFreePorts();
    PortAllocator allocator = new PortAllocator(free[0], free[1]);
    allocator.allocate("first", List.of("a", "b"));
    assertThatThrownBy(() -> allocator.allocate("second", List.of("c")))
        .isInstanceOf(PortAllocationException.class);

    allocator.release("first");

    assertThat(allocator.heldCount()).isZero();
    assertThat(allocator.allocate("second", List.of("c", "d")).values()).containsExactlyInAnyOrder(free[0], free[1]);
  }

  @Test
  void allocationIsAllOrNothingAndSkipsPortsInUse() throws IOException {
    int[] free = twoAdjacentFreePorts();
    PortAllocator allocator = new PortAllocator(free[0], free[1]);
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("0.0.0.0", free[1]));

      assertThatThrownBy(() -> allocator.allocate("task", List.of("a", "b")))
          .isInstanceOf(PortAllocationException.class)
          .hasMessage("cannot allocate 2 ports [a, b] for 'task': only 1 free in %d-%d", free[0], free[1]);
      assertThat(allocator.heldCount()).isZero();
      assertThat(allocator.portsOf("task")).isEmpty();

      assertThat(allocator.allocate("task", List.of("a"))).isEqualTo(Map.of("a", free[0]));
    }
  }

  @Test
  void invalidRequestsAreRejected() {
    PortAllocator allocator = new PortAllocator();
    assertThatThrownBy(() -> allocator.allocate("t", List.of("")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port name '' must be");
    assertThatThrownBy(() -> allocator.allocate("t", List.of("has-dash")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'has-dash'");
    assertThatThrownBy(() -> allocator.allocate("t", List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("port 'a' is requested twice");
    assertThatThrownBy(() -> allocator.allocate("", List.of("a")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PortAllocator(10, 5)).isInstanceOf(IllegalArgumentException.class);

    allocator.allocate("t", List.of("a"));
    assertThatThrownBy(() -> allocator.allocate("t", List.of("b"))).isInstanceOf(IllegalStateException.class);
    assertThat(allocator.allocate("u", List.of())).isEmpty();
  }

  /** Two consecutive ports that are free right now, searched above the default range. */
  private static int[] twoAdjacentFreePorts() throws IOException {
    for (int port = 41000; port < 44000; port += 2) {
      if (bindable(port) && bindable(port + 1)) {
        return new int[] {port, port + 1};
      }
    }
    throw new IOException("no two adjacent free ports");
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress("0.0.0.0", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
