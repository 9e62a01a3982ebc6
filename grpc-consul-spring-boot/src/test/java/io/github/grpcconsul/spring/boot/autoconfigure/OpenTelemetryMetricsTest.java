package io.github.grpcconsul.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An {@code OpenTelemetry} bean in the context (here an SDK with the in-memory reader; Spring Boot's
 * spring-boot-starter-opentelemetry makes one too) receives the library's metrics with no property set: the
 * auto-configured {@code ConsulConfig} names it, for the registration and for the channels' watches.
 */
class OpenTelemetryMetricsTest {

  @Configuration(proxyBeanMethods = false)
  static class Metrics {
    @Bean
    InMemoryMetricReader metricReader() {
      return InMemoryMetricReader.create();
    }

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry(InMemoryMetricReader reader) {
      return OpenTelemetrySdk.builder()
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
    }
  }

  private static long value(Collection<MetricData> metrics, String name, String attribute, String value) {
    return metrics.stream().filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(p -> value.equals(p.getAttributes().asMap().entrySet().stream()
            .filter(e -> e.getKey().getKey().equals(attribute)).map(e -> String.valueOf(e.getValue()))
            .findFirst().orElse(null)))
        .mapToLong(LongPointData::getValue).sum();
  }

  @Test
  void openTelemetryBean_getsRegistrationAndWatchMetrics() {
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      String[] common = {
          "grpc-consul.address=" + agent.httpAddress(),
          "spring.main.banner-mode=off",
          "logging.level.root=WARN",
      };
      try (ConfigurableApplicationContext server = new SpringApplicationBuilder(EchoApp.class, Metrics.class)
              .properties(common).properties(
                  "spring.application.name=otel-echo",
                  "test.instance=otel-1",
                  "spring.grpc.server.port=0",
                  "spring.grpc.server.address=127.0.0.1",
                  "grpc-consul.registration.instance-id=otel-1",
                  "grpc-consul.registration.drain-time=0s",
                  "grpc-consul.registration.grpc-check.interval=1s")
              .run();
          ConfigurableApplicationContext client = new SpringApplicationBuilder(ClientApp.class, Metrics.class)
              .properties(common).properties("spring.grpc.client.channel.echo.target=consul:///otel-echo")
              .run()) {
        OpenTelemetry serverOtel = server.getBean(OpenTelemetry.class);
        assertThat(server.getBean(ConsulConfig.class)).isNotNull();
        InMemoryMetricReader serverReader = server.getBean(InMemoryMetricReader.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> value(serverReader.collectAllMetrics(),
            "grpc_consul.registration.state", "grpc_consul.registration.state", "registered") == 1);
        assertThat(serverOtel).isNotNull();

        SimpleServiceGrpc.SimpleServiceBlockingStub stub =
            client.getBean(SimpleServiceGrpc.SimpleServiceBlockingStub.class);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> stub
            .withDeadlineAfter(2, TimeUnit.SECONDS).unaryRpc(SimpleRequest.getDefaultInstance())
            .getResponseMessage().equals("otel-1"));
        InMemoryMetricReader clientReader = client.getBean(InMemoryMetricReader.class);
        Collection<MetricData> seen = clientReader.collectAllMetrics();
        assertThat(value(seen, "grpc_consul.watch.instances", "consul.service.name", "otel-echo")).isEqualTo(1);
        // An empty list first, when the channel asked before the gRPC check passed.
        assertThat(value(seen, "grpc_consul.watch.updates", "consul.service.name", "otel-echo")).isPositive();
      }
    }
  }
}
