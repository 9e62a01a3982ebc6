package io.github.grpcconsul.internal.registration;

import io.github.grpcconsul.registration.ConsulRegistration;
import io.github.grpcconsul.registration.RegistrationStatus.State;
import io.github.grpcconsul.internal.consul.ConsulFailures;
import io.github.grpcconsul.internal.metrics.RegistrationMetrics;
import io.github.grpcconsul.internal.consul.Backoff;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.consul.RetryWait;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps one service registered while the process runs: registers, beats the TTL check, notices when the agent has
 * forgotten the service (restart, lost state) and registers it again, with backoff on failures. After a transport
 * failure (agent down or restarting) each of the three (registration, heartbeat, registration check) instead waits
 * for the client's agent probe and retries as soon as the agent answers: see {@link #retryLater}.
 *
 * <p>Threading: every field below the constructor's is confined to the registration's single executor thread; the
 * agent's answers hop back onto it, so no lock is needed. {@link #setHealth} may be called from any thread and only
 * queues work. Nothing here blocks: Consul calls are asynchronous. State changes go to the {@link StatusSink} on the
 * executor thread.
 */
public final class RegistrationLoop {
  private static final Logger logger = Logger.getLogger(ConsulRegistration.class.getName());
  /** How long the agent may hold one registration check (Consul's default blocking wait). */
  static final Duration CHECK_WAIT = Duration.ofMinutes(5);

  private final RegistrationSettings settings;
  private final RegistrationMetrics metrics;
  private final ConsulClient client;
  private final ScheduledExecutorService scheduler;
  private final StatusSink statusSink;
  /** The executor that tolerates being shut down: late answers from the agent are dropped, not thrown at the client. */
  private final Executor executor;
  private final CompletableFuture<Void> firstRegistration = new CompletableFuture<>();

  private volatile CheckStatus status = CheckStatus.PASSING;
  private volatile String note = "";

