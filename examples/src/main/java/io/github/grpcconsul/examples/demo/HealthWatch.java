package io.github.grpcconsul.examples.demo;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.internal.consul.HealthQuery;
import io.github.grpcconsul.internal.consul.QueryResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Follows the demo service in Consul (all instances, any health) with blocking queries, and timestamps what the
 * narrator reports: when an instance turns passing, stops passing, or disappears. This is the demo's own view of
 * Consul, separate from the resolver inside the client's channel.
 */
final class HealthWatch implements AutoCloseable {
  /** Told of each change, on the HTTP client's thread. */
  interface Listener {
    /** {@code before} is null for a new instance, {@code after} null for one that went away. */
    void changed(String instanceId, CheckStatus before, CheckStatus after);

    /** The first failure of a query; the watch retries every 250 ms. */
    void failed(Throwable failure);
  }

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ConsulClient client;
  private final HealthQuery query;
  private final Listener listener;
  /** Per instance, its statuses in the order seen, with when; a null status means it went away. */
  private final Map<String, List<Event>> history = new ConcurrentHashMap<>();
  /** Only touched by the one query chain in flight at a time. */
  private Map<String, CheckStatus> current = new HashMap<>();
  private volatile boolean closed;
  private volatile CompletableFuture<?> inFlight;
  private boolean errorReported;

  HealthWatch(ConsulClient client, String service, Listener listener) {
    this.client = client;
    this.query = HealthQuery.newBuilder(service).passingOnly(false).build();
    this.listener = listener;
  }

  void start() {
    poll(0);
  }

  private void poll(long index) {
    if (closed) {
      return;
    }
    CompletableFuture<QueryResult<List<HealthEntry>>> call = client.healthService(query, index, WAIT);
    inFlight = call;
    call.whenComplete((result, failure) -> {
      if (closed) {
        return;
      }
      if (failure != null) {
        if (!errorReported) {
          errorReported = true;
          listener.failed(failure);
        }
        CompletableFuture.delayedExecutor(250, TimeUnit.MILLISECONDS).execute(() -> poll(0));
        return;
      }
      update(result.value(), System.nanoTime());
      poll(result.index());
    });
  }

  private void update(List<HealthEntry> entries, long now) {
    Map<String, CheckStatus> next = new HashMap<>();
    for (HealthEntry entry : entries) {
      next.put(entry.service().id(), entry.aggregatedStatus());
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
    closed = true;
    CompletableFuture<?> call = inFlight;
    if (call != null) {
      call.cancel(true);
    }
  }
}
