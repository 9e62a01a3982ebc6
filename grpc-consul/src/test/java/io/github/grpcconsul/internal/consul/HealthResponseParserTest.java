package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The byte-level paths of the health parser that {@link JsonTest}'s capture does not reach. */
class HealthResponseParserTest {

  private static List<HealthEntry> parse(String json) throws IOException {
    return HealthResponseParser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void escapesNonAsciiAndEscapedFieldNames() throws IOException {
    List<HealthEntry> entries = parse("[{\"Node\":{\"Node\":\"n\\u00e9\\\"1\\\\\",\"Address\":\"10.0.0.1\","
        + "\"Meta\":{\"r\u00e4ck\":\"a\\/b\\n\",\"z\":null}},\"Serv\\u0069ce\":{\"ID\":\"\u65e5\u672c-1\","
        + "\"Port\":\"8080\",\"Tags\":[\"x\",null,7,true]}}]");

    HealthEntry e = entries.get(0);
    assertThat(e.node().name()).isEqualTo("n\u00e9\"1\\");
    assertThat(e.node().meta()).isEqualTo(Map.of("r\u00e4ck", "a/b\n", "z", ""));
    assertThat(e.service().id()).isEqualTo("\u65e5\u672c-1");
    assertThat(e.service().port()).isEqualTo(8080);
    assertThat(e.service().tags()).containsExactly("x", "7", "true");
  }

  @Test
  void numbersAndOddShapesReadLeniently() throws IOException {
    List<HealthEntry> entries = parse(" [ 1, \"x\", null, {\"Node\":\"not an object\",\"Service\":{\"Port\":8.9e2,"
        + "\"Weights\":{\"Passing\":\"3\",\"Warning\":-2},\"Meta\":{\"k\":\"1\",\"k\":\"2\"},"
        + "\"Skip\":[{\"a\":[1,2,{\"b\":\"]}\"}]},-0.5,false]},\"Checks\":[null,{\"CheckID\":42,\"Status\":\"Passing\"}]}"
        + " ]\n");

    assertThat(entries).hasSize(1);
    HealthEntry e = entries.get(0);
    assertThat(e.node().name()).isEmpty();
    assertThat(e.service().port()).isEqualTo(890);
    assertThat(e.service().weights()).isEqualTo(new HealthEntry.Weights(3, -2));
    assertThat(e.service().meta()).isEqualTo(Map.of("k", "2"));
    assertThat(e.checks()).singleElement().satisfies(c -> {
      assertThat(c.checkId()).isEqualTo("42");
      assertThat(c.status()).isEqualTo(CheckStatus.PASSING);
    });
  }

  @Test
  void equalStringsAreSharedWithinOneResponse() throws IOException {
    List<HealthEntry> entries = parse("[{\"Node\":{\"Datacenter\":\"dc1\"}},{\"Node\":{\"Datacenter\":\"dc1\"}}]");

    assertThat(entries.get(1).node().datacenter()).isSameAs(entries.get(0).node().datacenter());
  }

  @Test
  void streamsAndReadersGiveTheSameEntries() throws IOException {
    byte[] body = JsonTest.HEALTH.getBytes(StandardCharsets.UTF_8);

    assertThat(HealthResponseParser.parse(new ByteArrayInputStream(body))).isEqualTo(HealthResponseParser.parse(body));
    assertThat(HealthResponseParser.parse(new StringReader(JsonTest.HEALTH)))
        .isEqualTo(HealthResponseParser.parse(body));
  }

  @Test
  void truncatedOrBrokenBodiesAreErrors() {
    for (String bad : List.of("", "[", "[{\"Node\":{\"Node\":\"abc", "[{\"Service\":{\"Tags\":[\"a\",",
        "[{\"Node\":{\"Meta\":{\"k\" \"v\"}}}]", "[{\"Service\":{\"Port\":nope}}]", "[{\"Node\":{\"Node\":\"\\x\"}}]",
        "[{\"Node\":{\"Node\":\"\\u12\"}}]", "[{\"Skip\":{\"a\":[1,2}", "\"text\"", "42")) {
      assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(IOException.class);
    }
  }
}
