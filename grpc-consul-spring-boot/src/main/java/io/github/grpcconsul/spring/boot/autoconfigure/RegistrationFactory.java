package io.github.grpcconsul.spring.boot.autoconfigure;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.registration.ConsulRegistration;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps {@code grpc-consul.registration.*} onto {@link ConsulRegistration.Builder}. The builder checks every value;
 * its message starts with the builder option at fault, which this class turns into the property to change.
 */
final class RegistrationFactory {
  private static final String P = GrpcConsulProperties.PREFIX + ".registration.";

  /** Builder option named at the start of the library's message, and the property behind it. */
  private static final Map<String, String> OPTION_TO_PROPERTY = new LinkedHashMap<>();

  static {
    OPTION_TO_PROPERTY.put("serviceName:", P + "service-name");
    OPTION_TO_PROPERTY.put("id:", P + "instance-id");
    OPTION_TO_PROPERTY.put("address:", P + "address");
    OPTION_TO_PROPERTY.put("weights:", P + "weight-passing");
    OPTION_TO_PROPERTY.put("meta", P + "meta");
    OPTION_TO_PROPERTY.put("ttl:", P + "ttl");
    OPTION_TO_PROPERTY.put("grpcCheck interval:", P + "grpc-check.interval");
    OPTION_TO_PROPERTY.put("grpcCheckTimeout:", P + "grpc-check.timeout");
    OPTION_TO_PROPERTY.put("grpcCheck:", P + "grpc-check.enabled");
    OPTION_TO_PROPERTY.put("deregisterCriticalServiceAfter:", P + "deregister-critical-service-after");
    OPTION_TO_PROPERTY.put("drainTime:", P + "drain-time");
    OPTION_TO_PROPERTY.put("shutdownTimeout:", P + "shutdown-timeout");
  }

  private final GrpcConsulProperties.Registration properties;
  private final String serviceName;
  private final String serviceNameProperty;
  private final ConsulConfig consul;
  private final HealthStatusManager health;

  RegistrationFactory(GrpcConsulProperties.Registration properties, String applicationName, ConsulConfig consul,
      HealthStatusManager health) {
    this.properties = properties;
    boolean own = properties.getServiceName() != null && !properties.getServiceName().isBlank();
    this.serviceName = own ? properties.getServiceName().strip() : applicationName;
    this.serviceNameProperty = own ? P + "service-name" : "spring.application.name";
    this.consul = consul;
    this.health = health;
    if (serviceName == null || serviceName.isBlank()) {
      throw new InvalidConsulPropertyException(P + "service-name", "(unset)",
          "the gRPC server cannot be registered in Consul without a service name, and spring.application.name is not "
              + "set either",
          "set spring.application.name (or grpc-consul.registration.service-name) to the name clients dial, e.g. "
              + "spring.application.name=helloserver for consul:///helloserver; or set "
              + "grpc-consul.registration.enabled=false", null);
    }
  }

  String serviceName() {
    return serviceName;
  }

  /** Checks every property now, before the server has a port (a stand-in port is used). */
  void validate() {
    build(properties.getAddress() != null && !properties.getAddress().isBlank() ? properties.getAddress()
        : "127.0.0.1", 1);
  }

  /**
   * The registration of a started {@code server}: the address is {@code grpc-consul.registration.address}, else the
   * one the server listens on when that is a specific address, else the library's detection.
   */
  ConsulRegistration create(Server server) {
    int port = server.getPort();
    String address = properties.getAddress();
    if (address == null || address.isBlank()) {
      address = specificListenAddress(server);
    }
    if (address == null) {
      // Not started, so it holds nothing: it only runs the library's address detection.
      address = ConsulRegistration.newBuilder(server, serviceName).consul(consul).build().address();
    }
    return build(address, port);
  }

  private static String specificListenAddress(Server server) {
    for (SocketAddress socket : server.getListenSockets()) {
      if (socket instanceof InetSocketAddress inet && inet.getAddress() != null
          && !inet.getAddress().isAnyLocalAddress()) {
        return inet.getAddress().getHostAddress();
      }
    }
    return null;
  }

  private ConsulRegistration build(String address, int port) {
    ConsulRegistration.Builder b = ConsulRegistration.newBuilder(address, port, serviceName);
    b.consul(consul)
        .tags(properties.getTags())
        .meta(properties.getMeta())
        .weights(properties.getWeightPassing(), properties.getWeightWarning())
        .enableTagOverride(properties.isEnableTagOverride())
        .deregisterCriticalServiceAfter(required("deregister-critical-service-after",
            properties.getDeregisterCriticalServiceAfter()))
        .drainTime(required("drain-time", properties.getDrainTime()))
        .shutdownTimeout(required("shutdown-timeout", properties.getShutdownTimeout()));
    if (properties.getInstanceId() != null) {
      b.id(properties.getInstanceId());
    }
    if (properties.getTtl() != null) {
      b.ttlCheck(properties.getTtl());
    }
    GrpcConsulProperties.GrpcCheck grpc = properties.getGrpcCheck();
    if (grpc.isEnabled() && health != null) {
      b.grpcCheck(required("grpc-check.interval", grpc.getInterval())).grpcCheckUseTls(grpc.isUseTls());
      if (grpc.getTimeout() != null) {
        b.grpcCheckTimeout(grpc.getTimeout());
      }
    }
    if (health != null) {
      b.healthStatusManager(health);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw translate(e);
    }
  }

  private static Duration required(String property, Duration value) {
    if (value == null) {
      throw new InvalidConsulPropertyException(P + property, "(empty)", "a duration is required here",
          "a duration such as 5s or 1m", null);
    }
    return value;
  }

  private InvalidConsulPropertyException translate(IllegalArgumentException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String property = P.substring(0, P.length() - 1);
    for (Map.Entry<String, String> entry : OPTION_TO_PROPERTY.entrySet()) {
      if (message.startsWith(entry.getKey())) {
        property = entry.getValue();
        break;
      }
    }
    if (property.equals(P + "service-name")) {
      property = serviceNameProperty;
    }
    if (property.equals(P + "weight-passing") && properties.getWeightPassing() >= 1
        && properties.getWeightPassing() <= 65535) {
      property = P + "weight-warning";
    }
    int colon = message.indexOf(": ");
    int open = message.lastIndexOf(" (expected: ");
    String value = colon >= 0 && open > colon ? message.substring(colon + 2, open) : "?";
    String action = open >= 0 && message.endsWith(")")
        ? message.substring(open + " (expected: ".length(), message.length() - 1)
        : "see the README's Spring Boot section for the accepted values";
    if (property.equals(P + "grpc-check.enabled")) {
      action = "keep Spring Boot's gRPC health service on (spring.grpc.server.health.enabled=true), or set "
          + P + "grpc-check.enabled=false and " + P + "ttl=10s";
    }
    return new InvalidConsulPropertyException(property, value, message, action, e);
  }
}
