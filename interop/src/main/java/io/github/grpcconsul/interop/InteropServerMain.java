package io.github.grpcconsul.interop;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.examples.hello.HelloService;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.registration.ConsulRegistration;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.util.MutableHandlerRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Java hello server for the Go interop tests: the examples' hello service, registered by {@link ConsulRegistration}
 * with a gRPC check, whose health the test flips through standard input.
 *
 * <p>Prints {@code serving <id> on <host>:<port>} once registered. Standard input takes one command a line:
 * {@code not-serving} ({@code setCheckStatus(CRITICAL)}: the gRPC health service answers NOT_SERVING, so Consul's next
 * probe marks it critical), {@code serving}, and {@code leave} ({@code shutdownGracefully()}, as SIGTERM does).
 */
public final class InteropServerMain {
  private static final String USAGE = "usage: InteropServerMain [--port P] [--name N] [--id ID] [--check-interval D]"
      + " [--drain D]; the agent comes from CONSUL_HTTP_ADDR";

  private InteropServerMain() {}

  /** Serves until SIGTERM, {@code leave} on standard input, or the end of standard input. */
  public static void main(String[] argv) throws Exception {
    Args args;
    try {
      args = Args.parse(argv, Set.of("port", "name", "id", "check-interval", "drain"), USAGE);
    } catch (IllegalArgumentException e) {
      System.err.println("interop-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    String host = "127.0.0.1";
    String name = args.get("name", "helloserver");
    HealthStatusManager health = new HealthStatusManager();
    MutableHandlerRegistry services = new MutableHandlerRegistry();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, args.getInt("port", 0)))
        .addService(health.getHealthService())
        .fallbackHandlerRegistry(services)
        .build()
        .start();
    String id = args.get("id", "java-" + name + "-" + server.getPort());
    services.addService(new HelloService(id));
    Duration interval = args.getDuration("check-interval", Duration.ofSeconds(1));
    ConsulRegistration registration = ConsulRegistration.newBuilder(server, name)
        .consul(ConsulConfig.fromEnvironment())
        .id(id)
        .address(host)
        .grpcCheck(interval)
        .grpcCheckTimeout(Duration.ofSeconds(5))
        .healthStatusManager(health)
        .drainTime(args.getDuration("drain", Duration.ofSeconds(2)))
        .build();
    registration.registerShutdownHook();
    registration.start().get(30, TimeUnit.SECONDS);
    say("serving " + id + " on " + host + ":" + server.getPort());

    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        switch (line.trim()) {
          case "not-serving" -> {
            registration.setCheckStatus(CheckStatus.CRITICAL, "not serving (asked on stdin)");
            say("not serving");
          }
          case "serving" -> {
            registration.setCheckStatus(CheckStatus.PASSING, "serving");
            say("serving");
          }
          case "leave" -> {
            registration.shutdownGracefully();
            say("left");
            return;
          }
          default -> say("unknown command " + line.trim() + "; use not-serving, serving or leave");
        }
      }
    }
    // Standard input closed (the test ended): stay until SIGTERM, whose hook leaves gracefully.
    server.awaitTermination();
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
