package dev.iris.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark harness working: every scenario runs at the tiny size and writes a result. Timing
 * targets are measured by {@code ./iris bench}, never asserted here.
 */
@Tag("bench")
class BenchSmokeTest {
  @Test
  @Timeout(120)
  void everyScenarioCompletesAtTinySize(@TempDir Path out) throws Exception {
    List<Bench.Result> results = new Bench(Bench.Size.TINY, out).run(Bench.SCENARIOS);

    assertThat(results).extracting(Bench.Result::scenario).containsExactlyElementsOf(Bench.SCENARIOS);
    for (String s : Bench.SCENARIOS) {
      JsonObject json = new JsonObject(Files.readString(out.resolve(s + ".json")));
      assertThat(json.getString("scenario")).isEqualTo(s);
      assertThat(json.getString("figure")).isNotBlank();
      assertThat(json.getJsonObject("data")).isNotNull();
    }
    assertThat(Bench.table(results)).contains("throughput", "launch", "burst", "auth");
  }

  @Test
  void scenariosAreNamedOrNumbered() {
    assertThat(Bench.scenarioName("1")).isEqualTo("throughput");
    assertThat(Bench.scenarioName("7")).isEqualTo("launch");
    assertThat(Bench.scenarioName("8")).isEqualTo("burst");
    assertThat(Bench.scenarioName("9")).isEqualTo("auth");
    assertThat(Bench.scenarioName("10")).isEqualTo("durable");
    assertThat(Bench.scenarioName("gang")).isEqualTo("gang");
  }
}
