package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * GoDuration against Go's own results: every row of {@code interop/goduration/testdata/go-durations.tsv}, written by
 * {@code interop/cmd/godurationtable} from Go's {@code time} package (and checked to be still Go's by the interop
 * module's Go test). grpc-consul and consul-devagent run this same table against their own copy of the parser.
 */
class GoDurationTableTest {
  static final Path TABLE = Path.of("..", "interop", "goduration", "testdata", "go-durations.tsv");

  static List<String[]> rows(String kind) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(TABLE, StandardCharsets.UTF_8)) {
      if (!line.startsWith("#") && line.startsWith(kind + "\t")) {
        rows.add(line.split("\t", -1));
      }
    }
    return rows;
  }

  @TestFactory
  List<DynamicTest> parse_givesGosResultForEveryRow() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    List<String[]> rows = rows("parse");
    assertThat(rows).hasSizeGreaterThan(100);
    for (String[] row : rows) {
      String input = row[1];
      tests.add(DynamicTest.dynamicTest("\"" + input + "\" -> " + row[3], () -> {
        if (row[2].equals("ok")) {
          assertThat(GoDuration.parse(input)).isEqualTo(Duration.ofNanos(Long.parseLong(row[3])));
        } else {
          assertThatThrownBy(() -> GoDuration.parse(input))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage(row[3]);
        }
      }));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> format_isGosDurationString() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    List<String[]> rows = rows("string");
    assertThat(rows).isNotEmpty();
    for (String[] row : rows) {
      Duration d = Duration.ofNanos(Long.parseLong(row[1]));
      tests.add(DynamicTest.dynamicTest(row[1] + "ns -> " + row[2], () -> {
        assertThat(GoDuration.format(d)).isEqualTo(row[2]);
        assertThat(GoDuration.parse(row[2])).isEqualTo(d);
      }));
    }
    return tests;
  }
}
