package dev.iris.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.ProtoSpecs;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.ValidationException;
import dev.iris.rpc.Controller;
import dev.iris.rpc.WorkerMetadata;
import dev.iris.worker.WorkerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What workers and tasks may register: each rule with the values it keeps and the values it refuses. */
class RegistrationChecksTest {

  // ---------------------------------------------------------------- worker ids

  @ParameterizedTest
  @ValueSource(strings = {"w1", "ghost", "a", "9", "node-1.example.com-10001", "A:b_c.d-e", "worker-3k9xz",
      "10.0.0.5-10001", "ip-10-0-0-5.ec2.internal-10001"})
  void keepsWorkerIds(String id) {
    assertThat(RegistrationChecks.workerId(id)).isEqualTo(id);
  }

  @Test
  void keepsIdsUpTo128Characters() {
    assertThat(RegistrationChecks.workerId("w".repeat(128))).hasSize(128);
  }

  static Stream<String> hostnames() {
    return Stream.of("node-1", "localhost", "ip-10-0-0-5.ec2.internal", "-leading-dash", ".", "", "h\u00f6st",
        "my host", "a.b.c.".repeat(50), "x" + ".-".repeat(100));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("hostnames")
  void keepsTheNewIdOfAWorkerOnAnyHost(String hostname) {
    java.util.Random random = new java.util.Random(hostname.hashCode());
    for (int i = 0; i < 20; i++) {
      String id = WorkerConfig.newWorkerId(hostname, random);
      assertThat(RegistrationChecks.workerId(id)).isEqualTo(id);
      assertThat(id).matches(".*-[a-z0-9]{5}");
    }
    assertThat(RegistrationChecks.workerId(WorkerConfig.newWorkerId())).matches(".*-[a-z0-9]{5}");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"", "-w", ".w", "_w", ":w", "w/1", "../w", "w 1", "w\u0000", "w\n", "<script>", "w\u00e9",
      "w;rm"})
  void refusesWorkerIds(String id) {
    assertThatThrownBy(() -> RegistrationChecks.workerId(id)).isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("worker_id '")
        .hasMessageEndingWith("must be 1-128 letters, digits or . _ : -, starting with a letter or digit");
  }

  @Test
  void refusesLongWorkerIdsQuotingAPrefix() {
    assertThatThrownBy(() -> RegistrationChecks.workerId("w".repeat(129))).isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("worker_id '" + "w".repeat(64) + "...' (129 characters) must be 1-128");
    assertThatThrownBy(() -> RegistrationChecks.workerId("w".repeat(16 << 20))).message().hasSizeLessThan(200);
  }

  // ---------------------------------------------------------------- addresses

