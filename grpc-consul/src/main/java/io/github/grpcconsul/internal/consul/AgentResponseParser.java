package io.github.grpcconsul.internal.consul;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Streaming parsers for the agent and KV endpoints.
 *
 * <p>Threading: stateless static functions, called on the HTTP completion thread ({@code grpc-consul-http-N}) with
 * the whole body in memory; they never block.
 */
final class AgentResponseParser {
  private AgentResponseParser() {}

  static AgentService agentService(byte[] body) throws IOException {
    AgentOnlyFields agentOnly = new AgentOnlyFields();
    HealthEntry.Service s = JsonReaders.service(reader(body), agentOnly);
    return new AgentService(s.id(), s.name(), s.address(), s.port(), s.tags(), s.meta(), s.weights(),
        agentOnly.enableTagOverride, agentOnly.datacenter, agentOnly.contentHash);
  }

  /** The fields of {@code api.AgentService} that a service in a health answer does not have (or we do not read). */
  private static final class AgentOnlyFields implements JsonReaders.FieldReader {
    boolean enableTagOverride;
    String datacenter;
    String contentHash;

    @Override
    public boolean read(String name, JsonReader r) throws IOException {
      switch (name) {
        case ConsulJson.ENABLE_TAG_OVERRIDE:
          enableTagOverride = JsonReaders.bool(r);
          return true;
        case ConsulJson.DATACENTER:
          datacenter = JsonReaders.string(r);
          return true;
        case ConsulJson.CONTENT_HASH:
          contentHash = JsonReaders.string(r);
          return true;
        default:
          return false;
      }
    }
  }

  static AgentSelf agentSelf(byte[] body) throws IOException {
    JsonReader r = reader(body);
    String datacenter = null;
    String nodeName = null;
    String version = null;
    r.beginObject();
    while (r.hasNext()) {
      String name = r.nextName();
      if (name.equals(ConsulJson.CONFIG) && !JsonReaders.nullOrSkip(r, JsonToken.BEGIN_OBJECT)) {
        r.beginObject();
        while (r.hasNext()) {
          switch (r.nextName()) {
            case ConsulJson.DATACENTER:
              datacenter = JsonReaders.string(r);
              break;
            case ConsulJson.NODE_NAME:
              nodeName = JsonReaders.string(r);
              break;
            case ConsulJson.VERSION:
              version = JsonReaders.string(r);
              break;
            default:
              r.skipValue();
          }
        }
        r.endObject();
      } else if (!name.equals(ConsulJson.CONFIG)) {
        r.skipValue();
      }
    }
    r.endObject();
    return new AgentSelf(datacenter, nodeName, version);
  }

  /** The first pair of a {@code GET /v1/kv/:key} array, or null for an empty array. */
  static KvPair kvPair(byte[] body) throws IOException {
    JsonReader r = reader(body);
    if (JsonReaders.nullOrSkip(r, JsonToken.BEGIN_ARRAY)) {
      return null;
    }
    KvPair first = null;
    r.beginArray();
    while (r.hasNext()) {
      if (first != null || JsonReaders.nullOrSkip(r, JsonToken.BEGIN_OBJECT)) {
        if (first != null) {
          r.skipValue();
        }
        continue;
      }
      first = kv(r);
    }
    r.endArray();
    return first;
  }

  private static KvPair kv(JsonReader r) throws IOException {
    String key = null;
    String value = null;
    long flags = 0;
    long createIndex = 0;
    long modifyIndex = 0;
    long lockIndex = 0;
    String session = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case ConsulJson.KEY:
          key = JsonReaders.string(r);
          break;
        case ConsulJson.VALUE:
          value = JsonReaders.string(r);
          break;
        case ConsulJson.FLAGS:
          flags = JsonReaders.number(r, 0);
          break;
        case ConsulJson.CREATE_INDEX:
          createIndex = JsonReaders.number(r, 0);
          break;
        case ConsulJson.MODIFY_INDEX:
          modifyIndex = JsonReaders.number(r, 0);
          break;
        case ConsulJson.LOCK_INDEX:
          lockIndex = JsonReaders.number(r, 0);
          break;
        case ConsulJson.SESSION:
          session = JsonReaders.string(r);
          break;
        default:
          r.skipValue();
      }
    }
    r.endObject();
    byte[] decoded = value == null ? new byte[0] : Base64.getDecoder().decode(value);
    return new KvPair(key == null ? "" : key, decoded, flags, createIndex, modifyIndex, lockIndex, session);
  }

  private static JsonReader reader(byte[] body) {
    return new JsonReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
  }
}
