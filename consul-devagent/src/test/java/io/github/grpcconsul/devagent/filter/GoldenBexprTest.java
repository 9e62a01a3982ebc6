package io.github.grpcconsul.devagent.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case recorded from go-bexpr v0.1.2 itself (see src/test/resources/filter/README.md): the same expression must
 * give the same error text, or the same result on each fixture entry.
 */
class GoldenBexprTest {
  private static final Gson GSON = new Gson();
  private static final JsonArray ENTRIES =
      JsonParser.parseString(resource("filter/health-service-entries.json")).getAsJsonArray();

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (String line : resource("filter/bexpr-v0.1.2-health-service.tsv").split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split("\t", 3);
      String expression = GSON.fromJson(parts[0], String.class);
      String expected = parts[1].equals("ERR") ? GSON.fromJson(parts[2], String.class) : parts[2];
      cases.add(Arguments.of(expression, parts[1], expected));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cases")
  void behavesLikeGoBexpr(String expression, String outcome, String expected) {
    if (outcome.equals("ERR")) {
      assertThatThrownBy(() -> FilterExpression.parse(expression, FilterSchema.HEALTH_SERVICE))
          .isInstanceOf(FilterException.class)
          .hasMessage(expected);
      return;
    }
    FilterExpression filter = FilterExpression.parse(expression, FilterSchema.HEALTH_SERVICE);
    List<String> results = new ArrayList<>();
    for (JsonElement entry : ENTRIES) {
      results.add(String.valueOf(filter.matches(entry)));
    }
    assertThat(String.join(",", results)).isEqualTo(expected);
    assertThat(filter).hasToString(expression);
  }

  private static String resource(String name) {
    try (InputStream in = GoldenBexprTest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
