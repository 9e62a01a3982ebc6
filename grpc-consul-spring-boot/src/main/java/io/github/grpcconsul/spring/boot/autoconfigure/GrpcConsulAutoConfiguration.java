package io.github.grpcconsul.spring.boot.autoconfigure;

import io.github.grpcconsul.consul.ConsulConfig;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Consul connection: one {@link ConsulConfig} bean from {@code grpc-consul.*} properties over Consul's
 * environment variables. Declare a {@code ConsulConfig} bean of your own to replace it. When the context has one
 * {@code io.opentelemetry.api.OpenTelemetry} bean (Spring Boot's {@code spring-boot-starter-opentelemetry} makes
 * one), the library's metrics are recorded there; else in {@code GlobalOpenTelemetry} when it is set.
 */
@AutoConfiguration
@EnableConfigurationProperties(GrpcConsulProperties.class)
public final class GrpcConsulAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ConsulConfig grpcConsulConfig(GrpcConsulProperties properties) {
    return ConsulConfigFactory.create(properties, ConsulConfig::fromEnvironment);
  }

  /**
   * With OpenTelemetry's API on the class path. A nested configuration is processed before the enclosing class's
   * bean methods, so its bean wins and the one above steps back; without the API this class is never loaded.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.opentelemetry.api.OpenTelemetry")
  static final class WithOpenTelemetry {

    @Bean
    @ConditionalOnMissingBean
    ConsulConfig grpcConsulConfigWithOpenTelemetry(GrpcConsulProperties properties,
        ObjectProvider<OpenTelemetry> openTelemetry) {
      ConsulConfig config = ConsulConfigFactory.create(properties, ConsulConfig::fromEnvironment);
      OpenTelemetry otel = openTelemetry.getIfUnique();
      return otel == null ? config : config.toBuilder().openTelemetry(otel).build();
    }
  }
}
