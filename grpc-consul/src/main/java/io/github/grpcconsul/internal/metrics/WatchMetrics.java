package io.github.grpcconsul.internal.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one shared watch reports, kept in plain fields: the change path only writes them (an atomic increment or a
 * volatile write, no allocation, no OpenTelemetry call); the backend reads them when metrics are collected.
 *
 * <p>Threading: the blocking query calls {@link #answered}/{@link #failed} one at a time; the watch's lane calls
 * {@link #instances}/{@link #delivered}; {@link #close} any thread, once or more.
 */
public final class WatchMetrics {

  /** Health states in the order of {@link #instances}'s arguments, as the attribute values name them. */
  static final String[] HEALTH_STATES = {"passing", "warning", "critical", "maintenance"};
  /** Blocking-query outcomes, as the attribute values name them. */
  static final String[] OUTCOMES = {"new_index", "same_index", "error"};

  /** Told when the watch closes (the backend drops its series). */
  interface Owner {
    Owner NONE = m -> {};

    void closed(WatchMetrics metrics);
  }

  private final Owner owner;
  final long createdNanos = System.nanoTime();
  final AtomicLong newIndex = new AtomicLong();
  final AtomicLong sameIndex = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong updates = new AtomicLong();
  /**
   * {@link System#nanoTime()} since which the watch's answer is not known to be current: the watch's start until
   * the first answer, then the first failure of each error streak; meaningless while {@link #current}.
   */
  volatile long staleSinceNanos;
  /** The last request was answered: the list is current (a parked blocking query answers on any change). */
  volatile boolean current;
  volatile int consecutiveErrors;
  volatile int passing;
  volatile int warning;
  volatile int critical;
  volatile int maintenance;
  private volatile boolean closed;

  WatchMetrics(Owner owner) {
    this.owner = owner;
    this.staleSinceNanos = createdNanos;
  }

  /** Consul answered; {@code newIndex}: the index moved (or the first answer / the re-read after an error). */
  public void answered(boolean indexMoved) {
    current = true;
    consecutiveErrors = 0;
    (indexMoved ? newIndex : sameIndex).incrementAndGet();
  }

  /** A request failed; the {@code consecutive}th in a row. */
  public void failed(int consecutive) {
    if (current) {
      staleSinceNanos = System.nanoTime();
      current = false;
    }
    consecutiveErrors = consecutive;
    errors.incrementAndGet();
  }

  /** The instance list now handed to the channels, by aggregated health. */
  public void instances(int passing, int warning, int critical, int maintenance) {
    this.passing = passing;
    this.warning = warning;
    this.critical = critical;
    this.maintenance = maintenance;
  }

  /** A new instance list went to the subscribers. */
  public void delivered() {
    updates.incrementAndGet();
  }

  /** The watch is gone: its series disappear. Idempotent. */
  public void close() {
    if (!closed) {
      closed = true;
      owner.closed(this);
    }
  }

  /**
   * 0 while the last request was answered; else the seconds since the answer was last known current: since the
   * watch started (no answer yet) or since the error streak began. Not "since the last answer": a healthy blocking
   * query is held by the agent up to its wait (5 min by default) and answers at once on any change, so the list is
   * current all that time.
   */
  double stalenessSeconds(long nowNanos) {
    return current ? 0 : Math.max(0, nowNanos - staleSinceNanos) / 1e9;
  }

  long instancesIn(int state) {
    return switch (state) {
      case 0 -> passing;
      case 1 -> warning;
      case 2 -> critical;
      default -> maintenance;
    };
  }

  long requests(int outcome) {
    return switch (outcome) {
      case 0 -> newIndex.get();
      case 1 -> sameIndex.get();
      default -> errors.get();
    };
  }
}
