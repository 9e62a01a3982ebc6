package io.github.grpcconsul.spring.boot.autoconfigure;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.registration.ConsulRegistration;
import io.github.grpcconsul.registration.RegistrationStatus;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * Registers Spring Boot's gRPC server(s) in Consul once they have started and takes them out before they stop.
 *
 * <p>A {@link SmartLifecycle} in the phase of Spring Boot's {@link GrpcServerLifecycle} ({@code Integer.MAX_VALUE})
 * that depends on the server's lifecycle bean, so Spring starts it after the server (the port is known, also when
 * configured as 0) and stops it before the server. Its stop is synchronous: NOT_SERVING, TTL check critical and
 * Consul maintenance; the drain time with calls still served; deregistration; only then does Spring Boot's graceful
 * shutdown of the gRPC server ({@code spring.grpc.server.shutdown.grace-period}) begin.
 *
 * <p>While running, the application's health (actuator, through Spring Boot's gRPC server health) is copied to the
 * registration every {@code grpc-consul.registration.health-interval}: an unhealthy application turns NOT_SERVING
 * for the Consul service name and critical in Consul.
 */
public final class ConsulServerRegistrations implements SmartLifecycle, ApplicationListener<GrpcServerStartedEvent> {
  private static final Logger logger = Logger.getLogger(ConsulServerRegistrations.class.getName());
  private static final AtomicInteger threadCount = new AtomicInteger();

  /** Where a registration stands ({@link RegistrationStatus.State}, named for the health contributor). */
  public enum State {
    /** Sent to Consul; no answer yet. */
    REGISTERING,
    /** Consul accepted the registration. */
    REGISTERED,
    /** The last attempt failed (Consul unreachable, ACL denied, agent error); retried with backoff. */
    RETRYING,
    /** Shutting down: not serving, in maintenance, draining, deregistering. */
    DRAINING,
    /** Deregistered (or never registered) and released. */
    STOPPED
  }

  /**
   * One registration's state, immutable: {@code description} is the library's one line (never the ACL token), e.g.
   * "retrying: ACL denied (...)"; {@code health} is what was last reported to Consul (PASSING, WARNING, CRITICAL).
   */
  public record Snapshot(String serviceName, String serviceId, String address, int port, State state,
      String description, String health, Instant since) {}

  private final RegistrationFactory factory;
  private final HealthSource healthSource;
  private final Duration healthInterval;
  private final Object lock = new Object();
  private final List<Server> startedServers = new ArrayList<>();
  private final List<Entry> entries = new ArrayList<>();
  private ScheduledExecutorService healthSync;
  private boolean running;
  /** Only touched on the health thread. */
  private boolean healthReadFailing;
  private boolean stopped;

  ConsulServerRegistrations(RegistrationFactory factory, HealthSource healthSource, Duration healthInterval) {
    this.factory = factory;
    this.healthSource = healthSource;
    this.healthInterval = healthInterval;
  }

  @Override
  public void onApplicationEvent(GrpcServerStartedEvent event) {
    synchronized (lock) {
      if (event.getPort() > 0 && !startedServers.contains(event.getServer())) {
        startedServers.add(event.getServer());
      }
    }
  }

