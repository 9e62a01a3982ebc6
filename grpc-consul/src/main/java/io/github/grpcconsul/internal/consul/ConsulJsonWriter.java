package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Request bodies in Consul's field names, written with Gson's streaming writer.
 *
 * <p>Threading: stateless static functions, called by {@link ConsulClient} on the thread that makes the request (the
 * registration's executor, a test); they never block.
 */
final class ConsulJsonWriter {
  private ConsulJsonWriter() {}

  static String serviceToJson(ServiceDefinition s) {
    return write(w -> {
      w.beginObject();
      optional(w, ConsulJson.ID, s.id().orElse(null));
      w.name(ConsulJson.NAME).value(s.name());
      optional(w, ConsulJson.ADDRESS, s.address().orElse(null));
      if (s.port() > 0) {
        w.name(ConsulJson.PORT).value(s.port());
      }
      if (!s.tags().isEmpty()) {
        strings(w.name(ConsulJson.TAGS), s.tags());
      }
      if (!s.meta().isEmpty()) {
        map(w.name(ConsulJson.META), s.meta());
      }
      if (s.weights().isPresent()) {
        w.name(ConsulJson.WEIGHTS).beginObject()
            .name(ConsulJson.PASSING).value(s.weights().get().passing())
            .name(ConsulJson.WARNING).value(s.weights().get().warning())
            .endObject();
      }
      w.name(ConsulJson.ENABLE_TAG_OVERRIDE).value(s.enableTagOverride());
      if (!s.checks().isEmpty()) {
        w.name(ConsulJson.CHECKS).beginArray();
        for (CheckDefinition c : s.checks()) {
          check(w, c);
        }
        w.endArray();
      }
      w.endObject();
    });
  }

  static String checkToJson(CheckDefinition c) {
    return write(w -> check(w, c));
  }

  static String ttlUpdateToJson(CheckStatus status, String output) {
    return write(w -> w.beginObject()
        .name(ConsulJson.STATUS).value(status.wireName())
        .name(ConsulJson.OUTPUT).value(output == null ? "" : output)
        .endObject());
  }

  private static void check(JsonWriter w, CheckDefinition c) throws IOException {
    w.beginObject();
    optional(w, ConsulJson.CHECK_ID, c.checkId().orElse(null));
    optional(w, ConsulJson.NAME, c.name().orElse(null));
    duration(w, ConsulJson.TTL, c.ttl().orElse(null));
    if (c.grpc().isPresent()) {
      w.name(ConsulJson.GRPC).value(c.grpc().get());
      w.name(ConsulJson.GRPC_USE_TLS).value(c.grpcUseTls());
    }
    optional(w, ConsulJson.HTTP, c.http().orElse(null));
    optional(w, ConsulJson.TCP, c.tcp().orElse(null));
    duration(w, ConsulJson.INTERVAL, c.interval().orElse(null));
    duration(w, ConsulJson.TIMEOUT, c.timeout().orElse(null));
    optional(w, ConsulJson.STATUS, c.status().map(CheckStatus::wireName).orElse(null));
    optional(w, ConsulJson.NOTES, c.notes().orElse(null));
    duration(w, ConsulJson.DEREGISTER_CRITICAL_SERVICE_AFTER, c.deregisterCriticalServiceAfter().orElse(null));
    w.endObject();
  }

  private static void optional(JsonWriter w, String name, String value) throws IOException {
    if (value != null) {
      w.name(name).value(value);
    }
  }

  private static void duration(JsonWriter w, String name, Duration value) throws IOException {
    if (value != null) {
      w.name(name).value(GoDuration.format(value));
    }
  }

  private static void strings(JsonWriter w, List<String> values) throws IOException {
    w.beginArray();
    for (String v : values) {
      w.value(v);
    }
    w.endArray();
  }

  private static void map(JsonWriter w, Map<String, String> values) throws IOException {
    w.beginObject();
    for (Map.Entry<String, String> e : values.entrySet()) {
      w.name(e.getKey()).value(e.getValue());
    }
    w.endObject();
  }

  private interface Body {
    void write(JsonWriter w) throws IOException;
  }

  private static String write(Body body) {
    StringWriter out = new StringWriter();
    try (JsonWriter w = new JsonWriter(out)) {
      w.setHtmlSafe(false);
      body.write(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
