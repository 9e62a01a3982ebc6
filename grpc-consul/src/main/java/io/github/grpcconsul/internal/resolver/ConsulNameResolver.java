package io.github.grpcconsul.internal.resolver;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Resolves one {@code consul://} target for one channel by subscribing to the shared {@link ServiceWatch} of its
 * query. Holds no thread, timer or socket of its own: everything that can block (creating the Consul client,
 * talking to Consul, DNS for host-name addresses) happens on the watch's executors or the offload executor.
 *
 * <p>Threading: {@link #start}, {@link #refresh} and {@link #shutdown} run in the channel's SynchronizationContext
 * (grpc's contract) and return at once: subscribing (which may block) and closing the subscription run on the
 * channel's offload executor, or on the shared {@link BlockingExecutor} when grpc gave none (as grpc's
 * {@code DnsNameResolver} does), never inline. Watch states arrive on the watch's lane and are handed to the
 * SynchronizationContext with one {@code execute}; there the target's health selection is applied and the result goes
 * to {@link Listener2#onResult2}. The watch already dropped unchanged answers; a state overtaken by a newer one is
 * dropped by its version.
 */
public final class ConsulNameResolver extends NameResolver {

  private static final Logger logger = Logger.getLogger(ConsulNameResolver.class.getName());

  /** Opens the watch subscription for this resolver; may block (it can create a Consul client). */
  interface Subscriber {
    WatchRegistry.Subscription subscribe(Consumer<WatchState> onState);
  }

  /** Opens the watch of the target's service-config KV key; may block like {@link Subscriber}. */
  interface ConfigSubscriber {
    WatchRegistry.Subscription subscribe(Consumer<Optional<String>> onValue);
  }

  private final ConsulTarget target;
  private final String authority;
  private final SynchronizationContext syncContext;
  /** Null when grpc gave none; then {@link #start} acquires the shared {@link BlockingExecutor}. */
  private final Executor givenOffloadExecutor;
  private final Subscriber subscriber;
  private final ConfigSubscriber configSubscriber;
  /** The service config from KV, when the target asks for one; null otherwise. */
  private final KvServiceConfig kvConfig;

  // Fields below are touched only in the SynchronizationContext.
  private Listener2 listener;
  private boolean shutdown;
  private long lastVersion;
  /** The addresses last handed to grpc: re-published with a new service config from KV. */
  private StatusOr<List<EquivalentAddressGroup>> lastDelivered;
  private Executor offloadExecutor;
  private Executor acquiredExecutor;

  /** Written on the offload executor, read and closed in the SynchronizationContext; guarded by this. */
  private WatchRegistry.Subscription subscription;
  /** Like {@link #subscription}, for the service-config key; guarded by this. */
  private WatchRegistry.Subscription configSubscription;

  public ConsulNameResolver(ConsulTarget target, SynchronizationContext syncContext, Executor offloadExecutor,
      Subscriber subscriber) {
    this(target, syncContext, offloadExecutor, subscriber, null, null);
  }

  /**
   * @param configSubscriber watches {@code target.configKey()}, or null when the target asks for no service config
   * @param parser grpc's service-config parser ({@code Args.getServiceConfigParser()}); used with configSubscriber
   */
  public ConsulNameResolver(ConsulTarget target, SynchronizationContext syncContext, Executor offloadExecutor,
      Subscriber subscriber, ConfigSubscriber configSubscriber, ServiceConfigParser parser) {
    this.configSubscriber = configSubscriber;
    this.kvConfig = configSubscriber != null
        ? new KvServiceConfig(Objects.requireNonNull(target.configKey(), "configKey"), parser) : null;
    this.target = Objects.requireNonNull(target, "target");
    this.authority = target.service();
    this.syncContext = Objects.requireNonNull(syncContext, "syncContext");
    this.givenOffloadExecutor = offloadExecutor;
    this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
  }

  /** The service name: what TLS checks the server's certificate against unless the channel overrides it. */
  @Override
  public String getServiceAuthority() {
    return authority;
  }

  @Override
  public void start(Listener2 listener) {
    if (this.listener != null) {
      throw new IllegalStateException("already started");
    }
    this.listener = Objects.requireNonNull(listener, "listener");
    if (givenOffloadExecutor != null) {
      offloadExecutor = givenOffloadExecutor;
    } else {
      acquiredExecutor = BlockingExecutor.acquire();
      offloadExecutor = acquiredExecutor;
    }
    offloadExecutor.execute(this::subscribe);
  }

  /**
   * A hint only: the watch already follows every change with a blocking query, so there is nothing to fetch. Cheap
   * by design, since load balancers call it on every connection failure.
   */
  @Override
  public void refresh() {
  }

  @Override
  public void shutdown() {
    if (shutdown) {
      return;
    }
    shutdown = true;
    WatchRegistry.Subscription s;
    WatchRegistry.Subscription c;
    synchronized (this) {
      s = subscription;
      subscription = null;
      c = configSubscription;
      configSubscription = null;
    }
    if (c != null) {
      closeOffThread(c);
    }
    if (s != null && offloadExecutor != null) {
      // Closing never blocks, but it is the registry's business: keep it off the channel's thread anyway.
      try {
        offloadExecutor.execute(s::close);
      } catch (RejectedExecutionException e) {
        s.close();
      }
    }
    if (acquiredExecutor != null) {
      BlockingExecutor.release(acquiredExecutor);
      acquiredExecutor = null; // queued work (the close above, a pending subscribe) still runs
    }
  }

  private void closeOffThread(WatchRegistry.Subscription s) {
    try {
      offloadExecutor.execute(s::close);
    } catch (RejectedExecutionException e) {
      s.close();
    }
  }

  private void subscribe() {
    if (configSubscriber != null) {
      subscribeConfig();
    }
    WatchRegistry.Subscription s;
    try {
      s = subscriber.subscribe(state -> syncContext.execute(() -> onState(state)));
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "consul: cannot watch " + target.text(), e);
      Status status = Status.UNAVAILABLE.withDescription(
          "consul: cannot watch " + target.text() + ": " + e.getMessage()).withCause(e);
      syncContext.execute(() -> deliver(StatusOr.fromStatus(status)));
      return;
    }
    boolean closeNow;
    synchronized (this) {
      closeNow = shutdown;
      if (!closeNow) {
        subscription = s;
      }
    }
    if (closeNow) {
      s.close();
    }
  }

  private void subscribeConfig() {
    WatchRegistry.Subscription c;
    try {
      c = configSubscriber.subscribe(value -> syncContext.execute(() -> onConfig(value)));
    } catch (RuntimeException e) {
      // The addresses still resolve; the channel runs on its default service config.
      logger.log(Level.WARNING, "consul: cannot watch the service config key \"" + target.configKey() + "\" of "
          + target.text(), e);
      return;
    }
    boolean closeNow;
    synchronized (this) {
      closeNow = shutdown;
      if (!closeNow) {
        configSubscription = c;
      }
    }
    if (closeNow) {
      c.close();
    }
  }

  private void onConfig(Optional<String> value) {
    if (shutdown || !kvConfig.update(value) || lastDelivered == null) {
      return;
    }
    publish(lastDelivered);
  }

  private void onState(WatchState state) {
    if (shutdown || state.version() <= lastVersion) {
      return;
    }
    lastVersion = state.version();
    if (state.instances() != null) {
      deliver(HealthSelection.select(target, state.instances()));
    } else if (state.error() != null) {
      // Only while no good list is known: an error over a good list would make pick_first drop its connection.
      deliver(StatusOr.fromStatus(state.error()));
    }
  }

  private void deliver(StatusOr<List<EquivalentAddressGroup>> result) {
    if (shutdown) {
      return;
    }
    lastDelivered = result;
    publish(result);
  }

  private void publish(StatusOr<List<EquivalentAddressGroup>> result) {
    ResolutionResult.Builder b = ResolutionResult.newBuilder().setAddressesOrError(result);
    if (kvConfig != null) {
      b.setServiceConfig(kvConfig.current()); // null: none, so the channel's defaultServiceConfig applies
    }
    listener.onResult2(b.build());
  }
}
