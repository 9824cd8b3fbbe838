package dev.iris.e2e.netlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.e2e.Processes;
import dev.iris.e2e.netlab.Host.Reach;
import dev.iris.worker.Poll;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network lab itself (root and iproute2 needed; skipped otherwise): hosts reach each other, a cut host is
 * silent in both directions (connects time out, an open connection gets nothing and is not reset) until it is
 * healed, and closing a lab, or sweeping the leftovers of a dead JVM's lab, leaves nothing behind.
 */
@Tag("slow")
class NetLabTest {
  private static final Duration PROBE = Duration.ofSeconds(2);
  private static final int NOTHING_LISTENS = 9;

  @Test
  void hostsReachEachOtherAndACutHostIsSilentBothWaysUntilHealed() {
    try (NetLab lab = NetLab.create("reach", "a", "b", "c")) {
      Host a = lab.host("a");
      Host b = lab.host("b");
      Host c = lab.host("c");
      assertThat(List.of(a.address(), b.address(), c.address()))
          .containsExactly("198.18.0.1", "198.18.0.2", "198.18.0.3");
      assertThat(a.connect(b, NOTHING_LISTENS, PROBE)).as("a refusal comes back: b is reachable")
          .isEqualTo(Reach.REFUSED);
      assertThat(c.connect(a, NOTHING_LISTENS, PROBE)).isEqualTo(Reach.REFUSED);
      assertThat(a.exec("ip", "route").output()).as("no route out of the lab").doesNotContain("default");

      lab.cut(b);

      assertThat(b.isCut()).isTrue();
      assertThat(a.connect(b, NOTHING_LISTENS, PROBE)).isEqualTo(Reach.TIMED_OUT);
      assertThat(b.connect(a, NOTHING_LISTENS, PROBE)).isEqualTo(Reach.TIMED_OUT);
      assertThat(a.connect(c, NOTHING_LISTENS, PROBE)).as("the others still reach each other").isEqualTo(Reach.REFUSED);
      assertThat(b.exec("ip", "-br", "link", "show", "eth0").output()).as("b's own link stays up").contains("UP");

      lab.heal(b);

      assertThat(b.isCut()).isFalse();
      assertThat(a.connect(b, NOTHING_LISTENS, PROBE)).isEqualTo(Reach.REFUSED);
      assertThat(b.connect(c, NOTHING_LISTENS, PROBE)).isEqualTo(Reach.REFUSED);
    }
  }

  @Test
  void anOpenConnectionGetsNoPacketsWhileCutAndCarriesOnWhenHealed(@TempDir Path dir) throws Exception {
    try (NetLab lab = NetLab.create("open", "client", "server");
        Processes processes = new Processes(dir, Map.of())) {
      Host server = lab.host("server");
      Processes.Server echo = processes.startVia(server.prefix(), "echo", TcpEcho.class.getName(),
          server.address(), "7000");
      Processes.awaitLine(echo, "echo listening", Duration.ofSeconds(60));
      assertThat(Processes.commandLine(echo.process().pid())).as("nsenter execs: the handle is the JVM's")
          .doesNotStartWith(Tools.NSENTER).contains("/bin/java").contains(TcpEcho.class.getName());
      // the test reaches the echo server through the client host: test -> tunnel -> client -> lab -> server
      try (Tunnel tunnel = Tunnel.open(processes, lab.host("client"), server.address(), 7000, dir);
          Socket s = connect(tunnel.address())) {
        s.setSoTimeout(3_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write("ping\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readLine(in)).isEqualTo("ping");

        lab.cut(server);
        out.write("during\n".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> readLine(in)).as("no echo, and no reset either: silence")
            .isInstanceOf(SocketTimeoutException.class);

        lab.heal(server);

        s.setSoTimeout(20_000); // TCP retransmits with backoff: the next try comes within seconds
        assertThat(readLine(in)).isEqualTo("during");
      }
    }
  }

  @Test
  void closeLeavesNoNamespaceLinkOrProcessBehind() {
    NetLab.sweep(); // so that "before" holds no leftover the lab's own sweep would remove
    List<String> namespacesBefore = NetLab.namespacesOnThisMachine();
    String rootLinksBefore = rootLinks();
    ProcessHandle sleeper;
    List<String> made;
    try (NetLab lab = NetLab.create("close", "a", "b")) {
      made = lab.namespaces();
      assertThat(made).hasSize(3).allMatch(ns -> ns.startsWith(NetLab.PREFIX + ProcessHandle.current().pid() + "-"));
      assertThat(NetLab.namespacesOnThisMachine()).containsAll(made);
      assertThat(rootLinks()).as("the root namespace sees none of the lab's interfaces").isEqualTo(rootLinksBefore);
      sleeper = startIn(lab.host("a"), "sleep", "600");
    }

    assertThat(NetLab.namespacesOnThisMachine()).doesNotContainAnyElementsOf(made).isEqualTo(namespacesBefore);
    assertThat(rootLinks()).isEqualTo(rootLinksBefore);
    Poll.until(Duration.ofSeconds(10), "the process left in a host to be killed", () -> !sleeper.isAlive());
  }

  @Test
  void aSweepRemovesTheLabsOfJvmsThatAreGoneAndNothingElse() throws Exception {
    long deadPid = deadPid();
    String old = NetLab.PREFIX + deadPid + "-1-old-";
    String live = NetLab.PREFIX + ProcessHandle.current().pid() + "-999-live-switch";
    List<String> made = new ArrayList<>();
    ProcessHandle sleeper = null;
    try {
      for (String ns : List.of(old + "switch", old + "h", live)) {
        Cmd.must(Tools.IP, "netns", "add", ns);
        made.add(ns);
      }
      Cmd.must(Tools.IP, "-n", old + "switch", "link", "add", "p1", "type", "veth", "peer", "name", "eth0",
          "netns", old + "h");
      sleeper = new ProcessBuilder(Tools.NSENTER, "--net=/run/netns/" + old + "h", "--", "sleep", "600")
          .start().toHandle();

      List<String> removed = NetLab.sweep();

      assertThat(removed).containsExactlyInAnyOrder(old + "switch", old + "h");
      assertThat(NetLab.namespacesOnThisMachine()).doesNotContain(old + "switch", old + "h").contains(live);
      ProcessHandle s = sleeper;
      Poll.until(Duration.ofSeconds(10), "the process inside the leftover to be killed", () -> !s.isAlive());
    } finally {
      if (sleeper != null) {
        sleeper.destroyForcibly();
      }
      for (String ns : made) {
        NetLab.removeNamespace(ns);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static String rootLinks() {
    return Cmd.must(Tools.IP, "-br", "link").output();
  }

  private static ProcessHandle startIn(Host host, String... command) {
    List<String> full = new ArrayList<>(host.prefix());
    full.addAll(List.of(command));
    try {
      return new ProcessBuilder(full).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().toHandle();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The pid of a process that has just ended (no JVM holds it). */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  private static Socket connect(String hostPort) throws Exception {
    int colon = hostPort.lastIndexOf(':');
    return new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static String readLine(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.append((char) c);
    }
    return line.toString();
  }
}
