package io.github.grpcconsul.benchmarks.jmh;

import io.github.grpcconsul.resolver.ConsulAttributes;
import io.grpc.Attributes;
import io.grpc.ChannelLogger;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one pick: {@code consul_weighted_round_robin} (weights 1..10 over the subchannels) beside grpc's own
 * {@code round_robin}, both built through their providers in {@link LoadBalancerRegistry} with every subchannel
 * READY, so each benchmark calls the picker the channel would call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PickBenchmark {

  @Param({"10", "1000"})
  public int subchannels;

  private LoadBalancer.SubchannelPicker weighted;
  private LoadBalancer.SubchannelPicker roundRobin;

  @Setup
  public void buildPickers() {
    weighted = readyPicker("consul_weighted_round_robin", subchannels);
    roundRobin = readyPicker("round_robin", subchannels);
  }

  @Benchmark
  public LoadBalancer.PickResult weightedRoundRobin() {
    return weighted.pickSubchannel(null);
  }

  @Benchmark
  public LoadBalancer.PickResult grpcRoundRobin() {
    return roundRobin.pickSubchannel(null);
  }

  /** Builds the policy over {@code n} addresses with Consul weights 1..10, marks all READY, returns its picker. */
  static LoadBalancer.SubchannelPicker readyPicker(String policy, int n) {
    PickerHelper helper = new PickerHelper();
    LoadBalancer balancer = LoadBalancerRegistry.getDefaultRegistry().getProvider(policy).newLoadBalancer(helper);
    List<EquivalentAddressGroup> groups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      groups.add(new EquivalentAddressGroup(new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250), 50051),
          Attributes.newBuilder()
              .set(ConsulAttributes.HEALTH, "passing")
              .set(ConsulAttributes.WEIGHT_PASSING, 1 + i % 10)
              .set(ConsulAttributes.WEIGHT_WARNING, 1)
              .build()));
    }
    helper.syncContext.execute(() -> balancer.acceptResolvedAddresses(
        LoadBalancer.ResolvedAddresses.newBuilder().setAddresses(groups).build()));
    for (ReadySubchannel s : helper.subchannels) {
      helper.syncContext.execute(s::ready);
    }
    if (helper.state != ConnectivityState.READY || helper.subchannels.size() != n) {
      throw new IllegalStateException(policy + ": " + helper.subchannels.size() + " subchannels, state "
          + helper.state);
    }
    LoadBalancer.PickResult first = helper.picker.pickSubchannel(null);
    if (first.getSubchannel() == null) {
      throw new IllegalStateException(policy + " picked nothing: " + first);
    }
    return helper.picker;
  }

  private static final ScheduledExecutorService UNUSED_TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pick-benchmark-timer");
    t.setDaemon(true);
    return t;
  });

  private static final ChannelLogger SILENT_LOGGER = new ChannelLogger() {
    @Override
    public void log(ChannelLogLevel level, String message) {}

    @Override
    public void log(ChannelLogLevel level, String messageFormat, Object... args) {}
  };

  /** Just enough of a channel for a balancer to create subchannels and publish its picker. */
  private static final class PickerHelper extends LoadBalancer.Helper {
    final SynchronizationContext syncContext = new SynchronizationContext((t, e) -> {
      throw new IllegalStateException(e);
    });
    final List<ReadySubchannel> subchannels = new ArrayList<>();
    ConnectivityState state;
    LoadBalancer.SubchannelPicker picker;

    @Override
    public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
      ReadySubchannel s = new ReadySubchannel(args);
      subchannels.add(s);
      return s;
    }

    @Override
    public void updateBalancingState(ConnectivityState newState, LoadBalancer.SubchannelPicker newPicker) {
      state = newState;
      picker = newPicker;
    }

    @Override
    public SynchronizationContext getSynchronizationContext() {
      return syncContext;
    }

    /** grpc-services' health-checking round_robin asks for it; with no health-check config it schedules nothing. */
    @Override
    public ScheduledExecutorService getScheduledExecutorService() {
      return UNUSED_TIMER;
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return SILENT_LOGGER;
    }

    @Override
    public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String getAuthority() {
      return "benchmark";
    }
  }

  /** A subchannel that turns READY when told, telling grpc's health listener too where the child policy asks. */
  private static final class ReadySubchannel extends LoadBalancer.Subchannel {
    private final LoadBalancer.CreateSubchannelArgs args;
    private LoadBalancer.SubchannelStateListener listener;

    ReadySubchannel(LoadBalancer.CreateSubchannelArgs args) {
      this.args = args;
    }

    void ready() {
      listener.onSubchannelState(ConnectivityStateInfo.forNonError(ConnectivityState.READY));
      LoadBalancer.SubchannelStateListener health = args.getOption(LoadBalancer.HEALTH_CONSUMER_LISTENER_ARG_KEY);
      if (health != null) {
        health.onSubchannelState(ConnectivityStateInfo.forNonError(ConnectivityState.READY));
      }
    }

    @Override
    public void start(LoadBalancer.SubchannelStateListener listener) {
      this.listener = listener;
    }

    @Override
    public void shutdown() {}

    @Override
    public void requestConnection() {}

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return args.getAddresses();
    }

    @Override
    public Attributes getAttributes() {
      return args.getAttributes();
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return SILENT_LOGGER;
    }
  }
}
