package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.internal.consul.BlockingQuery;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.consul.GoDuration;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.internal.consul.HealthQuery;
import io.github.grpcconsul.internal.consul.QueryResult;
import io.github.grpcconsul.internal.consul.ConsulAddress;
import io.github.grpcconsul.internal.consul.ConfigAccess;
import io.github.grpcconsul.internal.metrics.ConsulMetrics;
import io.github.grpcconsul.internal.metrics.WatchMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JVM-wide table of {@link ServiceWatch}es: channels that ask the same agent (same configuration) the same
 * question share one blocking query and one {@link ConsulClient}, reference-counted.
 *
 * <p>A watch whose last subscriber leaves lingers for a while before its query is cancelled, because grpc shuts a
 * resolver down when its channel goes idle and makes a new one on the next call: re-attaching within the linger
 * costs no request and the new resolver gets the last known list at once. The registry has no thread: queries and
 * linger timers run on their client's scheduler, and a client is closed with its last watch.
 *
 * <p>Threading: every method may be called from any thread. The registry's monitor guards only its two tables and
 * reference counts and is never held while calling out: creating a client (which reads key, certificate and token
 * files), cancelling a query and closing a client all happen after it is released, so one channel's slow start never
 * delays another channel's shutdown. {@link #subscribe} may block (it may create a client, or wait for another
 * thread that is creating the same one): call it off the channel's SynchronizationContext. Closing a subscription
 * never blocks.
 */
public final class WatchRegistry {

  private static final Logger logger = Logger.getLogger(WatchRegistry.class.getName());

  /** System property (a Go duration such as {@code 30s} or {@code 0s}) overriding the default linger. */
  public static final String LINGER_PROPERTY = "io.github.grpcconsul.resolver.watchLinger";
  public static final Duration DEFAULT_LINGER = Duration.ofSeconds(30);

  private static final class SharedHolder {
    static final WatchRegistry INSTANCE = new WatchRegistry(lingerFromProperty());
  }

  private final Duration linger;
  private final HostResolver hosts;
  private final Map<ClientKey, ClientRef> clients = new HashMap<>(); // guarded by this
  private final Map<WatchKey, WatchRef> watches = new HashMap<>(); // guarded by this

  public WatchRegistry(Duration linger) {
    this(linger, HostResolver.SYSTEM);
  }

  /** With {@code hosts} resolving host-name addresses (tests inject slow or counting ones). */
  public WatchRegistry(Duration linger, HostResolver hosts) {
    this.linger = Objects.requireNonNull(linger, "linger");
    this.hosts = Objects.requireNonNull(hosts, "hosts");
  }

  /** The registry the service-loaded provider uses. */
  public static WatchRegistry shared() {
    return SharedHolder.INSTANCE;
  }

  /**
   * Identifies one agent connection: the provider's base configuration (by identity: it is made once per
   * provider) and the agent address a target's authority put in place of the configured one.
   */
  static final class ClientKey {
    final Object base;
    final String agentAddress;

    ClientKey(Object base, String agentAddress) {
      this.base = base;
      this.agentAddress = agentAddress;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ClientKey && ((ClientKey) o).base == base
          && Objects.equals(((ClientKey) o).agentAddress, agentAddress);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(base) * 31 + Objects.hashCode(agentAddress);
    }
  }

