package io.github.grpcconsul.internal.resolver;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Resolves one {@code consul://} target for one channel by subscribing to the shared {@link ServiceWatch} of its
 * query. Holds no thread, timer or socket of its own: everything that can block (creating the Consul client,
 * talking to Consul, DNS for host-name addresses) happens on the watch's threads or the channel's offload executor.
 *
 * <p>{@link #start}, {@link #refresh} and {@link #shutdown} run in the channel's SynchronizationContext (grpc's
 * contract) and return at once. Results go to {@link Listener2#onResult2} in that context, only when the address
 * list, its attributes or the error changed.
 */
public final class ConsulNameResolver extends NameResolver {

  private static final Logger logger = Logger.getLogger(ConsulNameResolver.class.getName());

  /** Opens the watch subscription for this resolver; may block (it can create a Consul client). */
  interface Subscriber {
    WatchRegistry.Subscription subscribe(Consumer<WatchState> onState);
  }

  private final ConsulTarget target;
  private final String authority;
  private final SynchronizationContext syncContext;
  private final Executor offloadExecutor;
  private final Subscriber subscriber;

  // Fields below are touched only in the SynchronizationContext.
  private Listener2 listener;
  private boolean shutdown;
  private long lastVersion;
  private StatusOr<List<EquivalentAddressGroup>> lastDelivered;

  /** Written on the offload executor, read and closed in the SynchronizationContext; guarded by this. */
  private WatchRegistry.Subscription subscription;

  public ConsulNameResolver(ConsulTarget target, SynchronizationContext syncContext, Executor offloadExecutor,
      Subscriber subscriber) {
    this.target = Objects.requireNonNull(target, "target");
    this.authority = target.service();
    this.syncContext = Objects.requireNonNull(syncContext, "syncContext");
    this.offloadExecutor = offloadExecutor != null ? offloadExecutor : Runnable::run;
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
    synchronized (this) {
      s = subscription;
      subscription = null;
    }
    if (s != null) {
      // Closing takes the registry's lock, which another channel's start may hold while it reads TLS files.
      try {
        offloadExecutor.execute(s::close);
      } catch (RejectedExecutionException e) {
        s.close();
      }
    }
  }

  private void subscribe() {
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
    if (shutdown || sameAsLast(result)) {
      return;
    }
    lastDelivered = result;
    listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(result).build());
  }

  private boolean sameAsLast(StatusOr<List<EquivalentAddressGroup>> result) {
    if (lastDelivered == null || lastDelivered.hasValue() != result.hasValue()) {
      return false;
    }
    if (result.hasValue()) {
      return result.getValue().equals(lastDelivered.getValue());
    }
    Status a = result.getStatus();
    Status b = lastDelivered.getStatus();
    return a.getCode() == b.getCode() && Objects.equals(a.getDescription(), b.getDescription());
  }
}
