package io.github.grpcconsul.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerShutdownEvent;

/** Three Spring Boot gRPC servers and one Spring Boot client, all in this JVM, against one dev agent. */
class ThreeInstancesTest {
  @RegisterExtension
  static final DevAgentExtension consul = DevAgentExtension.perMethod();

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @AfterEach
  void closeAll() {
    // Clients first, as an orderly shutdown would.
    for (int i = contexts.size() - 1; i >= 0; i--) {
      contexts.get(i).close();
    }
  }

  private ConfigurableApplicationContext server(String instance) {
    ConfigurableApplicationContext c = EchoApp.server(consul.agent().httpAddress(), "echo3", instance);
    contexts.add(c);
    return c;
  }

  private SimpleServiceGrpc.SimpleServiceBlockingStub client() {
    ConfigurableApplicationContext c = ClientApp.client(consul.agent().httpAddress(), "consul:///echo3");
    contexts.add(c);
    return c.getBean(SimpleServiceGrpc.SimpleServiceBlockingStub.class);
  }

  private static String call(SimpleServiceGrpc.SimpleServiceBlockingStub stub) {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS).unaryRpc(SimpleRequest.getDefaultInstance())
        .getResponseMessage();
  }

  @Test
  void clientBeanSpreadsCallsRoundRobinOverThreeServers() {
    AgentView agent = new AgentView(consul.agent().httpAddress());
    server("a");
    server("b");
    server("c");
    await().atMost(Duration.ofSeconds(30)).until(() -> agent.passing("echo3").size() == 3);
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = client();

    // Once all three are connected, round robin answers a, b, c in turn: 30 calls give 10 each.
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Map<String, Integer> seen = new ConcurrentHashMap<>();
      for (int i = 0; i < 6; i++) {
        seen.merge(call(stub), 1, Integer::sum);
      }
      return seen.size() == 3;
    });
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    for (int i = 0; i < 30; i++) {
      counts.merge(call(stub), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys("a", "b", "c").allSatisfy((k, v) -> assertThat(v).isEqualTo(10));
  }

  @Test
  void closingOneContextUnderLoadFailsNoCallAndDeregistersBeforeTheServerStops() throws Exception {
    AgentView agent = new AgentView(consul.agent().httpAddress());
    ConfigurableApplicationContext leaving = server("a");
    server("b");
    server("c");
    await().atMost(Duration.ofSeconds(30)).until(() -> agent.passing("echo3").size() == 3);
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = client();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Map<String, Integer> seen = new ConcurrentHashMap<>();
      for (int i = 0; i < 6; i++) {
        seen.merge(call(stub), 1, Integer::sum);
      }
      return seen.size() == 3;
    });

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Map<String, AtomicLong> perInstance = new ConcurrentHashMap<>();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread caller = new Thread(() -> {
        while (!stop.get()) {
          try {
            perInstance.computeIfAbsent(call(stub), k -> new AtomicLong()).incrementAndGet();
            ok.incrementAndGet();
          } catch (StatusRuntimeException e) {
            failures.add(e);
          }
        }
      }, "test-caller-" + t);
      callers.add(caller);
      caller.start();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() > 200);

    // What Consul and the registration say while the instance drains, and at the moment its gRPC server begins to
    // shut down (GrpcServerShutdownEvent comes first thing in Spring Boot's GrpcServerLifecycle.stop()).
    ConsulServerRegistrations registrations = leaving.getBean(ConsulServerRegistrations.class);
    ConsulRegistrationHealthIndicator indicator = leaving.getBean(ConsulRegistrationHealthIndicator.class);
    List<String> atServerShutdown = new CopyOnWriteArrayList<>();
    leaving.addApplicationListener((ApplicationListener<GrpcServerShutdownEvent>) event -> atServerShutdown.add(
        "registered=" + agent.services().has("a") + " state=" + registrations.snapshots().get(0).state()));
    List<String> whileDraining = new CopyOnWriteArrayList<>();
    Thread watcher = new Thread(() -> {
      while (atServerShutdown.isEmpty()) {
        // Draining begins (the indicator says so first); within the drain time Consul must show the instance still
        // registered but no longer passing (maintenance), before it is deregistered.
        if (indicator.health().getStatus().equals(Status.OUT_OF_SERVICE)) {
          boolean registered = agent.services().has("a");
          boolean passingNow = agent.passing("echo3").contains("a");
          if (registered && !passingNow) {
            whileDraining.add("registered=true passing=false");
            return;
          }
        }
        Thread.onSpinWait();
      }
    }, "test-watcher");
    watcher.start();

    leaving.close();
    contexts.remove(leaving);
    watcher.join(TimeUnit.SECONDS.toMillis(30));
    long afterClose = ok.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() > afterClose + 200);
    stop.set(true);
    for (Thread caller : callers) {
      caller.join(TimeUnit.SECONDS.toMillis(30));
    }

    assertThat(failures).as("failed calls").isEmpty();
    // Draining: still registered, no longer passing (maintenance), so clients dropped it...
    assertThat(whileDraining).containsExactly("registered=true passing=false");
    // ...and deregistered before Spring Boot's graceful shutdown of the server began.
    assertThat(atServerShutdown).containsExactly("registered=false state=STOPPED");
    assertThat(agent.services().has("a")).isFalse();
    assertThat(perInstance).containsKeys("a", "b", "c");
    assertThat(registrations.snapshots()).singleElement()
        .satisfies(s -> assertThat(s.state()).isEqualTo(ConsulServerRegistrations.State.STOPPED));
  }

  @Test
  void unhealthyApplicationTurnsCriticalInConsulAndBack() {
    AgentView agent = new AgentView(consul.agent().httpAddress());
    ConfigurableApplicationContext a = server("a");
    await().atMost(Duration.ofSeconds(30)).until(() -> agent.passing("echo3").contains("a"));

    EchoApp.Switch health = a.getBean(EchoApp.Switch.class);
    health.set(org.springframework.boot.health.contributor.Health.down().withDetail("db", "gone").build());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(agent.checkStatuses("echo3", "a")).anyMatch(s -> s.endsWith("=critical")));
    assertThat(agent.passing("echo3")).doesNotContain("a");

    health.set(org.springframework.boot.health.contributor.Health.up().build());
    await().atMost(Duration.ofSeconds(30)).until(() -> agent.passing("echo3").contains("a"));
  }

  @Test
  void contextCloseDeregisters() {
    AgentView agent = new AgentView(consul.agent().httpAddress());
    ConfigurableApplicationContext a = server("a");
    await().atMost(Duration.ofSeconds(30)).until(() -> agent.services().has("a"));
    a.close();
    contexts.remove(a);
    assertThat(agent.services().has("a")).isFalse();
  }

  @Test
  void healthContributorIsUnknownWhileConsulRefusesThenUpThenOutOfServiceAfterClose() {
    consul.agent().faults().forPath("/v1/agent/service/register").respond(503, "boom");
    ConfigurableApplicationContext a = server("a");
    ConsulRegistrationHealthIndicator indicator = a.getBean(ConsulRegistrationHealthIndicator.class);
    // Start-up does not wait for Consul, and a Consul outage is not the application's failure: UNKNOWN, not DOWN,
    // with the library's reason.
    assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> consul.agent().requestCount("/v1/agent/service/register") >= 2);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
      assertThat(indicator.health().getDetails()).containsEntry("state", "RETRYING");
      assertThat((String) indicator.health().getDetails().get("description")).contains("503");
    });

    consul.agent().faults().clear();
    await().atMost(Duration.ofSeconds(30)).until(() -> indicator.health().getStatus().equals(Status.UP));
    assertThat(indicator.health().getDetails()).containsEntry("state", "REGISTERED");

    a.close();
    contexts.remove(a);
    assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    assertThat(indicator.health().getDetails()).containsEntry("state", "STOPPED");
  }

  @Test
  void aPolicyTheUserChoseWins() {
    AgentView agent = new AgentView(consul.agent().httpAddress());
    server("a");
    server("b");
    server("c");
    await().atMost(Duration.ofSeconds(30)).until(() -> agent.passing("echo3").size() == 3);
    ConfigurableApplicationContext c = ClientApp.client(consul.agent().httpAddress(), "consul:///echo3",
        "spring.grpc.client.channel.echo.default.load-balancing-policy=pick_first");
    contexts.add(c);
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = c.getBean(SimpleServiceGrpc.SimpleServiceBlockingStub.class);
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    for (int i = 0; i < 30; i++) {
      counts.merge(call(stub), 1, Integer::sum);
    }
    assertThat(counts).hasSize(1);
  }
}
