package io.github.grpcconsul.registration;

import io.github.grpcconsul.internal.registration.AddressDetector;
import io.github.grpcconsul.internal.registration.GracefulShutdown;
import io.github.grpcconsul.internal.registration.RegistrationLoop;
import io.github.grpcconsul.internal.registration.RegistrationSettings;
import io.github.grpcconsul.registration.RegistrationStatus.State;
import io.github.grpcconsul.internal.consul.ConfigAccess;
import io.github.grpcconsul.internal.consul.ConsulAddress;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.metrics.ConsulMetrics;
import io.github.grpcconsul.internal.metrics.RegistrationMetrics;
import io.github.grpcconsul.consul.ConsulConfig;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Registers a running gRPC {@link Server} (or any host and port) in Consul, keeps it registered and healthy in Consul
 * while it runs, and takes it out of rotation before it stops.
 *
 * <pre>{@code
 * HealthStatusManager health = new HealthStatusManager();
 * Server server = Grpc.newServerBuilderForPort(50051, InsecureServerCredentials.create())
 *     .addService(new HelloService())
 *     .addService(health.getHealthService())      // Consul's gRPC check probes this
 *     .build().start();
 * ConsulRegistration registration = ConsulRegistration.newBuilder(server, "helloserver")
 *     .ttlCheck(Duration.ofSeconds(10))
 *     .grpcCheck(Duration.ofSeconds(5))
 *     .healthStatusManager(health)
 *     .build();
 * registration.start();
 * registration.registerShutdownHook();           // SIGTERM: not serving, drain, deregister, stop the server
 * }</pre>
 *
 * <p>Checks: a TTL check whose heartbeat runs at most every TTL/3 (jittered) and reports {@link #setCheckStatus}, and/or
 * Consul's native gRPC check, which probes {@code grpc.health.v1.Health/Check} at {@code address:port} for the service
 * name; its answer comes from the {@link HealthStatusManager} given to the builder, which this class sets. With
 * neither configured, a 10 s TTL check is used. Every check carries {@code DeregisterCriticalServiceAfter} (default
 * 1 min) so Consul removes an instance that died without deregistering.
 *
 * <p>When the agent forgets the service (restarted, lost its state: a heartbeat is answered 404 or "does not have
 * associated TTL", or the periodic {@code GET /v1/agent/service/:id} finds nothing), it is registered again, with
 * backoff. One daemon thread per registration, named {@code grpc-consul-registration-N}, does all of this.
 *
 * <p>Its state is observable: {@link #status()}, {@link #awaitRegistered(Duration)} and
 * {@link #addStatusListener(Executor, Consumer)}, e.g. to tell "registered" from "denied by ACL" at start-up:
 *
 * <pre>{@code
 * registration.start();
 * if (!registration.awaitRegistered(Duration.ofSeconds(10))) {
 *   System.err.println("not registered yet: " + registration.status().description());
 * }
 * }</pre>
 *
 * <p>Threading: thread-safe; every method may be called from any thread. {@link #start()}, {@link #setCheckStatus} and
 * {@link #status()} never block; {@link #shutdownGracefully()} and {@link #awaitRegistered} block the caller (bounded).
 * The work runs on one daemon thread per started registration; status listeners run on the executor given with them,
 * never while a lock of this class is held.
 */
public final class ConsulRegistration implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(ConsulRegistration.class.getName());
  private static final AtomicInteger threadCount = new AtomicInteger();

  private final RegistrationSettings settings;
  private final Object lock = new Object();
  /** Created by start(), so a registration built but never started holds no thread or connection. */
  private ScheduledThreadPoolExecutor executor;
  private ConsulClient client;
  private RegistrationLoop loop;
  /** Set by start(); read in updateStatus under the status lock. */
  private volatile RegistrationMetrics metrics;
  private CheckStatus checkStatus = CheckStatus.PASSING;
  private String note = "";
  private CompletableFuture<Void> shutdown;
  private Thread shutdownHook;

  /** Guards status and listeners only; never held while calling out (listeners' executors, Consul, the loop). */
  private final Object statusLock = new Object();
  private final Clock clock = Clock.systemUTC();
  private RegistrationStatus status;
  private boolean everRegistered;
  /** The cause and description of the last RETRYING, for STOPPED when it never registered. */
  private Throwable lastFailure;
  private String lastFailureDescription;
  private final List<StatusListener> listeners = new ArrayList<>();

  private ConsulRegistration(RegistrationSettings settings) {
    this.settings = settings;
    this.status = RegistrationStatus.of(State.STARTING, null, "not started: call start()", clock.instant());
  }

  /**
   * Starts building the registration of a started {@code server} under {@code serviceName}; the port is
   * {@code server.getPort()}, so start the server first.
   */
  public static Builder newBuilder(Server server, String serviceName) {
    return new Builder(Objects.requireNonNull(server, "server"), null, -1, serviceName);
  }

  /**
   * Starts building the registration of a service listening at {@code address:port} that this process does not
   * manage as a gRPC {@link Server}; {@link #shutdownGracefully()} then drains and deregisters but stops nothing.
   */
  public static Builder newBuilder(String address, int port, String serviceName) {
    return new Builder(null, Objects.requireNonNull(address, "address"), port, serviceName);
  }

  /**
   * Registers the service (the gRPC health status of the service name and of {@code ""} is set to SERVING first),
   * then keeps it registered. Returns at once; the future completes when the agent first accepted the registration
   * and never fails: failures are logged and retried with backoff. Calling it again returns the same future.
   *
   * @throws IllegalStateException after {@link #shutdownGracefully()}
   * @throws IllegalArgumentException when the Consul TLS files configured cannot be read
   */
  public CompletableFuture<Void> start() {
    RegistrationLoop starting = null;
    CompletableFuture<Void> first;
    synchronized (lock) {
      if (shutdown != null) {
        throw new IllegalStateException("registration of '" + settings.serviceName() + "' was shut down; "
            + "build a new ConsulRegistration to register again");
      }
      if (loop == null) {
        client = ConsulClient.create(settings.consul()); // first: it may refuse unreadable TLS files
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
          Thread thread = new Thread(runnable, "grpc-consul-registration-" + threadCount.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        ConsulAddress agent = ConfigAccess.addresses(settings.consul()).get(0);
        metrics = ConsulMetrics.of(settings.consul()).registration(settings.serviceName(), agent.host(),
            agent.port());
        loop = new RegistrationLoop(settings, client, executor,
            (state, failure, description) -> updateStatus(state, failure, description, false), metrics);
        loop.setHealth(checkStatus, note);
        setServingStatus(servingStatus(checkStatus));
        starting = loop;
      }
      first = loop.firstRegistration().copy();
    }
    if (starting != null) {
      // Outside the lock: listeners are told. Before the loop starts, so its first report comes after this one.
      updateStatus(State.STARTING, null, "registering " + settings.id() + " with the Consul agent", false);
      starting.start();
    }
    return first;
  }

  /** Where the registration stands now. Never blocks. */
  public RegistrationStatus status() {
    synchronized (statusLock) {
      return status;
    }
  }

  /**
   * Waits until the agent has accepted the registration ({@link State#REGISTERED}), at most {@code timeout}.
   * Returns true once registered (at once if it is now), false when the time ran out, or at once when the
   * registration is draining or stopped (it will not register any more); {@link #status()} then says why not.
   *
   * @throws InterruptedException when the calling thread is interrupted while waiting
   */
  public boolean awaitRegistered(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + Objects.requireNonNull(timeout, "timeout").toNanos();
    synchronized (statusLock) {
      while (true) {
        State state = status.state();
        if (state == State.REGISTERED) {
          return true;
        }
        if (state == State.DRAINING || state == State.STOPPED) {
          return false;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(statusLock, left);
      }
    }
  }

  /**
   * Calls {@code listener} on {@code executor} with the current status, then with every later change, in order, one
   * call at a time per listener; never while a lock of this registration is held. A listener that throws is logged
   * and keeps receiving changes. When the executor rejects a call, that listener is dropped (and that is logged).
   */
  public void addStatusListener(Executor executor, Consumer<RegistrationStatus> listener) {
    StatusListener l = new StatusListener(Objects.requireNonNull(executor, "executor"),
        Objects.requireNonNull(listener, "listener"));
    boolean schedule;
    synchronized (statusLock) {
      listeners.add(l);
      schedule = l.enqueue(status);
    }
    if (schedule) {
      l.schedule();
    }
  }

  /**
   * Records a new state and tells the listeners, outside the lock. The loop's reports ({@code fromShutdown} false)
   * are ignored once shutdown began: a late answer must not turn DRAINING back into REGISTERED.
   */
  private void updateStatus(State state, Throwable failure, String description, boolean fromShutdown) {
    List<StatusListener> toSchedule = new ArrayList<>();
    synchronized (statusLock) {
      State current = status.state();
      if (current == State.STOPPED || (!fromShutdown && current == State.DRAINING)) {
        return;
      }
      if (state == State.REGISTERED) {
        everRegistered = true;
      }
      if (state == State.RETRYING && failure != null) {
        lastFailure = failure;
        lastFailureDescription = description;
      }
      if (state == State.STOPPED && !everRegistered && failure == null && lastFailure != null) {
        failure = lastFailure;
        description = description + "; never registered, last failure: " + lastFailureDescription;
      }
      status = RegistrationStatus.of(state, failure, description, clock.instant());
      RegistrationMetrics m = metrics;
      if (m != null) {
        m.state(state.name());
      }
      statusLock.notifyAll();
      for (StatusListener l : listeners) {
        if (l.enqueue(status)) {
          toSchedule.add(l);
        }
      }
    }
    for (StatusListener l : toSchedule) {
      l.schedule();
    }
  }

  /** One listener's queue, so that its calls come in order and one at a time whatever its executor. */
  private final class StatusListener {
    private final Executor executor;
    private final Consumer<RegistrationStatus> consumer;
    private final ArrayDeque<RegistrationStatus> pending = new ArrayDeque<>(); // guarded by statusLock
    private boolean scheduled; // guarded by statusLock

    StatusListener(Executor executor, Consumer<RegistrationStatus> consumer) {
      this.executor = executor;
      this.consumer = consumer;
    }

    /** Under statusLock. Returns whether the caller must {@link #schedule()} a drain (after releasing the lock). */
    boolean enqueue(RegistrationStatus s) {
      pending.add(s);
      if (scheduled) {
        return false;
      }
      scheduled = true;
      return true;
    }

    void schedule() {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        synchronized (statusLock) {
          listeners.remove(this);
          pending.clear();
        }
        logger.log(Level.WARNING, "Status listener of the registration of '" + settings.serviceName()
            + "' removed: its executor rejected a call", e);
      }
    }

    private void drain() {
      while (true) {
        RegistrationStatus next;
        synchronized (statusLock) {
          next = pending.poll();
          if (next == null) {
            scheduled = false;
            return;
          }
        }
        try {
          consumer.accept(next);
        } catch (RuntimeException e) {
          logger.log(Level.WARNING, "Status listener of the registration of '" + settings.serviceName()
              + "' threw", e);
        }
      }
    }
  }

  /**
   * Reports this instance's health: the TTL check takes {@code status} at once with {@code note} as its output, and
   * the {@link HealthStatusManager} (if given) answers SERVING for PASSING and WARNING, NOT_SERVING for CRITICAL.
   * After {@link #shutdownGracefully()} it does nothing (a leaving instance stays not-serving).
   *
   * @throws IllegalArgumentException for {@link CheckStatus#MAINTENANCE}, which Consul sets through its maintenance
   *     mode ({@code consul maint -enable -service=<id>}), not through a check's status
   */
  public void setCheckStatus(CheckStatus status, String note) {
    Objects.requireNonNull(status, "status");
    if (status == CheckStatus.MAINTENANCE) {
      throw new IllegalArgumentException("setCheckStatus(MAINTENANCE): maintenance is not a check status; use"
          + " PASSING, WARNING or CRITICAL, or Consul's maintenance mode (consul maint -enable -service="
          + settings.id() + ")");
    }
    synchronized (lock) {
      if (shutdown != null) {
        return; // Leaving: the instance stays not-serving.
      }
      this.checkStatus = status;
      this.note = note == null ? "" : note;
      if (loop != null) {
        loop.setHealth(status, this.note);
        setServingStatus(servingStatus(status));
      }
    }
  }

  private static ServingStatus servingStatus(CheckStatus status) {
    return status == CheckStatus.PASSING || status == CheckStatus.WARNING ? ServingStatus.SERVING
        : ServingStatus.NOT_SERVING;
  }

  /** The service ID this instance is registered under. */
  public String serviceId() {
    return settings.id();
  }

  /** The address registered (given, or detected). */
  public String address() {
    return settings.address();
  }

  /** The port registered. */
  public int port() {
    return settings.port();
  }

  /**
   * Makes a JVM shutdown hook call {@link #shutdownGracefully()} (so SIGTERM drains this instance). Removed again when
   * {@code shutdownGracefully()} is called from code. Returns this.
   */
  public ConsulRegistration registerShutdownHook() {
    synchronized (lock) {
      if (shutdownHook == null && shutdown == null) {
        shutdownHook = new Thread(this::shutdownGracefully, "grpc-consul-registration-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
      }
    }
    return this;
  }

  /**
   * Takes this instance out of rotation without failing a call, then stops it, in this order: the gRPC health status
   * becomes NOT_SERVING, the TTL check critical and service maintenance on (so clients drop the instance); wait the
   * drain time while calls already routed here still succeed; deregister (bounded by the shutdown timeout);
   * {@code server.shutdown()} and await its termination (bounded; {@code shutdownNow()} after); release this
   * registration's thread and Consul client. Blocks until done. Idempotent: later calls wait for the first to finish.
   */
  public void shutdownGracefully() {
    CompletableFuture<Void> done;
    boolean first = false;
    GracefulShutdown steps;
    synchronized (lock) {
      if (shutdown == null) {
        shutdown = new CompletableFuture<>();
        first = true;
      }
      done = shutdown;
      steps = new GracefulShutdown(settings, client, executor, loop);
    }
    if (!first) {
      done.join();
      return;
    }
    updateStatus(State.DRAINING, null, "shutting down: not serving, draining, deregistering", true);
    boolean interrupted = false;
    try {
      interrupted = steps.run();
    } finally {
      removeShutdownHook();
      updateStatus(State.STOPPED, null, "stopped", true);
      RegistrationMetrics m = metrics;
      if (m != null) {
        if (steps.leaveNanos() >= 0) {
          m.drained(steps.leaveNanos());
        }
        m.close(); // the registration's series go with it
      }
      done.complete(null);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Same as {@link #shutdownGracefully()}. */
  @Override
  public void close() {
    shutdownGracefully();
  }

  private void removeShutdownHook() {
    Thread hook;
    synchronized (lock) {
      hook = shutdownHook;
      shutdownHook = null;
    }
    if (hook != null && hook != Thread.currentThread()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException jvmShuttingDown) {
        // The hook is running or about to; it will find the work done.
      }
    }
  }

  private void setServingStatus(ServingStatus status) {
    HealthStatusManager health = settings.healthStatusManager();
    if (health != null) {
      health.setStatus(settings.serviceName(), status);
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    }
  }

  /** For tests in this package: dies like a {@code kill -9}'d process would, telling Consul nothing. */
  void crashForTest() throws InterruptedException {
    synchronized (lock) {
      shutdown = CompletableFuture.completedFuture(null);
      if (executor != null) {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        client.close();
        if (metrics != null) {
          metrics.close();
        }
      }
    }
    if (settings.server() != null) {
      settings.server().shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  Thread shutdownHookForTest() {
    synchronized (lock) {
      return shutdownHook;
    }
  }

  RegistrationSettings settingsForTest() {
    return settings;
  }

  /** For tests in this package: the registration's own client (null before start), to watch its agent probe. */
  ConsulClient clientForTest() {
    synchronized (lock) {
      return client;
    }
  }

  /** For tests in this package: whether the agent currently holds our registration, as far as we know. */
  boolean isRegisteredForTest() {
    RegistrationLoop loop;
    ScheduledThreadPoolExecutor executor;
    synchronized (lock) {
      loop = this.loop;
      executor = this.executor;
    }
    if (loop == null) {
      return false;
    }
    try {
      return CompletableFuture.supplyAsync(loop::isRegistered, executor).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Configures a {@link ConsulRegistration}. Every argument is checked in {@link #build()}, which names the bad value
   * and what was expected.
   */
  public static final class Builder {
    private static final Pattern META_KEY = Pattern.compile("[a-zA-Z0-9_-]+");

    private final Server server;
    private final String explicitAddressFromFactory;
    private final int explicitPort;
    private final String serviceName;
    private ConsulConfig consul;
    private String id;
    private String address;
    private final List<String> tags = new ArrayList<>();
    private final Map<String, String> meta = new LinkedHashMap<>();
    private int weightPassing = 1;
    private int weightWarning = 1;
    private boolean enableTagOverride;
    private Duration ttl;
    private Duration grpcInterval;
    private Duration grpcTimeout;
    private boolean grpcUseTls;
    private HealthStatusManager healthStatusManager;
    private Duration deregisterCriticalServiceAfter = Duration.ofMinutes(1);
    private Duration drainTime = Duration.ofSeconds(5);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private Duration registrationCheckInterval = Duration.ofSeconds(2);

    private Builder(Server server, String address, int port, String serviceName) {
      this.server = server;
      this.explicitAddressFromFactory = address;
      this.explicitPort = port;
      this.serviceName = serviceName;
    }

    /** How to reach the Consul agent; default {@link ConsulConfig#fromEnvironment()} (as the resolver). */
    public Builder consul(ConsulConfig consul) {
      this.consul = Objects.requireNonNull(consul, "consul");
      return this;
    }

    /** The service ID, unique per instance on the agent; default {@code <name>-<address>-<port>}. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /**
     * The address clients dial; default: detected, a non-loopback site-local or global address of this host (the
     * choice is logged), 127.0.0.1 with a warning when there is none.
     */
    public Builder address(String address) {
      this.address = address;
      return this;
    }

    /** Adds tags. */
    public Builder tags(String... tags) {
      return tags(List.of(tags));
    }

    /** Adds tags. */
    public Builder tags(Collection<String> tags) {
      for (String tag : tags) {
        this.tags.add(Objects.requireNonNull(tag, "tag"));
      }
      return this;
    }

    /** Adds one service meta entry (key: letters, digits, '_' or '-', at most 128; value at most 512 characters). */
    public Builder meta(String key, String value) {
      meta.put(Objects.requireNonNull(key, "meta key"), Objects.requireNonNull(value, "meta value"));
      return this;
    }

    /** Adds service meta entries. */
    public Builder meta(Map<String, String> meta) {
      meta.forEach(this::meta);
      return this;
    }

    /** Consul weights when passing and when warning; default 1 and 1. */
    public Builder weights(int passing, int warning) {
      this.weightPassing = passing;
      this.weightWarning = warning;
      return this;
    }

    /** Consul's {@code EnableTagOverride}; default false. */
    public Builder enableTagOverride(boolean enable) {
      this.enableTagOverride = enable;
      return this;
    }

    /** Adds a TTL check with this TTL; the heartbeat runs at most every TTL/3, jittered. */
    public Builder ttlCheck(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * Adds Consul's gRPC check: every {@code interval} the agent calls {@code grpc.health.v1.Health/Check} at
     * {@code address:port} for the service name. The server must include a health service: pass the
     * {@link HealthStatusManager} whose {@code getHealthService()} the server was built with.
     */
    public Builder grpcCheck(Duration interval) {
      this.grpcInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** The gRPC check's timeout; default the smaller of its interval and 5 s. */
    public Builder grpcCheckTimeout(Duration timeout) {
      this.grpcTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Whether Consul's gRPC check uses TLS (the server serves TLS); default false. */
    public Builder grpcCheckUseTls(boolean useTls) {
      this.grpcUseTls = useTls;
      return this;
    }

    /**
     * The health manager whose service the server exposes; this registration sets the status of the service name and
     * of {@code ""} (SERVING on start, NOT_SERVING on shutdown, and per {@link ConsulRegistration#setCheckStatus}).
     */
    public Builder healthStatusManager(HealthStatusManager healthStatusManager) {
      this.healthStatusManager = Objects.requireNonNull(healthStatusManager, "healthStatusManager");
      return this;
    }

    /**
     * How long a check may stay critical before Consul removes the whole instance (so a {@code kill -9}'d instance
     * goes away); default 1 min. Consul raises values below 1 min to 1 min and reaps every 30 s.
     */
    public Builder deregisterCriticalServiceAfter(Duration after) {
      this.deregisterCriticalServiceAfter = Objects.requireNonNull(after, "deregisterCriticalServiceAfter");
      return this;
    }

    /**
     * How long {@link ConsulRegistration#shutdownGracefully()} keeps serving after marking the instance not-serving,
     * so clients learn of it and stop picking it; default 5 s. Zero skips draining.
     */
    public Builder drainTime(Duration drainTime) {
      this.drainTime = Objects.requireNonNull(drainTime, "drainTime");
      return this;
    }

    /** Bound on each step of the shutdown (each Consul call, the server's termination); default 10 s. */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = Objects.requireNonNull(timeout, "shutdownTimeout");
      return this;
    }

    /**
     * The shortest pause between two checks that the agent still knows this registration; default 2 s. Each check
     * is a {@code GET /v1/agent/service/:id} the agent holds (Consul's hash-based blocking, up to 5 min), so a
     * deregistration behind our back or an agent restart is noticed at once and the service registered again; the
     * pause applies only when a check comes back sooner than it (the registration's content changed, or an agent
     * that does not block), so checks never come more often than this.
     */
    public Builder registrationCheckInterval(Duration interval) {
      this.registrationCheckInterval = Objects.requireNonNull(interval, "registrationCheckInterval");
      return this;
    }

    /**
     * Checks every argument and creates the registration (not started yet: call {@link ConsulRegistration#start()}).
     *
     * @throws IllegalArgumentException naming the bad argument, its value and what is expected
     */
    public ConsulRegistration build() {
      return new ConsulRegistration(settings());
    }

    RegistrationSettings settings() {
      if (serviceName == null || serviceName.isBlank()) {
        throw bad("serviceName: '" + serviceName + "' (expected: a non-empty name such as \"helloserver\")");
      }
      if (serviceName.contains("/")) {
        throw bad("serviceName: '" + serviceName + "' (expected: no '/'; Consul names go into URL paths)");
      }
      int port = explicitPort;
      if (server != null) {
        try {
          port = server.getPort();
        } catch (IllegalStateException notStarted) {
          port = -1;
        }
      }
      if (port < 1 || port > 65535) {
        throw bad("port: " + port + " (expected: 1..65535"
            + (server != null ? "; server.getPort() is -1 until the server is started: call server.start() "
                + "before build()" : "") + ")");
      }
      String host = address != null ? address : explicitAddressFromFactory;
      if (host != null && (host.isBlank() || host.equals("0.0.0.0") || host.equals("::"))) {
        throw bad("address: '" + host + "' (expected: an address other hosts can dial, not empty, 0.0.0.0 or ::)");
      }
      if (host == null) {
        host = AddressDetector.detect();
      }
      String serviceId = id != null ? id : defaultId(serviceName, host, port);
      if (serviceId.isBlank() || serviceId.contains("/")) {
        throw bad("id: '" + serviceId + "' (expected: non-empty, without '/')");
      }
      if (weightPassing < 1 || weightPassing > 65535 || weightWarning < 0 || weightWarning > 65535) {
        throw bad("weights: passing " + weightPassing + ", warning " + weightWarning
            + " (expected: passing 1..65535, warning 0..65535)");
      }
      validateMeta();
      Duration checkTtl = ttl;
      if (checkTtl == null && grpcInterval == null) {
        checkTtl = Duration.ofSeconds(10);
      }
      if (checkTtl != null) {
        requirePositive("ttl", checkTtl);
        if (checkTtl.toMillis() < 100) {
          throw bad("ttl: " + checkTtl + " (expected: >= PT0.1S; the heartbeat runs every TTL/3)");
        }
      }
      Duration timeout = grpcTimeout;
      if (grpcInterval != null) {
        requirePositive("grpcCheck interval", grpcInterval);
        if (timeout == null) {
          timeout = grpcInterval.compareTo(Duration.ofSeconds(5)) < 0 ? grpcInterval : Duration.ofSeconds(5);
        }
        requirePositive("grpcCheckTimeout", timeout);
        requireHealthService();
      } else if (grpcTimeout != null) {
        throw bad("grpcCheckTimeout: " + grpcTimeout + " (expected: only with grpcCheck(interval))");
      }
      requirePositive("deregisterCriticalServiceAfter", deregisterCriticalServiceAfter);
      if (drainTime.isNegative()) {
        throw bad("drainTime: " + drainTime + " (expected: >= 0)");
      }
      if (drainTime.compareTo(deregisterCriticalServiceAfter) >= 0) {
        throw bad("drainTime: " + drainTime + " (expected: < deregisterCriticalServiceAfter "
            + deregisterCriticalServiceAfter + ", or Consul may reap the instance while it drains: shorten the "
            + "drain or lengthen deregisterCriticalServiceAfter)");
      }
      requirePositive("shutdownTimeout", shutdownTimeout);
      requirePositive("registrationCheckInterval", registrationCheckInterval);
      return new RegistrationSettings(serviceName, serviceId, host, port, List.copyOf(tags), Map.copyOf(meta),
          weightPassing, weightWarning, enableTagOverride, checkTtl, grpcInterval, timeout, grpcUseTls,
          deregisterCriticalServiceAfter, drainTime, shutdownTimeout, registrationCheckInterval,
          consul != null ? consul : ConsulConfig.fromEnvironment(), server, healthStatusManager);
    }

    /** Without the health service the gRPC check would fail forever: say so now rather than in Consul's UI. */
    private void requireHealthService() {
      if (server == null) {
        return;
      }
      List<ServerServiceDefinition> services;
      try {
        services = server.getServices();
      } catch (UnsupportedOperationException | IllegalStateException unknown) {
        return;
      }
      String health = HealthGrpc.SERVICE_NAME;
      boolean exposed = services.stream().anyMatch(s -> s.getServiceDescriptor().getName().equals(health));
      if (!exposed) {
        throw bad("grpcCheck: the server does not serve " + health + " (expected: build the server with "
            + ".addService(healthStatusManager.getHealthService()) and pass the same manager to "
            + "healthStatusManager(...))");
      }
    }

    private void validateMeta() {
      if (meta.size() > 64) {
        throw bad("meta: " + meta.size() + " entries (expected: at most 64)");
      }
      meta.forEach((k, v) -> {
        if (!META_KEY.matcher(k).matches() || k.length() > 128 || k.startsWith("consul-")) {
          throw bad("meta key: '" + k + "' (expected: 1..128 letters, digits, '_' or '-', not starting with "
              + "'consul-')");
        }
        if (v.length() > 512) {
          throw bad("meta value of '" + k + "': " + v.length() + " characters (expected: at most 512)");
        }
      });
    }

    private static String defaultId(String name, String host, int port) {
      return (name + "-" + host + "-" + port).replaceAll("[^A-Za-z0-9_.-]", "-");
    }

    private static void requirePositive(String what, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw bad(what + ": " + value + " (expected: > 0)");
      }
    }

    private static IllegalArgumentException bad(String message) {
      return new IllegalArgumentException(message);
    }
  }
}
