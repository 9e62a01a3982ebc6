package io.github.grpcconsul.spring.boot.autoconfigure;

import io.grpc.ManagedChannel;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.client.GrpcChannelFactory;

/** A Spring Boot gRPC client with one channel, {@code echo}, whose target the test sets. Test-only. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ClientApp {

  @Bean
  SimpleServiceGrpc.SimpleServiceBlockingStub echoStub(GrpcChannelFactory channels) {
    ManagedChannel channel = channels.createChannel("echo");
    return SimpleServiceGrpc.newBlockingStub(channel);
  }

  static ConfigurableApplicationContext client(String consulAddress, String target, String... more) {
    String[] base = {
        "spring.grpc.client.channel.echo.target=" + target,
        "grpc-consul.address=" + consulAddress,
        "spring.main.banner-mode=off",
        "logging.level.root=WARN",
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return new SpringApplicationBuilder(ClientApp.class).properties(all).run();
  }
}
