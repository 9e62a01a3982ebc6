package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

  @Test
  void prettyPrintedBodiesParseAsCompactOnes() throws IOException {
    String compact = JsonTest.HEALTH;
    String pretty = new com.google.gson.GsonBuilder().setPrettyPrinting()
        .setFormattingStyle(com.google.gson.FormattingStyle.PRETTY.withIndent("        ")).create()
        .toJson(com.google.gson.JsonParser.parseString(compact));

    assertThat(parse(pretty)).isEqualTo(parse(compact));
    assertThat(parse(pretty + "        ")).isEqualTo(parse(compact)); // spaces up to the very end
    assertThat(parse("       [ ]        ")).isEmpty();
    assertThatThrownBy(() -> parse("[        ")).isInstanceOf(java.io.EOFException.class);
  }

  @Test
  void namesAndValuesAroundTheWordBoundaries() throws IOException {
    // Field names of 7, 8, 9 and 17 bytes that share a prefix with ours must not match them; values of 8, 16 and
    // 17 bytes (one or two words, then the middle compared) share only when equal.
    String a16 = "0123456789abcdef";
    String b16 = "0123456789abcdeX";
    String a17 = "0123456789abcdef!";
    String b17 = "01234567Y9abcdef!"; // the same first and last eight bytes as a17
    List<HealthEntry> entries = parse("[{\"Node\":{\"Datacente\":\"x\",\"Datacenterr\":\"y\",\"DatacenterDatacent\":1,"
        + "\"Datacenter\":\"" + a16 + "\",\"Node\":\"" + a17 + "\"},\"Service\":{\"IDs\":\"no\",\"I\":\"no\","
        + "\"ID\":\"" + a16 + "\",\"Service\":\"" + a17 + "\",\"Address\":\"12345678\"},"
        + "\"Checks\":[{\"CheckID\":\"" + b16 + "\",\"Name\":\"" + b17 + "\",\"Output\":\"12345678\"}]}]");

    HealthEntry e = entries.get(0);
    assertThat(e.node().datacenter()).isEqualTo(a16).isSameAs(e.service().id());
    assertThat(e.node().name()).isEqualTo(a17).isSameAs(e.service().name());
    assertThat(e.checks().get(0).checkId()).isEqualTo(b16);
    assertThat(e.checks().get(0).name()).isEqualTo(b17);
    assertThat(e.checks().get(0).output()).isSameAs(e.service().address());
  }

  @Test
  void unicodeEscapesSurrogatePairsAndControlCharacters() throws IOException {
    List<HealthEntry> entries = parse("[{\"Service\":{\"ID\":\"\\ud83d\\ude00 \ud83d\ude01\","
        + "\"Service\":\"tab\\tcr\\rff\\fbs\\bsl\\/q\\\"\",\"Tags\":[\"\\u0041\\u00DF\\u65E5\",\"\u00e9t\u00e9\"],"
        + "\"Meta\":{\"k\\u00e9\":\"\\\\\"}}}]");

    HealthEntry.Service s = entries.get(0).service();
    assertThat(s.id()).isEqualTo("\ud83d\ude00 \ud83d\ude01");
    assertThat(s.name()).isEqualTo("tab\tcr\rff\fbs\bsl/q\"");
    assertThat(s.tags()).containsExactly("A\u00df\u65e5", "\u00e9t\u00e9");
    assertThat(s.meta()).isEqualTo(Map.of("k\u00e9", "\\"));
  }

  @Test
  void numbersReadAsPortsWeightsAndStrings() throws IOException {
    List<HealthEntry> entries = parse("[{\"Service\":{\"Port\":-1,\"Weights\":{\"Passing\":1e1,\"Warning\":\"2.9\"},"
        + "\"Tags\":[0,-3.5e-2,123456789012345678901234]}},{\"Service\":{\"Port\":\"x\",\"Weights\":{\"Passing\":null}}},"
        + "{\"Service\":{\"Port\":65535,\"Weights\":{\"Passing\":10,\"Warning\":1}}},"
        + "{\"Service\":{\"Port\":1,\"Weights\":{\"Passing\":10,\"Warning\":1}}}]");

    assertThat(entries.get(0).service().port()).isEqualTo(-1);
    assertThat(entries.get(0).service().weights()).isEqualTo(new HealthEntry.Weights(10, 2));
    assertThat(entries.get(0).service().tags()).containsExactly("0", "-3.5e-2", "123456789012345678901234");
    assertThat(entries.get(1).service().port()).isZero();
    assertThat(entries.get(1).service().weights()).isSameAs(HealthEntry.Weights.DEFAULT);
    assertThat(entries.get(2).service().port()).isEqualTo(65535);
    assertThat(entries.get(3).service().weights()).isEqualTo(new HealthEntry.Weights(10, 1))
        .isSameAs(entries.get(2).service().weights());
  }

  @Test
  void nestedSkippedValuesBeforeAndAfterTheFieldsRead() throws IOException {
    // "Definition" comes after every check field the parser reads, so the rest of that check is passed over
    // without reading names: brackets and quotes inside strings must not end it early.
    String nested = "{\"a\":[1,{\"b\":\"}]{[\\\"\"},[[],{}]],\"c\":{\"d\":{\"e\":\"\\\\\"}}}";
    List<HealthEntry> entries = parse("[{\"Skip\":" + nested + ",\"Node\":{\"TaggedAddresses\":" + nested
        + ",\"Node\":\"n1\",\"ID\":\"i\",\"Address\":\"a\",\"Datacenter\":\"d\",\"Meta\":{},\"X\":" + nested
        + "},\"Checks\":[{\"CheckID\":\"c1\",\"Name\":\"n\",\"Status\":\"warning\",\"ServiceID\":\"s\",\"Output\":\"o\","
        + "\"Definition\":" + nested + ",\"CreateIndex\":13},{\"Definition\":" + nested + ",\"CheckID\":\"c2\","
        + "\"Status\":\"critical\"}],\"Service\":{\"Proxy\":" + nested + ",\"Port\":1}},{\"Node\":{\"Node\":\"n2\"}}]");

    assertThat(entries).hasSize(2);
    HealthEntry e = entries.get(0);
    assertThat(e.node().name()).isEqualTo("n1");
    assertThat(e.checks()).extracting(HealthEntry.Check::checkId).containsExactly("c1", "c2");
    assertThat(e.checks()).extracting(HealthEntry.Check::status)
        .containsExactly(CheckStatus.WARNING, CheckStatus.CRITICAL);
    assertThat(e.service().port()).isEqualTo(1);
    assertThat(entries.get(1).node().name()).isEqualTo("n2");
  }

  @Test
  void statusesInAnyCaseAndUnknownOnesAreCritical() throws IOException {
    List<HealthEntry> entries = parse("[{\"Checks\":[{\"Status\":\"passing\"},{\"Status\":\"WARNING\"},"
        + "{\"Status\":\"Critical\"},{\"Status\":\"unknown\"},{\"Status\":null},{},"
        + "{\"CheckID\":\"_node_maintenance\",\"Status\":\"critical\"}]}]");

    assertThat(entries.get(0).checks()).extracting(HealthEntry.Check::status).containsExactly(CheckStatus.PASSING,
        CheckStatus.WARNING, CheckStatus.CRITICAL, CheckStatus.CRITICAL, CheckStatus.CRITICAL, CheckStatus.CRITICAL,
        CheckStatus.CRITICAL);
    assertThat(entries.get(0).aggregatedStatus()).isEqualTo(CheckStatus.MAINTENANCE);
  }

  @Test
  void equalTagListsMetaMapsAndWeightsAreShared() throws IOException {
    List<HealthEntry> entries = parse("[{\"Service\":{\"Tags\":[\"a\",\"b\"],\"Meta\":{\"k\":\"v\"}}},"
        + "{\"Service\":{\"Tags\":[\"a\",\"b\"],\"Meta\":{\"k\":\"v\"}}},"
        + "{\"Service\":{\"Tags\":[\"b\",\"a\"],\"Meta\":{\"k\":\"w\"}}}]");

    assertThat(entries.get(1).service().tags()).isSameAs(entries.get(0).service().tags());
    assertThat(entries.get(1).service().meta()).isSameAs(entries.get(0).service().meta());
    assertThat(entries.get(2).service().tags()).containsExactly("b", "a");
    assertThat(entries.get(2).service().meta()).isEqualTo(Map.of("k", "w"));
  }

  @Test
  void malformedInputNamesWhatIsWrong() {
    assertThatThrownBy(() -> parse("{}")).hasMessageContaining("expected a JSON array");
    assertThatThrownBy(() -> parse("[{\"Node\":{\"Node\":\"abc")).isInstanceOf(java.io.EOFException.class)
        .hasMessageContaining("ends inside a string");
    assertThatThrownBy(() -> parse("[{\"Node\":{\"Node\":\"a\\q\"}}]")).hasMessageContaining("bad escape");
    assertThatThrownBy(() -> parse("[{\"Node\":{\"Node\":\"\\u00g0\"}}]")).hasMessageContaining("bad \\u escape");
    assertThatThrownBy(() -> parse("[{\"Node\":{3:1}}]")).hasMessageContaining("expected a field name");
    assertThatThrownBy(() -> parse("[{\"Node\" {}}]")).hasMessageContaining("expected ':'");
    assertThatThrownBy(() -> parse("[{\"Service\":{\"Port\":tru}}]")).hasMessageContaining("unexpected 'tru'");
    assertThatThrownBy(() -> parse("[{\"Service\":{\"Port\":nulll}}]")).hasMessageContaining("unexpected 'nulll'");
    assertThatThrownBy(() -> parse("[{\"Checks\":[{\"CheckID\":\"a\",\"Name\":\"n\",\"Status\":\"passing\","
        + "\"ServiceID\":\"s\",\"Output\":\"o\",\"Definition\":{\"x\":[}"))
        .isInstanceOf(java.io.EOFException.class);
    assertThatThrownBy(() -> parse("[{\"Service\":{\"Tags\":[\"a\",")).isInstanceOf(java.io.EOFException.class);
  }

  /**
   * Random bodies in Consul's shape with strings of every length up to 80 (escapes, control characters, non-ASCII,
   * surrogate pairs), fields in random order among unknown nested ones: the parser must give what a plain walk over
   * Gson's tree gives.
   */
  @Test
  void randomBodiesParseAsGsonReadsThem() throws IOException {
    Random random = new Random(15);
    for (int round = 0; round < 200; round++) {
      String body = randomBody(random, 1 + random.nextInt(8));
      assertThat(parse(body)).as(body).isEqualTo(reference(body));
    }
  }

  private static String randomBody(Random random, int n) throws IOException {
    StringWriter out = new StringWriter();
    JsonWriter w = new JsonWriter(out);
    w.beginArray();
    for (int i = 0; i < n; i++) {
      w.beginObject();
      List<Runnable> parts = new ArrayList<>();
      parts.add(() -> field(w, "Node", () -> object(w, random, new String[] {"ID", "Node", "Address", "Datacenter"},
          "Meta", null)));
      parts.add(() -> field(w, "Service", () -> object(w, random, new String[] {"ID", "Service", "Address"}, "Meta",
          "Tags")));
      parts.add(() -> field(w, "Checks", () -> {
        w.beginArray();
        for (int c = random.nextInt(3); c > 0; c--) {
          object(w, random, new String[] {"CheckID", "Name", "ServiceID", "Output"}, null, null);
        }
        w.endArray();
      }));
      parts.add(() -> field(w, "Extra", () -> unknown(w, random, 3)));
      java.util.Collections.shuffle(parts, random);
      parts.forEach(Runnable::run);
      w.endObject();
    }
    w.endArray();
    w.close();
    return out.toString();
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void field(JsonWriter w, String name, IoAction value) {
    try {
      w.name(name);
      value.run();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void object(JsonWriter w, Random random, String[] strings, String map, String list)
      throws IOException {
    Map<String, IoAction> fields = new LinkedHashMap<>();
    for (String s : strings) {
      fields.put(s, () -> w.value(randomString(random)));
    }
    if (map != null) {
      fields.put(map, () -> {
        w.beginObject();
        for (int k = random.nextInt(4); k > 0; k--) {
          w.name(randomString(random)).value(randomString(random));
        }
        w.endObject();
      });
    }
    if (list != null) {
      fields.put(list, () -> {
        w.beginArray();
        for (int k = random.nextInt(4); k > 0; k--) {
          w.value(random.nextInt(3) == 0 ? "v1" : randomString(random));
        }
        w.endArray();
      });
      fields.put("Port", () -> w.value(random.nextInt(65536)));
      fields.put("Weights", () -> w.beginObject().name("Passing").value(random.nextInt(20))
          .name("Warning").value(random.nextInt(20)).endObject());
    }
    if (strings[0].equals("CheckID")) {
      fields.put("Status", () -> w.value(List.of("passing", "warning", "critical").get(random.nextInt(3))));
    }
    for (int k = random.nextInt(3); k > 0; k--) {
      fields.put("Unknown" + k, () -> unknown(w, random, 2));
    }
    List<Map.Entry<String, IoAction>> order = new ArrayList<>(fields.entrySet());
    java.util.Collections.shuffle(order, random);
    w.beginObject();
    for (Map.Entry<String, IoAction> f : order) {
      w.name(f.getKey());
      f.getValue().run();
    }
    w.endObject();
  }

  private static void unknown(JsonWriter w, Random random, int depth) throws IOException {
    switch (depth == 0 ? random.nextInt(4) : random.nextInt(6)) {
      case 0 -> w.value(randomString(random));
      case 1 -> w.value(random.nextGaussian() * 1e6);
      case 2 -> w.value(random.nextBoolean());
      case 3 -> w.nullValue();
      case 4 -> {
        w.beginArray();
        for (int k = random.nextInt(3); k > 0; k--) {
          unknown(w, random, depth - 1);
        }
        w.endArray();
      }
      default -> {
        w.beginObject();
        for (int k = random.nextInt(3); k > 0; k--) {
          w.name(randomString(random));
          unknown(w, random, depth - 1);
        }
        w.endObject();
      }
    }
  }

  private static final String[] PIECES = {"a", "Z", "0", "-", ".", ":", " ", "\"", "\\", "/", "\n", "\u0001", "\u007f",
      "\u00e9", "\u65e5", "\ud83d\ude00", "{", "}", "[", "]", ","};

  private static String randomString(Random random) {
    int length = random.nextInt(4) == 0 ? random.nextInt(81) : random.nextInt(20);
    boolean plain = random.nextBoolean();
    StringBuilder s = new StringBuilder();
    while (s.length() < length) {
      s.append(plain ? PIECES[random.nextInt(5)] : PIECES[random.nextInt(PIECES.length)]);
    }
    return s.toString();
  }

  /** A plain walk over Gson's tree, with {@link HealthEntry}'s rules for absent values. */
  private static List<HealthEntry> reference(String body) {
    JsonArray array = JsonParser.parseString(body).getAsJsonArray();
    List<HealthEntry> entries = new ArrayList<>();
    for (JsonElement el : array) {
      JsonObject o = el.getAsJsonObject();
      JsonObject n = o.has("Node") ? o.getAsJsonObject("Node") : new JsonObject();
      JsonObject s = o.has("Service") ? o.getAsJsonObject("Service") : new JsonObject();
      HealthEntry.Node node = new HealthEntry.Node(str(n, "ID"), str(n, "Node"), str(n, "Address"),
          str(n, "Datacenter"), map(n, "Meta"));
      List<String> tags = null;
      if (s.has("Tags")) {
        tags = new ArrayList<>();
        for (JsonElement t : s.getAsJsonArray("Tags")) {
          tags.add(t.getAsString());
        }
      }
      HealthEntry.Weights weights = null;
      if (s.has("Weights")) {
        JsonObject wt = s.getAsJsonObject("Weights");
        weights = new HealthEntry.Weights(wt.get("Passing").getAsInt(), wt.get("Warning").getAsInt());
      }
      HealthEntry.Service service = new HealthEntry.Service(str(s, "ID"), str(s, "Service"), str(s, "Address"),
          s.has("Port") ? s.get("Port").getAsInt() : 0, tags, map(s, "Meta"), weights);
      List<HealthEntry.Check> checks = new ArrayList<>();
      if (o.has("Checks")) {
        for (JsonElement c : o.getAsJsonArray("Checks")) {
          JsonObject co = c.getAsJsonObject();
          checks.add(new HealthEntry.Check(str(co, "CheckID"), str(co, "Name"),
              CheckStatus.fromWire(str(co, "Status")), str(co, "ServiceID"), str(co, "Output")));
        }
      }
      entries.add(new HealthEntry(node, service, checks));
    }
    return entries;
  }

  private static String str(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  private static Map<String, String> map(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null) {
      return null;
    }
    Map<String, String> m = new LinkedHashMap<>();
    e.getAsJsonObject().entrySet().forEach(en -> m.put(en.getKey(), en.getValue().getAsString()));
    return m;
  }
}
