package io.github.grpcconsul.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.consul.AgentProbe;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent that goes down and comes back on the same port: the registration notices through its client's agent probe
 * and is back within 1.5 s, sending no more than the probe's four requests per second meanwhile.
 */
class RegistrationOutageTest {
  private static final String NAME = "echo";

  private DevAgent agent;
  private AgentView view;
  private Server server;
  private ConsulRegistration registration;

  @BeforeEach
  void setUp() throws Exception {
    agent = DevAgent.builder().build();
    agent.start();
    view = new AgentView(agent.baseUri());
    server = TestServers.start(new HealthStatusManager(), "a");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (registration != null) {
      registration.shutdownGracefully();
    }
    server.shutdownNow();
    agent.close();
  }

  @Test
  void agentDownThenBack_registeredAgainWithin1500ms_fourRequestsPerSecondAtMostWhileDown() throws Exception {
    // Heartbeats every 7.5..10 s and a registration check every 5 s: without the probe, a returning agent would be
    // noticed up to 5 s later without the probe (the old behaviour), so the 1.5 s bound below can fail.
    registration = ConsulRegistration.newBuilder(server, NAME)
        .consul(ConsulConfig.newBuilder().address(agent.httpAddress()).build())
        .address("127.0.0.1").ttlCheck(Duration.ofSeconds(30)).registrationCheckInterval(Duration.ofSeconds(5))
        .drainTime(Duration.ofMillis(100)).shutdownTimeout(Duration.ofSeconds(5))
        .build();
    registration.start().get(10, TimeUnit.SECONDS);
    String id = registration.serviceId();
    assertThat(view.allIds(NAME)).containsExactly(id);
    ConsulClient client = registration.clientForTest();
    AgentProbe probe = client.agentProbe();

    agent.stop();
    // The held registration check breaks at once and waits for the probe; then the outage lasts 8 more probes.
    await().atMost(Duration.ofSeconds(30)).until(() -> probe.waiting() >= 1);
    long probesAtStart = probe.probesSent();
    long attemptsAtStart = client.requestAttempts();
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).until(() -> probe.probesSent() >= probesAtStart + 8);
    long attempts = client.requestAttempts() - attemptsAtStart;
    double seconds = (System.nanoTime() - start) / 1e9;
    // A heartbeat falling due meanwhile joins the same probe rather than sending requests of its own.
    assertThat(attempts).isLessThanOrEqualTo((long) Math.ceil(4 * seconds) + 1);

    agent.start();
    long back = System.nanoTime();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
        .until(() -> view.allIds(NAME).contains(id));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
    assertThat(millis).as("agent accepting connections -> registered again, ms").isLessThan(1500);
    await().atMost(Duration.ofSeconds(10)).until(() -> !probe.isActive());
  }

  @Test
  void instantRestart_betweenBeatsAndChecks_registeredAgainWithin1500ms() throws Exception {
    // No heartbeat or periodic check falls due during the test: only the held registration check can notice.
    registration = ConsulRegistration.newBuilder(server, NAME)
        .consul(ConsulConfig.newBuilder().address(agent.httpAddress()).build())
        .address("127.0.0.1").ttlCheck(Duration.ofSeconds(60)).registrationCheckInterval(Duration.ofSeconds(30))
        .drainTime(Duration.ofMillis(100)).shutdownTimeout(Duration.ofSeconds(5))
        .build();
    registration.start().get(10, TimeUnit.SECONDS);
    String id = registration.serviceId();
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.parkedQueries() == 1); // the check is held
    for (int trial = 0; trial < 3; trial++) {
      agent.restart(); // all state lost
      long back = System.nanoTime();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
          .until(() -> view.allIds(NAME).contains(id));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
      assertThat(millis).as("restart %d -> registered again, ms", trial).isLessThan(1500);
      await().atMost(Duration.ofSeconds(10)).until(() -> agent.parkedQueries() == 1);
    }
  }

  @Test
  void deregisteredBehindOurBack_registeredAgainAtOnce_noPolling() throws Exception {
    registration = ConsulRegistration.newBuilder(server, NAME)
        .consul(ConsulConfig.newBuilder().address(agent.httpAddress()).build())
        .address("127.0.0.1").ttlCheck(Duration.ofSeconds(60)).registrationCheckInterval(Duration.ofSeconds(30))
        .drainTime(Duration.ofMillis(100)).shutdownTimeout(Duration.ofSeconds(5))
        .build();
    registration.start().get(10, TimeUnit.SECONDS);
    String id = registration.serviceId();
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.parkedQueries() == 1);
    long checksBefore = agent.requestCount("/v1/agent/service/" + id);
    view.put("/v1/agent/service/deregister/" + id, "");
    long gone = System.nanoTime();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
        .until(() -> view.allIds(NAME).contains(id));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - gone)).isLessThan(1500);
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.parkedQueries() == 1);
    // The held check answered 404, then one immediate check and one held again: no polling.
    assertThat(agent.requestCount("/v1/agent/service/" + id) - checksBefore).isLessThanOrEqualTo(3);
  }
}
