package io.github.grpcconsul.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.spring.boot.test.AutoConfigureConsulDevAgent;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/** The copy-paste example of the README: a @SpringBootTest against the dev agent, no Docker. */
@SpringBootTest(classes = EchoApp.class, properties = {
    "spring.application.name=echo-boot",
    "spring.grpc.server.port=0",
    "spring.grpc.server.address=127.0.0.1",
    "grpc-consul.registration.tags=v1,blue",
    "grpc-consul.registration.meta.version=1.4.2",
    "grpc-consul.registration.weight-passing=7",
    "grpc-consul.registration.weight-warning=2",
    "grpc-consul.registration.ttl=10s",
    "grpc-consul.registration.grpc-check.interval=1s",
    "grpc-consul.registration.deregister-critical-service-after=2m",
    "management.endpoint.health.show-details=always",
})
@AutoConfigureConsulDevAgent
class SpringBootRegistrationTest {
  @Autowired DevAgent consul;
  @Autowired GrpcServerLifecycle server;
  @Autowired HealthEndpoint health;
  @Autowired ConsulServerRegistrations registrations;

  @Test
  void registersTheBoundPortWithPropertiesAndPasses() {
    AgentView agent = new AgentView(consul.httpAddress());
    int port = server.getPort();
    assertThat(port).isPositive();
    String id = "echo-boot-127.0.0.1-" + port;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(agent.passing("echo-boot")).contains(id));

    JsonObject service = agent.services().getAsJsonObject(id);
    assertThat(service.get("Service").getAsString()).isEqualTo("echo-boot");
    assertThat(service.get("Port").getAsInt()).isEqualTo(port);
    assertThat(service.get("Address").getAsString()).isEqualTo("127.0.0.1");
    assertThat(service.getAsJsonArray("Tags").toString()).isEqualTo("[\"v1\",\"blue\"]");
    assertThat(service.getAsJsonObject("Meta").get("version").getAsString()).isEqualTo("1.4.2");
    assertThat(service.getAsJsonObject("Weights").get("Passing").getAsInt()).isEqualTo(7);
    assertThat(service.getAsJsonObject("Weights").get("Warning").getAsInt()).isEqualTo(2);
    // A TTL check and Consul's gRPC check, both passing.
    assertThat(agent.checkStatuses("echo-boot", id)).hasSize(2).allMatch(s -> s.endsWith("=passing"));
  }

  @Test
  void actuatorHealthShowsTheRegistration() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      IndicatedHealthDescriptor h = (IndicatedHealthDescriptor) health.healthForPath("consulRegistration");
      assertThat(h.getStatus()).isEqualTo(Status.UP);
      Map<String, Object> details = h.getDetails();
      assertThat(details).containsEntry("service", "echo-boot").containsEntry("state", "REGISTERED")
          .containsEntry("address", "127.0.0.1:" + server.getPort());
    });
    assertThat(registrations.snapshots()).singleElement()
        .satisfies(s -> assertThat(s.state()).isEqualTo(ConsulServerRegistrations.State.REGISTERED));
  }
}
