package io.github.grpcconsul.internal.consul;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lenient token readers shared by the response parsers: nulls and unexpected types read as absent.
 *
 * <p>Threading: stateless static functions over a caller-owned {@code JsonReader}, used on the HTTP completion
 * thread; they never block (the body is already in memory).
 */
final class JsonReaders {
  private JsonReaders() {}

  /** Reads one field of an object that a shared reader does not know. */
  interface FieldReader {
    /** Returns false, without consuming the value, when the field is not one this reader wants. */
    boolean read(String name, JsonReader r) throws IOException;
  }

  /**
   * Returns true (after consuming the value) when the next value is null or not of the expected kind, so the caller
   * treats the field as absent.
   */
  static boolean nullOrSkip(JsonReader r, JsonToken expected) throws IOException {
    JsonToken t = r.peek();
    if (t == expected) {
      return false;
    }
    r.skipValue();
    return true;
  }

  static String string(JsonReader r) throws IOException {
    JsonToken t = r.peek();
    if (t == JsonToken.STRING || t == JsonToken.NUMBER) {
      return r.nextString();
    }
    if (t == JsonToken.BOOLEAN) {
      return Boolean.toString(r.nextBoolean());
    }
    r.skipValue();
    return null;
  }

  static long number(JsonReader r, long absent) throws IOException {
    JsonToken t = r.peek();
    if (t == JsonToken.NUMBER || t == JsonToken.STRING) {
      String s = r.nextString();
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        try {
          return (long) Double.parseDouble(s);
        } catch (NumberFormatException e2) {
          return absent;
        }
      }
    }
    r.skipValue();
    return absent;
  }

  static boolean bool(JsonReader r) throws IOException {
    if (r.peek() == JsonToken.BOOLEAN) {
      return r.nextBoolean();
    }
    r.skipValue();
    return false;
  }

  static List<String> stringList(JsonReader r) throws IOException {
    if (nullOrSkip(r, JsonToken.BEGIN_ARRAY)) {
      return null;
    }
    List<String> list = new ArrayList<>(4);
    r.beginArray();
    while (r.hasNext()) {
      String s = string(r);
      if (s != null) {
        list.add(s);
      }
    }
    r.endArray();
    return list;
  }

  static Map<String, String> stringMap(JsonReader r) throws IOException {
    if (nullOrSkip(r, JsonToken.BEGIN_OBJECT)) {
      return null;
    }
    Map<String, String> map = new HashMap<>();
    r.beginObject();
    while (r.hasNext()) {
      String k = r.nextName();
      String v = string(r);
      map.put(k, v == null ? "" : v);
    }
    r.endObject();
    return map;
  }

  static HealthEntry.Weights weights(JsonReader r) throws IOException {
    if (nullOrSkip(r, JsonToken.BEGIN_OBJECT)) {
      return null;
    }
    int passing = 1;
    int warning = 1;
    r.beginObject();
    while (r.hasNext()) {
      String k = r.nextName();
      if (k.equals(ConsulJson.PASSING)) {
        passing = (int) number(r, 1);
      } else if (k.equals(ConsulJson.WARNING)) {
        warning = (int) number(r, 1);
      } else {
        r.skipValue();
      }
    }
    r.endObject();
    return new HealthEntry.Weights(passing, warning);
  }

  /**
   * Reads the fields Consul's health and agent answers share for a service ({@code structs.NodeService},
   * {@code api.AgentService}) from the object that comes next. Fields it does not know go to {@code others} (may be
   * null) and are skipped when that does not take them.
   */
  static HealthEntry.Service service(JsonReader r, FieldReader others) throws IOException {
    String id = null;
    String name = null;
    String address = null;
    int port = 0;
    List<String> tags = null;
    Map<String, String> meta = null;
    HealthEntry.Weights weights = null;
    r.beginObject();
    while (r.hasNext()) {
      String field = r.nextName();
      switch (field) {
        case ConsulJson.ID:
          id = string(r);
          break;
        case ConsulJson.SERVICE:
          name = string(r);
          break;
        case ConsulJson.ADDRESS:
          address = string(r);
          break;
        case ConsulJson.PORT:
          port = (int) number(r, 0);
          break;
        case ConsulJson.TAGS:
          tags = stringList(r);
          break;
        case ConsulJson.META:
          meta = stringMap(r);
          break;
        case ConsulJson.WEIGHTS:
          weights = weights(r);
          break;
        default:
          if (others == null || !others.read(field, r)) {
            r.skipValue();
          }
      }
    }
    r.endObject();
    return new HealthEntry.Service(id, name, address, port, tags, meta, weights);
  }
}
