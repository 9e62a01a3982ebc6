package io.github.grpcconsul.examples.demo;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.examples.hello.Flags;
import io.github.grpcconsul.examples.hello.OneLineLogging;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * The one-command demo: Consul discovery, round robin and failover, narrated. Runs against the Consul at
 * {@code CONSUL_HTTP_ADDR} when one answers there, otherwise against an embedded dev agent.
 */
public final class Demo {
  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: java -jar examples/target/hello-demo.jar [--short | --long | --duration D] [--rate N] [--weights] [--embedded]",
      "",
      "  --short        about 15 s (2 s per phase)",
      "  --long         about 2 min (30 s per phase)",
      "  --duration D   time per phase (default 8s; 250ms, 2s, 1m are accepted)",
      "  --rate N       client calls per second (default 50)",
      "  --drain D      how long a leaving instance keeps serving after reporting not serving (default 2s)",
      "  --weights      then a phase with a canary at Consul weight 1 beside a stable instance at 3, balanced by",
      "                 consul_weighted_round_robin: the client's counts show the 1:3 split live",
      "  --embedded     use the embedded dev agent even when a Consul answers at CONSUL_HTTP_ADDR",
      "  --verbose      also print the library's log (registration, resolver, dev agent)",
      "  --help         this text");

  private static final Map<String, String> ALIASES = Flags.aliases(
      "--short", "short", "--long", "long", "--duration", "duration", "--rate", "rate", "--drain", "drain",
      "--weights", "weights", "--embedded", "embedded", "--verbose", "verbose", "--help", "help", "-?", "help");

  private Demo() {}

  /** Runs the demo; exits 0 when it went as described, 1 when it did not, 2 on bad arguments. */
  public static void main(String[] args) throws Exception {
    // See ../shared/notes.md: without it the embedded agent's JDK HttpServer adds ~40 ms to every small response.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    Flags flags;
    Scenario.Settings settings;
    try {
      flags = parse(args);
      if (flags.has("help")) {
        System.out.println(USAGE);
        return;
      }
      settings = settings(flags);
      OneLineLogging.install(flags.has("verbose") ? Level.INFO : Level.SEVERE, Level.WARNING);
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      System.exit(2);
      return;
    }
    DemoReport report;
    try {
      report = run(settings, flags.has("weights"), flags.has("embedded"), System.getenv("CONSUL_HTTP_ADDR"),
          ConsulConfig::fromEnvironment, System.out);
    } catch (IllegalArgumentException e) {
      // A malformed CONSUL_* variable: the message names it and the fix.
      System.err.println("demo: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      System.err.println("demo: stopped by " + e.getClass().getSimpleName() + ": " + e.getMessage()
          + " (run with --verbose for the library's log)");
      System.exit(1);
      return;
    }
    System.exit(report.problems().isEmpty() ? 0 : 1);
  }

  static Flags parse(String... args) {
    return Flags.parse(args, ALIASES, Set.of("short", "long", "weights", "embedded", "verbose", "help"));
  }

  static Scenario.Settings settings(Flags flags) {
    Duration phase = Duration.ofSeconds(8);
    if (flags.has("short")) {
      phase = Duration.ofSeconds(2);
    } else if (flags.has("long")) {
      phase = Duration.ofSeconds(30);
    }
    phase = flags.getDuration("duration", phase);
    return new Scenario.Settings(phase, flags.getInt("rate", 50, 1, 1000),
        flags.getDuration("drain", Duration.ofSeconds(2)));
  }

  /** Runs the scenario and prints its story and summary to {@code out}. */
  static DemoReport run(Scenario.Settings settings, boolean forceEmbedded, String envAddress,
      Supplier<ConsulConfig> fromEnvironment, PrintStream out) throws Exception {
    return run(settings, false, forceEmbedded, envAddress, fromEnvironment, out);
  }

  /** As above; with {@code weights}, then the weighted-canary phase, whose problems join the report's. */
  static DemoReport run(Scenario.Settings settings, boolean weights, boolean forceEmbedded, String envAddress,
      Supplier<ConsulConfig> fromEnvironment, PrintStream out) throws Exception {
    Narrator narrator = new Narrator(out);
    try (ConsulEndpoint consul = ConsulEndpoint.open(forceEmbedded, envAddress, fromEnvironment)) {
      narrator.say("Consul: using " + consul.description());
      DemoReport report = new Scenario(settings, consul, narrator).run();
      narrator.print(report.render());
      if (!weights) {
        return report;
      }
      WeightsPhase.Result split = new WeightsPhase(settings, consul, narrator).run();
      split.problems().forEach(p -> narrator.say("problem: " + p));
      return report.withProblems(split.problems());
    }
  }
}
