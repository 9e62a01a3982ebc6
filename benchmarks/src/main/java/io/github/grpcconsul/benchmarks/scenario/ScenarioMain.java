package io.github.grpcconsul.benchmarks.scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Runs the side-by-side scenario for both contenders, one after the other, each against its own fresh dev agent, and
 * writes {@code target/scenario/report.md} plus the propagation plot.
 *
 * <p>Arguments: {@code --mode full|quick}, {@code --root <project dir>} (default: the working directory),
 * {@code --plot <png>} (default {@code <root>/docs/propagation.png} in full mode,
 * {@code target/scenario/propagation.png}
 * in quick mode). System properties {@code scenario.spring.classes} and {@code scenario.spring.classpathFile} locate
 * the grpc-spring contender (the benchmarks pom sets them).
 */
public final class ScenarioMain {
  private static final Logger LOG = Logger.getLogger(ScenarioMain.class.getName());
  static final String COMMAND = "./mvnw -B -pl benchmarks -am test-compile -Pscenario -Dscenario.mode=full";

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

  /** Runs both contenders and writes the report and plot; returns ours first. */
  static List<ContenderResult> run(ScenarioOptions options, Path out, Path plot) throws Exception {
    Contender spring = Contender.grpcSpring(Path.of(required("scenario.spring.classes")),
        Path.of(required("scenario.spring.classpathFile")));
    ContenderResult ours = new ScenarioRun(options, Contender.ours(), out).run();
    ContenderResult peer = new ScenarioRun(options, spring, out).run();
    String markdown = Report.markdown(options, ours, peer, COMMAND);
    Files.createDirectories(out);
    Files.writeString(out.resolve("report.md"), markdown);
    PropagationPlot.write(plot, options, List.of(ours, peer));
    System.out.println(markdown);
    LOG.info("wrote " + out.resolve("report.md") + " and " + plot);
    return List.of(ours, peer);
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
