package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.internal.consul.HealthEntry;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One blocking query on {@code /v1/health/service/:name}, shared by every channel in the JVM that asks the same
 * agent the same question. It keeps the last good instance list through Consul errors and tells each subscriber
 * every change of its {@link WatchState}.
 *
 * <p>Thread-safe. Results and errors arrive on the Consul client's threads (one at a time, the blocking query
 * serialises them); subscribers are told on that thread and must hop to their own executor.
 */
final class ServiceWatch {

  private static final Logger logger = Logger.getLogger(ServiceWatch.class.getName());

  private final String description;
  private final boolean keepOrder;
  private final List<Consumer<WatchState>> subscribers = new CopyOnWriteArrayList<>();
  private WatchState state = WatchState.INITIAL;
  private boolean failing;

  /**
   * @param description names the service and agent in log lines, e.g. {@code service "web" at 127.0.0.1:8500}
   * @param keepOrder keep Consul's order of instances (a {@code near} query sorts them by round-trip time)
   */
  ServiceWatch(String description, boolean keepOrder) {
    this.description = description;
    this.keepOrder = keepOrder;
  }

  /** Adds a subscriber and hands it the current state at once, when there is one. */
  void subscribe(Consumer<WatchState> subscriber) {
    WatchState current;
    synchronized (this) {
      subscribers.add(subscriber);
      current = state;
    }
    if (!current.isEmpty()) {
      subscriber.accept(current);
    }
  }

  /** Removes a subscriber; returns whether any is left. */
  boolean unsubscribe(Consumer<WatchState> subscriber) {
    synchronized (this) {
      subscribers.remove(subscriber);
      return !subscribers.isEmpty();
    }
  }

  /** Consul answered a request, changed or not: ends an error streak. */
  synchronized void onSuccess() {
    if (failing) {
      failing = false;
      logger.log(Level.INFO, "consul: {0}: Consul answers again", description);
    }
  }

  /** Consul answered: a new (or the first) good list. */
  void onEntries(List<HealthEntry> entries) {
    List<Instance> instances = InstanceMapper.map(entries, keepOrder);
    WatchState next;
    synchronized (this) {
      onSuccess();
      state = state.withInstances(instances);
      next = state;
    }
    publish(next);
  }

  /** Consul failed; the blocking query retries with backoff. Logs once per streak, not per retry. */
  void onError(Throwable error) {
    String reason = ConsulErrors.describe(error);
    WatchState next;
    synchronized (this) {
      if (!failing) {
        failing = true;
        if (state.instances() != null) {
          logger.log(Level.WARNING, "consul: {0}: {1}; keeping the last {2} known address(es) and retrying",
              new Object[] {description, reason, state.instances().size()});
        } else {
          logger.log(Level.WARNING, "consul: {0}: {1}; no address known yet, retrying",
              new Object[] {description, reason});
        }
      }
      state = state.withError(Status.UNAVAILABLE.withDescription("consul: " + description + ": " + reason)
          .withCause(error));
      next = state;
    }
    publish(next);
  }

  private void publish(WatchState next) {
    for (Consumer<WatchState> subscriber : subscribers) {
      subscriber.accept(next);
    }
  }

  @Override
  public String toString() {
    return description;
  }
}
