package io.github.grpcconsul.internal.resolver;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real gRPC servers on loopback ports chosen by the OS; each answers with its own name. */
final class Backends implements AutoCloseable {

  private final List<Server> servers = new ArrayList<>();

  /** Starts a server answering {@code name}; returns its port. */
  int start(String name) throws IOException {
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            response.onNext(SimpleResponse.newBuilder().setResponseMessage(name).build());
            response.onCompleted();
          }
        })
        .build()
        .start();
    servers.add(server);
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    for (Server s : servers) {
      s.shutdownNow();
    }
    for (Server s : servers) {
      s.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
