package io.github.grpcconsul.internal.consul;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Streaming parser for {@code GET /v1/health/service/:name} bodies: reads Gson tokens straight into
 * {@link HealthEntry} values, with no intermediate JSON tree. Unknown fields are skipped and JSON nulls read as
 * absent, so fields Consul adds later do no harm.
 *
 * <p><i>Internal, not a stable API</i>: public only so the benchmarks module can measure it.
 */
public final class HealthResponseParser {
  private HealthResponseParser() {}

  /** Parses a UTF-8 body. */
  public static List<HealthEntry> parse(byte[] body) throws IOException {
    // One bulk decode (an intrinsic for ASCII, which Consul's JSON nearly always is) beats decoding through an
    // InputStreamReader char by char.
    return parse(new StringReader(new String(body, StandardCharsets.UTF_8)));
  }

  /** Parses a UTF-8 body from a stream (not closed). */
  public static List<HealthEntry> parse(InputStream body) throws IOException {
    return parse(new InputStreamReader(body, StandardCharsets.UTF_8));
  }

  /** Parses a body from a reader (not closed). */
  public static List<HealthEntry> parse(Reader body) throws IOException {
    JsonReader r = new JsonReader(body);
    List<HealthEntry> entries = new ArrayList<>();
    JsonToken first = r.peek();
    if (first == JsonToken.NULL) {
      return entries;
    }
    if (first != JsonToken.BEGIN_ARRAY) {
      // An object or a string here means this is not a health response; an empty list would wrongly say "no
      // instances".
      throw new IOException("expected a JSON array of health entries but found " + first);
    }
    r.beginArray();
    while (r.hasNext()) {
      if (r.peek() != JsonToken.BEGIN_OBJECT) {
        r.skipValue();
        continue;
      }
      entries.add(entry(r));
    }
    r.endArray();
    return entries;
  }

  private static HealthEntry entry(JsonReader r) throws IOException {
    HealthEntry.Node node = null;
    HealthEntry.Service service = null;
    List<HealthEntry.Check> checks = List.of();
    r.beginObject();
    while (r.hasNext()) {
      String name = r.nextName();
      if (name.equals(ConsulJson.NODE) && !JsonReaders.nullOrSkip(r, JsonToken.BEGIN_OBJECT)) {
        node = node(r);
      } else if (name.equals(ConsulJson.SERVICE) && !JsonReaders.nullOrSkip(r, JsonToken.BEGIN_OBJECT)) {
        service = JsonReaders.service(r, null);
      } else if (name.equals(ConsulJson.CHECKS) && !JsonReaders.nullOrSkip(r, JsonToken.BEGIN_ARRAY)) {
        checks = checks(r);
      } else if (!name.equals(ConsulJson.NODE) && !name.equals(ConsulJson.SERVICE)
          && !name.equals(ConsulJson.CHECKS)) {
        r.skipValue();
      }
    }
    r.endObject();
    if (node == null) {
      node = new HealthEntry.Node(null, null, null, null, null);
    }
    if (service == null) {
      service = new HealthEntry.Service(null, null, null, 0, null, null, null);
    }
    return new HealthEntry(node, service, checks);
  }

  private static HealthEntry.Node node(JsonReader r) throws IOException {
    String id = null;
    String name = null;
    String address = null;
    String datacenter = null;
    Map<String, String> meta = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case ConsulJson.ID:
          id = JsonReaders.string(r);
          break;
        case ConsulJson.NODE:
          name = JsonReaders.string(r);
          break;
        case ConsulJson.ADDRESS:
          address = JsonReaders.string(r);
          break;
        case ConsulJson.DATACENTER:
          datacenter = JsonReaders.string(r);
          break;
        case ConsulJson.META:
          meta = JsonReaders.stringMap(r);
          break;
        default:
          r.skipValue();
      }
    }
    r.endObject();
    return new HealthEntry.Node(id, name, address, datacenter, meta);
  }

  private static List<HealthEntry.Check> checks(JsonReader r) throws IOException {
    List<HealthEntry.Check> checks = new ArrayList<>(4);
    r.beginArray();
    while (r.hasNext()) {
      if (JsonReaders.nullOrSkip(r, JsonToken.BEGIN_OBJECT)) {
        continue;
      }
      checks.add(check(r));
    }
    r.endArray();
    return checks;
  }

  private static HealthEntry.Check check(JsonReader r) throws IOException {
    String checkId = null;
    String name = null;
    String status = null;
    String serviceId = null;
    String output = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case ConsulJson.CHECK_ID:
          checkId = JsonReaders.string(r);
          break;
        case ConsulJson.NAME:
          name = JsonReaders.string(r);
          break;
        case ConsulJson.STATUS:
          status = JsonReaders.string(r);
          break;
        case ConsulJson.SERVICE_ID:
          serviceId = JsonReaders.string(r);
          break;
        case ConsulJson.OUTPUT:
          output = JsonReaders.string(r);
          break;
        default:
          r.skipValue();
      }
    }
    r.endObject();
    return new HealthEntry.Check(checkId, name, CheckStatus.fromWire(status), serviceId, output);
  }
}
