package io.github.grpcconsul.examples.springboot.server;

import io.github.grpcconsul.examples.hello.HelloGrpc;
import io.github.grpcconsul.examples.hello.HelloReq;
import io.github.grpcconsul.examples.hello.HelloResp;
import io.github.grpcconsul.spring.boot.autoconfigure.ConsulServerRegistrations;
import io.grpc.stub.StreamObserver;
import java.util.logging.Logger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.grpc.server.service.GrpcService;

/**
 * The hello server as a Spring Boot gRPC application: no Consul code. {@code hello-server.properties}
 * names the service ({@code spring.application.name=helloserver}); grpc-consul-spring-boot registers it once the gRPC
 * server is up and takes it out of Consul (drain, deregister) before the server stops.
 */
@SpringBootApplication
public class HelloServerApplication {

  /** Reads {@code hello-server.properties} (so that the client's properties, in the same jar, stay apart). */
  public static void main(String[] args) {
    new SpringApplicationBuilder(HelloServerApplication.class).properties("spring.config.name=hello-server")
        .run(args);
  }

  /** Answers {@code Say} with {@code [<instance id>] <text>}, as the plain grpc-java example does. */
  @GrpcService
  static class HelloService extends HelloGrpc.HelloImplBase {
    private static final Logger logger = Logger.getLogger(HelloService.class.getName());
    private final ObjectProvider<ConsulServerRegistrations> registrations;

    HelloService(ObjectProvider<ConsulServerRegistrations> registrations) {
      this.registrations = registrations;
    }

    @Override
    public void say(HelloReq request, StreamObserver<HelloResp> responses) {
      String reply = "[" + instanceId() + "] " + request.getText();
      logger.info(reply);
      responses.onNext(HelloResp.newBuilder().setText(reply).build());
      responses.onCompleted();
    }

    private String instanceId() {
      ConsulServerRegistrations r = registrations.getIfAvailable();
      return r == null || r.registrations().isEmpty() ? "unregistered" : r.registrations().get(0).serviceId();
    }
  }
}
