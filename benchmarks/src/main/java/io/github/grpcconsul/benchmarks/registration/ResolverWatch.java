package io.github.grpcconsul.benchmarks.registration;

import io.grpc.ChannelLogger;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverRegistry;
import io.grpc.ProxiedSocketAddress;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * What a gRPC client sees: a {@code consul://} name resolver, driven as a channel would drive it, recording the ports
 * of the latest address list.
 */
final class ResolverWatch implements AutoCloseable {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "resolver-watch");
    thread.setDaemon(true);
    return thread;
  });
  private final NameResolver resolver;
  private volatile Set<Integer> ports = Set.of();

  ResolverWatch(String target) {
    SynchronizationContext sync = new SynchronizationContext((t, e) -> e.printStackTrace());
    NameResolver.Args args = NameResolver.Args.newBuilder()
        .setDefaultPort(443)
        .setProxyDetector(address -> (ProxiedSocketAddress) null)
        .setSynchronizationContext(sync)
        .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
          @Override
          public NameResolver.ConfigOrError parseServiceConfig(java.util.Map<String, ?> rawServiceConfig) {
            return NameResolver.ConfigOrError.fromConfig(rawServiceConfig);
          }
        })
        .setScheduledExecutorService(scheduler)
        .setOffloadExecutor(scheduler)
        .setChannelLogger(new ChannelLogger() {
          @Override
          public void log(ChannelLogLevel level, String message) {}

          @Override
          public void log(ChannelLogLevel level, String messageFormat, Object... args) {}
        })
        .build();
    resolver = NameResolverRegistry.getDefaultRegistry().asFactory().newNameResolver(URI.create(target), args);
    if (resolver == null) {
      throw new IllegalStateException("no name resolver for " + target + " on the classpath");
    }
    sync.execute(() -> resolver.start(new NameResolver.Listener2() {
      @Override
      public void onResult(NameResolver.ResolutionResult result) {
        onResult2(result);
      }

      @Override
      public Status onResult2(NameResolver.ResolutionResult result) {
        List<EquivalentAddressGroup> groups = result.getAddressesOrError().hasValue()
            ? result.getAddressesOrError().getValue() : List.of();
        ports = groups.stream()
            .flatMap(g -> g.getAddresses().stream())
            .map(ResolverWatch::port)
            .collect(Collectors.toUnmodifiableSet());
        return Status.OK;
      }

      @Override
      public void onError(Status error) {}
    }));
  }

  private static int port(SocketAddress address) {
    return address instanceof InetSocketAddress inet ? inet.getPort() : -1;
  }

  Set<Integer> ports() {
    return ports;
  }

  @Override
  public void close() {
    resolver.shutdown();
    scheduler.shutdownNow();
  }
}