  /** A handle on one subscription; closing it twice is harmless. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Subscribes to the watch for this query, creating it (and the client) when none exists. May block: it may read
   * key and certificate files when a client is created. Call it off the channel's SynchronizationContext.
   */
  public Subscription subscribe(ClientKey clientKey, Supplier<ConsulConfig> config, HealthQuery query, Duration wait,
      String description, Consumer<WatchState> subscriber) {
    WatchKey key = new WatchKey(clientKey, query, wait);
    WatchRef ref;
    ClientRef client = null;
    boolean createWatch = false;
    boolean createClient = false;
    synchronized (this) {
      ref = watches.get(key);
      if (ref == null) {
        client = clients.get(clientKey);
        if (client == null) {
          client = new ClientRef();
          clients.put(clientKey, client);
          createClient = true;
        }
        client.watches++;
        ref = new WatchRef(key, client);
        watches.put(key, ref);
        createWatch = true;
      }
      ref.subscribers++;
      if (ref.lingerTimer != null) {
        ref.lingerTimer.cancel(false); // does not block
        ref.lingerTimer = null;
      }
    }
    if (createClient) {
      try {
        client.created.complete(ConsulClient.create(config.get()));
      } catch (RuntimeException e) {
        client.created.completeExceptionally(e);
      }
    }
    if (createWatch) {
      startWatch(ref, description);
    }
    ServiceWatch watch;
    try {
      watch = ref.started.join();
    } catch (CompletionException | CancellationException e) {
      release(ref);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
    watch.subscribe(subscriber);
    WatchRef subscribed = ref;
    return new Subscription() {
      private final AtomicBoolean closed = new AtomicBoolean();

      @Override
      public void close() {
        if (closed.compareAndSet(false, true)) {
          watch.unsubscribe(subscriber);
          release(subscribed);
        }
      }
    };
  }

  /**
   * Follows a KV key for one resolver with a blocking query of its own, on the client this registry shares for
   * {@code clientKey}. May block like {@link #subscribe} (it may create the client): call it off the channel's
   * SynchronizationContext. The monitor is never held while a client is created or closed.
   */
  public Subscription watchKey(ClientKey clientKey, Supplier<ConsulConfig> config, String key, Duration wait,
      Consumer<Optional<String>> onValue) {
    ClientRef client;
    boolean createClient = false;
    synchronized (this) {
      client = clients.get(clientKey);
      if (client == null) {
        client = new ClientRef();
        clients.put(clientKey, client);
        createClient = true;
      }
      client.watches++;
    }
    if (createClient) {
      try {
        client.created.complete(ConsulClient.create(config.get()));
      } catch (RuntimeException e) {
        client.created.completeExceptionally(e);
      }
    }
    ConsulClient consul;
    try {
      consul = client.created.join();
    } catch (CompletionException | CancellationException e) {
      releaseClient(client);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
    KvConfigWatch watch = new KvConfigWatch(consul, key, wait, onValue);
    watch.start();
    ClientRef held = client;
    return new Subscription() {
      private final AtomicBoolean closed = new AtomicBoolean();

      @Override
      public void close() {
        if (closed.compareAndSet(false, true)) {
          watch.close();
          // On the client's scheduler, like a watch's expiry, not in the SynchronizationContext.
          try {
            consul.scheduler().execute(() -> releaseClient(held));
          } catch (RejectedExecutionException closedAlready) {
            releaseClient(held);
          }
        }
      }
    };
  }

  /** One KV watch fewer on {@code client}; closes it, outside the monitor, when nothing uses it any more. */
  private void releaseClient(ClientRef client) {
    ConsulClient closeClient = null;
    synchronized (this) {
      if (--client.watches == 0) {
        clients.values().remove(client);
        closeClient = createdClient(client);
      }
    }
    if (closeClient != null) {
      try {
        closeClient.close();
      } catch (RuntimeException e) {
        logger.log(Level.FINE, "consul: closing a client failed", e);
      }
    }
  }

  /** Outside the monitor: waits for the client (another thread may be creating it), starts the query. */
  private void startWatch(WatchRef ref, String description) {
    ConsulClient consul;
    try {
      consul = ref.client.created.join();
    } catch (CompletionException | CancellationException e) {
      ref.started.completeExceptionally(e.getCause() != null ? e.getCause() : e);
      return;
    }
    Executor blocking = BlockingExecutor.acquire();
    HealthQuery query = ref.key.query;
    ConsulAddress agent = ConfigAccess.addresses(consul.config()).get(0);
    WatchMetrics metrics = ConsulMetrics.of(consul.config())
        .watch(query.service(), query.datacenter().orElse(null), agent.host(), agent.port());
    ServiceWatch watch = new ServiceWatch(description, query.near().isPresent(), blocking, hosts, metrics);
    BlockingQuery<List<HealthEntry>> blockingQuery = BlockingQuery.<List<HealthEntry>>newBuilder(
            (index, wait) -> consul.healthService(query, index, wait),
            new BlockingQuery.Listener<List<HealthEntry>>() {
              @Override
              public void onResult(List<HealthEntry> value, QueryResult<List<HealthEntry>> result) {
                metrics.answered(true);
                watch.onEntries(value);
              }

              @Override
              public void onUnchanged(QueryResult<List<HealthEntry>> result) {
                metrics.answered(false);
              }

              @Override
              public void onError(Throwable error, int consecutiveFailures) {
                metrics.failed(consecutiveFailures);
                watch.onError(error);
              }
            },
            consul.scheduler())
        .wait(ref.key.wait)
        .rereadAfterError()
        .agentProbe(consul.agentProbe()) // one probe per client: shared by every watch on that agent
        .build();
    synchronized (this) {
      ref.query = blockingQuery;
      ref.blocking = blocking;
      ref.metrics = metrics;
    }
    blockingQuery.start();
    ref.started.complete(watch);
  }

  /** One subscriber fewer: the last one starts the linger timer (never blocks). */
  private void release(WatchRef ref) {
    synchronized (this) {
      if (--ref.subscribers > 0 || ref.closed) {
        return;
      }
      ConsulClient consul = createdClient(ref.client);
      if (consul != null && ref.query != null) {
        // Even with no linger the watch is closed on the client's scheduler, not in the caller's thread (a
        // channel's SynchronizationContext or offload executor).
        try {
          ref.lingerTimer = consul.scheduler().schedule(() -> expire(ref), linger.toNanos(), TimeUnit.NANOSECONDS);
          return;
        } catch (RejectedExecutionException closedAlready) {
          // fall through: expire now
        }
      }
    }
    expire(ref);
  }

  /**
   * The client, or null while it is being created or when its creation failed. ({@code getNow} would throw for a
   * failed one, inside the monitor's callers, leaving the watch and the failed client in the tables for good.)
   */
  private static ConsulClient createdClient(ClientRef client) {
    return client.created.isCompletedExceptionally() ? null : client.created.getNow(null);
  }

  /** Number of live watches (lingering ones included); for tests. */
  public synchronized int watchCount() {
    return watches.size();
  }

  /** Number of open clients; for tests. */
  public synchronized int clientCount() {
    return clients.size();
  }

  /** Closes every watch now, subscribed or not; for tests that use a lingering registry. */
  public void closeAllForTest() {
    List<WatchRef> all;
    synchronized (this) {
      all = List.copyOf(watches.values());
      for (WatchRef ref : all) {
        ref.subscribers = 0;
      }
    }
    all.forEach(this::expire);
  }

  /** Removes the watch from the tables under the monitor; cancels and closes after releasing it. */
  private void expire(WatchRef ref) {
    ConsulClient closeClient = null;
    BlockingQuery<List<HealthEntry>> query;
    Executor blocking;
    WatchMetrics metrics;
    synchronized (this) {
      if (ref.subscribers > 0 || ref.closed) {
        return;
      }
      ref.closed = true;
      query = ref.query;
      blocking = ref.blocking;
      metrics = ref.metrics;
      watches.values().remove(ref);
      if (--ref.client.watches == 0) {
        clients.values().remove(ref.client);
        closeClient = createdClient(ref.client);
      }
    }
    if (query != null) {
      query.cancel();
    }
    if (metrics != null) {
      metrics.close(); // its series go with the watch
    }
    if (blocking != null) {
      BlockingExecutor.release(blocking);
    }
    if (closeClient != null) {
      try {
        closeClient.close();
      } catch (RuntimeException e) {
        logger.log(Level.FINE, "consul: closing a client failed", e);
      }
    }
  }

  private static Duration lingerFromProperty() {
    String value = System.getProperty(LINGER_PROPERTY);
    if (value == null || value.isBlank()) {
      return DEFAULT_LINGER;
    }
    try {
      Duration linger = GoDuration.parse(value.trim());
      if (linger.isNegative()) {
        throw new IllegalArgumentException("a linger cannot be negative; use 0s for none");
      }
      return linger;
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "consul: ignoring -D{0}={1} ({2}); using {3}",
          new Object[] {LINGER_PROPERTY, value, e.getMessage(), DEFAULT_LINGER});
      return DEFAULT_LINGER;
    }
  }

  private static final class WatchKey {
    final ClientKey client;
    final HealthQuery query;
    final Duration wait;

    WatchKey(ClientKey client, HealthQuery query, Duration wait) {
      this.client = client;
      this.query = query;
      this.wait = wait;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof WatchKey)) {
        return false;
      }
      WatchKey k = (WatchKey) o;
      return client.equals(k.client) && query.equals(k.query) && wait.equals(k.wait);
    }

    @Override
    public int hashCode() {
      return Objects.hash(client, query, wait);
    }
  }

  private static final class ClientRef {
    /** Completed, outside the registry's monitor, by the thread that created the entry. */
    final CompletableFuture<ConsulClient> created = new CompletableFuture<>();
    int watches; // guarded by the registry
  }

  private static final class WatchRef {
    final WatchKey key;
    final ClientRef client;
    /** Completed by the thread that created the entry once the query runs; others wait for it. */
    final CompletableFuture<ServiceWatch> started = new CompletableFuture<>();
    // guarded by the registry:
    BlockingQuery<List<HealthEntry>> query;
    Executor blocking;
    WatchMetrics metrics;
    int subscribers;
    ScheduledFuture<?> lingerTimer;
    boolean closed;

    WatchRef(WatchKey key, ClientRef client) {
      this.key = key;
      this.client = client;
    }
  }
}
