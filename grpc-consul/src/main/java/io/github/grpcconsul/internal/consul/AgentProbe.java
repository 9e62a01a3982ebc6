package io.github.grpcconsul.internal.consul;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds out when an agent that could not be reached answers again, once for every loop of one {@link ConsulClient}
 * that waits for it (watches, registration retries, heartbeats).
 *
 * <p>While at least one caller waits in {@link #awaitReachable()}, one probe at a time is sent on the client's
 * scheduler: {@code GET /v1/status/leader} (no ACL needed, no token sent) with a short timeout, over the client's
 * own HttpClient, addresses and TLS settings. Any HTTP answer, whatever its status, means "reachable": the agent
 * accepts connections and speaks HTTP again, and every waiter is released at once. A failed probe is followed by the
 * next one {@code interval} after it ended, so at most one probe is in flight and an agent that is down sees at most
 * {@code 1 / interval} connection attempts per configured address from this client, however many loops wait. When
 * nobody waits (the last waiter was released or cancelled) no timer and no probe is left.
 *
 * <p>A waiter is released only by a probe that started after it began waiting, so a probe that reached the agent
 * just before it went away cannot release a loop whose request failed afterwards.
 *
 * <p>Threading: thread-safe, no thread of its own; waiters (blocking queries, the registration loop) call it from
 * their own threads, its probe requests complete on the client's {@code grpc-consul-http-N} threads, and released
 * futures are completed outside its lock; nothing blocks.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class AgentProbe implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(AgentProbe.class.getName());

  /**
   * Pause between the end of a failed probe and the next one. 250 ms: a returning agent is noticed within a quarter
   * of a second (plus the probe's round trip), well inside the one-second goal even on a loaded machine, for at most
   * four refused connections per second per client against an agent that is down anyway.
   */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);
  /** Timeout of one probe (including its connect), so an agent behind a black hole holds at most one probe. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  private final Supplier<CompletableFuture<?>> probe;
  private final ScheduledExecutorService scheduler;
  private final long intervalNanos;
  private final AtomicLong probesSent = new AtomicLong();

  private final Object lock = new Object();
  private final List<Waiter> waiters = new ArrayList<>(); // guarded by lock
  private ScheduledFuture<?> timer; // guarded by lock
  private CompletableFuture<?> inFlight; // guarded by lock
  private long started; // guarded by lock: probes started so far
  /** A chain of probes exists: scheduled, being sent or in flight. At most one at a time. */
  private boolean active; // guarded by lock
  /** Bumped when a chain starts, so a stale step of an ended chain (racing with a new one) does nothing. */
  private long chain; // guarded by lock
  private boolean closed; // guarded by lock

  /**
   * @param probe sends one probe; its future completes normally when the agent answered (any status), exceptionally
   *     when it could not be reached. Cancelling it must abort the exchange.
   */
  AgentProbe(Supplier<CompletableFuture<?>> probe, ScheduledExecutorService scheduler, Duration interval) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("probe interval " + interval + " must be > 0, e.g. 250ms");
    }
    this.intervalNanos = interval.toNanos();
  }

  private static final class Waiter {
    final CompletableFuture<Void> future;
    /** Probes started before this waiter joined; only a later one may release it. */
    final long joinedAfter;

    Waiter(CompletableFuture<Void> future, long joinedAfter) {
      this.future = future;
      this.joinedAfter = joinedAfter;
    }
  }

  /**
   * A future that completes once a probe started after this call reached the agent. Cancel it to stop waiting (the
   * probe stops when nobody waits). After {@link #close()} it is cancelled. Callers attach their retry with an
   * {@code …Async(…, executor)} stage, so it never runs on the thread that completes the probe.
   */
  public CompletableFuture<Void> awaitReachable() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    boolean rejected = false;
    List<Waiter> dropped = List.of();
    synchronized (lock) {
      if (closed) {
        rejected = true;
      } else {
        waiters.add(new Waiter(f, started));
        if (!active && !startChain()) {
          // The first waiter of an outage probes at once (a restart may already be over), unless the scheduler is
          // shut down: then nothing can ever release it.
          dropped = new ArrayList<>(waiters);
          waiters.clear();
          rejected = true;
        }
      }
    }
    if (rejected) {
      dropped.forEach(w -> w.future.cancel(false));
      f.cancel(false);
      return f;
    }
    f.whenComplete((ignored, error) -> {
      if (f.isCancelled()) {
        removeWaiter(f);
      }
    });
    return f;
  }

  /** Number of callers waiting now (tests, diagnostics). */
  public int waiting() {
    synchronized (lock) {
      return waiters.size();
    }
  }

  /** Whether a probe is scheduled or in flight (tests: nothing may be left when nobody waits). */
  public boolean isActive() {
    synchronized (lock) {
      return active;
    }
  }

  /** Probes sent since creation. */
  public long probesSent() {
    return probesSent.get();
  }

  /** Stops probing, aborts the probe in flight and cancels every waiter. Idempotent. */
  @Override
  public void close() {
    List<Waiter> dropped;
    ScheduledFuture<?> t;
    CompletableFuture<?> f;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      active = false;
      dropped = new ArrayList<>(waiters);
      waiters.clear();
      t = timer;
      f = inFlight;
      timer = null;
      inFlight = null;
    }
    cancel(t, f);
    dropped.forEach(w -> w.future.cancel(false));
  }

  private void removeWaiter(CompletableFuture<Void> f) {
    ScheduledFuture<?> t = null;
    CompletableFuture<?> p = null;
    synchronized (lock) {
      waiters.removeIf(w -> w.future == f);
      if (waiters.isEmpty()) {
        active = false;
        t = timer;
        p = inFlight;
        timer = null;
        inFlight = null;
      }
    }
    cancel(t, p);
  }

  /** Under the lock: a new chain whose first probe goes out at once. False when the scheduler is shut down. */
  private boolean startChain() {
    chain++;
    active = true;
    return scheduleProbe(0, chain);
  }

  /** Under the lock. Returns false (and ends the chain) when the scheduler is shut down (the client is closing). */
  private boolean scheduleProbe(long delayNanos, long id) {
    try {
      timer = scheduler.schedule(() -> sendProbe(id), delayNanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      logger.log(Level.FINE, "scheduler shut down, agent probe stops", e);
      timer = null;
      active = false;
      return false;
    }
  }

  private boolean isCurrent(long id) {
    return active && chain == id && !closed;
  }

  private void sendProbe(long id) {
    long seq;
    synchronized (lock) {
      if (!isCurrent(id)) {
        return;
      }
      timer = null;
      if (waiters.isEmpty()) {
        active = false;
        return;
      }
      seq = ++started;
    }
    probesSent.incrementAndGet();
    CompletableFuture<?> f;
    try {
      f = Objects.requireNonNull(probe.get(), "probe returned null");
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    boolean abort = false;
    synchronized (lock) {
      if (!isCurrent(id) || waiters.isEmpty()) {
        if (isCurrent(id)) {
          active = false;
        }
        abort = true;
      } else {
        inFlight = f;
      }
    }
    if (abort) {
      f.cancel(true);
      return;
    }
    CompletableFuture<?> mine = f;
    f.whenComplete((ignored, error) -> onProbeDone(mine, id, seq, error));
  }

  private void onProbeDone(CompletableFuture<?> f, long id, long seq, Throwable error) {
    List<CompletableFuture<Void>> released = new ArrayList<>();
    synchronized (lock) {
      if (!isCurrent(id) || inFlight != f) {
        return; // cancelled: nobody waits any more, or closed
      }
      inFlight = null;
      if (error == null) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
          Waiter w = it.next();
          if (w.joinedAfter < seq) {
            released.add(w.future);
            it.remove();
          }
        }
      }
      if (waiters.isEmpty()) {
        active = false;
      } else {
        // Waiters that joined during a successful probe get a fresh one at once; otherwise wait the interval.
        scheduleProbe(error == null ? 0 : intervalNanos, id);
      }
    }
    if (error != null) {
      logger.log(Level.FINEST, "agent probe failed: {0}", ConsulFailures.unwrap(error));
    } else {
      logger.log(Level.FINE, "agent probe reached the agent; releasing {0} waiting loop(s)", released.size());
    }
    released.forEach(w -> w.complete(null));
  }

  private static void cancel(ScheduledFuture<?> t, CompletableFuture<?> f) {
    if (t != null) {
      t.cancel(false);
    }
    if (f != null) {
      f.cancel(true);
    }
  }
}
