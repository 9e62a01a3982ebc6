package io.github.grpcconsul.internal.loadbalancer;

import static io.grpc.ConnectivityState.CONNECTING;
import static io.grpc.ConnectivityState.IDLE;
import static io.grpc.ConnectivityState.READY;
import static io.grpc.ConnectivityState.TRANSIENT_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.grpcconsul.internal.loadbalancer.FakeHelper.FakeSubchannel;
import io.github.grpcconsul.loadbalancer.ConsulWeightedRoundRobinLoadBalancerProvider;
import io.github.grpcconsul.resolver.ConsulAttributes;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancer.ResolvedAddresses;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancerRegistry;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinLoadBalancerTest {

  private static final InetSocketAddress A = new InetSocketAddress("10.0.0.1", 8080);
  private static final InetSocketAddress B = new InetSocketAddress("10.0.0.2", 8080);
  private static final InetSocketAddress C = new InetSocketAddress("10.0.0.3", 8080);

  private FakeHelper helper;
  private LoadBalancer balancer;

  @BeforeEach
  void setUp() {
    helper = new FakeHelper();
    balancer = LoadBalancerRegistry.getDefaultRegistry()
        .getProvider(ConsulWeightedRoundRobinLoadBalancerProvider.POLICY_NAME)
        .newLoadBalancer(helper);
  }

  private static EquivalentAddressGroup passing(InetSocketAddress address, int weight) {
    return instance(address, "passing", weight, 1);
  }

  private static EquivalentAddressGroup instance(InetSocketAddress address, String health, int passing,
      int warning) {
    return new EquivalentAddressGroup(address, Attributes.newBuilder()
        .set(ConsulAttributes.HEALTH, health)
        .set(ConsulAttributes.WEIGHT_PASSING, passing)
        .set(ConsulAttributes.WEIGHT_WARNING, warning)
        .build());
  }

  private Status resolve(EquivalentAddressGroup... groups) {
    return balancer.acceptResolvedAddresses(ResolvedAddresses.newBuilder().setAddresses(List.of(groups)).build());
  }

  private void ready(InetSocketAddress... addresses) {
    for (InetSocketAddress address : addresses) {
      helper.subchannel(address).set(READY);
    }
  }

  private Map<Subchannel, Integer> count(int picks) {
    Map<Subchannel, Integer> counts = new HashMap<>();
    for (Subchannel s : helper.pick(picks)) {
      counts.merge(s, 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void provider_isFoundByName_andAcceptsAnEmptyConfig() {
    LoadBalancerRegistry registry = LoadBalancerRegistry.getDefaultRegistry();
    assertThat(registry.getProvider("consul_weighted_round_robin"))
        .isInstanceOf(ConsulWeightedRoundRobinLoadBalancerProvider.class);
    assertThat(registry.getProvider("consul_weighted_round_robin").parseLoadBalancingPolicyConfig(Map.of())
        .getError()).isNull();
  }

  @Test
  void weights1to3to6_over100000Picks_withinOnePercent() {
    resolve(passing(A, 1), passing(B, 3), passing(C, 6));
    ready(A, B, C);
    assertThat(helper.state).isEqualTo(READY);

    Map<Subchannel, Integer> counts = count(100_000);

    assertThat(counts.get(helper.subchannel(A))).isCloseTo(10_000, within(100));
    assertThat(counts.get(helper.subchannel(B))).isCloseTo(30_000, within(300));
    assertThat(counts.get(helper.subchannel(C))).isCloseTo(60_000, within(600));
  }

  @Test
  void picks_areSmooth_everyWindowOfOneCycleHoldsTheExactRatio() {
    resolve(passing(A, 1), passing(B, 3), passing(C, 6));
    ready(A, B, C);
    List<Subchannel> picks = helper.pick(1_000);
    for (int start = 0; start + 10 <= picks.size(); start++) {
      List<Subchannel> window = picks.subList(start, start + 10);
      assertThat(Collections.frequency(window, helper.subchannel(A))).isEqualTo(1);
      assertThat(Collections.frequency(window, helper.subchannel(B))).isEqualTo(3);
      assertThat(Collections.frequency(window, helper.subchannel(C))).isEqualTo(6);
    }
    // no burst: the heaviest address never takes more than two calls in a row at 6 of 10
    int run = 0;
    int longest = 0;
    for (Subchannel s : picks) {
      run = s == helper.subchannel(C) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    assertThat(longest).isEqualTo(2);
  }

  @Test
  void warningInstance_usesItsWarningWeight() {
    resolve(instance(A, "warning", 10, 1), passing(B, 1));
    ready(A, B);
    Map<Subchannel, Integer> counts = count(1_000);
    assertThat(counts.get(helper.subchannel(A))).isEqualTo(500);
    assertThat(counts.get(helper.subchannel(B))).isEqualTo(500);

    resolve(instance(A, "passing", 10, 1), passing(B, 1));
    counts = count(1_100);
    assertThat(counts.get(helper.subchannel(A))).isEqualTo(1_000);
  }

  @Test
  void weightChange_swapsThePicker_keepingEverySubchannel() {
    resolve(passing(A, 1), passing(B, 1));
    ready(A, B);
    assertThat(count(100).get(helper.subchannel(A))).isEqualTo(50);

    resolve(passing(A, 1), passing(B, 3));

    Map<Subchannel, Integer> counts = count(400);
    assertThat(counts.get(helper.subchannel(A))).isEqualTo(100);
    assertThat(counts.get(helper.subchannel(B))).isEqualTo(300);
    assertThat(helper.created).hasSize(2);
    assertThat(helper.created).noneMatch(s -> s.shutdown);
    assertThat(helper.created).allMatch(s -> s.connectionRequests == 1);
  }

  @Test
  void sameWeightsAgain_reportsNothingNew() {
    resolve(passing(A, 1), passing(B, 2));
    ready(A, B);
    int updates = helper.states.size();
    resolve(passing(A, 1), passing(B, 2));
    assertThat(helper.states).hasSize(updates);
  }

  @Test
  void addedInstance_getsASubchannel_removedOneIsShutDownAfterThePickerLeavesIt() {
    resolve(passing(A, 1), passing(B, 1));
    ready(A, B);
    FakeSubchannel a = helper.subchannel(A);

    resolve(passing(A, 1), passing(B, 1), passing(C, 2));
    assertThat(helper.created).hasSize(3);
    assertThat(helper.subchannel(C).connectionRequests).isEqualTo(1);
    assertThat(count(100)).doesNotContainKey(helper.subchannel(C)); // not READY yet
    ready(C);
    assertThat(count(400).get(helper.subchannel(C))).isEqualTo(200);

    resolve(passing(B, 1), passing(C, 2));
    assertThat(a.shutdown).isTrue();
    assertThat(count(300)).doesNotContainKey(a).containsEntry(helper.subchannel(C), 200);
    a.set(IDLE); // a late callback of the removed subchannel changes nothing
    assertThat(a.connectionRequests).isEqualTo(1);
  }

  @Test
  void weightZero_takesNoCallsWhileOthersAreReady_thenSharesWhenAlone() {
    resolve(passing(A, 0), passing(B, 1), passing(C, 0));
    ready(A, B, C);
    assertThat(count(1_000)).containsOnlyKeys(helper.subchannel(B));

    helper.subchannel(B).fail(Status.UNAVAILABLE.withDescription("connection refused"));
    assertThat(helper.state).isEqualTo(READY);
    Map<Subchannel, Integer> counts = count(1_000);
    assertThat(counts).containsEntry(helper.subchannel(A), 500).containsEntry(helper.subchannel(C), 500);
  }

  @Test
  void connecting_untilTheFirstSubchannelIsReady() {
    resolve(passing(A, 1), passing(B, 1));
    assertThat(helper.state).isEqualTo(CONNECTING);
    assertThat(helper.picker.pickSubchannel(null).hasResult()).isFalse();
    helper.subchannel(A).fail(Status.UNAVAILABLE.withDescription("refused"));
    assertThat(helper.state).isEqualTo(CONNECTING); // B is still trying
    ready(B);
    assertThat(helper.state).isEqualTo(READY);
  }

  @Test
  void allFailing_reportsTransientFailureWithTheCause_staysThereWhileReconnecting_andRecovers() {
    resolve(passing(A, 1), passing(B, 3));
    ready(A, B);
    int refreshes = helper.refreshes;
    helper.subchannel(A).fail(Status.UNAVAILABLE.withDescription("A refused"));
    assertThat(helper.state).isEqualTo(READY);
    assertThat(count(100)).containsOnlyKeys(helper.subchannel(B));
    helper.subchannel(B).fail(Status.UNAVAILABLE.withDescription("B refused"));

    assertThat(helper.state).isEqualTo(TRANSIENT_FAILURE);
    Status status = helper.pickStatus();
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).contains("none of 2 addresses", "10.0.0.2:8080", "B refused");
    assertThat(helper.refreshes).isEqualTo(refreshes + 2);

    // the subchannels back off and retry: the balancer stays in TRANSIENT_FAILURE (sticky, as in pick_first)
    helper.subchannel(A).set(IDLE);
    assertThat(helper.subchannel(A).connectionRequests).isEqualTo(2);
    helper.subchannel(A).set(CONNECTING);
    helper.subchannel(B).set(CONNECTING);
    assertThat(helper.state).isEqualTo(TRANSIENT_FAILURE);

    ready(B);
    assertThat(helper.state).isEqualTo(READY);
    assertThat(count(100)).containsOnlyKeys(helper.subchannel(B));
    ready(A);
    assertThat(count(400)).containsEntry(helper.subchannel(A), 100).containsEntry(helper.subchannel(B), 300);
  }

  @Test
  void readyThenIdle_reconnectsAtOnce_andRefreshesTheResolver() {
    resolve(passing(A, 1));
    ready(A);
    int refreshes = helper.refreshes;
    helper.subchannel(A).set(IDLE);
    assertThat(helper.subchannel(A).connectionRequests).isEqualTo(2);
    assertThat(helper.refreshes).isEqualTo(refreshes + 1);
    assertThat(helper.state).isEqualTo(CONNECTING);
  }

  @Test
  void noAddresses_isUnavailable_andAResolverErrorKeepsAReadyPicker() {
    Status status = balancer.acceptResolvedAddresses(ResolvedAddresses.newBuilder().setAddresses(List.of()).build());
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(helper.state).isEqualTo(TRANSIENT_FAILURE);
    assertThat(helper.pickStatus().getDescription()).contains("no addresses");

    resolve(passing(A, 1));
    ready(A);
    balancer.handleNameResolutionError(Status.UNAVAILABLE.withDescription("consul down"));
    assertThat(helper.state).isEqualTo(READY);
    assertThat(helper.pick(1)).containsExactly(helper.subchannel(A));
  }

  @Test
  void addressesWithoutConsulAttributes_areRoundRobin() {
    balancer.acceptResolvedAddresses(ResolvedAddresses.newBuilder()
        .setAddresses(List.of(new EquivalentAddressGroup(A), new EquivalentAddressGroup(B))).build());
    ready(A, B);
    List<Subchannel> picks = helper.pick(4); // the rotation starts anywhere, then alternates
    assertThat(picks).containsOnly(helper.subchannel(A), helper.subchannel(B));
    assertThat(picks.get(1)).isNotSameAs(picks.get(0));
    assertThat(picks.get(2)).isSameAs(picks.get(0));
    assertThat(picks.get(3)).isSameAs(picks.get(1));
  }

  @Test
  void shutdown_shutsDownEverySubchannel() {
    resolve(passing(A, 1), passing(B, 2), passing(C, 3));
    ready(A);
    balancer.shutdown();
    assertThat(helper.created).hasSize(3).allMatch(s -> s.shutdown);
  }

  @Test
  void manyInstances_keepTheirShares() {
    List<EquivalentAddressGroup> groups = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      groups.add(passing(new InetSocketAddress("10.1." + (i / 250) + "." + (i % 250), 80), 1 + i % 7));
    }
    resolve(groups.toArray(new EquivalentAddressGroup[0]));
    helper.created.forEach(s -> s.set(READY));
    Map<Subchannel, Integer> counts = count(4_000 * 10);
    // sum of weights 3,997 → ten full cycles in 39,970 picks, plus 30 more
    for (int i = 0; i < 1_000; i++) {
      assertThat(counts.get(helper.created.get(i))).isBetween(10 * (1 + i % 7), 10 * (1 + i % 7) + 1);
    }
  }
}
