package io.github.grpcconsul.internal.resolver;

import io.grpc.NameResolver;
import io.grpc.SynchronizationContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Drives resolvers directly, the way a channel does: one SynchronizationContext and offload executor each. */
final class ResolverHarness implements AutoCloseable {

  final List<Throwable> uncaught = new ArrayList<>();
  private final NameResolver.Factory provider;
  private final ExecutorService offload = Executors.newCachedThreadPool();
  private final List<Started> started = new ArrayList<>();

  static final class Started {
    final NameResolver resolver;
    final RecordingListener listener;
    final SynchronizationContext syncContext;

    Started(NameResolver resolver, RecordingListener listener, SynchronizationContext syncContext) {
      this.resolver = resolver;
      this.listener = listener;
      this.syncContext = syncContext;
    }

    void shutdown() {
      syncContext.execute(resolver::shutdown);
    }

    void refresh() {
      syncContext.execute(resolver::refresh);
    }
  }

  ResolverHarness(NameResolver.Factory provider) {
    this.provider = provider;
  }

  Started start(String target) {
    SynchronizationContext syncContext = new SynchronizationContext((t, e) -> {
      synchronized (uncaught) {
        uncaught.add(e);
      }
    });
    NameResolver.Args args = NameResolver.Args.newBuilder()
        .setDefaultPort(443)
        .setProxyDetector(addr -> null)
        .setSynchronizationContext(syncContext)
        .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
          @Override
          public NameResolver.ConfigOrError parseServiceConfig(java.util.Map<String, ?> rawServiceConfig) {
            return NameResolver.ConfigOrError.fromConfig(rawServiceConfig);
          }
        })
        .setOffloadExecutor(offload)
        .build();
    NameResolver resolver = provider.newNameResolver(URI.create(target), args);
    RecordingListener listener = new RecordingListener(syncContext);
    syncContext.execute(() -> resolver.start(listener));
    Started s = new Started(resolver, listener, syncContext);
    started.add(s);
    return s;
  }

  @Override
  public void close() throws InterruptedException {
    for (Started s : started) {
      s.shutdown();
    }
    offload.shutdown();
    offload.awaitTermination(5, TimeUnit.SECONDS);
  }
}
