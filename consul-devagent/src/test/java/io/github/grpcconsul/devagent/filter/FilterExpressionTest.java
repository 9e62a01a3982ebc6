package io.github.grpcconsul.devagent.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour beyond the recorded go-bexpr cases: documentation examples, JSON shapes, robustness. */
class FilterExpressionTest {
  private static final JsonElement ENTRY = JsonParser.parseString("""
      {"Node": {"Node": "devhost", "Address": "127.0.0.1", "Datacenter": "dc1",
                "Meta": {"rack": "r1-b"}, "Locality": null},
       "Service": {"ID": "web-1", "Service": "web", "Tags": ["v1"], "Meta": {"env": "qa"}, "Port": 8080,
                   "Weights": {"Passing": 1, "Warning": 1}},
       "Checks": [{"CheckID": "serfHealth", "Status": "passing", "ServiceTags": []},
                  {"CheckID": "service:web-1", "Status": "warning", "ServiceTags": ["v1"]}]}
      """);

  static Stream<Arguments> documentationExamples() {
    return Stream.of(
        Arguments.of("\"v1\" in Service.Tags and Service.Meta.env == \"qa\"", true),
        // any-semantics: true because one check is not critical
        Arguments.of("Checks.Status != \"critical\"", true),
        Arguments.of("not (Checks.Status == \"critical\")", true),
        Arguments.of("Checks.Status != \"passing\"", true),
        Arguments.of("not (Checks.Status != \"passing\")", false),
        Arguments.of("Node.Meta[\"rack\"] matches \"^r1\"", true),
        Arguments.of("Service.Meta.env == qa and Node.Datacenter == dc1", true));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("documentationExamples")
  void documentationExamples(String expression, boolean expected) {
    assertThat(FilterExpression.parse(expression, FilterSchema.HEALTH_SERVICE).matches(ENTRY)).isEqualTo(expected);
  }

  static Stream<Arguments> absentOrNullFieldsAreGoZeroValues() {
    return Stream.of(
        Arguments.of("Node.Locality.Region == \"\"", true),
        Arguments.of("Service.Kind == \"\"", true),
        Arguments.of("Service.Port != 0", true),
        Arguments.of("Service.EnableTagOverride == false", true),
        Arguments.of("Service.TaggedAddresses is empty", true),
        Arguments.of("Service.Proxy.Upstreams is empty", true),
        Arguments.of("Service.Proxy.Upstreams.LocalBindPort == 0", false),
        Arguments.of("Checks.Output == \"\"", true),
        Arguments.of("Node.TaggedAddresses.lan == \"127.0.0.1\"", false));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("absentOrNullFieldsAreGoZeroValues")
  void absentOrNullFieldsAreGoZeroValues(String expression, boolean expected) {
    assertThat(FilterExpression.parse(expression, FilterSchema.HEALTH_SERVICE).matches(ENTRY)).isEqualTo(expected);
  }

  @Test
  void nonObjectItemsMatchOnlyWhatZeroValuesMatch() {
    FilterExpression empty = FilterExpression.parse("Checks is empty", FilterSchema.HEALTH_SERVICE);
    assertThat(empty.matches(JsonParser.parseString("null"))).isTrue();
    assertThat(empty.matches(JsonParser.parseString("{}"))).isTrue();
    assertThat(FilterExpression.parse("Service.Service == web", FilterSchema.HEALTH_SERVICE)
        .matches(JsonParser.parseString("{}"))).isFalse();
  }

  @Test
  void toStringIsTheSourceText() {
    String source = "  Service.Service == web  ";
    assertThat(FilterExpression.parse(source, FilterSchema.HEALTH_SERVICE)).hasToString(source);
  }

  @Test
  void rejectsNullArguments() {
    assertThatThrownBy(() -> FilterExpression.parse(null, FilterSchema.HEALTH_SERVICE))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> FilterExpression.parse("Service.Port == 1", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  @Timeout(10)
  void deeplyNestedParenthesesParseInLinearTime() {
    // Without the parser's memoization, 128 levels would take exponential time and hit the timeout.
    int levels = FilterExpression.MAX_NESTING;
    String expression = "(".repeat(levels) + "Service.Port == 8080" + ")".repeat(levels);
    assertThat(FilterExpression.parse(expression, FilterSchema.HEALTH_SERVICE).matches(ENTRY)).isTrue();
    String unbalanced = "(".repeat(levels) + "Service.Port == 8080" + ")".repeat(levels - 1);
    assertThatThrownBy(() -> FilterExpression.parse(unbalanced, FilterSchema.HEALTH_SERVICE))
        .hasMessageContaining("Unmatched parentheses");
  }

  @Test
  void nestingBeyondTheLimitIsRejectedWhateverTheStack() {
    String tooDeep = "(".repeat(FilterExpression.MAX_NESTING + 1) + "Service.Port == 8080"
        + ")".repeat(FilterExpression.MAX_NESTING + 1);
    assertThatThrownBy(() -> FilterExpression.parse(tooDeep, FilterSchema.HEALTH_SERVICE))
        .isInstanceOf(FilterException.class)
        .hasMessageContaining("nested too deeply: 129 levels");
    // Parentheses inside string literals are data, not nesting.
    String quoted = "Service.Meta.k == \"" + "(".repeat(500) + "\" or Service.Meta.k == `" + "(".repeat(500) + "`";
    assertThat(FilterExpression.parse(quoted, FilterSchema.HEALTH_SERVICE).matches(ENTRY)).isFalse();
  }

  @Test
  @Timeout(30)
  void pathologicalNestingIsAFilterExceptionNotAStackOverflow() {
    String expression = "(".repeat(200_000) + "Service.Port == 8080" + ")".repeat(200_000);
    assertThatThrownBy(() -> FilterExpression.parse(expression, FilterSchema.HEALTH_SERVICE))
        .isInstanceOf(FilterException.class)
        .hasMessageContaining("nested too deeply");
  }

  @Test
  @Timeout(10)
  void longChainsEvaluate() {
    String expression = String.join(" and ", java.util.Collections.nCopies(500, "Service.Port == 8080"))
        + " or " + String.join(" or ", java.util.Collections.nCopies(500, "Service.Port == 1"));
    assertThat(FilterExpression.parse(expression, FilterSchema.HEALTH_SERVICE).matches(ENTRY)).isTrue();
  }

  @Test
  void isSafeToShareBetweenThreads() throws Exception {
    FilterExpression filter = FilterExpression.parse("Checks.Status == warning and v1 in Service.Tags",
        FilterSchema.HEALTH_SERVICE);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      var futures = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
      for (int i = 0; i < 200; i++) {
        futures.add(pool.submit(() -> filter.matches(ENTRY)));
      }
      for (var f : futures) {
        assertThat(f.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void goRegexSpellingsAreAccepted() {
    JsonElement item = JsonParser.parseString("{\"Service\": {\"ID\": \"web-12\"}}");
    assertThat(FilterExpression.parse("Service.ID matches `^(?P<n>[[:alpha:]]+)-\\d+$`",
        FilterSchema.HEALTH_SERVICE).matches(item)).isTrue();
    assertThat(FilterExpression.parse("Service.ID matches `^[[:^digit:]]+$`",
        FilterSchema.HEALTH_SERVICE).matches(item)).isFalse();
  }
}
