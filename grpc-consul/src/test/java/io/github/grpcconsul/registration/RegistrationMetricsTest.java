package io.github.grpcconsul.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.metrics.TestMetrics;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registration's life in its metrics (SDK in-memory reader, dev agent): state, heartbeats, re-registration after
 * an agent restart, the drain duration; then no series, no threads; and never the ACL token in an attribute.
 */
class RegistrationMetricsTest {
  private static final String NAME = "echo";
  private static final String STATE = "grpc_consul.registration.state";
  private static final String BEATS = "grpc_consul.registration.heartbeats";
  private static final String AGAIN = "grpc_consul.registration.reregistrations";
  private static final String DRAIN = "grpc_consul.registration.drain.duration";
  private static final String TOKEN = "root-secret-5f1c7d2e";

  private DevAgent agent;
  private TestMetrics metrics;
  private Server server;
  private ConsulRegistration registration;
  private Map<String, Object> echo;

  @BeforeEach
  void setUp() throws Exception {
    agent = DevAgent.builder().aclManagementToken(TOKEN).build();
    agent.start();
    metrics = new TestMetrics();
    server = TestServers.start(new HealthStatusManager(), "a");
    echo = Map.of("consul.service.name", NAME, "server.address", "127.0.0.1",
        "server.port", (long) agent.baseUri().getPort());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (registration != null) {
      registration.shutdownGracefully();
    }
    server.shutdownNow();
    agent.close();
    metrics.close();
  }

  private Map<String, Object> with(String key, Object value) {
    Map<String, Object> m = new HashMap<>(echo);
    m.put(key, value);
    return m;
  }

  private double state(String state) {
    return metrics.collect().valueOr(STATE, with("grpc_consul.registration.state", state), -1);
  }

  @Test
  void lifeOfARegistration_stateHeartbeatsReregistrationDrain() throws Exception {
    registration = ConsulRegistration.newBuilder(server, NAME)
        .consul(ConsulConfig.newBuilder().address(agent.httpAddress()).token(TOKEN)
            .openTelemetry(metrics.openTelemetry()).build())
        .address("127.0.0.1").ttlCheck(Duration.ofMillis(600)).registrationCheckInterval(Duration.ofSeconds(5))
        .drainTime(Duration.ofMillis(300)).shutdownTimeout(Duration.ofSeconds(5))
        .build();
    registration.start().get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> state("registered") == 1);
    TestMetrics.Snapshot s = metrics.collect();
    for (String other : List.of("starting", "retrying", "draining", "stopped")) {
      assertThat(s.value(STATE, with("grpc_consul.registration.state", other))).as(other).hasValue(0);
    }
    assertThat(s.value(AGAIN, echo)).hasValue(0);
    assertThat(s.metric(STATE).getUnit()).isEqualTo("{registration}");
    // A beat every 150..200 ms.
    await().atMost(Duration.ofSeconds(10))
        .until(() -> metrics.collect().valueOr(BEATS, with("grpc_consul.outcome", "success"), 0) >= 3);

    agent.restart(); // all state lost: the held registration check breaks, the agent no longer knows us
    await().atMost(Duration.ofSeconds(20)).until(() -> metrics.collect().valueOr(AGAIN, echo, 0) >= 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> state("registered") == 1);

    // Not one attribute value holds the token (nor does any other part of a point).
    TestMetrics.Snapshot all = metrics.collect();
    assertThat(all.allAttributeValues()).isNotEmpty().noneMatch(v -> v.contains(TOKEN));
    assertThat(all.metrics.toString()).doesNotContain(TOKEN);
    assertThat(all.allAttributeValues()).noneMatch(v -> v.contains(registration.serviceId()));

    long began = System.nanoTime();
    registration.shutdownGracefully();
    double tookSeconds = (System.nanoTime() - began) / 1e9;
    registration = null;
    TestMetrics.Snapshot after = metrics.collect();
    List<HistogramPointData> drain = after.histograms(DRAIN, echo);
    assertThat(drain).hasSize(1);
    assertThat(drain.get(0).getCount()).isEqualTo(1);
    assertThat(drain.get(0).getSum()).isBetween(0.3, tookSeconds); // the 300 ms drain wait and deregistration
    assertThat(after.metric(DRAIN).getUnit()).isEqualTo("s");
    // Stopped: its series are gone (the callback is unregistered), and so are its threads.
    assertThat(after.names("grpc_consul.registration.")).containsExactly(DRAIN);
    await().atMost(Duration.ofSeconds(5)).until(() -> Threads.named("grpc-consul-registration-").isEmpty()
        && Threads.named("grpc-consul-http-").isEmpty());
  }
}
