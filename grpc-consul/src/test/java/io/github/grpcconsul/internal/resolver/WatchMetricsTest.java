package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.metrics.TestMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resolver's watch metrics, read with the OpenTelemetry SDK's in-memory reader, against the dev agent: an
 * outage (agent stopped), HTTP errors, recovery, and a closed channel leaving no series and no threads.
 */
class WatchMetricsTest {

  private static final String INSTANCES = "grpc_consul.watch.instances";
  private static final String UPDATES = "grpc_consul.watch.updates";
  private static final String STALENESS = "grpc_consul.watch.staleness";
  private static final String ERRORS = "grpc_consul.watch.consecutive_errors";
  private static final String REQUESTS = "grpc_consul.watch.requests";
  private static final String DURATION = "grpc_consul.client.request.duration";

  private final Set<Thread> threadsBefore = ThreadCheck.baseline();
  private DevAgent agent;
  private TestMetrics metrics;
  private WatchRegistry registry;
  private ResolverHarness harness;
  private Registrar registrar;
  private Map<String, Object> web;

  @BeforeEach
  void setUp() {
    agent = DevAgent.builder().build();
    agent.start();
    metrics = new TestMetrics();
    ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress())
        .openTelemetry(metrics.openTelemetry()).build();
    registry = new WatchRegistry(Duration.ZERO);
    harness = new ResolverHarness(new ResolverProviderCore(config, registry));
    // The registrar's own client records nothing: its config names no OpenTelemetry and the global one is unset.
    registrar = new Registrar(ConsulConfig.newBuilder().address(agent.httpAddress()).build());
    web = Map.of("consul.service.name", "web", "server.address", "127.0.0.1",
        "server.port", (long) agent.baseUri().getPort());
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    registrar.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
    assertThat(harness.uncaught).isEmpty();
    agent.close();
    metrics.close();
  }

  private Map<String, Object> with(String key, Object value) {
    java.util.HashMap<String, Object> m = new java.util.HashMap<>(web);
    m.put(key, value);
    return m;
  }

  @Test
  void instancesByHealth_updatesAndRequests() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    registrar.register("web", "web-2", "127.0.0.1", 9002);
    ResolverHarness.Started r = harness.start("consul:///web?health=any");
    r.listener.awaitPorts(9001, 9002);
    registrar.health("web-2", CheckStatus.CRITICAL);
    await().until(() -> metrics.collect().valueOr(INSTANCES, with("consul.health.state", "critical"), -1) == 1);

    TestMetrics.Snapshot s = metrics.collect();
    assertThat(s.value(INSTANCES, with("consul.health.state", "passing"))).hasValue(1);
    assertThat(s.value(INSTANCES, with("consul.health.state", "warning"))).hasValue(0);
    assertThat(s.value(INSTANCES, with("consul.health.state", "maintenance"))).hasValue(0);
    assertThat(s.value(UPDATES, web)).hasValue(2); // the first list, then web-2 critical
    assertThat(s.valueOr(REQUESTS, with("grpc_consul.outcome", "new_index"), 0)).isGreaterThanOrEqualTo(2);
    assertThat(s.value(REQUESTS, with("grpc_consul.outcome", "error"))).hasValue(0);
    assertThat(s.value(STALENESS, web)).hasValue(0);
    assertThat(s.value(ERRORS, web)).hasValue(0);
    assertThat(s.metric(INSTANCES).getUnit()).isEqualTo("{instance}");
    assertThat(s.metric(STALENESS).getUnit()).isEqualTo("s");
    assertThat(s.metric(REQUESTS).getUnit()).isEqualTo("{request}");

    // Each HTTP request, by templated endpoint: one series for the health endpoint, whatever the service.
    List<HistogramPointData> health = s.histograms(DURATION, Map.of("url.template",
        "/v1/health/service/{service}", "http.request.method", "GET", "http.response.status_code", 200L));
    assertThat(health).hasSize(1);
    assertThat(health.get(0).getCount()).isGreaterThanOrEqualTo(2);
    assertThat(s.metric(DURATION).getUnit()).isEqualTo("s");
    assertThat(s.allAttributeValues()).noneMatch(v -> v.contains("/v1/health/service/web"));
  }

  @Test
  void agentStopped_stalenessGrowsErrorsCountListKept_thenBack_stalenessAndErrorsReset() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);
    await().until(() -> metrics.collect().valueOr(INSTANCES, with("consul.health.state", "passing"), -1) == 1);
    assertThat(metrics.collect().value(STALENESS, web)).hasValue(0);

    agent.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.collect().valueOr(ERRORS, web, 0) >= 1);
    double first = metrics.collect().value(STALENESS, web).orElseThrow();
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.collect().valueOr(STALENESS, web, 0) > first + 0.3);
    // While the agent is down the watch's retry waits for the client's agent probe, whose failed requests count.
    // error.type is the transport exception's class (semantic conventions), e.g. java.net.ConnectException.
    Map<String, Object> probe = Map.of("url.template", "/v1/status/leader");
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.collect().histograms(DURATION, probe).stream()
        .filter(p -> p.getAttributes().get(AttributeKey.stringKey("error.type")) != null)
        .mapToLong(HistogramPointData::getCount).sum() >= 3);
    TestMetrics.Snapshot down = metrics.collect();
    assertThat(down.valueOr(REQUESTS, with("grpc_consul.outcome", "error"), 0)).isGreaterThanOrEqualTo(1);
    assertThat(down.value(INSTANCES, with("consul.health.state", "passing"))).hasValue(1); // last list kept
    assertThat(r.listener.lastPorts()).containsExactly(9001);

    agent.start(); // same port, all state lost
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.collect().valueOr(ERRORS, web, -1) == 0);
    TestMetrics.Snapshot back = metrics.collect();
    assertThat(back.value(STALENESS, web)).hasValue(0);
    assertThat(back.value(INSTANCES, with("consul.health.state", "passing"))).hasValue(1);
  }

  @Test
  void httpErrors_consecutiveErrorsCountUp_thenZero() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);
    agent.faults().forPath("/v1/health/").respond(503, "boom");
    registrar.register("web", "web-2", "127.0.0.1", 9002); // the parked query answers; the next ones fail
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.collect().valueOr(ERRORS, web, 0) >= 3);
    TestMetrics.Snapshot failing = metrics.collect();
    assertThat(failing.valueOr(REQUESTS, with("grpc_consul.outcome", "error"), 0)).isGreaterThanOrEqualTo(3);
    assertThat(failing.valueOr(STALENESS, web, 0)).isGreaterThan(0);
    assertThat(failing.histograms(DURATION, Map.of("url.template", "/v1/health/service/{service}",
        "http.response.status_code", 503L, "error.type", "503"))).hasSize(1);

    agent.faults().clear();
    r.listener.awaitPorts(9001, 9002);
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.collect().valueOr(ERRORS, web, -1) == 0);
    assertThat(metrics.collect().value(STALENESS, web)).hasValue(0);
  }

  @Test
  void closingTheChannel_removesItsSeries_leavesNoThreads() throws Exception {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);
    assertThat(metrics.collect().names("grpc_consul.watch.")).containsExactlyInAnyOrder(INSTANCES, UPDATES,
        STALENESS, ERRORS, REQUESTS);

    r.shutdown();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
    assertThat(metrics.collect().names("grpc_consul.watch.")).isEmpty();
    registrar.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> ThreadCheck.newSince(threadsBefore).isEmpty());
  }
}
