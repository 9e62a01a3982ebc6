package io.github.grpcconsul.spring.boot.autoconfigure;

import io.github.grpcconsul.consul.ConsulConfig;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The Consul connection: one {@link ConsulConfig} bean from {@code grpc-consul.*} properties over Consul's
 * environment variables. Declare a {@code ConsulConfig} bean of your own to replace it.
 */
@AutoConfiguration
@EnableConfigurationProperties(GrpcConsulProperties.class)
public final class GrpcConsulAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ConsulConfig grpcConsulConfig(GrpcConsulProperties properties) {
    return ConsulConfigFactory.create(properties, ConsulConfig::fromEnvironment);
  }
}
