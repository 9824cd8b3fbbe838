package dev.iris.worker.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link LineSink} that remembers every line with its source, in arrival order. */
final class RecordingSink implements LineSink {
  record Line(String source, String text) {}

  private final List<Line> lines = new CopyOnWriteArrayList<>();

  @Override
  public void accept(String source, String line) {
    lines.add(new Line(source, line));
  }

  List<Line> all() {
    return List.copyOf(lines);
  }

  List<String> of(String source) {
    List<String> result = new ArrayList<>();
    for (Line line : lines) {
      if (line.source().equals(source)) {
        result.add(line.text());
      }
    }
    return result;
  }
}
