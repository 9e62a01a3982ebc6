package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.resolver.ConsulAttributes;
import io.github.grpcconsul.resolver.ConsulNameResolverProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.consul.ServiceDefinition;
import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Status;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The resolver against the dev agent over real HTTP: what reaches the listener, and when. */
class ConsulNameResolverTest {

  private DevAgent agent;
  private Set<Thread> threadsBefore;
  private WatchRegistry registry;
  private ResolverHarness harness;
  private Registrar registrar;

  @BeforeEach
  void setUp() {
    threadsBefore = ThreadCheck.baseline();
    agent = DevAgent.builder().build();
    agent.start();
    ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    registry = new WatchRegistry(Duration.ZERO);
    harness = new ResolverHarness(new ResolverProviderCore(config, registry));
    registrar = new Registrar(config);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    registrar.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0 && registry.clientCount() == 0);
    assertThat(harness.uncaught).isEmpty();
    agent.close();
  }

  @Test
  void resolve_instanceAddedAndRemoved() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);

    registrar.register("web", "web-2", "127.0.0.1", 9002);
    r.listener.awaitPorts(9001, 9002);

    registrar.deregister("web-1");
    r.listener.awaitPorts(9002);
    assertThat(r.listener.contractViolations).isEmpty();
  }

  @Test
  void resolve_healthFlippedToCriticalAndBack() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    registrar.register("web", "web-2", "127.0.0.1", 9002);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001, 9002);

    registrar.health("web-1", CheckStatus.CRITICAL);
    r.listener.awaitPorts(9002);

    registrar.health("web-1", CheckStatus.PASSING);
    r.listener.awaitPorts(9001, 9002);
  }

  @Test
  void resolve_noHealthyInstance_failsWithServiceAndDatacenter() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    ResolverHarness.Started r = harness.start("consul:///web?dc=dc1");
    r.listener.awaitPorts(9001);

    registrar.health("web-1", CheckStatus.CRITICAL);
    Status status = r.listener.awaitError();
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).contains("service \"web\"").contains("datacenter \"dc1\"");
  }

  @Test
  void resolve_unknownService_failsNamingIt() {
    ResolverHarness.Started r = harness.start("consul:///nothing-here");
    Status status = r.listener.awaitError();
    assertThat(status.getDescription()).contains("no healthy instance of service \"nothing-here\"");

    registrar.register("nothing-here", "n-1", "127.0.0.1", 9001);
    r.listener.awaitPorts(9001);
  }

  @Test
  void resolve_emptyUnhealthy_fallsBackToUnhealthyInstances() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    registrar.register("web", "web-2", "127.0.0.1", 9002);
    ResolverHarness.Started r = harness.start("consul:///web?empty=unhealthy");
    r.listener.awaitPorts(9001, 9002);

    registrar.health("web-1", CheckStatus.CRITICAL);
    r.listener.awaitPorts(9002);

    registrar.health("web-2", CheckStatus.CRITICAL);
    r.listener.awaitPorts(9001, 9002);
    assertThat(r.listener.last().getValue())
        .allSatisfy(g -> assertThat(g.getAttributes().get(ConsulAttributes.HEALTH)).isEqualTo("critical"));
  }

  @Test
  void resolve_healthWarning_keepsWarningDropsCritical() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    registrar.register("web", "web-2", "127.0.0.1", 9002);
    ResolverHarness.Started warning = harness.start("consul:///web?health=warning");
    ResolverHarness.Started passing = harness.start("consul:///web");
    ResolverHarness.Started any = harness.start("consul:///web?health=any");
    warning.listener.awaitPorts(9001, 9002);

    registrar.health("web-1", CheckStatus.WARNING);
    registrar.health("web-2", CheckStatus.CRITICAL);
    warning.listener.awaitPorts(9001);
    passing.listener.awaitError();
    any.listener.awaitPorts(9001, 9002);
  }

  @Test
  void resolve_tagFilter_allTagsMustMatch() {
    registrar.register("web", "web-1", "127.0.0.1", 9001, "v1", "blue");
    registrar.register("web", "web-2", "127.0.0.1", 9002, "v1");
    registrar.register("web", "web-3", "127.0.0.1", 9003, "v2", "blue");
    ResolverHarness.Started both = harness.start("consul:///web?tag=v1&tag=blue");
    ResolverHarness.Started v1 = harness.start("consul:///web?tag=v1");
    both.listener.awaitPorts(9001);
    v1.listener.awaitPorts(9001, 9002);
  }

  @Test
  void resolve_filterExpression() {
    registrar.register(ServiceDefinition.newBuilder("web").id("web-1").address("127.0.0.1").port(9001)
        .meta("env", "qa"));
    registrar.register(ServiceDefinition.newBuilder("web").id("web-2").address("127.0.0.1").port(9002)
        .meta("env", "prod"));
    ResolverHarness.Started r = harness.start("consul:///web?filter=Service.Meta.env%20%3D%3D%20%22qa%22");
    r.listener.awaitPorts(9001);
  }

  @Test
  void resolve_datacenter_unknownOneIsReportedWhileNothingIsKnown() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    harness.start("consul:///web?dc=dc1").listener.awaitPorts(9001);

    Status status = harness.start("consul:///web?dc=elsewhere").listener.awaitError();
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).contains("web").contains("elsewhere");
  }

  @Test
  void attributes_carryConsulFacts() {
    registrar.register(ServiceDefinition.newBuilder("web").id("web-1").address("127.0.0.1").port(9001)
        .tags(List.of("v1", "blue")).meta("zone", "a").weights(10, 3));
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);

    Attributes a = r.listener.last().getValue().get(0).getAttributes();
    assertThat(a.get(ConsulAttributes.SERVICE_ID)).isEqualTo("web-1");
    assertThat(a.get(ConsulAttributes.NODE)).isNotEmpty();
    assertThat(a.get(ConsulAttributes.DATACENTER)).isEqualTo("dc1");
    assertThat(a.get(ConsulAttributes.TAGS)).containsExactly("v1", "blue");
    assertThat(a.get(ConsulAttributes.META)).isEqualTo(Map.of("zone", "a"));
    assertThat(a.get(ConsulAttributes.WEIGHT_PASSING)).isEqualTo(10);
    assertThat(a.get(ConsulAttributes.WEIGHT_WARNING)).isEqualTo(3);
    assertThat(a.get(ConsulAttributes.HEALTH)).isEqualTo("passing");
  }

  @Test
  void address_nodeAddressWhenServiceHasNone_andIpv6() {
    registrar.register(ServiceDefinition.newBuilder("web").id("web-1").port(9001));
    registrar.register(ServiceDefinition.newBuilder("web").id("web-2").address("::1").port(9002));
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001, 9002);

    for (EquivalentAddressGroup g : r.listener.last().getValue()) {
      InetSocketAddress address = (InetSocketAddress) g.getAddresses().get(0);
      assertThat(address.isUnresolved()).isFalse();
      if (address.getPort() == 9002) {
        assertThat(address.getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(address.getAddress().isLoopbackAddress()).isTrue();
      } else {
        assertThat(address.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      }
    }
  }

  @Test
  void deliversOnlyChanges() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    registrar.register("other", "other-1", "127.0.0.1", 9100);
    ResolverHarness.Started r = harness.start("consul:///web?health=any");
    r.listener.awaitPorts(9001);

    // These move the service's index (a new blocking-query answer) without changing what the channel sees.
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    registrar.health("web-1", CheckStatus.PASSING);
    registrar.register("web", "web-2", "127.0.0.1", 9002);
    r.listener.awaitPorts(9001, 9002);
    await().during(Duration.ofMillis(300)).until(() -> r.listener.results.size() == 2);
    r.refresh();
    r.refresh();
    await().during(Duration.ofMillis(200)).until(() -> r.listener.results.size() == 2);
  }

  @Test
  void refreshIsCheap_noRequestToConsul() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);
    long before = agent.requestCount("/v1/health/service/");
    for (int i = 0; i < 100; i++) {
      r.refresh();
    }
    await().during(Duration.ofMillis(300)).until(() -> agent.requestCount("/v1/health/service/") == before);
  }

  @Test
  void sharedWatch_manyResolversOneQuery() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    List<ResolverHarness.Started> resolvers = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      resolvers.add(harness.start("consul:///web"));
    }
    for (ResolverHarness.Started r : resolvers) {
      r.listener.awaitPorts(9001);
    }
    // one initial fetch and one blocking call in flight; a little slack for the rate limiter's timing
    assertThat(agent.requestCount("/v1/health/service/")).isLessThanOrEqualTo(3);
    assertThat(registry.watchCount()).isEqualTo(1);
    assertThat(registry.clientCount()).isEqualTo(1);

    long before = agent.requestCount("/v1/health/service/");
    registrar.register("web", "web-2", "127.0.0.1", 9002);
    for (ResolverHarness.Started r : resolvers) {
      r.listener.awaitPorts(9001, 9002);
    }
    assertThat(agent.requestCount("/v1/health/service/") - before).isLessThanOrEqualTo(2);

    // a different question is a different watch, on the same client
    harness.start("consul:///web?tag=v1");
    await().until(() -> registry.watchCount() == 2);
    assertThat(registry.clientCount()).isEqualTo(1);
  }

  @Test
  void newSubscriber_getsLastKnownListWithoutARequest() {
    WatchRegistry lingering = new WatchRegistry(Duration.ofSeconds(30));
    ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    try (ResolverHarness h = new ResolverHarness(new ResolverProviderCore(config, lingering))) {
      registrar.register("web", "web-1", "127.0.0.1", 9001);
      ResolverHarness.Started first = h.start("consul:///web");
      first.listener.awaitPorts(9001);
      first.shutdown();
      long before = agent.requestCount("/v1/health/service/");

      // what a channel leaving idle mode does: a new resolver for the same target
      ResolverHarness.Started again = h.start("consul:///web");
      again.listener.awaitPorts(9001);
      assertThat(again.listener.results).hasSize(1);
      assertThat(agent.requestCount("/v1/health/service/")).isEqualTo(before);
      assertThat(lingering.watchCount()).isEqualTo(1);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      lingering.closeAllForTest();
    }
  }

  @Test
  void shutdown_cancelsTheQueryAndLeavesNoThread() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);
    assertThat(ThreadCheck.newSince(threadsBefore)).isNotEmpty();

    r.shutdown();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0 && registry.clientCount() == 0);
    int resultsAtShutdown = r.listener.results.size();
    registrar.register("web", "web-2", "127.0.0.1", 9002);
    await().during(Duration.ofMillis(300)).until(() -> r.listener.results.size() == resultsAtShutdown);
    registrar.close(); // its threads too: after this no grpc-consul thread may be left
    await().atMost(Duration.ofSeconds(10)).until(() -> ThreadCheck.newSince(threadsBefore).isEmpty());
  }

  @Test
  void shutdownBeforeFirstAnswer_isClean() {
    agent.faults().delay(Duration.ofMillis(500));
    ResolverHarness.Started r = harness.start("consul:///web");
    r.shutdown();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
    assertThat(r.listener.results).isEmpty();
  }
}