  @ParameterizedTest
  @ValueSource(strings = {"bus://w1", "127.0.0.1:10001", "localhost:1", "h:65535", "[::1]:8080",
      "[2001:db8::7]:443", "[fe80::1%eth0]:80", "node_1.example.com:10001", "[10.0.0.5]:7"})
  void keepsWorkerAddresses(String address) {
    assertThat(RegistrationChecks.workerAddress("w1", address)).isEqualTo(address);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"                  | worker w1 address must not be empty; write host:port",
      "bus://w2              | worker w1 address 'bus://w2' must be bus://w1 (a worker on the event bus is reached",
      "bus://w1/x            | must be bus://w1",
      "h                     | worker w1 address: 'h' has no port",
      "h:0                   | a port must be 1..65535",
      "h:99999               | a port must be 1..65535",
      "h:http                | which is not a number",
      "::1:80                | looks like an IPv6 address; put it in brackets",
      "http://h:80           | looks like an IPv6 address",
      "<script>:80           | worker w1 address '<script>:80' has a host other than letters, digits and . _ : % -",
      "a@b:80                | has a host other than",
      "\" h:1\"              | worker w1 address ' h:1' must not hold whitespace",
      "h :1                  | must not hold whitespace",
  })
  void refusesWorkerAddresses(String address, String message) {
    assertThatThrownBy(() -> RegistrationChecks.workerAddress("w1", address)).isInstanceOf(ValidationException.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesControlCharactersAndOverlongAddresses() {
    assertThatThrownBy(() -> RegistrationChecks.workerAddress("w1", "h:1\u0000"))
        .hasMessage("worker w1 address 'h:1\\x00' contains a control character");
    assertThatThrownBy(() -> RegistrationChecks.workerAddress("w1", "h\n:1"))
        .hasMessage("worker w1 address 'h\\x0a:1' contains a control character");
    assertThatThrownBy(() -> RegistrationChecks.workerAddress("w1", "h".repeat(300) + ":1"))
        .hasMessageEndingWith("(302 characters) is longer than 261 characters");
    String longest = "h".repeat(RegistrationChecks.MAX_HOST_LENGTH) + ":65535";
    assertThat(RegistrationChecks.workerAddress("w1", longest)).isEqualTo(longest);
  }

  // ---------------------------------------------------------------- registrations

  @Test
  void keepsAWorkerAsARealWorkerRegisters() {
    WorkerRecord.Registration reg = RegistrationChecks.registration(register(m -> m
        .setDevice(ProtoSpecs.gpus(8, "H100")).setHostname("node-1.example.com").setIpAddress("10.0.0.5")
        .putAttributes("zone", "us-east1-b").putAttributes("tpu-slice", "s1").putAttributes("note", "caf\u00e9 <b>")
        .setStartCapacity(256)));
    assertThat(reg.workerId()).isEqualTo("w1");
    assertThat(reg.address()).isEqualTo("10.0.0.5:10001");
    assertThat(reg.capacity().gpus()).isEqualTo(8);
    assertThat(reg.capacity().gpuVariant()).isEqualTo("H100");
    assertThat(reg.attributes()).containsEntry("zone", "us-east1-b").hasSize(3);
    assertThat(reg.hostname()).isEqualTo("node-1.example.com");
    assertThat(reg.startCapacity()).isEqualTo(256);
    assertThat(reg.incarnation()).isEqualTo("inc-1");
  }

  @Test
  void keepsAWorkerWithTheMostAttributesAllowed() {
    Map<String, String> attributes = new HashMap<>();
    for (int i = 0; i < RegistrationChecks.MAX_ATTRIBUTES; i++) {
      attributes.put("k".repeat(120) + i, "v".repeat(1024));
    }
    assertThat(RegistrationChecks.registration(register(m -> m.putAllAttributes(attributes).setStartCapacity(10_000)))
        .attributes()).hasSize(256);
  }

  static Stream<Arguments> badRegistrations() {
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      tooMany.put("k" + i, "v");
    }
    return Stream.of(
        bad("100,000 attributes", m -> m.putAllAttributes(tooMany),
            "worker w1 attributes hold 100000 entries; at most 256"),
        bad("empty attribute key", m -> m.putAttributes("", "v"), "worker w1 attributes have an empty key"),
        bad("long attribute key", m -> m.putAttributes("k".repeat(129), "v"), "key in worker w1 attributes is 129"),
        bad("NUL in a key", m -> m.putAttributes("zo\u0000ne", "a"), "key in worker w1 attributes contains a control"),
        bad("long attribute value", m -> m.putAttributes("zone", "a".repeat(1025)), "value of 'zone' in worker w1"
            + " attributes is 1025 characters long; at most 1024"),
        bad("newline in a value", m -> m.putAttributes("zone", "a\nb"), "contains a control character: 'a\\x0ab'"),
        bad("newline in hostname", m -> m.setHostname("h\nINFO forged"),
            "worker w1 hostname 'h\\x0aINFO forged' contains"),
        bad("long hostname", m -> m.setHostname("h".repeat(254)), "worker w1 hostname 'hhhh"),
        bad("escape in ip", m -> m.setIpAddress("10.0.0.1\u001b[2J"),
            "worker w1 ip_address '10.0.0.1\\x1b[2J' contains"),
        bad("negative cpu", m -> m.setCpuCount(-1), "worker w1 reports negative capacity: cpu_count=-1"),
        bad("negative memory", m -> m.setMemoryBytes(-1), "memory_bytes=-1"),
        bad("negative disk", m -> m.setDiskBytes(-5), "disk_bytes=-5"),
        bad("negative gpus", m -> m.setDevice(ProtoSpecs.gpus(-2, "")), "worker w1 reports a negative gpu count, -2"),
        bad("control in gpu variant", m -> m.setDevice(ProtoSpecs.gpus(1, "H\u0007")), "gpu variant 'H\\x07'"),
        bad("negative start capacity", m -> m.setStartCapacity(-1), "start_capacity must be 0..10000, got -1"),
        bad("huge start capacity", m -> m.setStartCapacity(1 << 30),
            "start_capacity must be 0..10000, got 1073741824"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRegistrations")
  void refusesRegistrations(String what, UnaryOperator<WorkerMetadata.Builder> change, String message) {
    assertThatThrownBy(() -> RegistrationChecks.registration(register(change)))
        .isInstanceOf(ValidationException.class).hasMessageContaining(message);
  }

  @Test
  void refusesAnIncarnationWithControlCharacters() {
    assertThatThrownBy(() -> RegistrationChecks.registration(register(m -> m).toBuilder()
        .setIncarnation("inc\r\n").build())).hasMessage("incarnation 'inc\\x0d\\x0a' contains a control character");
    assertThatThrownBy(() -> RegistrationChecks.incarnation("i".repeat(129)))
        .hasMessageEndingWith("is longer than 128 characters");
  }

  // ---------------------------------------------------------------- endpoints

  @Test
  void keepsEndpointsAsTasksRegisterThem() {
    RegistrationChecks.EndpointRegistration e = RegistrationChecks.endpoint(endpoint("train/coordinator",
        "10.0.0.1:8476").putMetadata("role", "lead").setTaskId("train/task-0").setAttemptId(2).build());
    assertThat(e.name()).isEqualTo("train/coordinator");
    assertThat(e.address()).isEqualTo("10.0.0.1:8476");
    assertThat(e.job().value()).isEqualTo("train");
    assertThat(e.task().index()).isZero();
    assertThat(e.attemptId()).isEqualTo(2);
    assertThat(e.metadata()).containsEntry("role", "lead");
    assertThat(RegistrationChecks.endpoint(endpoint("train/http", "[::1]:8080").build()).task()).isNull();
    assertThat(RegistrationChecks.endpoint(endpoint("train/http", "h:1").setJobId("train/step").build()).job().value())
        .isEqualTo("train/step");
  }

  @ParameterizedTest(name = "[{index}] {0} {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "../../x       | h:1          | endpoint name '../../x' has a '..' segment",
      "svc<script>   | h:1          | endpoint name 'svc<script>' may hold only",
      "svc           | \"\"         | endpoint address must not be empty",
      "svc           | bus://w1     | endpoint address: 'bus://w1' has port '//w1', which is not a number",
      "svc           | <script>:80  | endpoint address '<script>:80' has a host other than",
      "svc           | h            | endpoint address: 'h' has no port",
      "svc           | h:1          | endpoint name 'svc' must start with 'train/', the root job of job 'train'",
      "other/svc     | h:1          | endpoint name 'other/svc' must start with 'train/'",
      "trainer/svc   | h:1          | endpoint name 'trainer/svc' must start with 'train/'",
  })
  void refusesEndpoints(String name, String address, String message) {
    assertThatThrownBy(() -> RegistrationChecks.endpoint(endpoint(name, address).build()))
        .isInstanceOf(ValidationException.class).hasMessageContaining(message);
  }

  @Test
  void refusesEndpointsWithControlCharactersOrTooMuchMetadata() {
    assertThatThrownBy(() -> RegistrationChecks.endpoint(endpoint("svc\u0000", "h:1").build()))
        .hasMessageStartingWith("endpoint name 'svc\\x00' may hold only");
    assertThatThrownBy(() -> RegistrationChecks.endpoint(endpoint("svc", "h:1\u0000").build()))
        .hasMessage("endpoint address 'h:1\\x00' contains a control character");
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i < 257; i++) {
      tooMany.put("k" + i, "v");
    }
    assertThatThrownBy(() -> RegistrationChecks.endpoint(endpoint("svc", "h:1").putAllMetadata(tooMany).build()))
        .hasMessage("endpoint metadata hold 257 entries; at most 256");
    assertThatThrownBy(() -> RegistrationChecks.endpoint(endpoint("svc", "h:1").putMetadata("k", "<b>\n").build()))
        .hasMessage("value of 'k' in endpoint metadata contains a control character: '<b>\\x0a'");
    assertThatThrownBy(() -> RegistrationChecks.endpointPrefix("train/\n"))
        .hasMessage("endpoint prefix 'train/\\x0a' contains a control character");
  }

  // ---------------------------------------------------------------- helpers

  private static Arguments bad(String what, UnaryOperator<WorkerMetadata.Builder> change, String message) {
    return Arguments.of(what, change, message);
  }

  private static Controller.RegisterWorkerRequest register(UnaryOperator<WorkerMetadata.Builder> change) {
    WorkerMetadata.Builder m = WorkerMetadata.newBuilder().setCpuCount(8).setMemoryBytes(32L << 30)
        .setDiskBytes(1L << 40);
    return Controller.RegisterWorkerRequest.newBuilder().setWorkerId("w1").setAddress("10.0.0.5:10001")
        .setMetadata(change.apply(m)).setIncarnation("inc-1").build();
  }

  private static Controller.RegisterEndpointRequest.Builder endpoint(String name, String address) {
    return Controller.RegisterEndpointRequest.newBuilder().setName(name).setAddress(address).setJobId("train");
  }
}
