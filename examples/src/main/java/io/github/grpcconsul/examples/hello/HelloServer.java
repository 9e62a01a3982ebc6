package io.github.grpcconsul.examples.hello;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.registration.ConsulRegistration;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.util.MutableHandlerRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * A running hello server: a grpc server with the hello and {@code grpc.health.v1} services, registered in Consul with
 * a gRPC health check. Built with {@link #newBuilder()}.
 */
public final class HelloServer {
  private final Server server;
  private final ConsulRegistration registration;
  private final String id;
  private final String serviceName;
  private final String host;

  private HelloServer(Server server, ConsulRegistration registration, String id, String serviceName, String host) {
    this.server = server;
    this.registration = registration;
    this.id = id;
    this.serviceName = serviceName;
    this.host = host;
  }

  /** A builder with the defaults of the command line. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The instance id registered in Consul, which also tags every reply. */
  public String id() {
    return id;
  }

  /** The Consul service name. */
  public String serviceName() {
    return serviceName;
  }

  /** The address registered in Consul. */
  public String host() {
    return host;
  }

  /** The port the grpc server listens on. */
  public int port() {
    return server.getPort();
  }

  /** The registration in Consul, to observe its status (registered, retrying and why, ...). */
  public ConsulRegistration registration() {
    return registration;
  }

  /**
   * Leaves without failing a call: reports not serving, drains while clients learn of it through Consul,
   * deregisters, then shuts the grpc server down and waits for it. Blocks until done.
   */
  public void shutdownGracefully() {
    registration.shutdownGracefully();
  }

  /** Settings of a hello server; all optional. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String serviceName = "helloserver";
    private String id;
    private ConsulConfig consul;
    private Duration checkInterval = Duration.ofSeconds(5);
    private Duration checkTimeout = Duration.ofSeconds(5);
    private Duration drainTime = Duration.ofSeconds(2);
    private Duration deregisterCriticalAfter = Duration.ofMinutes(1);
    private int weightPassing = 1;
    private int weightWarning = 1;

    private Builder() {}

    /** Address to listen on and to register in Consul; default {@code 127.0.0.1}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Port to listen on; default 0, a port chosen by the OS. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected 0 to 65535; 0 = chosen by the OS)");
      }
      this.port = port;
      return this;
    }

    /** Consul service name; default {@code helloserver}. */
    public Builder serviceName(String serviceName) {
      this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
      return this;
    }

    /** Instance id; default {@code <service name>-<host>-<port>}. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** The Consul agent to register with; default {@link ConsulConfig#fromEnvironment()}. */
    public Builder consul(ConsulConfig consul) {
      this.consul = consul;
      return this;
    }

    /** How often Consul probes the gRPC health service; default 5 s (Consul raises anything below 1 s). */
    public Builder checkInterval(Duration checkInterval) {
      this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
      return this;
    }

    /**
     * How long Consul waits for the gRPC health answer; default 5 s. Longer than a short interval on purpose: the
     * agent's first probe of a new instance includes connecting, which on a busy machine can take over a second.
     */
    public Builder checkTimeout(Duration checkTimeout) {
      this.checkTimeout = Objects.requireNonNull(checkTimeout, "checkTimeout");
      return this;
    }

    /** How long a graceful shutdown keeps serving after reporting not serving; default 2 s. */
    public Builder drainTime(Duration drainTime) {
      this.drainTime = Objects.requireNonNull(drainTime, "drainTime");
      return this;
    }

    /** After how long critical Consul removes the instance by itself; default 1 min (Consul's floor). */
    public Builder deregisterCriticalServiceAfter(Duration after) {
      this.deregisterCriticalAfter = Objects.requireNonNull(after, "after");
      return this;
    }

    /** Consul's {@code Weights} for this instance (read by {@code consul_weighted_round_robin}); default 1 and 1. */
    public Builder weights(int passing, int warning) {
      this.weightPassing = passing;
      this.weightWarning = warning;
      return this;
    }

    /**
     * Starts the grpc server, then registers it in Consul (the registration keeps itself alive in the background).
     *
     * @throws IOException when the port cannot be bound
     */
    public HelloServer start() throws IOException {
      HealthStatusManager health = new HealthStatusManager();
      // The default id names the port the OS picks, so the hello service is added once the server is bound
      // (no call can reach it before it is registered in Consul).
      MutableHandlerRegistry services = new MutableHandlerRegistry();
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
          .addService(health.getHealthService())
          .fallbackHandlerRegistry(services)
          .build()
          .start();
      String instanceId = id != null ? id : serviceName + "-" + host + "-" + server.getPort();
      services.addService(new HelloService(instanceId));
      ConsulRegistration registration;
      try {
        registration = ConsulRegistration.newBuilder(server, serviceName)
            .consul(consul != null ? consul : ConsulConfig.fromEnvironment())
            .id(instanceId)
            .address(host)
            .grpcCheck(checkInterval)
            .grpcCheckTimeout(checkTimeout)
            .healthStatusManager(health)
            .deregisterCriticalServiceAfter(deregisterCriticalAfter)
            .drainTime(drainTime)
            .weights(weightPassing, weightWarning)
            .build();
        registration.start();
      } catch (RuntimeException e) {
        server.shutdownNow();
        throw e;
      }
      return new HelloServer(server, registration, instanceId, serviceName, host);
    }
  }
}
