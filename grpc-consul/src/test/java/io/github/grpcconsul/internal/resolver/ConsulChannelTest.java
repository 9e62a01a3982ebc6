package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.resolver.ConsulNameResolverProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real channels, real calls: what a grpc-java user sees. */
class ConsulChannelTest {

  private DevAgent agent;
  private Set<Thread> threadsBefore;
  private Backends backends;
  private Registrar registrar;
  private WatchRegistry registry;
  private NameResolverRegistry resolvers;
  private ManagedChannel channel;

  @BeforeEach
  void setUp() {
    threadsBefore = ThreadCheck.baseline();
    agent = DevAgent.builder().build();
    agent.start();
    backends = new Backends();
    ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    registrar = new Registrar(config);
    registry = new WatchRegistry(Duration.ZERO);
    resolvers = new NameResolverRegistry();
    resolvers.register(new ResolverProviderCore(config, registry));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    backends.close();
    registrar.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
    agent.close();
  }

  private ManagedChannel channel(String target) {
    return channel(target, "round_robin");
  }

  private ManagedChannel channel(String target, String policy) {
    channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create(), resolvers)
        .defaultLoadBalancingPolicy(policy)
        .build();
    return channel;
  }

  private static String call(ManagedChannel ch) {
    return SimpleServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
        .unaryRpc(SimpleRequest.getDefaultInstance()).getResponseMessage();
  }

  @Test
  void serviceLoader_registersTheProvider() throws Exception {
    registrar.register("hello", "hello-1", "127.0.0.1", backends.start("one"));
    // the default registry, as a user gets it with no code of ours
    assertThat(NameResolverRegistry.getDefaultRegistry().getProviderForScheme("consul"))
        .isInstanceOf(ConsulNameResolverProvider.class);
    ManagedChannel ch = Grpc.newChannelBuilder("consul://" + agent.httpAddress() + "/hello",
        InsecureChannelCredentials.create()).build();
    try {
      assertThat(call(ch)).isEqualTo("one");
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      WatchRegistry.shared().closeAllForTest(); // it lingers 30 s otherwise
    }
  }

  @Test
  void badTarget_failsTheChannelBuild() {
    // (grpc's own URI parser already refuses "consul://h:x/svc"; ConsulTargetTest covers that message)
    assertThatThrownBy(() -> Grpc.newChannelBuilder("consul://h:99999/svc", InsecureChannelCredentials.create())
        .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consul target \"consul://h:99999/svc\": port 99999 is out of range");
    assertThatThrownBy(() -> Grpc.newChannelBuilder("consul:///svc?helth=any", InsecureChannelCredentials.create())
        .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown parameter \"helth\"");
  }

  @Test
  void roundRobin_spreadsOverInstances_andFollowsHealth() throws Exception {
    registrar.register("hello", "hello-1", "127.0.0.1", backends.start("one"));
    registrar.register("hello", "hello-2", "127.0.0.1", backends.start("two"));
    ManagedChannel ch = channel("consul:///hello");
    Set<String> seen = new HashSet<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      seen.add(call(ch));
      return seen.size() == 2;
    });

    registrar.health("hello-1", CheckStatus.CRITICAL);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      for (int i = 0; i < 10; i++) {
        if (!call(ch).equals("two")) {
          return false;
        }
      }
      return true;
    });
  }

  @Test
  void noHealthyInstance_callsFailFastNamingTheService() throws Exception {
    registrar.register("hello", "hello-1", "127.0.0.1", backends.start("one"));
    // pick_first drops its connection on a resolver error; round_robin keeps READY ones (see README)
    ManagedChannel ch = channel("consul:///hello", "pick_first");
    assertThat(call(ch)).isEqualTo("one");

    registrar.health("hello-1", CheckStatus.CRITICAL);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThatThrownBy(() -> call(ch))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("service \"hello\"");
            }));
  }

  @Test
  void agentDown_callLoopSeesNoFailure() throws Exception {
    registrar.register("hello", "hello-1", "127.0.0.1", backends.start("one"));
    registrar.register("hello", "hello-2", "127.0.0.1", backends.start("two"));
    ManagedChannel ch = channel("consul:///hello");
    Set<String> seen = new HashSet<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      seen.add(call(ch));
      return seen.size() == 2;
    });

    AtomicInteger calls = new AtomicInteger();
    Set<String> during = new HashSet<>();
    agent.stop();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < until) {
      during.add(call(ch)); // any failure throws and fails the test
      calls.incrementAndGet();
    }
    assertThat(calls.get()).isGreaterThan(10);
    assertThat(during).containsExactlyInAnyOrder("one", "two");
  }

  @Test
  void enterIdle_andShutdown_leaveNoWatchAndNoThread() throws Exception {
    registrar.register("hello", "hello-1", "127.0.0.1", backends.start("one"));
    ManagedChannel ch = channel("consul:///hello");
    assertThat(call(ch)).isEqualTo("one");
    assertThat(registry.watchCount()).isEqualTo(1);

    ch.enterIdle();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0);
    assertThat(call(ch)).isEqualTo("one"); // a new resolver, a new watch
    assertThat(registry.watchCount()).isEqualTo(1);

    ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCount() == 0 && registry.clientCount() == 0);
    registrar.close(); // its threads too: after this no grpc-consul thread may be left
    await().atMost(Duration.ofSeconds(10)).until(() -> ThreadCheck.newSince(threadsBefore).isEmpty());
  }
}
