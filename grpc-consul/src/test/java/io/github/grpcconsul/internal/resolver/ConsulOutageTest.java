package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Consul trouble: the resolver keeps the last good list, logs once per streak, recovers by itself. */
class ConsulOutageTest {

  private DevAgent agent;
  private WatchRegistry registry;
  private ResolverHarness harness;
  private Registrar registrar;
  private final List<LogRecord> logs = new CopyOnWriteArrayList<>();
  private final Logger watchLogger = Logger.getLogger(ServiceWatch.class.getName());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logs.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void setUp() {
    agent = DevAgent.builder().build();
    agent.start();
    watchLogger.addHandler(capture);
    watchLogger.setLevel(Level.INFO); // the test logging config shows WARNING and above only
    ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    registry = new WatchRegistry(Duration.ZERO);
    harness = new ResolverHarness(new ResolverProviderCore(config, registry));
    registrar = new Registrar(config);
  }

  @AfterEach
  void tearDown() throws Exception {
    watchLogger.removeHandler(capture);
    watchLogger.setLevel(null);
    harness.close();
    registrar.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
    assertThat(harness.uncaught).isEmpty();
    agent.close();
  }

  private long warnings() {
    return logs.stream().filter(r -> r.getLevel() == Level.WARNING).count();
  }

  private long infos() {
    return logs.stream().filter(r -> r.getLevel() == Level.INFO).count();
  }

  @Test
  void serverErrors_keepLastListLogOnceAndRecover() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);
    long before = agent.requestCount("/v1/health/service/");

    agent.faults().forPath("/v1/health/").respond(503, "boom");
    registrar.register("web", "web-2", "127.0.0.1", 9002); // the parked query answers; the next ones fail
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.requestCount("/v1/health/service/") >= before + 5);
    registrar.register("web", "web-3", "127.0.0.1", 9003); // not visible while Consul fails

    assertThat(r.listener.results).allSatisfy(result -> assertThat(result.hasValue()).isTrue());
    assertThat(r.listener.lastPorts()).containsExactlyInAnyOrder(9001, 9002);
    assertThat(warnings()).isEqualTo(1);
    assertThat(logs.get(0).getParameters()[1].toString()).contains("503").contains("boom");

    agent.faults().clear();
    r.listener.awaitPorts(9001, 9002, 9003);
    await().until(() -> infos() == 1);
    assertThat(warnings()).isEqualTo(1);
  }

  @Test
  void slowResponses_stillDelivered() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    agent.faults().forPath("/v1/health/").delay(Duration.ofMillis(300));
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);
    registrar.register("web", "web-2", "127.0.0.1", 9002);
    r.listener.awaitPorts(9001, 9002);
  }

  @Test
  void malformedResponses_keepLastList() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);
    long before = agent.requestCount("/v1/health/service/");

    agent.faults().forPath("/v1/health/").malformedBody();
    registrar.register("web", "web-2", "127.0.0.1", 9002); // the parked query answers; the next ones are garbage
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.requestCount("/v1/health/service/") >= before + 4);
    registrar.register("web", "web-3", "127.0.0.1", 9003);
    assertThat(r.listener.results).allSatisfy(result -> assertThat(result.hasValue()).isTrue());
    assertThat(r.listener.lastPorts()).containsExactlyInAnyOrder(9001, 9002);
    assertThat(warnings()).isEqualTo(1);

    agent.faults().clear();
    r.listener.awaitPorts(9001, 9002, 9003);
  }

  @Test
  void errorBeforeAnyList_isReportedToGrpc() {
    agent.faults().forPath("/v1/health/").respond(500, "kaput");
    ResolverHarness.Started r = harness.start("consul:///web");
    Status status = r.listener.awaitError();
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).contains("service \"web\"").contains("500").contains("kaput");

    registrar.register("web", "web-1", "127.0.0.1", 9001);
    agent.faults().clear();
    r.listener.awaitPorts(9001);
  }

  @Test
  void agentRestarted_indexGoesBackwards_newStateSeen() {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    for (int i = 0; i < 30; i++) {
      registrar.register("other", "other-" + i, "127.0.0.1", 9100 + i); // push the index up
    }
    registrar.register("web", "web-2", "127.0.0.1", 9002);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001, 9002);

    agent.restart(); // all state lost, index restarts low
    registrar.register("web", "web-3", "127.0.0.1", 9003);
    r.listener.awaitPorts(9003);
  }

  @Test
  void agentDownThenBack_keepsListAndFollowsTheNewAgent() throws Exception {
    registrar.register("web", "web-1", "127.0.0.1", 9001);
    ResolverHarness.Started r = harness.start("consul:///web");
    r.listener.awaitPorts(9001);
    int port = agent.baseUri().getPort();

    agent.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> warnings() == 1);
    assertThat(r.listener.results).hasSize(1);

    try (DevAgent replacement = DevAgent.builder().httpPort(port).build()) {
      replacement.start();
      try (Registrar again = new Registrar(ConsulConfig.newBuilder().address(replacement.httpAddress()).build())) {
        again.register("web", "web-9", "127.0.0.1", 9009);
        r.listener.awaitPorts(9009);
      }
      await().until(() -> infos() == 1);
      assertThat(warnings()).isEqualTo(1);
    }
  }

  @Test
  void aclDenied_wrongToken_saysWhichProblemNeverTheToken() throws Exception {
    try (DevAgent secured = DevAgent.builder().aclManagementToken("root-secret").build()) {
      secured.start();
      ConsulConfig root = ConsulConfig.newBuilder().address(secured.httpAddress()).token("root-secret").build();
      try (Registrar admin = new Registrar(root)) {
        admin.register("web", "web-1", "127.0.0.1", 9001);
      }
      ConsulConfig wrong = ConsulConfig.newBuilder().address(secured.httpAddress()).token("wrong-token-123").build();
      WatchRegistry own = new WatchRegistry(Duration.ZERO);
      try (ResolverHarness h = new ResolverHarness(new ResolverProviderCore(wrong, own))) {
        Status status = h.start("consul:///web").listener.awaitError();
        assertThat(status.getDescription()).contains("403").contains("ACL not found")
            .contains("CONSUL_HTTP_TOKEN").doesNotContain("wrong-token-123");
        await().until(() -> warnings() == 1);
        assertThat(logs).allSatisfy(l -> assertThat(String.valueOf(l.getMessage())
            + java.util.Arrays.toString(l.getParameters())).doesNotContain("wrong-token-123"));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> own.watchCount() == 0);

      WatchRegistry rootRegistry = new WatchRegistry(Duration.ZERO);
      try (ResolverHarness h = new ResolverHarness(new ResolverProviderCore(root, rootRegistry))) {
        h.start("consul:///web").listener.awaitPorts(9001);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> rootRegistry.watchCount() == 0);
    }
  }
}
