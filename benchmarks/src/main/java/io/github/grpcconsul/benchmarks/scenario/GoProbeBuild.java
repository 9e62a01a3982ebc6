package io.github.grpcconsul.benchmarks.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the Go contenders' client ({@code benchmarks-go/cmd/probe-client}) with the machine's {@code go} command
 * before a run, so that the scenario always runs the committed Go source. Modules come from the Go module proxy per
 * the committed {@code go.mod}/{@code go.sum}.
 */
final class GoProbeBuild {
  /** A first build downloads grpc-go and the Consul API and compiles them: minutes on a loaded 2-core machine. */
  private static final long BUILD_TIMEOUT_MINUTES = 10;

  private GoProbeBuild() {}

  /**
   * Builds the probe client from {@code module} into {@code outDir/probe-client}.
   *
   * @return the binary
   * @throws IllegalStateException when Go is missing or the build fails, saying how to fix it
   */
  static Path build(Path module, Path outDir) throws IOException, InterruptedException {
    if (!Files.isRegularFile(module.resolve("go.mod"))) {
      throw new IllegalStateException("no Go module at " + module + " (expected benchmarks-go/go.mod); set "
          + "-Dscenario.go.module to the benchmarks-go folder of this repository");
    }
    Files.createDirectories(outDir);
    Path binary = outDir.resolve("probe-client").toAbsolutePath();
    Path log = outDir.resolve("go-build.log");
    List<String> command = List.of("go", "build", "-buildvcs=false", "-o", binary.toString(), "./cmd/probe-client");
    Process process;
    try {
      process = new ProcessBuilder(command).directory(module.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("the Go contenders need the go command (Go 1.26 or newer) on PATH, and it "
          + "was not found (" + e.getMessage() + "); install Go (e.g. apt-get install golang, or the toolchain "
          + "from go.dev) and run again", e);
    }
    if (!process.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("`go build` of " + module + " took over " + BUILD_TIMEOUT_MINUTES
          + " min; see " + log);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("`" + String.join(" ", command) + "` in " + module + " failed (exit "
          + process.exitValue() + "):\n" + Files.readString(log, StandardCharsets.UTF_8).strip()
          + "\n(modules come from the Go module proxy: is GOPROXY reachable, or are they in the module cache?)");
    }
    return binary;
  }
}
