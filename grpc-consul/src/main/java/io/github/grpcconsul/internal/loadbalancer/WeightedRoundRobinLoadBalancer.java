package io.github.grpcconsul.internal.loadbalancer;

import static io.grpc.ConnectivityState.CONNECTING;
import static io.grpc.ConnectivityState.IDLE;
import static io.grpc.ConnectivityState.READY;
import static io.grpc.ConnectivityState.SHUTDOWN;
import static io.grpc.ConnectivityState.TRANSIENT_FAILURE;

import io.github.grpcconsul.loadbalancer.ConsulWeightedRoundRobinLoadBalancerProvider;
import io.github.grpcconsul.resolver.ConsulAttributes;
import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin over READY subchannels in proportion to Consul's service weights ({@code Weights.Passing} for a
 * passing instance, {@code Weights.Warning} otherwise). One subchannel per address group, kept across resolver
 * updates while its addresses stay, so a weight change only swaps the picker.
 *
 * <p>Connection management follows grpc's {@code round_robin}: every subchannel connects eagerly and reconnects
 * when it goes IDLE; a subchannel in TRANSIENT_FAILURE stays so (for aggregation) until it is READY again; the
 * balancer is READY while any subchannel is, CONNECTING while any is still trying for the first time, and
 * TRANSIENT_FAILURE only when every subchannel has failed. A failure or a lost connection asks the resolver to
 * refresh.
 *
 * <p>Weight 0 takes no calls while a subchannel with a positive weight is READY; when only weight-0 subchannels
 * are READY they share the calls equally, since Consul still lists them as healthy.
 *
 * <p>Every method, and every subchannel state callback, runs in the channel's SynchronizationContext (grpc's
 * contract); only the picker is used from other threads, and it is immutable but for its lock-free counter.
 *
 * <p>Threading: called by grpc only in the channel's SynchronizationContext (every method and subchannel state
 * callback), so it needs no lock; it never blocks. Its pickers are used from any thread.
 */
public final class WeightedRoundRobinLoadBalancer extends LoadBalancer {

  private static final String NAME = ConsulWeightedRoundRobinLoadBalancerProvider.POLICY_NAME;

  private final Helper helper;
  private Map<Set<SocketAddress>, Endpoint> endpoints = new LinkedHashMap<>();
  // Shared by successive pickers; starts anywhere so channels of many clients do not move in step.
  private final AtomicLong position = new AtomicLong(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  private ConnectivityState state;
  private SubchannelPicker picker;
  /** Orders failures, so the TRANSIENT_FAILURE picker reports the most recent one. */
  private long failureCount;

  public WeightedRoundRobinLoadBalancer(Helper helper) {
    this.helper = helper;
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
    List<EquivalentAddressGroup> groups = resolved.getAddresses();
    if (groups.isEmpty()) {
      Status status = Status.UNAVAILABLE.withDescription(
          NAME + ": the name resolver returned no addresses (attributes " + resolved.getAttributes() + ")");
      handleNameResolutionError(status);
      return status;
    }
    Map<Set<SocketAddress>, Endpoint> next = new LinkedHashMap<>();
    List<Endpoint> created = new ArrayList<>();
    for (EquivalentAddressGroup group : groups) {
      Set<SocketAddress> key = Set.copyOf(group.getAddresses());
      if (next.containsKey(key)) {
        continue; // the same address twice (two Consul registrations of one server): the first one's weight wins
      }
      Endpoint endpoint = endpoints.remove(key);
      if (endpoint == null) {
        endpoint = new Endpoint(group);
        created.add(endpoint);
      } else {
        endpoint.update(group);
      }
      next.put(key, endpoint);
    }
    List<Endpoint> removed = new ArrayList<>(endpoints.values());
    endpoints = next;
    // State callbacks arrive later through the SynchronizationContext, so one update covers all the new ones.
    for (Endpoint endpoint : created) {
      endpoint.start();
    }
    updateBalancingState();
    // After the new picker is out, so no call is picked onto a subchannel already shut down.
    for (Endpoint endpoint : removed) {
      endpoint.shutdown();
    }
    return Status.OK;
  }

  @Override
  public void handleNameResolutionError(Status error) {
    if (state != READY) {
      updateBalancingState(TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(error)));
    }
  }

  @Override
  public void shutdown() {
    for (Endpoint endpoint : endpoints.values()) {
      endpoint.shutdown();
    }
    endpoints = new LinkedHashMap<>();
  }

