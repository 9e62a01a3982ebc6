package io.github.grpcconsul.spring.boot.autoconfigure;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.resolver.ConsulNameResolverProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import org.springframework.boot.grpc.client.autoconfigure.GrpcClientProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;

/**
 * Client side: channels of Spring Boot's gRPC client with a {@code consul:///service?…} target resolve through a
 * {@link ConsulNameResolverProvider} built from the {@link ConsulConfig} bean. Spring Boot's channels default to
 * {@code round_robin} ({@code spring.grpc.client.channel.<name>.default.load-balancing-policy}), so calls spread over
 * all healthy instances unless that property or a service config says otherwise.
 */
@AutoConfiguration(after = GrpcConsulAutoConfiguration.class, before = GrpcClientAutoConfiguration.class)
@ConditionalOnClass({GrpcChannelBuilderCustomizer.class, GrpcClientProperties.class})
@ConditionalOnBooleanProperty(name = "grpc-consul.client.enabled", matchIfMissing = true)
public final class GrpcConsulClientAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ConsulNameResolverProvider grpcConsulNameResolverProvider(ConsulConfig consul) {
    return new ConsulNameResolverProvider(consul);
  }

  /** First, so that a customizer of the application's own may still choose another resolver. */
  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  ConsulNameResolverCustomizer<?> grpcConsulNameResolverCustomizer(ConsulNameResolverProvider provider,
      Environment environment, ObjectProvider<GrpcClientProperties> clientProperties) {
    return new ConsulNameResolverCustomizer<>(provider, environment, clientProperties.getIfAvailable());
  }
}
