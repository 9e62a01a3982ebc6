package io.github.grpcconsul.internal.resolver;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Datacenter failover for a target with {@code dc=dc1,dc2,...}: subscribes to the shared watch of each datacenter
 * (one blocking query per datacenter per JVM, like every watch) and hands the resolver one combined {@link
 * WatchState}: the instances of the first datacenter that has an instance passing the target's {@code health}
 * selection. A datacenter counts only once it has answered or failed, and every datacenter before it must have,
 * so a slow first answer from dc1 does not flap the channel through dc2 at start. When none has a selected instance,
 * the first datacenter that answered is handed on, so the target's {@code empty=} policy applies to it as without
 * failover; while no datacenter has ever answered, the first one's error is.
 *
 * <p>Combining runs on the watches' threads under this object's lock; the combined state is passed on outside it,
 * and its growing version lets the resolver drop a state overtaken by a newer one.
 *
 * <p>Threading: {@code subscribe} and {@code close} are called by {@link ConsulNameResolver} on its offload executor
 * (they may block, as {@link WatchRegistry#subscribe} does); each datacenter's state arrives on that watch's lane
 * (the shared {@link BlockingExecutor}), is combined under this object's lock and passed on after it is released.
 */
final class FailoverSubscriber implements ConsulNameResolver.Subscriber {

  private static final Logger logger = Logger.getLogger(FailoverSubscriber.class.getName());

  /** Subscribes to the watch of one datacenter. */
  interface DatacenterWatches {
    WatchRegistry.Subscription subscribe(String datacenter, Consumer<WatchState> onState);
  }

  private final ConsulTarget target;
  private final DatacenterWatches watches;

  FailoverSubscriber(ConsulTarget target, DatacenterWatches watches) {
    this.target = Objects.requireNonNull(target, "target");
    this.watches = Objects.requireNonNull(watches, "watches");
  }

  @Override
  public WatchRegistry.Subscription subscribe(Consumer<WatchState> onState) {
    List<String> datacenters = target.datacenters();
    Combiner combiner = new Combiner(target, onState);
    List<WatchRegistry.Subscription> subscriptions = new ArrayList<>(datacenters.size());
    try {
      for (int i = 0; i < datacenters.size(); i++) {
        int slot = i;
        subscriptions.add(watches.subscribe(datacenters.get(i), state -> combiner.update(slot, state)));
      }
    } catch (RuntimeException e) {
      subscriptions.forEach(WatchRegistry.Subscription::close);
      throw e;
    }
    return () -> subscriptions.forEach(WatchRegistry.Subscription::close);
  }

  /** The per-datacenter states of one subscription and the combined state last passed on. */
  static final class Combiner {
    private final ConsulTarget target;
    private final Consumer<WatchState> onState;
    private final WatchState[] states;
    private WatchState combined = WatchState.INITIAL; // guarded by this
    private List<Instance> handedOn; // guarded by this
    private int handedOnSlot = -1; // guarded by this

    Combiner(ConsulTarget target, Consumer<WatchState> onState) {
      this.target = target;
      this.onState = onState;
      this.states = new WatchState[target.datacenters().size()];
    }

    void update(int slot, WatchState state) {
      WatchState next;
      String switched = null;
      synchronized (this) {
        if (states[slot] != null && state.version() <= states[slot].version()) {
          return;
        }
        states[slot] = state;
        int chosen = choose();
        if (chosen >= 0) {
          List<Instance> instances = states[chosen].instances();
          if (instances == handedOn) {
            return;
          }
          if (chosen != handedOnSlot && handedOnSlot >= 0) {
            switched = "consul: service \"" + target.service() + "\": now using datacenter \""
                + target.datacenters().get(chosen) + "\" (was \"" + target.datacenters().get(handedOnSlot)
                + "\"; failover order " + String.join(", ", target.datacenters()) + ")";
          }
          handedOn = instances;
          handedOnSlot = chosen;
          next = combined = combined.withInstances(instances);
        } else {
          Status error = firstError();
          if (error == null || handedOn != null || !allAnswered() || Objects.equals(error, combined.error())) {
            // Nothing known yet; or a good list is held (keep it, as a single watch does); or a later datacenter
            // has not answered yet and may still have instances: one datacenter's error is no verdict.
            return;
          }
          next = combined = combined.withError(error);
        }
      }
      if (switched != null) {
        logger.log(Level.INFO, switched);
      }
      onState.accept(next);
    }

    /** The slot whose instances to hand on, or -1 while nothing can be decided. */
    private int choose() {
      for (int i = 0; i < states.length; i++) {
        WatchState s = states[i];
        if (s == null || s.isEmpty()) {
          return -1; // not answered yet: wait for it before falling over past it
        }
        if (s.instances() != null && HealthSelection.hasSelected(target, s.instances())) {
          return i;
        }
      }
      for (int i = 0; i < states.length; i++) {
        if (states[i].instances() != null) {
          return i;
        }
      }
      return -1;
    }

    private boolean allAnswered() {
      for (WatchState s : states) {
        if (s == null || s.isEmpty()) {
          return false;
        }
      }
      return true;
    }

    private Status firstError() {
      for (WatchState s : states) {
        if (s != null && s.error() != null) {
          return s.error();
        }
      }
      return null;
    }
  }
}
