package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.consul.ConsulConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the parts of a {@link ConsulConfig} that are not public API: the parsed addresses and the token source.
 *
 * <p>{@code ConsulConfig} installs its accessor from its static initialiser, so any code that holds a config can use
 * this class; nothing else can install one. Thread-safe: the accessor is written once, before any config exists.
 */
public final class ConfigAccess {
  /** What {@code ConsulConfig} lends to the internal packages. */
  public interface Accessor {
    /** The agent addresses in failover order. */
    List<ConsulAddress> addresses(ConsulConfig config);

    /** Where the ACL token comes from. */
    TokenSource token(ConsulConfig config);

    /** Whether any address is reached over HTTPS. */
    boolean usesTls(ConsulConfig config);

    /** The {@code io.opentelemetry.api.OpenTelemetry} given to the builder, or null for the global one. */
    Object openTelemetry(ConsulConfig config);

    /** {@link ConsulConfig#fromEnvironment()} over the given variables instead of the process's. */
    ConsulConfig fromEnvironment(Map<String, String> env);
  }

  private static volatile Accessor accessor;

  private ConfigAccess() {}

  /**
   * Called once by {@code ConsulConfig}'s static initialiser.
   *
   * @throws IllegalStateException when an accessor is installed already
   */
  public static synchronized void install(Accessor a) {
    if (accessor != null) {
      throw new IllegalStateException("ConfigAccess accessor installed twice");
    }
    accessor = Objects.requireNonNull(a, "accessor");
  }

  /** The agent addresses of {@code config} in failover order. */
  public static List<ConsulAddress> addresses(ConsulConfig config) {
    return accessor.addresses(config);
  }

  /** The token source of {@code config}; never log what it returns. */
  public static TokenSource token(ConsulConfig config) {
    return accessor.token(config);
  }

  /** Whether any address of {@code config} is reached over HTTPS. */
  public static boolean usesTls(ConsulConfig config) {
    return accessor.usesTls(config);
  }

  /**
   * The {@code io.opentelemetry.api.OpenTelemetry} the config names (typed {@code Object} so this class needs no
   * OpenTelemetry on the class path), or null: use {@code GlobalOpenTelemetry}.
   */
  public static Object openTelemetry(ConsulConfig config) {
    return accessor.openTelemetry(config);
  }

  /** A config read from {@code env} as if it were the process environment (tests, tools). */
  public static ConsulConfig fromEnvironment(Map<String, String> env) {
    if (accessor == null) {
      // Nothing has touched ConsulConfig yet, so its static initialiser (which installs the accessor) has not run.
      ConsulConfig.newBuilder();
    }
    return accessor.fromEnvironment(env);
  }
}
