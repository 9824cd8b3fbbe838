package dev.iris.cli.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A plain-text table for terminals: left-aligned columns separated by two spaces, a header row in
 * capitals, each column as wide as its widest cell, and cells longer than the column limit cut short with
 * an ellipsis. No trailing whitespace on any line.
 *
 * <pre>{@code
 * String text = Table.withColumns("job", "state", "tasks")
 *     .row("train", "running", "3/4")
 *     .row("eval", "pending", "0/1")
 *     .render();
 * // JOB    STATE    TASKS
 * // train  running  3/4
 * // eval   pending  0/1
 * }</pre>
 *
 * <p>Instances are mutable builders; not thread-safe.
 */
public final class Table {
  /** The default widest a cell may be before it is cut short. */
  public static final int DEFAULT_MAX_CELL_WIDTH = 60;
  static final String ELLIPSIS = "…";
  private static final String GAP = "  ";

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();
  private int maxCellWidth = DEFAULT_MAX_CELL_WIDTH;

  private Table(List<String> headers) {
    this.headers = headers;
  }

  /** Starts a table with the given column names (shown upper-cased). */
  public static Table withColumns(String... columns) {
    if (columns.length == 0) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    return new Table(Arrays.stream(columns).map(c -> c.toUpperCase(Locale.ROOT)).toList());
  }

  /** Sets the widest a cell may be (at least 2) before it is cut short with an ellipsis. */
  public Table maxCellWidth(int width) {
    if (width < 2) {
      throw new IllegalArgumentException("max cell width must be at least 2: " + width);
    }
    this.maxCellWidth = width;
    return this;
  }

  /**
   * Adds a row with one cell per column; {@code null} renders as empty. Line breaks and tabs in a cell
   * render as spaces so a row stays on one line.
   */
  public Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells but the table has " + headers.size() + " columns");
    }
    rows.add(Arrays.stream(cells).map(this::cell).toList());
    return this;
  }

  /** Whether no row has been added. */
  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** The table as text: the header line, then one line per row, each ending in a newline. */
  public String render() {
    int[] widths = new int[headers.size()];
    for (int column = 0; column < widths.length; column++) {
      widths[column] = headers.get(column).length();
      for (List<String> row : rows) {
        widths[column] = Math.max(widths[column], row.get(column).length());
      }
    }
    StringBuilder text = new StringBuilder();
    appendLine(text, headers, widths);
    for (List<String> row : rows) {
      appendLine(text, row, widths);
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return render();
  }

  private String cell(Object value) {
    String text = Objects.toString(value, "").replaceAll("[\\r\\n\\t]", " ");
    return truncate(text, maxCellWidth);
  }

  /** Cuts {@code text} to at most {@code width} characters, the last being an ellipsis when cut. */
  static String truncate(String text, int width) {
    if (text.length() <= width) {
      return text;
    }
    return text.substring(0, width - ELLIPSIS.length()) + ELLIPSIS;
  }

  private static void appendLine(StringBuilder text, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int column = 0; column < cells.size(); column++) {
      if (column > 0) {
        line.append(GAP);
      }
      String cell = cells.get(column);
      line.append(cell).append(" ".repeat(widths[column] - cell.length()));
    }
    text.append(line.toString().stripTrailing()).append('\n');
  }
}
