package io.github.grpcconsul.internal.consul;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one decision how long a retrying loop waits after a failed request to Consul, shared by {@link BlockingQuery}
 * and the registration loop:
 *
 * <ul>
 *   <li><b>HTTP errors</b> (5xx, 429, and everything else that is not a transport failure): the jittered
 *       exponential backoff the caller passes in, so a struggling agent is not hammered.
 *   <li><b>Transport failures</b> ({@link ConsulUnreachableException}: refused, reset, timed out): wait for the
 *       client's {@link AgentProbe}, which every loop of that client shares, and retry as soon as the agent answers.
 *       No timer of its own: while the agent is down the loop sends nothing; the probe's requests are the whole cost.
 *   <li><b>The probe was wrong</b>: when the retry the probe released fails with a transport failure again (the
 *       agent answers {@code /v1/status/leader} but not this request), the next wait is the backoff for the failure
 *       count, which keeps growing because the probe's success is not a success of the request. So the backoff
 *       stays the upper bound of the request rate and a probe that succeeds while requests fail cannot make a tight
 *       loop: at most one probe-released retry per backoff period.
 * </ul>
 *
 * <p>Not thread-safe: each loop owns one instance and calls it where it keeps its own state (BlockingQuery under its
 * lock, the registration loop on its thread). Never blocks.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class RetryWait {
  /** How the last retry was scheduled (tests, diagnostics). */
  public enum Kind { NONE, BACKOFF, PROBE }

  private final AgentProbe probe; // null: the backoff only
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private Kind last = Kind.NONE;

  /**
   * @param probe the client's probe, or null for the backoff only
   * @param scheduler runs the backoff timers
   * @param executor runs the retry once the probe released it (the loop's own executor)
   */
  public RetryWait(AgentProbe probe, ScheduledExecutorService scheduler, Executor executor) {
    this.probe = probe;
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Schedules {@code retry} after failure number {@code consecutiveFailures} (1 = the first of a streak).
   *
   * @param backoff the backoff delay for this failure count
   * @return the pending wait; cancel it to drop the retry
   * @throws RejectedExecutionException when the scheduler is shut down (the client is closed)
   */
  public Future<?> schedule(Throwable failure, int consecutiveFailures, Duration backoff, Runnable retry) {
    boolean probeWasWrong = last == Kind.PROBE && consecutiveFailures > 1;
    if (probe != null && ConsulUnreachableException.isTransportFailure(failure) && !probeWasWrong) {
      last = Kind.PROBE;
      CompletableFuture<Void> reachable = probe.awaitReachable();
      reachable.thenRunAsync(retry, executor);
      return reachable;
    }
    last = Kind.BACKOFF;
    return scheduler.schedule(retry, Math.max(0, backoff.toNanos()), TimeUnit.NANOSECONDS);
  }

  /** How the last retry was scheduled. */
  public Kind lastKind() {
    return last;
  }
}
