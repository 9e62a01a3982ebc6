package io.github.grpcconsul.benchmarks.scenario;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Runs the side-by-side scenario for every contender, one after the other, each against its own fresh dev agent, and
 * writes {@code target/scenario/report.md} plus the propagation plot.
 *
 * <p>Arguments: {@code --mode full|quick}, {@code --root <project dir>} (default: the working directory),
 * {@code --plot <png>} (default {@code <root>/docs/propagation.png} in full mode,
 * {@code target/scenario/propagation.png}
 * in quick mode). System properties {@code scenario.spring.classes} and {@code scenario.spring.classpathFile} locate
 * the grpc-spring contender, {@code scenario.go.module} the Go contenders' module (the benchmarks pom sets them);
 * {@code scenario.contenders} (comma-separated names, default all: {@value #ALL}) picks a subset, ours always first.
 */
public final class ScenarioMain {
  private static final Logger LOG = Logger.getLogger(ScenarioMain.class.getName());
  static final String COMMAND = "./mvnw -B -pl benchmarks -am test-compile -Pscenario -Dscenario.mode=full";
  static final String ALL = "consul,grpc-spring,go-mbobakov,go-simplesurance,go-catalog";

  private ScenarioMain() {}

  public static void main(String[] args) throws Exception {
    // Must precede the first use of the JDK HttpServer the dev agent is built on (../shared/notes.md).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    String mode = "full";
    Path root = Path.of("").toAbsolutePath();
    Path plot = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--mode" -> mode = args[++i];
        case "--root" -> root = Path.of(args[++i]);
        case "--plot" -> plot = Path.of(args[++i]);
        default -> throw new IllegalArgumentException(
            "unknown argument '" + args[i] + "'; use --mode full|quick, --root DIR, --plot FILE");
      }
    }
    ScenarioOptions options = ScenarioOptions.forMode(mode);
    Path out = root.resolve("benchmarks/target/scenario");
    if (plot == null) {
      plot = options.mode().equals("full") ? root.resolve("docs/propagation.png") : out.resolve("propagation.png");
    }
    List<ContenderResult> results = run(options, out, plot);
    if (results.stream().anyMatch(r -> r.failure != null)) {
      System.exit(1);
    }
  }

  /** Runs every selected contender (system property {@code scenario.contenders}) and writes the report and plot. */
  static List<ContenderResult> run(ScenarioOptions options, Path out, Path plot) throws Exception {
    return run(options, out, plot, List.of(System.getProperty("scenario.contenders", ALL).split(",")));
  }

  /** Runs the named contenders (ours always, and first) and writes the report and plot; returns ours first. */
  static List<ContenderResult> run(ScenarioOptions options, Path out, Path plot, List<String> names)
      throws Exception {
    List<Contender> contenders = contenders(names, out);
    String started = Instant.now().truncatedTo(ChronoUnit.SECONDS) + ", load average " + loadAverage();
    List<ContenderResult> results = new ArrayList<>();
    for (Contender contender : contenders) {
      results.add(new ScenarioRun(options, contender, out).run());
    }
    String markdown = "Run started " + started + "; ended " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + ", load average " + loadAverage() + ".\n\n" + Report.markdown(options, results, COMMAND);
    Files.createDirectories(out);
    Files.writeString(out.resolve("report.md"), markdown);
    PropagationPlot.write(plot, options, results);
    System.out.println(markdown);
    LOG.info("wrote " + out.resolve("report.md") + " and " + plot);
    return results;
  }

  private static List<Contender> contenders(List<String> names, Path out) throws Exception {
    Set<String> wanted = new LinkedHashSet<>();
    wanted.add("consul");
    for (String name : names) {
      if (!name.isBlank()) {
        wanted.add(name.trim());
      }
    }
    Path goBinary = null;
    if (wanted.stream().anyMatch(n -> n.startsWith("go-"))) {
      goBinary = GoProbeBuild.build(Path.of(required("scenario.go.module")), out.resolve("go"));
    }
    List<Contender> contenders = new ArrayList<>();
    for (String name : wanted) {
      contenders.add(switch (name) {
        case "consul" -> Contender.ours();
        case "grpc-spring" -> Contender.grpcSpring(Path.of(required("scenario.spring.classes")),
            Path.of(required("scenario.spring.classpathFile")));
        case "go-mbobakov" -> Contender.goMbobakov(goBinary);
        case "go-simplesurance" -> Contender.goSimplesurance(goBinary);
        case "go-catalog" -> Contender.goCatalog(goBinary);
        default -> throw new IllegalArgumentException(
            "unknown contender '" + name + "' in scenario.contenders; known: " + ALL);
      });
    }
    return contenders;
  }

  private static String loadAverage() {
    return String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException("system property " + property + " is not set; run through the benchmarks pom: "
          + COMMAND);
    }
    return value;
  }
}
