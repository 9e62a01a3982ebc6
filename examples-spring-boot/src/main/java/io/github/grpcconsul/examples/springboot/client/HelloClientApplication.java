package io.github.grpcconsul.examples.springboot.client;

import io.github.grpcconsul.examples.hello.HelloGrpc;
import io.github.grpcconsul.examples.hello.HelloReq;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * The hello client as a Spring Boot gRPC application: its channel {@code hello} has the target
 * {@code consul:///helloserver} ({@code hello-client.properties}) and resolves through Consul with round robin,
 * with no Consul code. Calls {@code Say} every {@code hello.interval} ({@code hello.count} times; 0: until Ctrl-C), each with
 * {@code hello.deadline}; the first waits up to 10 s for a connection.
 */
@SpringBootApplication
public class HelloClientApplication {
  private static final Logger logger = Logger.getLogger(HelloClientApplication.class.getName());

  /** Reads {@code hello-client.properties}; exits when the calls are done. */
  public static void main(String[] args) {
    System.exit(SpringApplication.exit(new SpringApplicationBuilder(HelloClientApplication.class)
        .web(WebApplicationType.NONE).properties("spring.config.name=hello-client").run(args)));
  }

  @Bean
  HelloGrpc.HelloBlockingStub hello(GrpcChannelFactory channels) {
    return HelloGrpc.newBlockingStub(channels.createChannel("hello"));
  }

  @Bean
  ApplicationRunner callLoop(HelloGrpc.HelloBlockingStub hello, @Value("${hello.count:0}") int count,
      @Value("${hello.interval:1s}") Duration interval, @Value("${hello.text:hi}") String text,
      @Value("${hello.deadline:2s}") Duration deadline) {
    return args -> {
      long ok = 0;
      long failed = 0;
      for (int i = 1; count == 0 || i <= count; i++) {
        try {
          // Like the plain client: up to 10 s for the first connection, then the deadline per call.
          long limit = i == 1 ? Math.max(10_000, deadline.toMillis()) : deadline.toMillis();
          String reply = hello.withDeadlineAfter(limit, TimeUnit.MILLISECONDS).withWaitForReady()
              .say(HelloReq.newBuilder().setText(text + " " + i).build()).getText();
          ok++;
          logger.info(reply);
        } catch (StatusRuntimeException e) {
          failed++;
          logger.warning(text + " " + i + " failed: " + e.getStatus());
        }
        if (count == 0 || i < count) {
          Thread.sleep(interval.toMillis());
        }
      }
      System.out.println("calls: " + ok + " ok, " + failed + " failed");
    };
  }
}
