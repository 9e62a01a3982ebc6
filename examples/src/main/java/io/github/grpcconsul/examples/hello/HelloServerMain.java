package io.github.grpcconsul.examples.hello;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;

/**
 * The hello server's command line: serves {@code Say}, registers itself in the Consul named by the environment
 * ({@code CONSUL_HTTP_ADDR}, default the local agent), and leaves gracefully on SIGTERM or Ctrl-C.
 */
public final class HelloServerMain {
  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: hello-server [-h HOST] [-p PORT] [--name NAME] [--id ID] [--check-interval D] [--drain D]",
      "",
      "  -h, --host HOST        address to listen on and register in Consul (default 127.0.0.1)",
      "  -p, --port PORT        port to listen on (default 0: chosen by the OS)",
      "      --name NAME        Consul service name (default helloserver)",
      "      --id ID            instance id (default NAME-HOST-PORT)",
      "      --check-interval D how often Consul probes the gRPC health service (default 5s)",
      "      --drain D          how long to keep serving after reporting not serving, on shutdown (default 2s)",
      "      --deregister-critical-after D",
      "                         how long critical before Consul removes the instance (default 1m, Consul's floor)",
      "      --help             this text",
      "",
      "The Consul agent comes from the environment: CONSUL_HTTP_ADDR (default 127.0.0.1:8500), CONSUL_HTTP_TOKEN, ...");

  private static final Map<String, String> ALIASES = Flags.aliases(
      "-h", "host", "--host", "host", "-p", "port", "--port", "port", "--name", "name", "--id", "id",
      "--check-interval", "check-interval", "--drain", "drain",
      "--deregister-critical-after", "deregister-critical-after", "--help", "help", "-?", "help");

  private HelloServerMain() {}

  /** Runs the server until SIGTERM or Ctrl-C. */
  public static void main(String[] args) throws IOException, InterruptedException {
    OneLineLogging.install(Level.WARNING, Level.INFO);
    HelloServer.Builder builder;
    try {
      Flags flags = Flags.parse(args, ALIASES, Set.of("help"));
      if (flags.has("help")) {
        System.out.println(USAGE);
        return;
      }
      builder = HelloServer.newBuilder()
          .host(flags.get("host", "127.0.0.1"))
          .port(flags.getInt("port", 0, 0, 65535))
          .serviceName(flags.get("name", "helloserver"))
          .id(flags.get("id", null))
          .checkInterval(flags.getDuration("check-interval", Duration.ofSeconds(5)))
          .drainTime(flags.getDuration("drain", Duration.ofSeconds(2)))
          .deregisterCriticalServiceAfter(
              flags.getDuration("deregister-critical-after", Duration.ofMinutes(1)));
    } catch (IllegalArgumentException e) {
      System.err.println("hello-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    HelloServer server = builder.start();
    say("serving " + server.serviceName() + " as " + server.id() + " on " + server.host() + ":" + server.port()
        + "; Ctrl-C to leave gracefully");
    // Says "registered" only once Consul accepted it, and otherwise why not (the description never holds the token).
    AtomicReference<String> lastSaid = new AtomicReference<>("");
    server.registration().addStatusListener(Runnable::run, status -> {
      String line = switch (status.state()) {
        case REGISTERED -> "registered in Consul as " + server.id();
        case RETRYING -> "not registered in Consul: " + status.description();
        default -> null;
      };
      if (line != null && !line.equals(lastSaid.getAndSet(line))) {
        say(line);
      }
    });
    CountDownLatch stopped = new CountDownLatch(1);
    // java.util.logging closes its handlers in its own shutdown hook, so the hook prints directly.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      say("leaving: not serving, draining, deregistering");
      server.shutdownGracefully();
      say("left");
      stopped.countDown();
    }, "hello-server-shutdown"));
    stopped.await();
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
