package io.github.grpcconsul.internal.resolver;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.NameResolver.ServiceConfigParser;
import io.grpc.Status;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The service config a resolver hands over for a KV key, from the key's raw values: grpc's own {@link
 * ServiceConfigParser} decides what is valid. An invalid value keeps the last valid one (or none, if there never
 * was one) and is logged once, with grpc's parse error, as grpc's DNS resolver does with a bad TXT record. A deleted
 * or empty key means no service config, so the channel's {@code defaultServiceConfig} applies.
 *
 * <p>Threading: not thread-safe; used only in the channel's SynchronizationContext; never blocks.
 */
final class KvServiceConfig {

  private static final Logger logger = Logger.getLogger(KvServiceConfig.class.getName());
  private static final Gson GSON = new Gson();

  private final String key;
  private final ServiceConfigParser parser;
  private ConfigOrError current;
  private String lastInvalid;

  KvServiceConfig(String key, ServiceConfigParser parser) {
    this.key = Objects.requireNonNull(key, "key");
    this.parser = Objects.requireNonNull(parser, "parser");
  }

  /** The config to hand over: null for none; never an error (an invalid value keeps the previous answer). */
  ConfigOrError current() {
    return current;
  }

  /**
   * Takes the key's new value (empty when deleted).
   *
   * @return whether {@link #current()} changed
   */
  boolean update(Optional<String> raw) {
    String json = raw.map(String::strip).orElse("");
    if (json.isEmpty()) {
      lastInvalid = null;
      boolean changed = current != null;
      current = null;
      return changed;
    }
    ConfigOrError parsed = parse(json);
    if (parsed.getError() != null) {
      if (!json.equals(lastInvalid)) {
        lastInvalid = json;
        logger.log(Level.WARNING, "consul: ignoring the service config in key \"{0}\" ({1}); {2}; fix the JSON"
            + " in Consul KV", new Object[] {key, describe(parsed.getError()),
                current != null ? "keeping the previous one" : "using none (the channel's default)"});
      }
      return false;
    }
    lastInvalid = null;
    boolean changed = current == null || !Objects.equals(current.getConfig(), parsed.getConfig());
    current = parsed;
    return changed;
  }

  private ConfigOrError parse(String json) {
    Object tree;
    try {
      tree = GSON.fromJson(json, Object.class);
    } catch (JsonParseException e) {
      return ConfigOrError.fromError(Status.INVALID_ARGUMENT.withDescription("not valid JSON: " + e.getMessage()));
    }
    if (!(tree instanceof Map)) {
      return ConfigOrError.fromError(Status.INVALID_ARGUMENT.withDescription(
          "a service config is a JSON object, e.g. {\"methodConfig\": [...]}"));
    }
    @SuppressWarnings("unchecked")
    Map<String, ?> map = (Map<String, ?>) tree;
    ConfigOrError result = parser.parseServiceConfig(map);
    return result != null ? result : ConfigOrError.fromError(Status.INTERNAL.withDescription("no parse result"));
  }

  private static String describe(Status status) {
    String text = status.getDescription() != null ? status.getDescription() : status.getCode().toString();
    Throwable cause = status.getCause();
    return cause != null && cause.getMessage() != null ? text + ": " + cause.getMessage() : text;
  }
}
