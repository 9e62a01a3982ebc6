package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.consul.HealthQuery;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The implementation behind {@link io.github.grpcconsul.resolver.ConsulNameResolverProvider}: parses the target,
 * builds the {@link HealthQuery} and subscribes the new resolver to a shared watch of a {@link WatchRegistry}.
 * Tests construct it with their own registry.
 *
 * <p>Threading: thread-safe; grpc calls {@code newNameResolver} on the thread building (or exiting idle on) a
 * channel, and it does no I/O: the environment is read, and clients are created, later on the resolver's offload
 * executor.
 */
public final class ResolverProviderCore extends NameResolverProvider {

  private final Supplier<ConsulConfig> baseConfig;
  private final WatchRegistry registry;

  /** Agent configuration from the environment, read on first use. */
  public ResolverProviderCore() {
    this(new Memoized(ConsulConfig::fromEnvironment), WatchRegistry.shared());
  }

  /**
   * A provider that talks to the agent {@code config} describes (a target's authority still replaces the address).
   * Channels resolved through the same provider instance share watches.
   */
  public ResolverProviderCore(ConsulConfig config) {
    this(new Memoized(() -> Objects.requireNonNull(config, "config")), WatchRegistry.shared());
  }

  public ResolverProviderCore(ConsulConfig config, WatchRegistry registry) {
    this(new Memoized(() -> config), registry);
  }

  private ResolverProviderCore(Supplier<ConsulConfig> baseConfig, WatchRegistry registry) {
    this.baseConfig = baseConfig;
    this.registry = registry;
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!ConsulTarget.SCHEME.equalsIgnoreCase(targetUri.getScheme())) {
      return null;
    }
    ConsulTarget target = ConsulTarget.parse(targetUri);
    HealthQuery query = target.query();
    WatchRegistry.ClientKey clientKey = new WatchRegistry.ClientKey(baseConfig, target.agentAddress());
    Supplier<ConsulConfig> config = () -> configFor(target);
    String description = "service \"" + target.service() + "\""
        + (target.datacenter() != null ? " in datacenter \"" + target.datacenter() + "\"" : "")
        + " at " + (target.agentAddress() != null ? target.agentAddress() : "the configured agent");
    ConsulNameResolver.Subscriber subscriber = target.datacenters().size() > 1
        ? new FailoverSubscriber(target, (dc, onState) -> registry.subscribe(clientKey, config,
            query.toBuilder().datacenter(dc).build(), target.waitTime(),
            "service \"" + target.service() + "\" in datacenter \"" + dc + "\" (failover "
                + String.join(", ", target.datacenters()) + ")", onState))
        : onState -> registry.subscribe(clientKey, config, query, target.waitTime(), description, onState);
    ConsulNameResolver.ConfigSubscriber configSubscriber = target.configKey() == null ? null
        : onValue -> registry.watchKey(clientKey, config, target.configKey(), target.waitTime(), onValue);
    return new ConsulNameResolver(target, args.getSynchronizationContext(), args.getOffloadExecutor(), subscriber,
        configSubscriber, args.getServiceConfigParser());
  }

  @Override
  public String getDefaultScheme() {
    return ConsulTarget.SCHEME;
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  /** 5, grpc's usual priority; only the {@code consul} scheme is claimed, so nothing else is displaced. */
  @Override
  public int priority() {
    return 5;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  private ConsulConfig configFor(ConsulTarget target) {
    ConsulConfig base = baseConfig.get();
    if (target.agentAddress() == null) {
      return base;
    }
    // CONSUL_HTTP_ADDR=https://... asks for TLS through its scheme: the replacing address keeps it.
    boolean https = !base.tls() && base.addresses().stream().anyMatch(a -> a.startsWith("https://"));
    return base.toBuilder().address((https ? "https://" : "") + target.agentAddress()).build();
  }

  /** Reads the environment once, on first use, off the channel's thread (token files are read then). */
  private static final class Memoized implements Supplier<ConsulConfig> {
    private final Supplier<ConsulConfig> delegate;
    private volatile ConsulConfig value;

    Memoized(Supplier<ConsulConfig> delegate) {
      this.delegate = delegate;
    }

    @Override
    public ConsulConfig get() {
      ConsulConfig v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = delegate.get();
            value = v;
          }
        }
      }
      return v;
    }
  }
}
