package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.consul.ConsulConfig;
import static io.github.grpcconsul.internal.consul.ConsulClientProtocolTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every client call against the dev agent over real HTTP. */
class ConsulClientAgentTest {
  @RegisterExtension static final DevAgentExtension consul = DevAgentExtension.perMethod();

  private ConsulClient client;

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  private ConsulClient client() {
    client = ConsulClient.create(ConfigAccess.fromEnvironment(Map.of("CONSUL_HTTP_ADDR",
        consul.agent().httpAddress())));
    return client;
  }

  private static ServiceDefinition web(String id, int port) {
    return ServiceDefinition.newBuilder("web").id(id).address("10.0.0.5").port(port).tag("v1").meta("env", "qa")
        .weights(10, 1)
        .check(CheckDefinition.newBuilder().checkId(id + "-ttl").ttl(Duration.ofSeconds(30))
            .status(CheckStatus.PASSING).build())
        .build();
  }

  @Test
  void registerThenRead_healthAgentServiceAndSelf() throws Exception {
    ConsulClient c = client();
    c.registerService(web("web-1", 8080), false).get(10, TimeUnit.SECONDS);
    QueryResult<List<HealthEntry>> r = c.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1))
        .get(10, TimeUnit.SECONDS);
    assertThat(r.index()).isPositive();
    assertThat(r.value()).singleElement().satisfies(e -> {
      assertThat(e.service().id()).isEqualTo("web-1");
      assertThat(e.service().port()).isEqualTo(8080);
      assertThat(e.service().tags()).containsExactly("v1");
      assertThat(e.service().meta()).containsEntry("env", "qa");
      assertThat(e.service().weights()).isEqualTo(new HealthEntry.Weights(10, 1));
      assertThat(e.address()).isEqualTo("10.0.0.5");
      assertThat(e.node().datacenter()).isEqualTo(consul.agent().datacenter());
      assertThat(e.aggregatedStatus()).isEqualTo(CheckStatus.PASSING);
    });
    Optional<AgentService> svc = c.agentService("web-1").get(10, TimeUnit.SECONDS);
    assertThat(svc).get().extracting(AgentService::service, AgentService::port).containsExactly("web", 8080);
    assertThat(c.agentService("nope").get(10, TimeUnit.SECONDS)).isEmpty();
    AgentSelf self = c.agentSelf().get(10, TimeUnit.SECONDS);
    assertThat(self.datacenter()).isEqualTo(consul.agent().datacenter());
    assertThat(self.nodeName()).isEqualTo(consul.agent().nodeName());
  }

  @Test
  void ttlUpdate_maintenance_andDeregister() throws Exception {
    ConsulClient c = client();
    c.registerService(web("web-1", 8080), false).get(10, TimeUnit.SECONDS);
    c.updateTtl("web-1-ttl", CheckStatus.WARNING, "slow disk").get(10, TimeUnit.SECONDS);
    HealthQuery any = HealthQuery.newBuilder("web").passingOnly(false).build();
    HealthEntry e = c.healthService(any, 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).value().get(0);
    assertThat(e.aggregatedStatus()).isEqualTo(CheckStatus.WARNING);
    assertThat(e.checks()).anySatisfy(ch -> assertThat(ch.output()).isEqualTo("slow disk"));
    assertThat(c.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).value())
        .isEmpty(); // ?passing drops warning too

    c.serviceMaintenance("web-1", true, "deploying").get(10, TimeUnit.SECONDS);
    e = c.healthService(any, 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).value().get(0);
    assertThat(e.aggregatedStatus()).isEqualTo(CheckStatus.MAINTENANCE);
    c.serviceMaintenance("web-1", false, null).get(10, TimeUnit.SECONDS);

    c.deregisterService("web-1").get(10, TimeUnit.SECONDS);
    assertThat(c.healthService(any, 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).value()).isEmpty();
    Throwable t = failure(c.deregisterService("web-1"));
    assertThat(t).isInstanceOf(ConsulException.class);
    assertThat(((ConsulException) t).isNotFound()).isTrue();
    Throwable ttl = failure(c.updateTtl("web-1-ttl", CheckStatus.PASSING, ""));
    assertThat(((ConsulException) ttl).isNotFound()).isTrue();
  }

  @Test
  void healthQuery_filtersReachTheAgent() throws Exception {
    ConsulClient c = client();
    c.registerService(web("web-1", 8080), false).get(10, TimeUnit.SECONDS);
    c.registerService(web("web-2", 8081).toBuilder().tags(List.of("v2")).build(), false).get(10, TimeUnit.SECONDS);
    assertThat(c.healthService(HealthQuery.newBuilder("web").tag("v2").build(), 0, Duration.ofSeconds(1))
        .get(10, TimeUnit.SECONDS).value()).extracting(h -> h.service().id()).containsExactly("web-2");
    assertThat(c.healthService(HealthQuery.newBuilder("web").filter("Service.Port == 8080 and \"qa\" in"
        + " Service.Meta.env").build(), 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).value())
        .extracting(h -> h.service().id()).containsExactly("web-1");
    assertThat(c.healthService(HealthQuery.newBuilder("web").datacenter(consul.agent().datacenter()).build(), 0,
        Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).value()).hasSize(2);
  }

  @Test
  void kv_putGetBlockingGetDelete() throws Exception {
    ConsulClient c = client();
    assertThat(c.kvPut("config/app", "v1".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS)).isTrue();
    QueryResult<Optional<KvPair>> r = c.kvGet("config/app", 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
    assertThat(r.value()).get().extracting(KvPair::valueAsString).isEqualTo("v1");
    var blocked = c.kvGet("config/app", r.index(), Duration.ofSeconds(30));
    c.kvPut("config/app", "v2".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    QueryResult<Optional<KvPair>> woken = blocked.get(10, TimeUnit.SECONDS);
    assertThat(woken.index()).isGreaterThan(r.index());
    assertThat(woken.value()).get().extracting(KvPair::valueAsString).isEqualTo("v2");
    c.kvDelete("config/app").get(10, TimeUnit.SECONDS);
    assertThat(c.kvGet("config/app", 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).value()).isEmpty();
  }

  @Test
  void faults_5xx_malformed_slow() throws Exception {
    DevAgent agent = consul.agent();
    // Only the slow case uses a short timeout: on a loaded machine a first call can take longer than 500 ms.
    client = ConsulClient.create(ConsulConfig.newBuilder().address(agent.httpAddress()).build());
    agent.faults().respond(503, "boom");
    Throwable t = failure(client.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1)));
    assertThat(t).isInstanceOf(ConsulException.class).hasMessageContaining("503").hasMessageContaining("boom");
    assertThat(((ConsulException) t).isRetryable()).isTrue();
    agent.faults().clear().malformedBody();
    assertThat(failure(client.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1))))
        .isInstanceOf(IOException.class).hasMessageContaining("not the expected JSON");
    agent.faults().clear().delay(Duration.ofSeconds(5));
    try (ConsulClient impatient = ConsulClient.create(ConsulConfig.newBuilder().address(agent.httpAddress())
        .requestTimeout(Duration.ofMillis(500)).build())) {
      assertThat(failure(impatient.agentSelf())).isInstanceOf(IOException.class)
          .hasRootCauseInstanceOf(HttpTimeoutException.class);
    }
    agent.faults().clear();
    assertThat(client.agentSelf().get(10, TimeUnit.SECONDS).datacenter()).isNotEmpty();
  }

  @Test
  void failover_fromAClosedPortToTheAgent() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort();
    }
    client = ConsulClient.create(ConfigAccess.fromEnvironment(Map.of("CONSUL_HTTP_ADDR",
        "127.0.0.1:" + dead + "," + consul.agent().httpAddress())));
    assertThat(client.agentSelf().get(10, TimeUnit.SECONDS).nodeName()).isEqualTo(consul.agent().nodeName());
    assertThat(client.preferredAddressForTest()).isEqualTo(1);
  }

  @Test
  void cancel_abortsABlockedQuery_andTheClientStaysUsable() throws Exception {
    // The dev agent only notices a closed connection when the wait ends, so the socket-level proof that cancel
    // closes the connection is ConsulClientProtocolTest.cancel_abortsTheHttpExchange.
    ConsulClient c = client();
    long index = c.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).index();
    var blocked = c.healthService(HealthQuery.of("web"), index, Duration.ofMinutes(5));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> consul.agent().parkedQueries() == 1);
    blocked.cancel(true);
    assertThat(blocked).isCancelled();
    c.registerService(web("web-1", 8080), false).get(10, TimeUnit.SECONDS);
    assertThat(c.healthService(HealthQuery.of("web"), index, Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS)
        .value()).hasSize(1);
  }
}
