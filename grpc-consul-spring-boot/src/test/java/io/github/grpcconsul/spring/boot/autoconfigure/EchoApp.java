package io.github.grpcconsul.spring.boot.autoconfigure;

import io.grpc.BindableService;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** A Spring Boot gRPC server answering SimpleService with its instance name ({@code test.instance}). Test-only. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class EchoApp {

  /** The health the test sets: actuator health, hence the gRPC health Consul probes. */
  public static final class Switch implements HealthIndicator {
    private final AtomicReference<Health> health = new AtomicReference<>(Health.up().build());

    public void set(Health h) {
      health.set(h);
    }

    @Override
    public Health health() {
      return health.get();
    }
  }

  @Bean
  BindableService echoService(Environment environment) {
    String instance = environment.getProperty("test.instance", "echo");
    return new SimpleServiceGrpc.SimpleServiceImplBase() {
      @Override
      public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
        responses.onNext(SimpleResponse.newBuilder().setResponseMessage(instance).build());
        responses.onCompleted();
      }
    };
  }

  @Bean
  Switch testHealth() {
    return new Switch();
  }

  /** Starts a server instance registered as {@code service} in the agent at {@code consulAddress}. */
  static ConfigurableApplicationContext server(String consulAddress, String service, String instance,
      String... more) {
    String[] base = {
        "spring.application.name=" + service,
        "test.instance=" + instance,
        "spring.grpc.server.port=0",
        "spring.grpc.server.address=127.0.0.1",
        "spring.grpc.server.shutdown.grace-period=5s",
        "grpc-consul.address=" + consulAddress,
        "grpc-consul.registration.instance-id=" + instance,
        "grpc-consul.registration.drain-time=1s",
        "grpc-consul.registration.grpc-check.interval=1s",
        "grpc-consul.registration.health-interval=200ms",
        "management.endpoint.health.show-details=always",
        "spring.main.banner-mode=off",
        "logging.level.root=WARN",
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return new SpringApplicationBuilder(EchoApp.class).properties(all).run();
  }
}
