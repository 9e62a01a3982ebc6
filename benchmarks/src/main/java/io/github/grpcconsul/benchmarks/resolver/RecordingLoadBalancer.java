package io.github.grpcconsul.benchmarks.resolver;

import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A load-balancing policy that connects nowhere and records, with {@link System#nanoTime()}, every address list the
 * channel hands it: the moment the balancer "holds the new list".
 */
final class RecordingLoadBalancer extends LoadBalancer {

  static final String POLICY = "grpcconsul_bench_recording";

  /** One address list as the balancer received it. */
  static final class Update {
    final long nanos;
    final Set<Integer> ports;

    Update(long nanos, Set<Integer> ports) {
      this.nanos = nanos;
      this.ports = ports;
    }
  }

  static final BlockingQueue<Update> UPDATES = new LinkedBlockingQueue<>();

  private final Helper helper;

  RecordingLoadBalancer(Helper helper) {
    this.helper = helper;
  }

  /**
   * Registers policy {@code recording} that prints {@code update <authority> <nanoTime> <addresses>} per update
   * instead of queueing it: the child-process protocol of {@link OursScaleMain} and {@code SpringScaleMain}.
   */
  static void registerPrinting() {
    register("recording", helper -> new LoadBalancer() {
      @Override
      public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
        long now = System.nanoTime();
        int n = 0;
        for (io.grpc.EquivalentAddressGroup g : resolved.getAddresses()) {
          n += g.getAddresses().size();
        }
        System.out.println("update " + helper.getAuthority() + " " + now + " " + n);
        return Status.OK;
      }

      @Override
      public void handleNameResolutionError(Status error) {
        System.out.println("error " + helper.getAuthority() + " " + System.nanoTime() + " " + error);
      }

      @Override
      public void shutdown() {}
    });
  }

  static void register() {
    register(POLICY, RecordingLoadBalancer::new);
  }

  /** Registers {@code factory} under {@code policy} in the default registry (priority 5, always available). */
  private static void register(String policy, Function<Helper, LoadBalancer> factory) {
    LoadBalancerRegistry.getDefaultRegistry().register(new LoadBalancerProvider() {
      @Override
      public boolean isAvailable() {
        return true;
      }

      @Override
      public int getPriority() {
        return 5;
      }

      @Override
      public String getPolicyName() {
        return policy;
      }

      @Override
      public LoadBalancer newLoadBalancer(Helper helper) {
        return factory.apply(helper);
      }
    });
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses resolvedAddresses) {
    long now = System.nanoTime();
    Set<Integer> ports = resolvedAddresses.getAddresses().stream()
        .map(EquivalentAddressGroup::getAddresses)
        .flatMap(java.util.List::stream)
        .map(a -> ((InetSocketAddress) a).getPort())
        .collect(Collectors.toSet());
    UPDATES.add(new Update(now, ports));
    helper.updateBalancingState(ConnectivityState.READY, new FixedResultPicker(PickResult.withNoResult()));
    return Status.OK;
  }

  @Override
  public void handleNameResolutionError(Status error) {
    UPDATES.add(new Update(System.nanoTime(), Set.of()));
  }

  @Override
  public boolean canHandleEmptyAddressListFromNameResolution() {
    return true;
  }

  @Override
  public void shutdown() {
  }
}
