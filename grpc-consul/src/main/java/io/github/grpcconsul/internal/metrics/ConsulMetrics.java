package io.github.grpcconsul.internal.metrics;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.consul.ConfigAccess;
import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the library records its metrics: a no-op without OpenTelemetry's API on the class path (or with a no-op
 * {@code OpenTelemetry}), else the OpenTelemetry backend for the config's {@code OpenTelemetry} (the global one by
 * default). Has no OpenTelemetry types, so every package may call it whatever the class path holds.
 *
 * <p>Threading: every method may be called from any thread, never blocks and never throws.
 */
public abstract class ConsulMetrics {

  private static final Logger logger = Logger.getLogger(ConsulMetrics.class.getName());

  private static final ConsulMetrics NOOP = new ConsulMetrics() {
    @Override
    public WatchMetrics watch(String service, String datacenter, String agentHost, int agentPort) {
      return new WatchMetrics(WatchMetrics.Owner.NONE);
    }

    @Override
    public RegistrationMetrics registration(String service, String agentHost, int agentPort) {
      return new RegistrationMetrics(RegistrationMetrics.Owner.NONE);
    }

    @Override
    public void request(String method, String endpoint, String host, int port, long nanos, int status,
        Throwable error) {}

    @Override
    public boolean isNoop() {
      return true;
    }
  };

  /** {@code OtelMetrics.forOpenTelemetry(Object)}, or null when the API is not on the class path. */
  private static final Method BACKEND = loadBackend();

  ConsulMetrics() {}

  /** The metrics of {@code config}'s OpenTelemetry (the global one unless set). */
  public static ConsulMetrics of(ConsulConfig config) {
    if (BACKEND == null) {
      return NOOP;
    }
    try {
      ConsulMetrics backend = (ConsulMetrics) BACKEND.invoke(null, ConfigAccess.openTelemetry(config));
      return backend == null ? NOOP : backend;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      logger.log(Level.FINE, "consul: metrics off: OpenTelemetry backend failed", e);
      return NOOP;
    }
  }

  /** Records nothing. */
  public static ConsulMetrics noop() {
    return NOOP;
  }

  /** Whether OpenTelemetry's API is on the class path (for tests). */
  public static boolean apiPresent() {
    return BACKEND != null;
  }

  private static Method loadBackend() {
    try {
      Class.forName("io.opentelemetry.api.OpenTelemetry", false, ConsulMetrics.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError absent) {
      return null;
    }
    try {
      return Class.forName(ConsulMetrics.class.getPackageName() + ".OtelMetrics", true,
              ConsulMetrics.class.getClassLoader())
          .getDeclaredMethod("forOpenTelemetry", Object.class);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      logger.log(Level.FINE, "consul: metrics off: cannot load the OpenTelemetry backend", e);
      return null;
    }
  }

  /**
   * The metrics of one shared watch of the resolver. Attributes: the service, the datacenter the query names
   * (null: the agent's own), the agent. Close it with the watch.
   */
  public abstract WatchMetrics watch(String service, String datacenter, String agentHost, int agentPort);

  /** The metrics of one registration (no instance ID: the series is per service and agent). Close it when stopped. */
  public abstract RegistrationMetrics registration(String service, String agentHost, int agentPort);

  /**
   * One HTTP exchange with an agent, finished after {@code nanos}: {@code status} is the HTTP status (0 when none
   * came), {@code error} the transport failure (null when an answer came). {@code endpoint} is a templated path
   * such as {@code /v1/health/service/{service}}, never a raw one.
   */
  public abstract void request(String method, String endpoint, String host, int port, long nanos, int status,
      Throwable error);

  /** True when nothing is recorded. */
  public boolean isNoop() {
    return false;
  }
}
