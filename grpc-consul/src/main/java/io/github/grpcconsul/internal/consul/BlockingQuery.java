package io.github.grpcconsul.internal.consul;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one blocking-query loop, following Consul's rules for blocking queries:
 *
 * <ul>
 *   <li>The first request sends index 0 (answers at once); every later one sends the last index seen, never below 1,
 *       and blocks on the server for up to {@code wait}.
 *   <li>The listener hears {@code onResult} only when the index moved (and always for the first result). If the
 *       index goes backwards (agent restarted, snapshot restored) the loop resets: the result is delivered as new
 *       and the loop continues from the new index. After an error the retry sends index 1, which any live agent
 *       answers at once, so a restarted agent is noticed without waiting out a blocking query on the old index.
 *       With {@link Builder#rereadAfterError()} the retry sends index 0 instead and its answer is delivered whatever
 *       its index: a restarted agent may be back at exactly the old index with other contents, or at index 1 (where
 *       a request with index 1 would block). This is the one re-read mechanism; the listener decides whether the
 *       re-read answer is a change.
 *   <li>A token bucket limits how often requests start (default: burst 5, then one every 200 ms, i.e. 5/s), so a
 *       churning service cannot make the client hammer Consul.
 *   <li>Errors back off exponentially with ±20 % jitter (default 100 ms doubling to 5 s), reset by a success.
 *       With an {@link AgentProbe} (see {@link Builder#agentProbe}), a transport failure (agent down, restarting,
 *       unreachable) instead waits for the probe and retries as soon as the agent answers; {@link RetryWait} makes
 *       that decision.
 *   <li>{@link #cancel()} aborts the in-flight request at once (the HTTP exchange is cancelled, its connection
 *       closed) and stops all timers; no listener call starts after it returns.
 * </ul>
 *
 * <p>Threading: no thread of its own; every step runs on the given scheduler or on the thread that completes the
 * fetch (the HTTP client's). The listener is called one call at a time (the next request starts only after it
 * returned) and never while this class holds its lock, so {@link #cancel()} never waits behind a listener; a
 * listener call already under way when {@code cancel()} returns may still finish. Listeners must not block: they run
 * on HTTP threads. {@link #start()} and {@link #cancel()} may be called from any thread and return at once.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class BlockingQuery<T> {
  private static final Logger logger = Logger.getLogger(BlockingQuery.class.getName());

  /** Default burst of the rate limit. */
  public static final int DEFAULT_BURST = 5;
  /** Default refill interval of the rate limit (one request per 200 ms sustained). */
  public static final Duration DEFAULT_REFILL = Duration.ofMillis(200);
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(100);
  /**
   * Default cap of the error backoff. Kept short on purpose: a watch that has been failing through an agent outage
   * must notice the agent's return within seconds (the scenario benchmark measured ~21 s with a 30 s cap), and a
   * failing request to a down agent is cheap (one refused connection per watch every few seconds).
   */
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(5);
  public static final double DEFAULT_JITTER = 0.2;

  /** Performs one request: index 0 means "answer at once", otherwise block up to {@code wait}. */
  @FunctionalInterface
  public interface Fetcher<T> {
    CompletableFuture<QueryResult<T>> fetch(long index, Duration wait);
  }

  /** Hears about results and errors, one call at a time. Must not block. */
  public interface Listener<T> {
    /** A new result: the first one, or one whose index differs from the previous. */
    void onResult(T value, QueryResult<T> result);

    /** A failed request; the loop retries after a backoff. {@code consecutiveFailures} starts at 1. */
    void onError(Throwable error, int consecutiveFailures);

    /** An answer whose index did not move (the wait ran out, or nothing this query sees changed); for metrics. */
    default void onUnchanged(QueryResult<T> result) {}
  }

  private final Fetcher<T> fetcher;
  private final Listener<T> listener;
  private final ScheduledExecutorService scheduler;
  private final Duration wait;
  private final TokenBucket bucket;
  private final Backoff backoff;
  private final RetryWait retryWait; // used under lock
  private final boolean rereadAfterError;

  private final Object lock = new Object();
  private boolean started; // guarded by lock
  private boolean cancelled; // guarded by lock
  private boolean delivered; // guarded by lock
  private long lastIndex; // guarded by lock
  private long nextIndex; // guarded by lock
  private int failures; // guarded by lock
  private boolean reread; // guarded by lock: the request in flight re-reads after an error
  private Future<?> timer; // guarded by lock: a scheduled run, or a retry waiting for the agent probe
  private CompletableFuture<QueryResult<T>> inFlight; // guarded by lock

  private BlockingQuery(Builder<T> b) {
    this.fetcher = b.fetcher;
    this.listener = b.listener;
    this.scheduler = b.scheduler;
    this.wait = b.wait;
    this.bucket = new TokenBucket(b.burst, b.refill, b.clock);
    this.backoff = new Backoff(b.backoffInitial, b.backoffMax, b.jitter, b.random);
    this.retryWait = new RetryWait(b.agentProbe, b.scheduler, b.scheduler);
    this.rereadAfterError = b.rereadAfterError;
  }

  public static <T> Builder<T> newBuilder(Fetcher<T> fetcher, Listener<T> listener,
      ScheduledExecutorService scheduler) {
    return new Builder<>(fetcher, listener, scheduler);
  }

  /** Starts the loop: the first request is sent from the scheduler at once. Call once. */
  public void start() {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("BlockingQuery already started");
      }
      started = true;
      if (cancelled) {
        return;
      }
      schedule(0);
    }
  }

  /** Stops the loop and aborts the in-flight request. Idempotent. */
  public void cancel() {
    Future<?> t;
    CompletableFuture<QueryResult<T>> f;
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      t = timer;
      f = inFlight;
      timer = null;
      inFlight = null;
    }
    if (t != null) {
      t.cancel(false);
    }
    if (f != null) {
      f.cancel(true);
    }
  }

  public boolean isCancelled() {
    synchronized (lock) {
      return cancelled;
    }
  }

  /** The index of the last result (0 before the first). */
  public long lastIndex() {
    synchronized (lock) {
      return lastIndex;
    }
  }

  /** Whether a request is in flight now (for tests and diagnostics). */
  boolean hasRequestInFlight() {
    synchronized (lock) {
      return inFlight != null;
    }
  }

  private void schedule(long delayNanos) {
    try {
      timer = scheduler.schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The scheduler is shut down (its client closed): the loop ends with it.
      logger.log(Level.FINE, "scheduler shut down, blocking query stops", e);
      cancelled = true;
    }
  }

  /** Under the lock: the retry after a failed request, on the backoff or on the agent probe ({@link RetryWait}). */
  private void scheduleRetry(Throwable cause, long backoffNanos) {
    try {
      timer = retryWait.schedule(cause, failures, Duration.ofNanos(backoffNanos), this::run);
    } catch (RejectedExecutionException e) {
      logger.log(Level.FINE, "scheduler shut down, blocking query stops", e);
      cancelled = true;
    }
  }

  private void run() {
    long index;
    synchronized (lock) {
      timer = null;
      if (cancelled) {
        return;
      }
      long delay = bucket.tryAcquire();
      if (delay > 0) {
        schedule(delay);
        return;
      }
      index = nextIndex;
    }
    CompletableFuture<QueryResult<T>> f;
    try {
      f = Objects.requireNonNull(fetcher.fetch(index, wait), "fetcher returned null");
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    synchronized (lock) {
      if (cancelled) {
        f.cancel(true);
        return;
      }
      inFlight = f;
    }
    CompletableFuture<QueryResult<T>> mine = f;
    f.whenComplete((result, error) -> handle(mine, result, error));
  }

  private void handle(CompletableFuture<QueryResult<T>> f, QueryResult<T> result, Throwable error) {
    // Decide under the lock, call the listener after releasing it, then schedule the next request: listener calls
    // stay serialised (one request at a time) and cancel() never waits behind one.
    Throwable failure = null;
    int failureCount = 0;
    boolean deliver = false;
    long delay = 0;
    synchronized (lock) {
      if (cancelled || inFlight != f) {
        return;
      }
      inFlight = null;
      if (error != null) {
        failure = ConsulFailures.unwrap(error);
        failureCount = ++failures;
        if (delivered) {
          if (rereadAfterError) {
            nextIndex = 0;
            reread = true;
          } else {
            // The agent may have restarted with a lower index; a request with our old index would then block for
            // the whole wait. Index 1 answers at once on any live agent (its index is above 1), which detects the
            // reset now; if nothing changed, the answer carries our index and is not delivered.
            nextIndex = 1;
          }
        }
        delay = backoff.delayNanos(failures);
      } else {
        failures = 0;
        long index = result.index();
        boolean moved;
        if (!delivered || reread) {
          moved = true;
        } else if (index < lastIndex) {
          logger.log(Level.FINE, "Consul index went backwards ({0} -> {1}): resetting",
              new Object[] {lastIndex, index});
          moved = true;
        } else {
          moved = index != lastIndex;
        }
        reread = false;
        delivered = true;
        lastIndex = index;
        nextIndex = Math.max(index, 1);
        deliver = moved;
      }
    }
    if (failure != null) {
      if (!(failure instanceof CancellationException)) {
        try {
          listener.onError(failure, failureCount);
        } catch (RuntimeException e) {
          logger.log(Level.WARNING, "blocking-query listener threw from onError", e);
        }
      }
    } else if (deliver) {
      try {
        listener.onResult(result.value(), result);
      } catch (RuntimeException e) {
        logger.log(Level.WARNING, "blocking-query listener threw from onResult", e);
      }
    } else {
      try {
        listener.onUnchanged(result);
      } catch (RuntimeException e) {
        logger.log(Level.WARNING, "blocking-query listener threw from onUnchanged", e);
      }
    }
    synchronized (lock) {
      if (!cancelled) {
        if (failure != null) {
          scheduleRetry(failure, delay);
        } else {
          schedule(0);
        }
      }
    }
  }

  /** Builds a {@link BlockingQuery}. */
  public static final class Builder<T> {
    private final Fetcher<T> fetcher;
    private final Listener<T> listener;
    private final ScheduledExecutorService scheduler;
    private Duration wait = DEFAULT_WAIT;
    private int burst = DEFAULT_BURST;
    private Duration refill = DEFAULT_REFILL;
    private Duration backoffInitial = DEFAULT_BACKOFF_INITIAL;
    private Duration backoffMax = DEFAULT_BACKOFF_MAX;
    private double jitter = DEFAULT_JITTER;
    private LongSupplier clock = System::nanoTime;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private AgentProbe agentProbe;
    private boolean rereadAfterError;

    private Builder(Fetcher<T> fetcher, Listener<T> listener, ScheduledExecutorService scheduler) {
      this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
      this.listener = Objects.requireNonNull(listener, "listener");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** How long Consul may hold each blocking request (default 5 min; Consul caps it at 10 min). */
    public Builder<T> wait(Duration wait) {
      if (wait == null || wait.isNegative() || wait.isZero()) {
        throw new IllegalArgumentException("wait " + wait + " must be > 0: e.g. Duration.ofMinutes(5)");
      }
      if (wait.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("wait " + wait + " exceeds Consul's maximum of 10 minutes: use at most"
            + " Duration.ofMinutes(10)");
      }
      this.wait = wait;
      return this;
    }

    /** Token bucket between requests: up to {@code burst} at once, then one per {@code refill}. */
    public Builder<T> rateLimit(int burst, Duration refill) {
      new TokenBucket(burst, refill, () -> 0); // validates
      this.burst = burst;
      this.refill = refill;
      return this;
    }

    /** Error backoff: {@code initial}, doubling up to {@code max}, each delay jittered by ±{@code jitter}. */
    public Builder<T> backoff(Duration initial, Duration max, double jitter) {
      new Backoff(initial, max, jitter, () -> 0.5); // validates
      this.backoffInitial = initial;
      this.backoffMax = max;
      this.jitter = jitter;
      return this;
    }

    /**
     * The client's shared {@link AgentProbe} ({@link ConsulClient#agentProbe()}): after a transport failure the loop
     * retries as soon as the probe reaches the agent, instead of after the backoff. Without one (the default) every
     * failure waits for the backoff.
     */
    public Builder<T> agentProbe(AgentProbe probe) {
      this.agentProbe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /**
     * After an error, re-read with index 0 and deliver that answer whatever its index (see the class comment);
     * default off (the retry sends index 1 and delivers only a moved index).
     */
    public Builder<T> rereadAfterError() {
      this.rereadAfterError = true;
      return this;
    }

    /** The clock of the rate limiter, in nanoseconds (tests use a fake one). */
    Builder<T> clock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Source of jitter in [0, 1) (tests use a fixed one). */
    Builder<T> random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public BlockingQuery<T> build() {
      return new BlockingQuery<>(this);
    }
  }
}
