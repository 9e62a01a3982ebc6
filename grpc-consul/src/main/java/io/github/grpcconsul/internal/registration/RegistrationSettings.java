package io.github.grpcconsul.internal.registration;

import io.github.grpcconsul.consul.ConsulConfig;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The validated, immutable configuration of one registration (built by {@link ConsulRegistration.Builder}).
 *
 * <p>Threading: immutable and thread-safe; built by the caller of {@code Builder.build()}, read on the
 * registration's executor and the shutdown thread.
 */
public record RegistrationSettings(
    String serviceName,
    String id,
    String address,
    int port,
    List<String> tags,
    Map<String, String> meta,
    int weightPassing,
    int weightWarning,
    boolean enableTagOverride,
    Duration ttl,
    Duration grpcInterval,
    Duration grpcTimeout,
    boolean grpcUseTls,
    Duration deregisterCriticalServiceAfter,
    Duration drainTime,
    Duration shutdownTimeout,
    Duration reconcileInterval,
    ConsulConfig consul,
    Server server,
    HealthStatusManager healthStatusManager) {

  public boolean hasTtlCheck() {
    return ttl != null;
  }

  public boolean hasGrpcCheck() {
    return grpcInterval != null;
  }

  public String ttlCheckId() {
    return id + ":ttl";
  }

  public String grpcCheckId() {
    return id + ":grpc";
  }

  /** What Consul's gRPC check dials: {@code host:port/service}, the part after '/' being the health service name. */
  public String grpcTarget() {
    String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    return host + ":" + port + "/" + serviceName;
  }
}
