package io.github.grpcconsul.internal.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one registration reports, in plain fields the registration writes and the backend reads at collection time;
 * the drain duration goes to a histogram at once.
 *
 * <p>Threading: any thread; no method blocks or throws.
 */
public final class RegistrationMetrics {

  /** {@code RegistrationStatus.State}s, lower case, as the attribute values name them. */
  static final String[] STATES = {"starting", "registered", "retrying", "draining", "stopped"};
  static final String[] OUTCOMES = {"success", "error"};

  /** The backend's side. */
  interface Owner {
    Owner NONE = new Owner() {
      @Override
      public void closed(RegistrationMetrics metrics) {}

      @Override
      public void drained(RegistrationMetrics metrics, double seconds) {}
    };

    void closed(RegistrationMetrics metrics);

    void drained(RegistrationMetrics metrics, double seconds);
  }

  private final Owner owner;
  volatile int state; // index into STATES
  final AtomicLong beatsOk = new AtomicLong();
  final AtomicLong beatsFailed = new AtomicLong();
  final AtomicLong reregistrations = new AtomicLong();
  private volatile boolean closed;

  RegistrationMetrics(Owner owner) {
    this.owner = owner;
  }

  /** The registration entered {@code state}, a {@code RegistrationStatus.State} name (any case). */
  public void state(String stateName) {
    for (int i = 0; i < STATES.length; i++) {
      if (STATES[i].equalsIgnoreCase(stateName)) {
        state = i;
        return;
      }
    }
  }

  /** A TTL update finished. */
  public void heartbeat(boolean ok) {
    (ok ? beatsOk : beatsFailed).incrementAndGet();
  }

  /** The agent accepted the registration again after it had lost it (or after a failed re-registration). */
  public void reregistered() {
    reregistrations.incrementAndGet();
  }

  /** Shutdown took the instance out of Consul in {@code nanos}: not-serving, drain wait and deregistration. */
  public void drained(long nanos) {
    owner.drained(this, nanos / 1e9);
  }

  /** The registration stopped: its series disappear. Idempotent. */
  public void close() {
    if (!closed) {
      closed = true;
      owner.closed(this);
    }
  }
}