  @Override
  public void start() {
    List<Entry> started = new ArrayList<>();
    synchronized (lock) {
      if (running || stopped) {
        return;
      }
      for (Server server : startedServers) {
        Entry entry = new Entry(factory.create(server));
        entries.add(entry);
        started.add(entry);
      }
      running = true;
      if (!entries.isEmpty()) {
        healthSync = new ScheduledThreadPoolExecutor(1, r -> {
          Thread t = new Thread(r, "grpc-consul-spring-health-" + threadCount.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
        healthSync.scheduleWithFixedDelay(this::syncHealth, 0, healthInterval.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    for (Entry entry : started) {
      entry.registration.start();
    }
  }

  /** Copies the application's health to every registration (on the health thread). */
  private void syncHealth() {
    try {
      ServingStatus status = healthSource.status(factory.serviceName());
      if (status == null) {
        return;
      }
      CheckStatus health = status == ServingStatus.SERVING ? CheckStatus.PASSING : CheckStatus.CRITICAL;
      String note = "application health (Spring Boot actuator, via grpc.health.v1): " + status;
      for (Entry entry : entriesSnapshot()) {
        entry.setCheckStatus(health, note);
      }
      healthReadFailing = false;
    } catch (RuntimeException e) {
      if (!healthReadFailing) {
        logger.log(Level.WARNING, "could not read the application's health for Consul; keeping the last state "
            + "(logged once until it works again)", e);
      }
      healthReadFailing = true;
    }
  }

  @Override
  public void stop() {
    List<Entry> leaving;
    ScheduledExecutorService sync;
    synchronized (lock) {
      if (!running) {
        stopped = true;
        return;
      }
      running = false;
      stopped = true;
      leaving = List.copyOf(entries);
      sync = healthSync;
      healthSync = null;
    }
    if (sync != null) {
      sync.shutdownNow();
      try {
        sync.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // One after the other would add up the drain times: leave in parallel, wait for all.
    List<Thread> threads = new ArrayList<>();
    for (Entry entry : leaving) {
      entry.leaving();
      Thread t = new Thread(entry.registration::shutdownGracefully,
          "grpc-consul-spring-leave-" + entry.registration.serviceId());
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Synchronous, so Spring stops the gRPC server only after this instance left Consul. */
  @Override
  public void stop(Runnable callback) {
    try {
      stop();
    } finally {
      callback.run();
    }
  }

  @Override
  public boolean isRunning() {
    synchronized (lock) {
      return running;
    }
  }

  /** The phase of Spring Boot's gRPC server lifecycle; the bean dependency orders the two within it. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }

  /** The registrations and their states (empty before the gRPC server started). */
  public List<Snapshot> snapshots() {
    List<Snapshot> out = new ArrayList<>();
    for (Entry e : entriesSnapshot()) {
      out.add(e.snapshot());
    }
    return out;
  }

  /** The registrations, e.g. to call {@link ConsulRegistration#setCheckStatus} (empty before the gRPC server started). */
  public List<ConsulRegistration> registrations() {
    List<ConsulRegistration> out = new ArrayList<>();
    for (Entry e : entriesSnapshot()) {
      out.add(e.registration);
    }
    return out;
  }

  /** The Consul service name the server(s) register under. */
  public String serviceName() {
    return factory.serviceName();
  }

  private List<Entry> entriesSnapshot() {
    synchronized (lock) {
      return List.copyOf(entries);
    }
  }

  /** Where the application's health comes from: the gRPC serving status for the Consul service name, or null. */
  @FunctionalInterface
  interface HealthSource {
    ServingStatus status(String consulServiceName);
  }

  private final class Entry {
    final ConsulRegistration registration;
    private boolean leaving;
    private String health = "PASSING";

    Entry(ConsulRegistration registration) {
      this.registration = registration;
    }

    synchronized void leaving() {
      leaving = true;
    }

    void setCheckStatus(CheckStatus h, String note) {
      synchronized (this) {
        if (leaving) {
          return;
        }
        health = h.name();
      }
      registration.setCheckStatus(h, note);
    }

    Snapshot snapshot() {
      RegistrationStatus status = registration.status();
      State state = switch (status.state()) {
        case STARTING -> State.REGISTERING;
        case REGISTERED -> State.REGISTERED;
        case RETRYING -> State.RETRYING;
        case DRAINING -> State.DRAINING;
        case STOPPED -> State.STOPPED;
      };
      String reported;
      synchronized (this) {
        // shutdownGracefully() runs on another thread: between our decision and its first step it still says
        // REGISTERED, but the instance is leaving.
        if (leaving && (state == State.REGISTERED || state == State.REGISTERING || state == State.RETRYING)) {
          state = State.DRAINING;
        }
        reported = health;
      }
      return new Snapshot(factory.serviceName(), registration.serviceId(), registration.address(),
          registration.port(), state, status.description(), reported, status.since());
    }
  }
}
