package io.github.grpcconsul.examples.demo;

import io.github.grpcconsul.examples.hello.HelloServerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A hello server in its own JVM ({@link HelloServerMain}), so the demo can kill it for real: {@code kill -9}
 * ({@link Process#destroyForcibly()}) stops everything at once, its registration's heartbeat included, and tells
 * Consul nothing. Only the failing gRPC check tells Consul that it is gone.
 */
final class ChildServer implements AutoCloseable {
  private final Process process;
  private final Thread shutdownHook;

  private ChildServer(Process process) {
    this.process = process;
    this.shutdownHook = new Thread(process::destroyForcibly, "demo-child-cleanup");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code HelloServerMain} with this JVM's class path, in the Consul of {@code consul}.
   *
   * @param output told of each line the child prints, except its per-call logging
   */
  static ChildServer start(String id, String service, ConsulEndpoint consul, Duration checkInterval,
      Duration deregisterAfter, Consumer<String> output) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    // Starts faster on a busy machine; the child does little work.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx64m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(HelloServerMain.class.getName());
    command.addAll(List.of("--name", service, "--id", id, "--check-interval", seconds(checkInterval),
        "--deregister-critical-after", seconds(deregisterAfter)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (consul.embedded()) {
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(name -> name.startsWith("CONSUL_"));
      env.put("CONSUL_HTTP_ADDR", consul.embeddedAddress());
    }
    ChildServer child = new ChildServer(builder.start());
    Thread reader = new Thread(() -> forward(child.process, output), "demo-child-output");
    reader.setDaemon(true);
    reader.start();
    return child;
  }

  long pid() {
    return process.pid();
  }

  /** {@code kill -9}: the process dies at once, deregistering nothing. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running already and does the same.
    }
  }

  private static void forward(Process process, Consumer<String> output) {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.contains(" replied ")) {
          output.accept(line);
        }
      }
    } catch (IOException closed) {
      // The process was killed: its output ends here.
    }
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
  }
}
