package io.github.grpcconsul.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.services.HealthStatusManager;
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
import org.junit.jupiter.api.Test;

/**
 * The decisive scenario: three instances behind the {@code consul://} resolver, a client calling without pause, each
 * instance replaced in turn through {@link ConsulRegistration#shutdownGracefully()}. No call may fail.
 */
class RollingRestartTest {
  private static final String NAME = "echo";

  @Test
  void rollingRestartOfThreeInstances_failsNoCall() throws Exception {
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      ConsulConfig consul = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
      List<Instance> instances = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        instances.add(Instance.start(consul, "v1-" + i));
      }
      ManagedChannel channel = Grpc.newChannelBuilder("consul://" + agent.httpAddress() + "/" + NAME,
              InsecureChannelCredentials.create())
          .defaultLoadBalancingPolicy("round_robin")
          .build();
      Caller caller = new Caller(channel);
      try {
        caller.start(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> caller.servedBy.keySet().containsAll(
            List.of("v1-0", "v1-1", "v1-2")));

        for (int i = 0; i < 3; i++) {
          instances.get(i).registration.shutdownGracefully();
          Instance replacement = Instance.start(consul, "v2-" + i);
          instances.set(i, replacement);
          long before = caller.servedBy.getOrDefault(replacement.name, new AtomicLong()).get();
          await().atMost(Duration.ofSeconds(10)).until(() ->
              caller.servedBy.getOrDefault(replacement.name, new AtomicLong()).get() > before + 10);
        }
      } finally {
        caller.stop();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        for (Instance instance : instances) {
          instance.registration.shutdownGracefully();
        }
      }
      assertThat(caller.failures).isEmpty();
      assertThat(caller.succeeded.get()).isGreaterThan(100);
      assertThat(caller.servedBy.keySet()).contains("v2-0", "v2-1", "v2-2");
    }
  }

  private record Instance(String name, Server server, ConsulRegistration registration) {
    static Instance start(ConsulConfig consul, String name) throws Exception {
      HealthStatusManager health = new HealthStatusManager();
      Server server = TestServers.start(health, name);
      ConsulRegistration registration = ConsulRegistration.newBuilder(server, NAME)
          .consul(consul).address("127.0.0.1")
          .ttlCheck(Duration.ofSeconds(3)).grpcCheck(Duration.ofSeconds(1)).grpcCheckTimeout(Duration.ofSeconds(3))
          .healthStatusManager(health)
          .drainTime(Duration.ofSeconds(1)).shutdownTimeout(Duration.ofSeconds(5))
          .build();
      registration.start().get(10, TimeUnit.SECONDS);
      return new Instance(name, server, registration);
    }
  }

  /** Threads calling back to back, each call with a deadline; counts who answered and every failure. */
  private static final class Caller {
    final Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicLong succeeded = new AtomicLong();
    private final ManagedChannel channel;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Caller(ManagedChannel channel) {
      this.channel = channel;
    }

    void start(int concurrency) {
      for (int i = 0; i < concurrency; i++) {
        Thread thread = new Thread(this::callUntilStopped, "caller-" + i);
        threads.add(thread);
        thread.start();
      }
    }

    private void callUntilStopped() {
      SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(channel);
      boolean first = true;
      while (running.get()) {
        try {
          // The very first call may wait for the initial resolution; after that, no waiting is allowed.
          String who = (first ? stub.withWaitForReady() : stub).withDeadlineAfter(5, TimeUnit.SECONDS)
              .unaryRpc(SimpleRequest.getDefaultInstance()).getResponseMessage();
          first = false;
          servedBy.computeIfAbsent(who, k -> new AtomicLong()).incrementAndGet();
          succeeded.incrementAndGet();
        } catch (StatusRuntimeException e) {
          if (running.get()) {
            failures.add(e.getStatus().toString());
          }
        }
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(10_000);
      }
    }
  }
}
