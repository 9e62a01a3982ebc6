package io.github.grpcconsul.registration;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;

/** Real grpc-netty servers on OS-chosen ports, serving SimpleService and the health service. Test-only. */
final class TestServers {
  private TestServers() {}

  static Server start(HealthStatusManager health, String name) throws IOException {
    return Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new Echo(name))
        .addService(health.getHealthService())
        .build()
        .start();
  }

  /** Answers with the name of the instance, so a client can tell who served each call. */
  static final class Echo extends SimpleServiceGrpc.SimpleServiceImplBase {
    private final String name;

    Echo(String name) {
      this.name = name;
    }

    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
      response.onNext(SimpleResponse.newBuilder().setResponseMessage(name).build());
      response.onCompleted();
    }
  }
}
