package io.github.grpcconsul.examples.hello;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.internal.consul.HealthQuery;
import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hello server and client against the dev agent: registration, round robin, graceful leave. */
class HelloServerTest {
  private final DevAgent agent = DevAgent.builder().build();
  private final List<HelloServer> servers = new ArrayList<>();
  private ManagedChannel channel;

  @BeforeEach
  void startAgent() {
    agent.start();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    servers.forEach(HelloServer::shutdownGracefully);
    agent.close();
  }

  @Test
  void twoServers_registerPassing_clientReachesBoth_gracefulLeaveDeregisters() throws Exception {
    ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    HelloServer a = start(config, "hello-a");
    HelloServer b = start(config, null);
    assertThat(b.id()).isEqualTo("helloserver-127.0.0.1-" + b.port());

    try (ConsulClient client = ConsulClient.create(config)) {
      await().atMost(Duration.ofSeconds(15)).until(() -> passing(client), ids -> ids.equals(Set.of(a.id(), b.id())));

      channel = HelloChannels.roundRobin("consul://" + agent.httpAddress() + "/helloserver");
      HelloGrpc.HelloBlockingStub stub = HelloGrpc.newBlockingStub(channel).withWaitForReady();
      Set<String> answered = new HashSet<>();
      await().atMost(Duration.ofSeconds(15)).until(() -> {
        HelloResp resp = stub.withDeadlineAfter(5, TimeUnit.SECONDS)
            .say(HelloReq.newBuilder().setText("hi").build());
        assertThat(resp.getText()).endsWith("] hi");
        answered.add(HelloService.instanceOf(resp.getText()));
        return answered.equals(Set.of(a.id(), b.id()));
      });

      HelloClientMain.Outcome outcome = HelloClientMain.callLoop(HelloGrpc.newBlockingStub(channel), "hello",
          Duration.ofMillis(20), Duration.ofSeconds(2), 5, new CountDownLatch(1));
      assertThat(outcome).isEqualTo(new HelloClientMain.Outcome(5, 0));

      servers.remove(a);
      a.shutdownGracefully();
      assertThat(passing(client)).containsExactly(b.id());
    }
  }

  private HelloServer start(ConsulConfig config, String id) throws Exception {
    HelloServer server = HelloServer.newBuilder()
        .consul(config)
        .id(id)
        .checkInterval(Duration.ofSeconds(1))
        .drainTime(Duration.ofMillis(300))
        .start();
    servers.add(server);
    return server;
  }

  private static Set<String> passing(ConsulClient client) throws Exception {
    HealthQuery query = HealthQuery.newBuilder("helloserver").passingOnly(true).build();
    return client.healthService(query, 0, Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS).value().stream()
        .map(HealthEntry::service).map(HealthEntry.Service::id).collect(Collectors.toSet());
  }
}
