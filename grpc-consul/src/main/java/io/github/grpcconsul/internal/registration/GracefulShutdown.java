package io.github.grpcconsul.internal.registration;

import io.github.grpcconsul.registration.ConsulRegistration;
import io.github.grpcconsul.internal.consul.ConsulFailures;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The steps of {@link ConsulRegistration#shutdownGracefully()}, run once on the calling thread. Every wait is bounded;
 * a failed step is logged and the next one still runs, since a process on its way out must always get out.
 *
 * <p>Threading: run once, on the thread calling {@code shutdownGracefully()} (or the shutdown hook's thread), after
 * {@code ConsulRegistration} released its locks. It blocks: it sleeps for the drain time, and waits, each wait bounded
 * by the shutdown timeout, for the agent's answers, the registration executor's end and the server's termination.
 */
public final class GracefulShutdown {
  private static final Logger logger = Logger.getLogger(ConsulRegistration.class.getName());
  private static final String LEAVING_NOTE = "shutting down: draining before deregistration";

  private final RegistrationSettings settings;
  private final ConsulClient client;
  private final ScheduledExecutorService executor;
  private final RegistrationLoop loop;
  private boolean interrupted;

  /** {@code client}, {@code executor} and {@code loop} are null when the registration was never started. */
  private long leaveNanos = -1;

  public GracefulShutdown(RegistrationSettings settings, ConsulClient client, ScheduledExecutorService executor,
      RegistrationLoop loop) {
    this.settings = settings;
    this.client = client;
    this.executor = executor;
    this.loop = loop;
  }

  /**
   * How long the instance took to leave Consul: from the start of {@link #run} to the end of deregistration
   * (not-serving, drain wait, deregister); -1 when it was never registered.
   */
  public long leaveNanos() {
    return leaveNanos;
  }

  /** Returns whether the calling thread was interrupted meanwhile (the caller restores the flag). */
  public boolean run() {
    long began = System.nanoTime();
    HealthStatusManager health = settings.healthStatusManager();
    if (health != null) {
      health.setStatus(settings.serviceName(), ServingStatus.NOT_SERVING);
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    }
    if (loop != null) {
      boolean everRegistered = Boolean.TRUE.equals(await("stop heartbeats",
          CompletableFuture.supplyAsync(loop::stop, executor)));
      if (everRegistered) {
        markNotServing();
        drain();
      }
      Throwable failure = awaitFailure("deregister", client.deregisterService(settings.id()));
      if (everRegistered) {
        leaveNanos = System.nanoTime() - began;
      }
      if (failure == null) {
        logger.info("Deregistered service '" + settings.serviceName() + "' (ID " + settings.id() + ") from Consul");
      }
    }
    stopServer();
    if (loop != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      client.close();
    }
    return interrupted;
  }

  /** Critical TTL check and maintenance mode: either one takes the instance out of {@code ?passing} answers. */
  private void markNotServing() {
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    if (settings.hasTtlCheck()) {
      calls.add(client.updateTtl(settings.ttlCheckId(), CheckStatus.CRITICAL, LEAVING_NOTE));
    }
    calls.add(client.serviceMaintenance(settings.id(), true, LEAVING_NOTE));
    for (CompletableFuture<Void> call : calls) {
      awaitFailure("mark not serving", call);
    }
  }

  private void drain() {
    Duration drain = settings.drainTime();
    if (drain.isZero() || interrupted) {
      return;
    }
    logger.info("Draining service '" + settings.serviceName() + "' (ID " + settings.id() + ") for " + drain);
    try {
      Thread.sleep(drain.toMillis());
    } catch (InterruptedException e) {
      interrupted = true;
    }
  }

  private void stopServer() {
    Server server = settings.server();
    if (server == null) {
      return;
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        logger.warning("gRPC server of '" + settings.serviceName() + "' still had calls after "
            + settings.shutdownTimeout() + "; cancelling them");
        server.shutdownNow();
        server.awaitTermination(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
      server.shutdownNow();
    }
  }

  private Object await(String step, CompletableFuture<?> future) {
    try {
      return future.get(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      logger.log(Level.FINE, "Shutdown step '" + step + "' failed", e);
    }
    return null;
  }

  /**
   * Waits for a Consul call (bounded, even after an interrupt: a leaving instance must still deregister); returns its
   * failure, logged, or null. A 404 means already gone: fine.
   */
  private Throwable awaitFailure(String step, CompletableFuture<?> call) {
    try {
      call.get(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (InterruptedException e) {
      interrupted = true;
      return e;
    } catch (TimeoutException e) {
      call.cancel(true);
      logger.warning("Shutdown of '" + settings.id() + "': " + step + " got no answer from Consul within "
          + settings.shutdownTimeout() + "; going on");
      return e;
    } catch (ExecutionException e) {
      if (RegistrationFailures.classify(e) == RegistrationFailures.Kind.UNKNOWN_TO_AGENT) {
        return null;
      }
      if (RegistrationFailures.classify(e) == RegistrationFailures.Kind.ACL_DENIED) {
        logger.warning(RegistrationFailures.aclDeniedMessage(step, settings.serviceName(), e, false));
      } else {
        logger.warning("Shutdown of '" + settings.id() + "': " + step + " failed: " + ConsulFailures.unwrap(e)
            + "; going on");
      }
      return e;
    }
  }
}
