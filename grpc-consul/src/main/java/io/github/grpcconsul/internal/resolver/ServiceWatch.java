package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.internal.consul.ConsulFailures;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.internal.metrics.WatchMetrics;
import io.grpc.Status;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One blocking query on {@code /v1/health/service/:name}, shared by every channel in the JVM that asks the same
 * agent the same question. It keeps the last good instance list through Consul errors and tells each subscriber
 * every change of its {@link WatchState}. It holds the change path's one change check: an answer is mapped and
 * published only when what a balancer would see (addresses as Consul wrote them, attributes, health) differs from the
 * last answer; an error only when no list is known and its text changed.
 *
 * <p>Threading: {@link #onEntries} and {@link #onError} are called by the blocking query on an HTTP thread, one at a
 * time; they do no I/O and hand the rest to this watch's serial lane on the {@link BlockingExecutor}, where host
 * names are resolved and subscribers are told, in order, holding no lock. Subscribers must only hop to their own
 * executor (a channel's SynchronizationContext). {@link #subscribe} and {@link #unsubscribe} may be called from any
 * thread and do not block.
 */
final class ServiceWatch {

  private static final Logger logger = Logger.getLogger(ServiceWatch.class.getName());

  private final String description;
  private final boolean keepOrder;
  private final Executor lane;
  private final HostResolver hosts;
  private final WatchMetrics metrics;
  private final List<Consumer<WatchState>> subscribers = new CopyOnWriteArrayList<>();
  private WatchState state = WatchState.INITIAL; // guarded by this
  private boolean failing; // guarded by this
  private List<InstanceMapper.Described> lastDescribed; // guarded by this: the change check's reference
  private String lastErrorText; // guarded by this
  private long pendingMapping; // guarded by this: sequence of the newest answer handed to the lane

  /**
   * @param description names the service and agent in log lines, e.g. {@code service "web" at 127.0.0.1:8500}
   * @param keepOrder keep Consul's order of instances (a {@code near} query sorts them by round-trip time)
   * @param blockingExecutor where host names are resolved (may block); the watch runs its work there one at a time
   */
  ServiceWatch(String description, boolean keepOrder, Executor blockingExecutor, HostResolver hosts) {
    this(description, keepOrder, blockingExecutor, hosts, null);
  }

  /** With {@code metrics} (null: none) told of every list published. */
  ServiceWatch(String description, boolean keepOrder, Executor blockingExecutor, HostResolver hosts,
      WatchMetrics metrics) {
    this.description = description;
    this.keepOrder = keepOrder;
    this.lane = new SerialExecutor(Objects.requireNonNull(blockingExecutor, "blockingExecutor"));
    this.hosts = Objects.requireNonNull(hosts, "hosts");
    this.metrics = metrics;
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

  /** Consul answered: the first answer, one whose index moved, or the re-read after an error. */
  void onEntries(List<HealthEntry> entries) {
    List<InstanceMapper.Described> described = InstanceMapper.describe(entries, keepOrder);
    long sequence;
    synchronized (this) {
      if (failing) {
        failing = false;
        logger.log(Level.INFO, "consul: {0}: Consul answers again", description);
      }
      lastErrorText = null;
      if (described.equals(lastDescribed)) {
        return; // the one change check: nothing a balancer sees changed
      }
      lastDescribed = described;
      sequence = ++pendingMapping;
    }
    lane.execute(() -> map(sequence, described));
  }

  /** On the lane: DNS, then publish, unless a newer answer is already queued behind this one. */
  private void map(long sequence, List<InstanceMapper.Described> described) {
    synchronized (this) {
      if (sequence != pendingMapping) {
        return;
      }
    }
    List<Instance> instances = InstanceMapper.resolve(described, hosts);
    WatchState next;
    synchronized (this) {
      state = state.withInstances(instances);
      next = state;
    }
    if (metrics != null) {
      countHealth(instances);
    }
    publish(next);
  }

  /** Consul failed; the blocking query retries with backoff. Logs once per streak, not per retry. */
  void onError(Throwable error) {
    String reason = ConsulFailures.describe(error);
    Status status = Status.UNAVAILABLE.withDescription("consul: " + description + ": " + reason).withCause(error);
    synchronized (this) {
      if (!failing) {
        failing = true;
        if (lastDescribed != null) {
          logger.log(Level.WARNING, "consul: {0}: {1}; keeping the last {2} known address(es) and retrying",
              new Object[] {description, reason, lastDescribed.size()});
        } else {
          logger.log(Level.WARNING, "consul: {0}: {1}; no address known yet, retrying",
              new Object[] {description, reason});
        }
      }
      if (lastDescribed != null || status.getDescription().equals(lastErrorText)) {
        return; // over a good list an error changes nothing for the channel; the same error twice neither
      }
      lastErrorText = status.getDescription();
    }
    // Through the lane, so that it cannot overtake a list that is still being resolved.
    lane.execute(() -> {
      WatchState next;
      synchronized (this) {
        if (state.instances() != null) {
          return;
        }
        state = state.withError(status);
        next = state;
      }
      publish(next);
    });
  }

  /** Plain field writes for the metrics; once per published list, on the lane. */
  private void countHealth(List<Instance> instances) {
    int passing = 0;
    int warning = 0;
    int critical = 0;
    int maintenance = 0;
    for (Instance i : instances) {
      switch (i.health()) {
        case PASSING -> passing++;
        case WARNING -> warning++;
        case CRITICAL -> critical++;
        default -> maintenance++;
      }
    }
    metrics.instances(passing, warning, critical, maintenance);
    metrics.delivered();
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
