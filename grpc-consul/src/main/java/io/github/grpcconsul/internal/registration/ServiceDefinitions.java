package io.github.grpcconsul.internal.registration;

import io.github.grpcconsul.internal.consul.CheckDefinition;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ServiceDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds what we send to {@code PUT /v1/agent/service/register} from the settings and the current health.
 *
 * <p>Threading: stateless static functions, called on the registration's executor thread; they never block.
 */
public final class ServiceDefinitions {
  private ServiceDefinitions() {}

  /**
   * Checks start in the health we know now rather than Consul's default (critical): the server is already running,
   * so a new or re-registered instance becomes usable at once instead of after the first TTL beat or probe.
   */
  public static ServiceDefinition of(RegistrationSettings s, CheckStatus initial) {
    List<CheckDefinition> checks = new ArrayList<>();
    if (s.hasTtlCheck()) {
      checks.add(CheckDefinition.newBuilder()
          .checkId(s.ttlCheckId())
          .name("gRPC server '" + s.serviceName() + "' heartbeat")
          .ttl(s.ttl())
          .status(initial)
          .notes("Beaten by the gRPC server at most every TTL/3; expires when the process is gone")
          .deregisterCriticalServiceAfter(s.deregisterCriticalServiceAfter())
          .build());
    }
    if (s.hasGrpcCheck()) {
      checks.add(CheckDefinition.newBuilder()
          .checkId(s.grpcCheckId())
          .name("gRPC health of '" + s.serviceName() + "'")
          .grpc(s.grpcTarget())
          .grpcUseTls(s.grpcUseTls())
          .interval(s.grpcInterval())
          .timeout(s.grpcTimeout())
          .status(initial)
          .deregisterCriticalServiceAfter(s.deregisterCriticalServiceAfter())
          .build());
    }
    return ServiceDefinition.newBuilder(s.serviceName())
        .id(s.id())
        .address(s.address())
        .port(s.port())
        .tags(s.tags())
        .meta(s.meta())
        .weights(s.weightPassing(), s.weightWarning())
        .enableTagOverride(s.enableTagOverride())
        .checks(checks)
        .build();
  }
}
