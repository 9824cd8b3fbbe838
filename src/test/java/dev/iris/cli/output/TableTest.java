package dev.iris.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableTest {

  @Test
  void alignsColumnsToTheWidestCellWithCapitalHeaders() {
    String text = Table.withColumns("job", "state", "tasks")
        .row("train", "running", "3/4")
        .row("eval-long-name", "pending", "0/1")
        .render();

    assertThat(text).isEqualTo(
        "JOB             STATE    TASKS\n"
            + "train           running  3/4\n"
            + "eval-long-name  pending  0/1\n");
  }

  @Test
  void headerWiderThanCellsSetsTheWidth() {
    assertThat(Table.withColumns("identifier", "x").row("a", "b").render())
        .isEqualTo("IDENTIFIER  X\na           b\n");
  }

  @Test
  void emptyTableIsJustTheHeader() {
    Table table = Table.withColumns("id", "state");
    assertThat(table.isEmpty()).isTrue();
    assertThat(table.render()).isEqualTo("ID  STATE\n");
  }

  @Test
  void noLineEndsInWhitespaceEvenWithEmptyOrNullLastCells() {
    String text = Table.withColumns("a", "b").row("xxxx", null).row("y", "").render();
    assertThat(text).isEqualTo("A     B\nxxxx\ny\n");
  }

  @Test
  void truncatesLongCellsWithAnEllipsis() {
    String text = Table.withColumns("id", "error")
        .maxCellWidth(10)
        .row("t-0", "exit code 1: file not found")
        .render();
    assertThat(text).isEqualTo("ID   ERROR\nt-0  exit code…\n");
  }

  @Test
  void defaultLimitCutsCellsAtSixtyCharacters() {
    String text = Table.withColumns("x").row("a".repeat(100)).render();
    assertThat(text.lines().skip(1).findFirst().orElseThrow())
        .hasSize(Table.DEFAULT_MAX_CELL_WIDTH)
        .endsWith("…");
  }

  @Test
  void lineBreaksInCellsBecomeSpaces() {
    assertThat(Table.withColumns("msg").row("one\ntwo\tthree").render())
        .isEqualTo("MSG\none two three\n");
  }

  @Test
  void rendersNonStringCells() {
    assertThat(Table.withColumns("n", "ok").row(42, true).render()).isEqualTo("N   OK\n42  true\n");
  }

  @Test
  void rejectsRowsOfTheWrongLength() {
    Table table = Table.withColumns("a", "b");
    assertThatThrownBy(() -> table.row("only one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row has 1 cells but the table has 2 columns");
  }

  @Test
  void rejectsATableWithoutColumnsAndTinyWidths() {
    assertThatThrownBy(Table::withColumns).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Table.withColumns("a").maxCellWidth(1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "''{0}'' width {1} -> ''{2}''")
  @CsvSource({
    "abcdef, 6, abcdef",
    "abcdef, 5, abcd…",
    "abcdef, 2, a…",
    "'',     3, ''",
  })
  void truncate(String text, int width, String expected) {
    assertThat(Table.truncate(text, width)).isEqualTo(expected);
  }
}
