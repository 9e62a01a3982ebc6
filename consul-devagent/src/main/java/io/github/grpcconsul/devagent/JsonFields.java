package io.github.grpcconsul.devagent;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of one JSON object decoded like Go's encoding/json with DisallowUnknownFields: keys match the known
 * names case-insensitively (snake_case aliases as separate names), unknown keys fail, null means "not set".
 */
final class JsonFields {
  private final String structName;
  private final Map<String, JsonElement> values = new HashMap<>();

  private JsonFields(String structName) {
    this.structName = structName;
  }

  /**
   * Decodes {@code element} as the Go struct {@code structName}. Each entry of {@code names} is a canonical name,
   * optionally followed by aliases after '|' ("DeregisterCriticalServiceAfter|deregister_critical_service_after").
   */
  static JsonFields decode(JsonElement element, String structName, String... names) {
    JsonFields f = new JsonFields(structName);
    if (element == null || element.isJsonNull()) {
      return f;
    }
    if (!element.isJsonObject()) {
      throw decodeError("json: cannot unmarshal " + kind(element) + " into Go value of type " + structName);
    }
    Map<String, String> exact = new HashMap<>();
    Map<String, String> folded = new HashMap<>();
    for (String spec : names) {
      String[] parts = spec.split("\\|");
      for (String p : parts) {
        exact.put(p, parts[0]);
        folded.putIfAbsent(p.toLowerCase(Locale.ROOT), parts[0]);
      }
    }
    for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
      String canonical = exact.get(e.getKey());
      if (canonical == null) {
        canonical = folded.get(e.getKey().toLowerCase(Locale.ROOT));
      }
      if (canonical == null) {
        throw decodeError("json: unknown field \"" + e.getKey() + "\"");
      }
      if (!e.getValue().isJsonNull()) {
        f.values.put(canonical, e.getValue());
      }
    }
    return f;
  }

  static ApiException decodeError(String goError) {
    return ApiException.badRequest(Texts.DECODE_FAILED + goError);
  }

  private static String kind(JsonElement e) {
    if (e.isJsonObject()) {
      return "object";
    } else if (e.isJsonArray()) {
      return "array";
    } else if (e.isJsonNull()) {
      return "null";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    return p.isBoolean() ? "bool" : p.isNumber() ? "number" : "string";
  }

  private ApiException typeError(String name, JsonElement e, String goType) {
    return decodeError("json: cannot unmarshal " + kind(e) + " into Go struct field " + structName + "." + name
        + " of type " + goType);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  JsonElement raw(String name) {
    return values.get(name);
  }

  String string(String name) {
    JsonElement e = values.get(name);
    if (e == null) {
      return "";
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw typeError(name, e, "string");
    }
    return intern(e.getAsString());
  }

  /**
   * Decoded strings repeat across thousands of registrations (service names, tags, addresses, meta, check types):
   * the JVM's string table keeps one copy of each while any entry uses it, and drops it after.
   */
  static String intern(String s) {
    return s.intern();
  }

  /** A LinkedHashMap (order kept) whose table fits {@code size} entries instead of the default 16. */
  static <K, V> LinkedHashMap<K, V> sizedMap(int size) {
    return new LinkedHashMap<>(Math.max(2, (int) Math.ceil(size / 0.75)));
  }

  long integer(String name, long dflt) {
    JsonElement e = values.get(name);
    if (e == null) {
      return dflt;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw typeError(name, e, "int");
    }
    try {
      return e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
    } catch (ArithmeticException ex) {
      throw decodeError("json: cannot unmarshal number " + e.getAsString() + " into Go struct field " + structName
          + "." + name + " of type int");
    }
  }

  boolean bool(String name) {
    JsonElement e = values.get(name);
    if (e == null) {
      return false;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw typeError(name, e, "bool");
    }
    return e.getAsBoolean();
  }

  /** A Go duration string or a number of nanoseconds; {@code Duration.ZERO} when unset. */
  Duration duration(String name) {
    JsonElement e = values.get(name);
    if (e == null) {
      return Duration.ZERO;
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      return Duration.ofNanos(integer(name, 0));
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
      String s = e.getAsString();
      if (s.isEmpty()) {
        return Duration.ZERO;
      }
      try {
        return GoDuration.parse(s);
      } catch (IllegalArgumentException ex) {
        throw decodeError(ex.getMessage());
      }
    }
    throw typeError(name, e, "time.Duration");
  }

  List<String> strings(String name) {
    JsonElement e = values.get(name);
    List<String> out = new ArrayList<>();
    if (e == null) {
      return out;
    }
    if (!e.isJsonArray()) {
      throw typeError(name, e, "[]string");
    }
    for (JsonElement item : e.getAsJsonArray()) {
      if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
        throw typeError(name, item, "string");
      }
      out.add(intern(item.getAsString()));
    }
    return out;
  }

  /** A map of strings, or null when unset (Consul keeps "null" for unset Meta in the catalog). */
  Map<String, String> stringMap(String name) {
    JsonElement e = values.get(name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw typeError(name, e, "map[string]string");
    }
    Map<String, String> out = sizedMap(e.getAsJsonObject().size());
    for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
      JsonElement v = entry.getValue();
      if (v.isJsonNull()) {
        out.put(intern(entry.getKey()), "");
      } else if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
        out.put(intern(entry.getKey()), intern(v.getAsString()));
      } else {
        throw typeError(name, v, "string");
      }
    }
    return out;
  }

  /** A map of string lists (HTTP check headers). */
  Map<String, List<String>> stringListMap(String name) {
    JsonElement e = values.get(name);
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (e == null) {
      return out;
    }
    if (!e.isJsonObject()) {
      throw typeError(name, e, "map[string][]string");
    }
    for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
      List<String> list = new ArrayList<>();
      if (!entry.getValue().isJsonArray()) {
        throw typeError(name, entry.getValue(), "[]string");
      }
      for (JsonElement item : entry.getValue().getAsJsonArray()) {
        list.add(item.isJsonNull() ? "" : item.getAsString());
      }
      out.put(entry.getKey(), list);
    }
    return out;
  }

  JsonObject object(String name) {
    JsonElement e = values.get(name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw typeError(name, e, "struct");
    }
    return e.getAsJsonObject();
  }

  JsonArray array(String name) {
    JsonElement e = values.get(name);
    if (e == null) {
      return null;
    }
    if (!e.isJsonArray()) {
      throw typeError(name, e, "[]struct");
    }
    return e.getAsJsonArray();
  }
}
