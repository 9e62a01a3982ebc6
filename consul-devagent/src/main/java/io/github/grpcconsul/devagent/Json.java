package io.github.grpcconsul.devagent;

import com.google.gson.FormattingStyle;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/** JSON in and out the way {@code consul agent -dev} does it: 4-space pretty printing, strict input. */
final class Json {
  private Json() {}

  // Go's encoding/json escapes <, > and & like Gson's default HTML escaping; dev mode always pretty-prints.
  private static final Gson PRETTY = new GsonBuilder()
      .serializeNulls()
      .setFormattingStyle(FormattingStyle.PRETTY.withIndent("    "))
      .create();

  static byte[] write(JsonElement element) {
    return (PRETTY.toJson(element) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Parses a request body; errors become Consul's 400 "Request decode failed: ...". */
  static JsonElement parseBody(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw ApiException.badRequest(Texts.DECODE_FAILED + "EOF");
    }
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      return JsonParser.parseReader(reader);
    } catch (JsonParseException | IllegalStateException | StackOverflowError e) {
      throw ApiException.badRequest(Texts.DECODE_FAILED + goStyle(e));
    }
  }

  private static String goStyle(Throwable e) {
    String m = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
    if (m == null) {
      return "invalid character in JSON input";
    }
    if (m.contains("End of input")) {
      return "unexpected EOF";
    }
    int hint = m.indexOf("\nSee https");
    if (hint > 0) {
      m = m.substring(0, hint);
    }
    m = m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
    return "invalid character: " + m;
  }

  static JsonArray strings(Collection<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }

  /** A string map, or JSON null when {@code map} is null (Consul emits null for unset catalog Meta). */
  static JsonElement stringMap(Map<String, String> map) {
    if (map == null) {
      return JsonNull.INSTANCE;
    }
    JsonObject o = new JsonObject();
    map.forEach(o::addProperty);
    return o;
  }
}