  private void updateBalancingState() {
    List<WeightedPicker.Entry> weighted = new ArrayList<>();
    List<WeightedPicker.Entry> zeroWeight = new ArrayList<>();
    boolean connecting = false;
    Endpoint lastFailed = null;
    for (Endpoint endpoint : endpoints.values()) {
      switch (endpoint.aggregatedState) {
        case READY -> {
          if (endpoint.weight > 0) {
            weighted.add(new WeightedPicker.Entry(endpoint.subchannel, endpoint.weight));
          } else {
            zeroWeight.add(new WeightedPicker.Entry(endpoint.subchannel, 1));
          }
        }
        case CONNECTING, IDLE -> connecting = true;
        case TRANSIENT_FAILURE -> {
          if (lastFailed == null || endpoint.failedAt > lastFailed.failedAt) {
            lastFailed = endpoint;
          }
        }
        default -> { }
      }
    }
    if (!weighted.isEmpty() || !zeroWeight.isEmpty()) {
      updateBalancingState(READY, new WeightedPicker(weighted.isEmpty() ? zeroWeight : weighted, position));
    } else if (connecting || lastFailed == null) {
      updateBalancingState(CONNECTING, new FixedResultPicker(PickResult.withNoResult()));
    } else {
      Status cause = lastFailed.failure;
      Status status = Status.UNAVAILABLE
          .withDescription(NAME + ": none of " + endpoints.size() + " addresses is reachable; the last failure ("
              + lastFailed.addresses() + "): " + cause.getCode() + " " + cause.getDescription())
          .withCause(cause.getCause());
      updateBalancingState(TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(status)));
    }
  }

  private void updateBalancingState(ConnectivityState newState, SubchannelPicker newPicker) {
    if (newState != state || !newPicker.equals(picker)) {
      state = newState;
      picker = newPicker;
      helper.updateBalancingState(newState, newPicker);
    }
  }

  /** Consul's weight for the instance's health; 1 for an address group without Consul attributes. */
  static int weightOf(EquivalentAddressGroup group) {
    Attributes attributes = group.getAttributes();
    String health = attributes.get(ConsulAttributes.HEALTH);
    Integer weight = health == null || health.equals("passing")
        ? attributes.get(ConsulAttributes.WEIGHT_PASSING)
        : attributes.get(ConsulAttributes.WEIGHT_WARNING);
    return weight == null ? 1 : Math.max(0, weight);
  }

  /** One address group: its subchannel, its weight and its state as the aggregation sees it. */
  private final class Endpoint implements SubchannelStateListener {
    private EquivalentAddressGroup group;
    private final Subchannel subchannel;
    private int weight;
    /** The subchannel's state, except that TRANSIENT_FAILURE sticks until READY, as in grpc's pick_first. */
    private ConnectivityState aggregatedState = CONNECTING;
    private Status failure = Status.OK;
    private long failedAt;
    private boolean shutdown;

    Endpoint(EquivalentAddressGroup group) {
      this.group = group;
      this.weight = weightOf(group);
      this.subchannel = helper.createSubchannel(CreateSubchannelArgs.newBuilder().setAddresses(group).build());
    }

    void start() {
      subchannel.start(this);
      subchannel.requestConnection();
    }

    void update(EquivalentAddressGroup newGroup) {
      if (!newGroup.getAddresses().equals(group.getAddresses())) {
        subchannel.updateAddresses(List.of(newGroup)); // same set, new order: keeps a connected transport
      }
      group = newGroup;
      weight = weightOf(newGroup);
    }

    List<SocketAddress> addresses() {
      return group.getAddresses();
    }

    void shutdown() {
      shutdown = true;
      subchannel.shutdown();
    }

    @Override
    public void onSubchannelState(ConnectivityStateInfo info) {
      ConnectivityState newState = info.getState();
      if (shutdown || newState == SHUTDOWN) {
        return;
      }
      if (newState == TRANSIENT_FAILURE || newState == IDLE) {
        helper.refreshNameResolution();
      }
      if (newState == IDLE) {
        subchannel.requestConnection();
      }
      if (newState == TRANSIENT_FAILURE) {
        failure = info.getStatus();
        failedAt = ++failureCount;
        aggregatedState = TRANSIENT_FAILURE;
      } else if (aggregatedState != TRANSIENT_FAILURE || newState == READY) {
        aggregatedState = newState;
      }
      updateBalancingState();
    }
  }
}
