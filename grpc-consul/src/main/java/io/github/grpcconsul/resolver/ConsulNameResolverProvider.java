package io.github.grpcconsul.resolver;

import io.github.grpcconsul.internal.resolver.ResolverProviderCore;
import io.github.grpcconsul.consul.ConsulConfig;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;

/**
 * The {@code consul://} name resolver: {@code consul://[agent-host[:port]]/service-name[?query]} resolves to the
 * healthy instances of a Consul service and follows every change with a blocking query.
 *
 * <p>Registered through {@code META-INF/services}, so with this library on the class path
 * {@code Grpc.newChannelBuilder("consul:///helloserver", creds)} works with no other code. The agent and its
 * settings (token, TLS) come from Consul's environment variables ({@code CONSUL_HTTP_ADDR}, {@code
 * CONSUL_HTTP_TOKEN}, ...; see {@link ConsulConfig#fromEnvironment()}); a target's authority replaces only the
 * agent address. To configure the agent in code, register an instance made with {@link
 * #ConsulNameResolverProvider(ConsulConfig)} in a {@link io.grpc.NameResolverRegistry} and pass that registry to
 * {@code Grpc.newChannelBuilder(target, creds, registry)}.
 *
 * <p>A malformed target fails {@code build()} with an {@link IllegalArgumentException} naming the target, the
 * parameter and the accepted values. The resolver never sets a load-balancing policy: the channel's decides
 * ({@code defaultLoadBalancingPolicy("round_robin")} spreads calls over all instances).
 *
 * <p>Threading: thread-safe; grpc calls {@code newNameResolver} on the thread building or exiting idle on a channel.
 * It only parses the target and never blocks: the resolver it returns subscribes on the channel's offload executor
 * (a shared one when grpc gives none).
 */
public final class ConsulNameResolverProvider extends NameResolverProvider {

  private final ResolverProviderCore core;

  /** The provider {@code ServiceLoader} creates: the agent configuration comes from the environment. */
  public ConsulNameResolverProvider() {
    this.core = new ResolverProviderCore();
  }

  /**
   * A provider that talks to the agent {@code config} describes (a target's authority still replaces the address).
   * Channels resolved through the same provider instance share watches.
   *
   * @throws NullPointerException when {@code config} is null
   */
  public ConsulNameResolverProvider(ConsulConfig config) {
    this.core = new ResolverProviderCore(config);
  }

  /** Returns null for any scheme but {@code consul}; a malformed consul target throws IllegalArgumentException. */
  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    return core.newNameResolver(targetUri, args);
  }

  /**
   * The same for grpc's own {@link io.grpc.Uri} (what newer grpc versions pass, as to {@code DnsNameResolverProvider});
   * returns null for any scheme other than {@code consul}.
   */
  @Override
  public NameResolver newNameResolver(io.grpc.Uri targetUri, NameResolver.Args args) {
    if (!getDefaultScheme().equalsIgnoreCase(targetUri.getScheme())) {
      return null;
    }
    return core.newNameResolver(URI.create(targetUri.toString()), args);
  }

  /** {@code consul}. */
  @Override
  public String getDefaultScheme() {
    return core.getDefaultScheme();
  }

  @Override
  protected boolean isAvailable() {
    return core.isAvailable();
  }

  /** 5, grpc's usual priority; only the {@code consul} scheme is claimed, so nothing else is displaced. */
  @Override
  protected int priority() {
    return core.priority();
  }

  /** {@link InetSocketAddress}. */
  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return core.getProducedSocketAddressTypes();
  }
}
