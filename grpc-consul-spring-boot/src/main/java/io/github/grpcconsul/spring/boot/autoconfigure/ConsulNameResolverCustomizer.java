package io.github.grpcconsul.spring.boot.autoconfigure;

import io.github.grpcconsul.resolver.ConsulNameResolverProvider;
import io.grpc.ManagedChannelBuilder;
import org.springframework.boot.grpc.client.autoconfigure.GrpcClientProperties;
import org.springframework.core.env.PropertyResolver;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;

/**
 * Makes channels whose target is {@code consul:…} resolve through the {@link ConsulNameResolverProvider} bean (and so
 * through the {@code ConsulConfig} bean) instead of the provider {@code ServiceLoader} registers from the environment.
 * Other channels are left alone.
 *
 * <p>Spring Boot hands customizers the name the channel was asked for ({@code "hello"} for
 * {@code spring.grpc.client.channel.hello.target=consul:///helloserver}, or the target itself), so the target is
 * looked up the way Spring Boot's channel factory does.
 */
final class ConsulNameResolverCustomizer<T extends ManagedChannelBuilder<T>> implements GrpcChannelBuilderCustomizer<T> {
  private static final String SCHEME = "consul";

  private final ConsulNameResolverProvider provider;
  private final PropertyResolver environment;
  private final GrpcClientProperties clientProperties;

  ConsulNameResolverCustomizer(ConsulNameResolverProvider provider, PropertyResolver environment,
      GrpcClientProperties clientProperties) {
    this.provider = provider;
    this.environment = environment;
    this.clientProperties = clientProperties;
  }

  @Override
  @SuppressWarnings("deprecation") // grpc's per-channel resolver hook; the global registry would be JVM-wide
  public void customize(String name, T builder) {
    if (isConsul(targetOf(name))) {
      builder.nameResolverFactory(provider);
    }
  }

  String targetOf(String name) {
    GrpcClientProperties.Channel channel = clientProperties != null ? clientProperties.getChannel().get(name) : null;
    String target = channel != null ? channel.getTarget() : name;
    return environment.resolvePlaceholders(target);
  }

  static boolean isConsul(String target) {
    return target.regionMatches(true, 0, SCHEME + ":", 0, SCHEME.length() + 1);
  }
}
