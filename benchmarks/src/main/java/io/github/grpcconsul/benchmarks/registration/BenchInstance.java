package io.github.grpcconsul.benchmarks.registration;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.examples.hello.HelloGrpc;
import io.github.grpcconsul.examples.hello.HelloReq;
import io.github.grpcconsul.examples.hello.HelloResp;
import io.github.grpcconsul.registration.ConsulRegistration;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One hello server on an OS-chosen port with its health service and its Consul registration. */
final class BenchInstance {
  static final String SERVICE = "hello-bench";

  final String name;
  final Server server;
  final ConsulRegistration registration;

  private BenchInstance(String name, Server server, ConsulRegistration registration) {
    this.name = name;
    this.server = server;
    this.registration = registration;
  }

  /** Which checks and timings the instance registers with. {@code null} durations mean "not configured". */
  record Checks(Duration ttl, Duration grpcInterval, Duration drain, Duration deregisterAfter) {
    @Override
    public String toString() {
      return (ttl != null ? "TTL check " + ttl.toMillis() + " ms" : "")
          + (ttl != null && grpcInterval != null ? " + " : "")
          + (grpcInterval != null ? "gRPC check every " + grpcInterval.toMillis() + " ms" : "")
          + ", drain " + drain.toMillis() + " ms";
    }
  }

  static BenchInstance start(ConsulConfig consul, String name, Checks checks) throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new Hello(name))
        .addService(health.getHealthService())
        .build()
        .start();
    ConsulRegistration.Builder builder = ConsulRegistration.newBuilder(server, SERVICE)
        .consul(consul)
        .address("127.0.0.1")
        .healthStatusManager(health)
        .drainTime(checks.drain())
        .shutdownTimeout(Duration.ofSeconds(5));
    if (checks.ttl() != null) {
      builder.ttlCheck(checks.ttl());
    }
    if (checks.grpcInterval() != null) {
      builder.grpcCheck(checks.grpcInterval());
    }
    if (checks.deregisterAfter() != null) {
      builder.deregisterCriticalServiceAfter(checks.deregisterAfter());
    }
    ConsulRegistration registration = builder.build();
    registration.start().get(10, TimeUnit.SECONDS);
    return new BenchInstance(name, server, registration);
  }

  /** Answers with the instance's name, so the caller can tell who served each call. */
  static final class Hello extends HelloGrpc.HelloImplBase {
    private final String name;

    Hello(String name) {
      this.name = name;
    }

    @Override
    public void say(HelloReq request, StreamObserver<HelloResp> response) {
      response.onNext(HelloResp.newBuilder().setText(name).build());
      response.onCompleted();
    }
  }
}
