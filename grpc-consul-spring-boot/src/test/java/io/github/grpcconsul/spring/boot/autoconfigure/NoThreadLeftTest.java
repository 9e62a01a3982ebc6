package io.github.grpcconsul.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A server context and a client context that called it leave no thread behind once closed. The resolver's idle
 * watch linger is set to 0s, as the README says to do where a test checks this.
 */
class NoThreadLeftTest {
  private static String previousLinger;

  @BeforeAll
  static void noLinger() {
    previousLinger = System.getProperty("io.github.grpcconsul.resolver.watchLinger");
    System.setProperty("io.github.grpcconsul.resolver.watchLinger", "0s");
  }

  @AfterAll
  static void restoreLinger() {
    if (previousLinger == null) {
      System.clearProperty("io.github.grpcconsul.resolver.watchLinger");
    } else {
      System.setProperty("io.github.grpcconsul.resolver.watchLinger", previousLinger);
    }
  }

  @Test
  void closedContextsLeaveNoThread() {
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
      ConfigurableApplicationContext server = EchoApp.server(agent.httpAddress(), "leak", "leak-1");
      ConfigurableApplicationContext client = ClientApp.client(agent.httpAddress(), "consul:///leak");
      SimpleServiceGrpc.SimpleServiceBlockingStub stub = client.getBean(SimpleServiceGrpc.SimpleServiceBlockingStub.class);
      await().atMost(Duration.ofSeconds(30)).pollInSameThread().ignoreExceptions().until(() -> stub.withDeadlineAfter(2, TimeUnit.SECONDS)
          .unaryRpc(SimpleRequest.getDefaultInstance()).getResponseMessage().equals("leak-1"));
      assertThat(newThreads(before)).anyMatch(n -> n.startsWith("grpc-consul-"));

      client.close();
      server.close();

      // JDK 17's HttpClient selector thread ends once its client is unreachable (README: up to ~3 s after a GC);
      // grpc's shared event loops are released a second after their last user.
      await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        System.gc();
        assertThat(newThreads(before)).isEmpty();
      });
    }
  }

  /**
   * Threads started since {@code before} and still alive, but not the JVM's shared ForkJoin common pool nor the dev
   * agent's (it is still running: it is the test's Consul, closed after the check).
   */
  private static List<String> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !before.contains(t))
        .map(Thread::getName)
        .filter(n -> !n.startsWith("ForkJoinPool.commonPool") && !n.startsWith("consul-devagent-"))
        .sorted()
        .collect(Collectors.toList());
  }
}
