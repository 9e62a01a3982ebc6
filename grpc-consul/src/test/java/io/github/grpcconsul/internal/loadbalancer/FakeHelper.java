package io.github.grpcconsul.internal.loadbalancer;

import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A channel as the balancer sees it: records every subchannel it creates and every state it reports. */
final class FakeHelper extends LoadBalancer.Helper {

  /** Subchannels by their first address, in creation order; a replaced one stays in {@link #created}. */
  final Map<SocketAddress, FakeSubchannel> subchannels = new LinkedHashMap<>();
  final List<FakeSubchannel> created = new ArrayList<>();
  final List<ConnectivityState> states = new ArrayList<>();
  ConnectivityState state;
  LoadBalancer.SubchannelPicker picker;
  int refreshes;

  @Override
  public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
    FakeSubchannel subchannel = new FakeSubchannel(args.getAddresses());
    subchannels.put(args.getAddresses().get(0).getAddresses().get(0), subchannel);
    created.add(subchannel);
    return subchannel;
  }

  @Override
  public void updateBalancingState(ConnectivityState newState, LoadBalancer.SubchannelPicker newPicker) {
    state = newState;
    picker = newPicker;
    states.add(newState);
  }

  @Override
  public void refreshNameResolution() {
    refreshes++;
  }

  @Override
  public SynchronizationContext getSynchronizationContext() {
    return new SynchronizationContext((t, e) -> {
      throw new AssertionError(e);
    });
  }

  @Override
  public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
    throw new UnsupportedOperationException();
  }

  @Override
  public String getAuthority() {
    return "fake";
  }

  FakeSubchannel subchannel(SocketAddress address) {
    return subchannels.get(address);
  }

  /** Picks {@code n} times and returns the picked subchannels in order. */
  List<LoadBalancer.Subchannel> pick(int n) {
    List<LoadBalancer.Subchannel> picked = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      picked.add(picker.pickSubchannel(null).getSubchannel());
    }
    return picked;
  }

  Status pickStatus() {
    return picker.pickSubchannel(null).getStatus();
  }

  /** A subchannel whose state the test sets, as the transport would. */
  static final class FakeSubchannel extends LoadBalancer.Subchannel {
    List<EquivalentAddressGroup> addresses;
    LoadBalancer.SubchannelStateListener listener;
    int connectionRequests;
    boolean shutdown;

    FakeSubchannel(List<EquivalentAddressGroup> addresses) {
      this.addresses = addresses;
    }

    @Override
    public void start(LoadBalancer.SubchannelStateListener listener) {
      if (this.listener != null) {
        throw new IllegalStateException("started twice");
      }
      this.listener = listener;
    }

    void set(ConnectivityState state) {
      listener.onSubchannelState(ConnectivityStateInfo.forNonError(state));
    }

    void fail(Status status) {
      listener.onSubchannelState(ConnectivityStateInfo.forTransientFailure(status));
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public void requestConnection() {
      connectionRequests++;
    }

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return addresses;
    }

    @Override
    public void updateAddresses(List<EquivalentAddressGroup> addrs) {
      addresses = addrs;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public String toString() {
      return "FakeSubchannel" + addresses;
    }
  }
}