  private final Backoff registerBackoff = Backoff.of(Duration.ofMillis(200), Duration.ofSeconds(10));
  private final Backoff beatBackoff = Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(10));
  private int registerFailures;
  private int beatFailures;
  private int checkFailures;
  /** The agent's content hash of our registration, from the last check; null: the next check answers at once. */
  private String checkHash;
  private final RetryWait registerWait;
  private final RetryWait beatWait;
  private final RetryWait checkWait;
  private boolean stopped;
  private boolean registering;
  private boolean registered;
  private boolean everRegistered;
  /** Bumped on every (re-)registration and loss, so answers to calls made for an older registration are ignored. */
  private int generation;
  private boolean beatInFlight;
  private boolean beatAgain;
  private long statusVersion;
  private long sentStatusVersion;
  private boolean registerFailureLogged;
  private boolean beatFailureLogged;
  private boolean aclDeniedLogged;
  private Future<?> registerTask;
  private Future<?> beatTask;
  private Future<?> checkTask;

  public RegistrationLoop(RegistrationSettings settings, ConsulClient client, ScheduledExecutorService scheduler,
      StatusSink statusSink) {
    this(settings, client, scheduler, statusSink, null);
  }

  /** With {@code metrics} (null: none) counting heartbeats and re-registrations. */
  public RegistrationLoop(RegistrationSettings settings, ConsulClient client, ScheduledExecutorService scheduler,
      StatusSink statusSink, RegistrationMetrics metrics) {
    this.metrics = metrics;
    this.settings = settings;
    this.client = client;
    this.scheduler = scheduler;
    this.statusSink = statusSink;
    this.executor = command -> {
      try {
        scheduler.execute(command);
      } catch (RejectedExecutionException stoppedAlready) {
        // Shut down: nothing is waiting for this answer any more.
      }
    };
    this.registerWait = new RetryWait(client.agentProbe(), scheduler, executor);
    this.beatWait = new RetryWait(client.agentProbe(), scheduler, executor);
    this.checkWait = new RetryWait(client.agentProbe(), scheduler, executor);
  }

  /** Completes when the service is first registered; never fails (failures are retried). */
  public CompletableFuture<Void> firstRegistration() {
    return firstRegistration;
  }

  public void start() {
    executor.execute(this::register);
  }

  /** Any thread. The TTL check reports the new status at once rather than at the next beat. */
  public void setHealth(CheckStatus newStatus, String newNote) {
    status = newStatus;
    note = newNote == null ? "" : newNote;
    executor.execute(() -> {
      statusVersion++;
      if (registered && settings.hasTtlCheck()) {
        beatNow();
      }
    });
  }

  public CheckStatus status() {
    return status;
  }

  /** On the executor: stops every timer and ignores later answers. Returns whether we ever registered. */
  public boolean stop() {
    stopped = true;
    cancel(registerTask);
    cancel(beatTask);
    cancel(checkTask);
    return everRegistered;
  }

  public boolean isRegistered() {
    return registered;
  }

  private void register() {
    registerTask = null;
    if (stopped || registering) {
      return;
    }
    registering = true;
    long version = statusVersion;
    CompletableFuture<Void> call;
    try {
      call = client.registerService(ServiceDefinitions.of(settings, status), true);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenCompleteAsync((ignored, failure) -> onRegisterDone(version, failure), executor);
  }

  private void onRegisterDone(long version, Throwable failure) {
    registering = false;
    if (stopped) {
      return;
    }
    if (failure != null) {
      if (RegistrationFailures.classify(failure) == RegistrationFailures.Kind.ACL_DENIED) {
        logAclDenied("registration", failure);
      } else if (!registerFailureLogged) {
        registerFailureLogged = true;
        logger.log(Level.WARNING, "Could not register service '" + settings.serviceName() + "' (ID "
            + settings.id() + ") in Consul: " + ConsulFailures.unwrap(failure) + ". Retrying with backoff.");
      }
      statusSink.update(State.RETRYING, ConsulFailures.unwrap(failure),
          "retrying: " + RegistrationFailures.describe(failure));
      ++registerFailures;
      registerTask = retryLater(registerWait, failure, registerFailures, registerBackoff.delay(registerFailures),
          this::register);
      return;
    }
    newGeneration();
    if (everRegistered && metrics != null) {
      metrics.reregistered();
    }
    registered = true;
    registerFailures = 0;
    registerFailureLogged = false;
    aclDeniedLogged = false;
    logger.info((everRegistered ? "Registered again" : "Registered") + " service '" + settings.serviceName()
        + "' (ID " + settings.id() + ") at " + settings.address() + ":" + settings.port() + " in Consul");
    statusSink.update(State.REGISTERED, null, "registered as " + settings.id() + " at " + settings.address() + ":"
        + settings.port());
    everRegistered = true;
    firstRegistration.complete(null);
    sentStatusVersion = version;
    if (settings.hasTtlCheck()) {
      // Registration cannot carry a check's output: send it (and any status set meanwhile) with a beat at once.
      if (statusVersion != sentStatusVersion || !note.isEmpty()) {
        beatNow();
      } else {
        scheduleBeat(beatInterval());
      }
    }
    // Park the registration check at once, so an agent restart from now on is noticed at once.
    checkHash = null;
    cancel(checkTask);
    checkStillKnown();
  }

  /** At most every TTL/3, jittered down by up to a quarter so many instances do not beat in step. */
  private Duration beatInterval() {
    long third = settings.ttl().toNanos() / 3;
    return Duration.ofNanos((long) (third * (0.75 + 0.25 * ThreadLocalRandom.current().nextDouble())));
  }

  private void beatNow() {
    if (beatInFlight) {
      beatAgain = true;
      return;
    }
    cancel(beatTask);
    beat();
  }

  private void scheduleBeat(Duration delay) {
    cancel(beatTask);
    beatTask = schedule(this::beat, delay);
  }

  private void beat() {
    beatTask = null;
    if (stopped || !registered) {
      return;
    }
    beatInFlight = true;
    int gen = generation;
    sentStatusVersion = statusVersion;
    CompletableFuture<Void> call;
    try {
      call = client.updateTtl(settings.ttlCheckId(), status, note);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenCompleteAsync((ignored, failure) -> onBeatDone(gen, failure), executor);
  }

  private void onBeatDone(int gen, Throwable failure) {
    if (stopped || gen != generation) {
      return; // The in-flight flags belong to the current generation, reset when it began.
    }
    beatInFlight = false;
    boolean again = beatAgain;
    beatAgain = false;
    if (metrics != null) {
      metrics.heartbeat(failure == null);
    }
    if (failure == null) {
      beatFailures = 0;
      beatFailureLogged = false;
      aclDeniedLogged = false;
      if (again) {
        beat();
      } else {
        scheduleBeat(beatInterval());
      }
      return;
    }
    switch (RegistrationFailures.classify(failure)) {
      case UNKNOWN_TO_AGENT -> lost("its TTL check " + settings.ttlCheckId() + " was refused ("
          + ConsulFailures.unwrap(failure).getMessage() + ")");
      case ACL_DENIED -> {
        logAclDenied("updating the TTL check", failure);
        scheduleBeat(beatBackoff.delay(++beatFailures));
      }
      default -> {
        if (!beatFailureLogged) {
          beatFailureLogged = true;
          logger.warning("Heartbeat of service '" + settings.serviceName() + "' (check " + settings.ttlCheckId()
              + ") failed: " + ConsulFailures.unwrap(failure) + ". Retrying with backoff.");
        }
        // Retry no later than a regular beat would have happened: the TTL keeps running.
        Duration delay = beatBackoff.delay(++beatFailures);
        Duration interval = beatInterval();
        cancel(beatTask);
        beatTask = retryLater(beatWait, failure, beatFailures, delay.compareTo(interval) < 0 ? delay : interval,
            this::beat);
      }
    }
  }

  private void scheduleCheck() {
    cancel(checkTask);
    checkTask = schedule(this::checkStillKnown, settings.reconcileInterval());
  }

  /**
   * Covers what heartbeats cannot: instances with only a gRPC check, and an agent that lost us between beats. The
   * check is a hash-blocking {@code GET /v1/agent/service/:id} the agent holds for up to {@link #CHECK_WAIT}: a
   * deregistration behind our back answers it at once (404), and an agent that stops or restarts breaks it at once
   * (a transport failure: the retry waits for the agent probe, then finds the service gone and registers again).
   * While it is held, the registration costs the agent no requests. Answers that come back sooner than the
   * registration-check interval (the content changed, or an agent that does not block) are followed by the next
   * check only after that interval, so this never polls faster than the old fixed-interval check did.
   */
  private void checkStillKnown() {
    checkTask = null;
    if (stopped || !registered) {
      return;
    }
    int gen = generation;
    String hash = checkHash;
    long startedAt = System.nanoTime();
    CompletableFuture<Optional<String>> call;
    try {
      call = client.agentServiceHash(settings.id(), hash, CHECK_WAIT);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    checkTask = call; // cancelled with the other timers by stop() and lost()
    call.whenCompleteAsync((found, failure) -> {
      if (stopped || gen != generation) {
        return;
      }
      checkTask = null;
      if (failure == null && found.isEmpty()) {
        lost("GET /v1/agent/service/" + settings.id() + " found nothing");
        return;
      }
      if (failure != null && RegistrationFailures.classify(failure) == RegistrationFailures.Kind.UNKNOWN_TO_AGENT) {
        lost("GET /v1/agent/service/" + settings.id() + " answered " + ConsulFailures.unwrap(failure).getMessage());
        return;
      }
      if (failure != null) {
        logger.log(Level.FINE, "Could not ask the agent about service " + settings.id(), failure);
        checkHash = null; // the next check answers at once, whatever the agent (perhaps a new one) holds
        checkTask = retryLater(checkWait, failure, ++checkFailures, settings.reconcileInterval(),
            this::checkStillKnown);
        return;
      }
      checkFailures = 0;
      String current = found.get();
      checkHash = current;
      boolean heldLong = System.nanoTime() - startedAt >= settings.reconcileInterval().toNanos();
      if (!current.isEmpty() && (hash == null || heldLong)) {
        checkStillKnown(); // park again at once: first hash just learnt, or the wait ran out
      } else {
        scheduleCheck();
      }
    }, executor);
  }

  private void lost(String reason) {
    if (!registered) {
      return;
    }
    registered = false;
    newGeneration();
    cancel(beatTask);
    cancel(checkTask);
    logger.warning("The Consul agent no longer knows service '" + settings.serviceName() + "' (ID "
        + settings.id() + "): " + reason + ". The agent was probably restarted or lost its state; registering again.");
    statusSink.update(State.RETRYING, new IllegalStateException("the Consul agent no longer knows service "
        + settings.id() + ": " + reason), "retrying: the agent no longer knows the service (" + reason + ")");
    register();
  }

  /** Answers to calls made before this point are ignored, including a beat still in flight. */
  private void newGeneration() {
    generation++;
    beatInFlight = false;
    beatAgain = false;
  }

  private void logAclDenied(String action, Throwable failure) {
    if (!aclDeniedLogged) {
      aclDeniedLogged = true;
      logger.severe(RegistrationFailures.aclDeniedMessage(action, settings.serviceName(), failure, true));
    }
  }

  /**
   * The one place that decides how a failed call is retried: after a transport failure, as soon as the client's
   * shared agent probe reaches the agent; otherwise (5xx, 429, ACL, ...) after {@code backoff}. See {@link RetryWait}.
   * Null when the executor is shut down.
   */
  private Future<?> retryLater(RetryWait wait, Throwable failure, int failures, Duration backoff, Runnable task) {
    try {
      return wait.schedule(failure, failures, backoff, task);
    } catch (RejectedExecutionException stoppedAlready) {
      return null;
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return scheduler.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stoppedAlready) {
      return null;
    }
  }

  private static void cancel(Future<?> task) {
    if (task != null) {
      task.cancel(false);
    }
  }
}
