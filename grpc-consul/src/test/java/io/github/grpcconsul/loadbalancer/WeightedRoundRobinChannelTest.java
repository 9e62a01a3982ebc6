package io.github.grpcconsul.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.consul.CheckDefinition;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.consul.ServiceDefinition;
import io.github.grpcconsul.resolver.ConsulNameResolverProvider;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The policy behind a real consul:// channel: dev agent, real gRPC servers, weights changed in Consul. */
class WeightedRoundRobinChannelTest {

  private DevAgent agent;
  private ConsulClient consul;
  private NameResolverRegistry resolvers;
  private final List<Server> servers = new ArrayList<>();
  private final Map<String, AtomicInteger> connections = new HashMap<>();
  private ManagedChannel channel;

  @BeforeEach
  void setUp() {
    agent = DevAgent.builder().build();
    agent.start();
    ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    consul = ConsulClient.create(config);
    resolvers = new NameResolverRegistry();
    resolvers.register(new ConsulNameResolverProvider(config));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Server server : servers) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    consul.close();
    agent.close();
  }

  /** Starts a server answering {@code name} that counts the connections made to it; returns its port. */
  private int server(String name) throws Exception {
    AtomicInteger count = new AtomicInteger();
    connections.put(name, count);
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            response.onNext(SimpleResponse.newBuilder().setResponseMessage(name).build());
            response.onCompleted();
          }
        })
        .addTransportFilter(new ServerTransportFilter() {
          @Override
          public Attributes transportReady(Attributes attributes) {
            count.incrementAndGet();
            return attributes;
          }
        })
        .build()
        .start();
    servers.add(server);
    return server.getPort();
  }

  private void register(String id, int port, int passing, int warning) throws Exception {
    consul.registerService(ServiceDefinition.newBuilder("weighted").id(id).address("127.0.0.1").port(port)
        .weights(passing, warning)
        .check(CheckDefinition.newBuilder().checkId("ttl:" + id).ttl(Duration.ofMinutes(10))
            .status(CheckStatus.PASSING).build())
        .build(), true).get(10, TimeUnit.SECONDS);
  }

  private Map<String, Integer> calls(int n) {
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(channel);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String name = stub.withDeadlineAfter(5, TimeUnit.SECONDS).unaryRpc(SimpleRequest.getDefaultInstance())
          .getResponseMessage();
      counts.merge(name, 1, Integer::sum);
    }
    return counts;
  }

  /** Calls until both backends answer in a 1:{@code heavy} split over one full cycle (both READY, weights seen). */
  private void awaitSplit(int heavy) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      Map<String, Integer> counts = calls(1 + heavy);
      return counts.getOrDefault("stable", 0) == heavy && counts.getOrDefault("canary", 0) == 1;
    });
  }

  @Test
  void defaultPolicy_splitsCallsByConsulWeights_andFollowsAWeightChangeWithoutReconnecting() throws Exception {
    register("canary", server("canary"), 1, 1);
    register("stable", server("stable"), 3, 1);
    channel = Grpc.newChannelBuilder("consul:///weighted", InsecureChannelCredentials.create(), resolvers)
        .defaultLoadBalancingPolicy(ConsulWeightedRoundRobinLoadBalancerProvider.POLICY_NAME)
        .build();

    awaitSplit(3);
    assertThat(calls(400)).containsEntry("canary", 100).containsEntry("stable", 300);

    register("stable", servers.get(1).getPort(), 9, 1);
    awaitSplit(9);
    assertThat(calls(1_000)).containsEntry("canary", 100).containsEntry("stable", 900);

    // a warning check switches the instance to its Warning weight: 1:1
    consul.updateTtl("ttl:stable", CheckStatus.WARNING, "slow disk").get(10, TimeUnit.SECONDS);
    channel = rebuild("consul:///weighted?health=warning");
    awaitSplit(1);

    assertThat(connections.get("canary")).hasValue(2); // one per channel: no reconnect on weight change
    assertThat(connections.get("stable")).hasValue(2);
  }

  @Test
  void serviceConfig_selectsThePolicy() throws Exception {
    register("canary", server("canary"), 1, 1);
    register("stable", server("stable"), 3, 1);
    channel = Grpc.newChannelBuilder("consul:///weighted", InsecureChannelCredentials.create(), resolvers)
        .defaultServiceConfig(Map.of("loadBalancingConfig",
            List.of(Map.of(ConsulWeightedRoundRobinLoadBalancerProvider.POLICY_NAME, Map.of()))))
        .build();
    awaitSplit(3);
    assertThat(calls(400)).containsEntry("canary", 100).containsEntry("stable", 300);
  }

  @Test
  void instanceGoingCritical_leavesTheSplit_andComesBack() throws Exception {
    register("canary", server("canary"), 1, 1);
    register("stable", server("stable"), 3, 1);
    channel = Grpc.newChannelBuilder("consul:///weighted", InsecureChannelCredentials.create(), resolvers)
        .defaultLoadBalancingPolicy(ConsulWeightedRoundRobinLoadBalancerProvider.POLICY_NAME)
        .build();
    awaitSplit(3);

    consul.updateTtl("ttl:canary", CheckStatus.CRITICAL, "down").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> !calls(8).containsKey("canary"));
    assertThat(calls(100)).containsOnlyKeys("stable");

    consul.updateTtl("ttl:canary", CheckStatus.PASSING, "up").get(10, TimeUnit.SECONDS);
    awaitSplit(3);
  }

  private ManagedChannel rebuild(String target) throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create(), resolvers)
        .defaultLoadBalancingPolicy(ConsulWeightedRoundRobinLoadBalancerProvider.POLICY_NAME)
        .build();
  }
}
