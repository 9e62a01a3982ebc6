package io.github.grpcconsul.spring.boot.autoconfigure;

import io.github.grpcconsul.consul.ConsulConfig;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration;
import org.springframework.boot.grpc.server.health.GrpcServerHealth;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/**
 * Server side: once Spring Boot's gRPC server has started it is registered in Consul (service name
 * {@code spring.application.name} unless {@code grpc-consul.registration.service-name} is set), with Consul's gRPC check
 * answered by Spring Boot's {@code grpc.health.v1} service, and taken out of Consul before the server shuts down.
 */
@AutoConfiguration(after = {GrpcConsulAutoConfiguration.class, GrpcServerAutoConfiguration.class,
    GrpcServerHealthAutoConfiguration.class})
@ConditionalOnClass(GrpcServerLifecycle.class)
@ConditionalOnBean(GrpcServerLifecycle.class)
@ConditionalOnBooleanProperty(name = "grpc-consul.registration.enabled", matchIfMissing = true)
public final class GrpcConsulRegistrationAutoConfiguration {

  /**
   * Takes the server lifecycles as arguments so that Spring records the dependency: it starts this bean after the
   * servers and stops it before them.
   */
  @Bean
  ConsulServerRegistrations grpcConsulServerRegistrations(List<GrpcServerLifecycle> servers,
      GrpcConsulProperties properties, ConsulConfig consul, Environment environment,
      ObjectProvider<HealthStatusManager> healthStatusManager, ObjectProvider<GrpcServerHealth> serverHealth) {
    GrpcConsulProperties.Registration registration = properties.getRegistration();
    RegistrationFactory factory = new RegistrationFactory(registration,
        environment.getProperty("spring.application.name"), consul, healthStatusManager.getIfAvailable());
    factory.validate();
    Duration interval = registration.getHealthInterval();
    if (interval == null || interval.isZero() || interval.isNegative()) {
      throw new InvalidConsulPropertyException(GrpcConsulProperties.PREFIX + ".registration.health-interval",
          interval, "must be longer than zero", "a positive duration, e.g. 2s", null);
    }
    // Looked up on first use: GrpcServerHealth needs the health registry, which needs this bean's indicator.
    ConsulServerRegistrations.HealthSource source = consulServiceName -> {
      GrpcServerHealth health = serverHealth.getIfAvailable();
      if (health == null) {
        return null;
      }
      Map<String, ServingStatus> statuses = new HashMap<>();
      health.update(statuses::put);
      ServingStatus own = statuses.get(consulServiceName);
      return own != null ? own : statuses.get(HealthStatusManager.SERVICE_NAME_ALL_SERVICES);
    };
    return new ConsulServerRegistrations(factory, source, interval);
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("consulregistration")
  static class HealthContributorConfiguration {
    @Bean
    HealthIndicator consulRegistrationHealthIndicator(ConsulServerRegistrations registrations) {
      return new ConsulRegistrationHealthIndicator(registrations);
    }
  }
}
