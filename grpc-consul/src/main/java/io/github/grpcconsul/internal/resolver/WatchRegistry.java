package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.internal.consul.BlockingQuery;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.consul.GoDuration;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.internal.consul.HealthQuery;
import io.github.grpcconsul.internal.consul.QueryResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
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
  private final Map<ClientKey, ClientRef> clients = new HashMap<>();
  private final Map<WatchKey, WatchRef> watches = new HashMap<>();

  public WatchRegistry(Duration linger) {
    this.linger = Objects.requireNonNull(linger, "linger");
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
   * Subscribes to the watch for this query, creating it (and the client) when none exists. May read key and
   * certificate files when a client is created: call it off the channel's SynchronizationContext.
   */
  public Subscription subscribe(ClientKey clientKey, Supplier<ConsulConfig> config, HealthQuery query, Duration wait,
      String description, Consumer<WatchState> subscriber) {
    WatchKey key = new WatchKey(clientKey, query, wait);
    WatchRef ref;
    synchronized (this) {
      ref = watches.get(key);
      if (ref == null) {
        ref = startWatch(key, config, description);
        watches.put(key, ref);
      }
      ref.subscribers++;
      if (ref.lingerTimer != null) {
        ref.lingerTimer.cancel(false);
        ref.lingerTimer = null;
      }
    }
    ref.watch.subscribe(subscriber);
    WatchRef subscribed = ref;
    return new Subscription() {
      private boolean closed;

      @Override
      public void close() {
        synchronized (WatchRegistry.this) {
          if (closed) {
            return;
          }
          closed = true;
          subscribed.watch.unsubscribe(subscriber);
          if (--subscribed.subscribers == 0) {
            // Even with no linger the watch is closed on the client's scheduler, not in the channel's
            // SynchronizationContext this runs in.
            subscribed.lingerTimer = subscribed.client.client.scheduler()
                .schedule(() -> expire(subscribed), linger.toNanos(), TimeUnit.NANOSECONDS);
          }
        }
      }
    };
  }

  /**
   * Follows a KV key for one resolver with a blocking query of its own, on the client this registry shares for
   * {@code clientKey}. Call it off the channel's SynchronizationContext (it may create the client).
   */
  public Subscription watchKey(ClientKey clientKey, Supplier<ConsulConfig> config, String key, Duration wait,
      Consumer<Optional<String>> onValue) {
    ClientRef client;
    synchronized (this) {
      client = clients.get(clientKey);
      if (client == null) {
        client = new ClientRef(ConsulClient.create(config.get()));
        clients.put(clientKey, client);
      }
      client.watches++;
    }
    KvConfigWatch watch = new KvConfigWatch(client.client, key, wait, onValue);
    watch.start();
    ClientRef held = client;
    return new Subscription() {
      private boolean closed;

      @Override
      public void close() {
        synchronized (WatchRegistry.this) {
          if (closed) {
            return;
          }
          closed = true;
        }
        watch.close();
        // On the client's scheduler, like a watch's expiry, not in the SynchronizationContext.
        held.client.scheduler().execute(() -> release(held));
      }
    };
  }

  private synchronized void release(ClientRef client) {
    if (--client.watches == 0) {
      clients.values().remove(client);
      try {
        client.client.close();
      } catch (RuntimeException e) {
        logger.log(Level.FINE, "consul: closing a client failed", e);
      }
    }
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
  public synchronized void closeAllForTest() {
    for (WatchRef ref : List.copyOf(watches.values())) {
      ref.subscribers = 0;
      expire(ref);
    }
  }

  private WatchRef startWatch(WatchKey key, Supplier<ConsulConfig> config, String description) {
    ClientRef client = clients.get(key.client);
    if (client == null) {
      client = new ClientRef(ConsulClient.create(config.get()));
      clients.put(key.client, client);
    }
    client.watches++;
    ServiceWatch watch = new ServiceWatch(description, key.query.near().isPresent());
    ConsulClient consul = client.client;
    HealthQuery query = key.query;
    BlockingQuery<List<HealthEntry>> blockingQuery = BlockingQuery.<List<HealthEntry>>newBuilder(
            new RereadAfterErrorFetcher<>((index, wait) -> consul.healthService(query, index, wait),
                watch::onSuccess, watch::onEntries),
            new BlockingQuery.Listener<List<HealthEntry>>() {
              @Override
              public void onResult(List<HealthEntry> value, QueryResult<List<HealthEntry>> result) {
                watch.onEntries(value);
              }

              @Override
              public void onError(Throwable error, int consecutiveFailures) {
                watch.onError(error);
              }
            },
            consul.scheduler())
        .wait(key.wait)
        .agentProbe(consul.agentProbe()) // one probe per client: shared by every watch on that agent
        .build();
    WatchRef ref = new WatchRef(watch, blockingQuery, client);
    blockingQuery.start();
    return ref;
  }

  private synchronized void expire(WatchRef ref) {
    if (ref.subscribers > 0 || ref.closed) {
      return;
    }
    ref.closed = true;
    ref.query.cancel();
    watches.values().remove(ref);
    if (--ref.client.watches == 0) {
      clients.values().remove(ref.client);
      try {
        ref.client.client.close();
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
      return GoDuration.parse(value.trim());
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
    final ConsulClient client;
    int watches;

    ClientRef(ConsulClient client) {
      this.client = client;
    }
  }

  private static final class WatchRef {
    final ServiceWatch watch;
    final BlockingQuery<List<HealthEntry>> query;
    final ClientRef client;
    int subscribers;
    ScheduledFuture<?> lingerTimer;
    boolean closed;

    WatchRef(ServiceWatch watch, BlockingQuery<List<HealthEntry>> query, ClientRef client) {
      this.watch = watch;
      this.query = query;
      this.client = client;
    }
  }
}
