package io.github.grpcconsul.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registration against the dev agent over real HTTP, with real gRPC servers the agent probes. */
class ConsulRegistrationTest {
  private static final String NAME = "echo";
  private static final Duration TTL = Duration.ofSeconds(1);

  private DevAgent agent;
  private AgentView view;
  private ConsulConfig consul;
  private final HealthStatusManager health = new HealthStatusManager();
  private Server server;
  private ConsulRegistration registration;

  @BeforeEach
  void startAgentAndServer() throws Exception {
    agent = DevAgent.builder()
        .deregisterCriticalServiceAfterMin(Duration.ofMillis(100))
        .checkReapInterval(Duration.ofMillis(100))
        .build();
    agent.start();
    view = new AgentView(agent.baseUri());
    consul = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    server = TestServers.start(health, "a");
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (registration != null) {
      registration.shutdownGracefully();
    }
    server.shutdownNow();
    agent.close();
  }

  private ConsulRegistration.Builder registrationOf(Server server) {
    return ConsulRegistration.newBuilder(server, NAME).consul(consul).address("127.0.0.1")
        .drainTime(Duration.ofMillis(200)).shutdownTimeout(Duration.ofSeconds(5));
  }

  @Test
  void ttlCheck_staysPassingAcrossSeveralTtlPeriods() throws Exception {
    registration = registrationOf(server).ttlCheck(TTL).build();
    registration.start().get(10, TimeUnit.SECONDS);

    String id = registration.serviceId();
    assertThat(id).isEqualTo(NAME + "-127.0.0.1-" + server.getPort());
    await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));
    // Four TTL periods: a beat every TTL/3 or so keeps the check from ever expiring.
    await().during(TTL.multipliedBy(4)).atMost(TTL.multipliedBy(6))
        .until(() -> view.checks(NAME, id).equals(Map.of(id + ":ttl", "passing")));
  }

  @Test
  void ttlCheck_followsSetHealth_withTheNoteAsOutput() throws Exception {
    registration = registrationOf(server).ttlCheck(Duration.ofSeconds(30)).build();
    registration.start().get(10, TimeUnit.SECONDS);
    String check = registration.serviceId() + ":ttl";

    registration.setCheckStatus(CheckStatus.WARNING, "disk almost full");
    await().atMost(Duration.ofSeconds(3)).until(() -> "warning".equals(view.checks(NAME, registration.serviceId())
        .get(check)));
    registration.setCheckStatus(CheckStatus.CRITICAL, "database down");
    await().atMost(Duration.ofSeconds(3)).until(() -> view.passingIds(NAME).isEmpty());
    registration.setCheckStatus(CheckStatus.PASSING, "");
    await().atMost(Duration.ofSeconds(3)).until(() -> view.passingIds(NAME).size() == 1);
  }

  @Test
  void heartbeatStopped_goesCritical_thenIsReapedAfterDeregisterCriticalServiceAfter() throws Exception {
    registration = registrationOf(server).ttlCheck(TTL)
        .deregisterCriticalServiceAfter(Duration.ofSeconds(1)).drainTime(Duration.ZERO).build();
    registration.start().get(10, TimeUnit.SECONDS);
    String id = registration.serviceId();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));

    registration.crashForTest();
    registration = null;

    await().atMost(Duration.ofSeconds(3))
        .until(() -> "critical".equals(view.checks(NAME, id).get(id + ":ttl")));
    await().atMost(Duration.ofSeconds(4)).until(() -> view.allIds(NAME).isEmpty());
  }

  @Test
  void grpcCheck_followsTheHealthStatusManager() throws Exception {
    registration = registrationOf(server).grpcCheck(Duration.ofSeconds(1)).healthStatusManager(health).build();
    registration.start().get(10, TimeUnit.SECONDS);
    String id = registration.serviceId();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));

    // The user's own code flips the health service; the agent's probe sees it.
    health.setStatus(NAME, io.grpc.health.v1.HealthCheckResponse.ServingStatus.NOT_SERVING);
    await().atMost(Duration.ofSeconds(4)).until(() -> view.passingIds(NAME).isEmpty());
    assertThat(view.checks(NAME, id)).containsEntry(id + ":grpc", "critical");

    registration.setCheckStatus(CheckStatus.PASSING, "");
    await().atMost(Duration.ofSeconds(4)).until(() -> view.passingIds(NAME).equals(List.of(id)));
  }

  @Test
  void agentRestarted_registrationAndChecksComeBack() throws Exception {
    registration = registrationOf(server).ttlCheck(TTL).grpcCheck(Duration.ofSeconds(1))
        .healthStatusManager(health).build();
    registration.start().get(10, TimeUnit.SECONDS);
    String id = registration.serviceId();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));

    try (LogCapture log = new LogCapture()) {
      agent.restart();
      await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));
      assertThat(view.checks(NAME, id)).containsOnlyKeys(id + ":ttl", id + ":grpc");
      assertThat(log.messages(Level.WARNING)).filteredOn(m -> m.contains("no longer knows")).hasSize(1);
    }
  }

  @Test
  void ttlCheckReplacedBehindOurBack_heartbeatAnswered500NoTtl_registersAgain() throws Exception {
    registration = registrationOf(server).ttlCheck(TTL).build();
    registration.start().get(10, TimeUnit.SECONDS);
    String id = registration.serviceId();
    String check = id + ":ttl";
    await().atMost(Duration.ofSeconds(5)).until(() -> "ttl".equals(view.checkType(check)));

    // Someone registers the same service ID with a non-TTL check under our check ID: beats now get
    // 500 "CheckID ... does not have associated TTL".
    LogCapture log = new LogCapture();
    view.put("/v1/agent/service/register?replace-existing-checks", "{\"ID\": \"" + id + "\", \"Name\": \"" + NAME
        + "\", \"Port\": " + server.getPort() + ", \"Checks\": [{\"CheckID\": \"" + check + "\", \"TCP\": \"127.0.0.1:"
        + server.getPort() + "\", \"Interval\": \"10s\"}]}");
    try (log) {
      await().atMost(Duration.ofSeconds(5)).until(() -> log.messages(Level.WARNING).stream()
          .anyMatch(m -> m.contains("does not have associated TTL") && m.contains("registering again")));
      await().atMost(Duration.ofSeconds(5)).until(() -> "ttl".equals(view.checkType(check)));
      await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));
    }
  }

  @Test
  void grpcCheckOnly_agentRestarted_periodicCheckRegistersAgain() throws Exception {
    registration = registrationOf(server).grpcCheck(Duration.ofSeconds(1)).healthStatusManager(health)
        .registrationCheckInterval(Duration.ofMillis(200)).build();
    registration.start().get(10, TimeUnit.SECONDS);
    String id = registration.serviceId();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));

    agent.restart();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));
  }

  @Test
  void shutdownGracefully_drainsWhileServing_thenDeregisters_stopsTheServer_leavesNoThread() throws Exception {
    registration = registrationOf(server).ttlCheck(TTL).grpcCheck(Duration.ofSeconds(1))
        .healthStatusManager(health).drainTime(Duration.ofSeconds(2)).build();
    registration.start().get(10, TimeUnit.SECONDS);
    String id = registration.serviceId();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));
    assertThat(Threads.named("grpc-consul-registration-")).hasSize(1);

    registration.registerShutdownHook();
    Thread hook = registration.shutdownHookForTest();
    assertThat(hook).isNotNull();
    Thread stopper = new Thread(registration::shutdownGracefully);
    stopper.start();
    // Draining: out of the passing list at once, still registered, still serving.
    await().atMost(Duration.ofSeconds(1)).until(() -> view.passingIds(NAME).isEmpty());
    assertThat(view.allIds(NAME)).containsExactly(id);
    assertThat(server.isShutdown()).isFalse();

    stopper.join(10_000);
    assertThat(stopper.isAlive()).isFalse();
    assertThat(view.allIds(NAME)).isEmpty();
    assertThat(server.isTerminated()).isTrue();
    assertThat(Threads.named("grpc-consul-registration-")).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> Threads.named("grpc-consul-http-").isEmpty());
    // Shut down from code: the JVM hook was removed again.
    assertThat(Runtime.getRuntime().removeShutdownHook(hook)).isFalse();
    registration.shutdownGracefully(); // idempotent: returns at once
  }

  @Test
  void agentFailing_heartbeatsRetry_andRecoverWhenItAnswersAgain() throws Exception {
    registration = registrationOf(server).ttlCheck(TTL).build();
    registration.start().get(10, TimeUnit.SECONDS);
    String id = registration.serviceId();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));

    agent.faults().forPath("/v1/agent/check/").respond(500, "boom");
    await().atMost(Duration.ofSeconds(3)).until(() -> view.passingIds(NAME).isEmpty());
    agent.faults().clear();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.passingIds(NAME).equals(List.of(id)));
  }
}
