package io.github.grpcconsul.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.metrics.ConsulMetrics;
import io.github.grpcconsul.resolver.ConsulNameResolverProvider;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The library without OpenTelemetry on the class path: run by the surefire execution {@code no-opentelemetry}
 * (grpc-consul/pom.xml), which removes every {@code io.opentelemetry} jar; the default execution skips it. A server
 * registers through the dev agent and a channel resolves it and calls it.
 */
class NoOpenTelemetryTest {

  @Test
  void registersAndResolves_withoutTheOpenTelemetryApi() throws Exception {
    // Set by that execution only; a -Dtest=... run of the default execution (API present) skips the test.
    assumeTrue(Boolean.getBoolean("grpcconsul.noOpenTelemetry"), "runs in the no-opentelemetry execution");
    assertThatThrownBy(() -> Class.forName("io.opentelemetry.api.OpenTelemetry"))
        .as("this test must run without the OpenTelemetry API (surefire execution no-opentelemetry)")
        .isInstanceOf(ClassNotFoundException.class);
    assertThat(ConsulMetrics.apiPresent()).isFalse();

    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      ConsulConfig consul = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
      assertThat(ConsulMetrics.of(consul).isNoop()).isTrue();
      Server server = TestServers.start(new HealthStatusManager(), "plain");
      ConsulRegistration registration = ConsulRegistration.newBuilder(server, "plain")
          .consul(consul).address("127.0.0.1").drainTime(Duration.ZERO).build();
      NameResolverRegistry resolvers = new NameResolverRegistry();
      resolvers.register(new ConsulNameResolverProvider(consul));
      ManagedChannel channel = Grpc.newChannelBuilder("consul:///plain", InsecureChannelCredentials.create(),
          resolvers).build();
      try {
        registration.start().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
            SimpleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                .unaryRpc(SimpleRequest.getDefaultInstance()).getResponseMessage().equals("plain"));
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        registration.shutdownGracefully(); // also stops the server
      }
      assertThat(server.isShutdown()).isTrue();
    }
  }
}
