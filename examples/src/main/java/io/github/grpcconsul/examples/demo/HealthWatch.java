package io.github.grpcconsul.examples.demo;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.resolver.ConsulAttributes;
import io.github.grpcconsul.resolver.ConsulNameResolverProvider;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Follows the demo service in Consul (all instances, any health) and timestamps what the narrator reports: when an
 * instance turns passing, stops passing, or disappears. This is the demo's own view of Consul, separate from the
 * channel's, but through the same public API a user has: the {@code consul://} resolver with {@code health=any},
 * whose address groups carry each instance's {@link ConsulAttributes#SERVICE_ID} and {@link ConsulAttributes#HEALTH}.
 */
final class HealthWatch implements AutoCloseable {
  /** Told of each change, in the watch's SynchronizationContext (one call at a time). */
  interface Listener {
    /** {@code before} is null for a new instance, {@code after} null for one that went away. */
    void changed(String instanceId, CheckStatus before, CheckStatus after);

    /** The first failure of the watch; the resolver retries with backoff. */
    void failed(Throwable failure);
  }

  private final NameResolver resolver;
  private final SynchronizationContext syncContext;
  private final ExecutorService offload;
  private final Listener listener;
  private final Runnable onAnswer;
  /** Per instance, its statuses in the order seen, with when; a null status means it went away. */
  private final Map<String, List<Event>> history = new ConcurrentHashMap<>();
  /** Only touched in the SynchronizationContext. */
  private Map<String, CheckStatus> current = new HashMap<>();
  private boolean errorReported;

  /** Watches {@code target} (a {@code consul://} target for the service) on the Consul {@code config} describes. */
  HealthWatch(ConsulConfig config, String target, Listener listener) {
    this(config, target, listener, () -> { });
  }

  /** Also tells {@code onAnswer} of every answer from Consul, an empty one included. */
  HealthWatch(ConsulConfig config, String target, Listener listener, Runnable onAnswer) {
    this.listener = listener;
    this.onAnswer = onAnswer;
    this.syncContext = new SynchronizationContext((t, e) -> listener.failed(e));
    this.offload = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "demo-health-watch");
      t.setDaemon(true);
      return t;
    });
    this.resolver = new ConsulNameResolverProvider(config).newNameResolver(
        URI.create(target + (target.contains("?") ? "&" : "?") + "health=any"),
        NameResolver.Args.newBuilder()
            .setDefaultPort(443)
            .setProxyDetector(address -> null)
            .setSynchronizationContext(syncContext)
            .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
              @Override
              public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> raw) {
                return NameResolver.ConfigOrError.fromConfig(raw);
              }
            })
            .setOffloadExecutor(offload)
            .build());
  }

  void start() {
    syncContext.execute(() -> resolver.start(new NameResolver.Listener2() {
      @Override
      public void onResult(NameResolver.ResolutionResult result) {
        onResult2(result);
      }

      @Override
      public Status onResult2(NameResolver.ResolutionResult result) {
        if (result.getAddressesOrError().hasValue()) {
          update(result.getAddressesOrError().getValue(), System.nanoTime());
        } else {
          onError(result.getAddressesOrError().getStatus());
        }
        return Status.OK;
      }

      @Override
      public void onError(Status error) {
        String text = String.valueOf(error.getDescription());
        if (text.contains("no instance of service")) {
          update(List.of(), System.nanoTime()); // Consul answered: none registered (any more)
        } else if (!errorReported) {
          errorReported = true;
          listener.failed(error.asRuntimeException());
        }
      }
    }));
  }

  private void update(List<EquivalentAddressGroup> groups, long now) {
    onAnswer.run();
    Map<String, CheckStatus> next = new HashMap<>();
    for (EquivalentAddressGroup group : groups) {
      String health = group.getAttributes().get(ConsulAttributes.HEALTH);
      next.put(group.getAttributes().get(ConsulAttributes.SERVICE_ID),
          CheckStatus.valueOf(health.toUpperCase(Locale.ROOT)));
    }
    next.forEach((id, status) -> {
      CheckStatus before = current.get(id);
      if (status != before) {
        record(id, now, status);
        listener.changed(id, before, status);
      }
    });
    current.forEach((id, before) -> {
      if (!next.containsKey(id)) {
        record(id, now, null);
        listener.changed(id, before, null);
      }
    });
    current = next;
  }

  private void record(String id, long now, CheckStatus status) {
    history.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(new Event(now, status));
  }

  /** When the instance first was passing at or after {@code since}. */
  OptionalLong passing(String id, long since) {
    return first(id, since, status -> status == CheckStatus.PASSING);
  }

  /** When the instance first was not passing (any other status, or gone) at or after {@code since}. */
  OptionalLong notPassing(String id, long since) {
    return first(id, since, status -> status != CheckStatus.PASSING);
  }

  /** When the instance first was gone from Consul (deregistered or reaped) at or after {@code since}. */
  OptionalLong gone(String id, long since) {
    return first(id, since, status -> status == null);
  }

  private OptionalLong first(String id, long since, Predicate<CheckStatus> wanted) {
    for (Event event : history.getOrDefault(id, List.of())) {
      if (event.nanos() - since >= 0 && wanted.test(event.status())) {
        return OptionalLong.of(event.nanos());
      }
    }
    return OptionalLong.empty();
  }

  private record Event(long nanos, CheckStatus status) {}

  @Override
  public void close() {
    syncContext.execute(resolver::shutdown);
    offload.shutdown();
  }
}
