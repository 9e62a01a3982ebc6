package io.github.grpcconsul.devagent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A dev agent in a child JVM, for tests that need more sockets than one process may open (each connection costs a
 * descriptor on both ends; CI allows 20,000 per process). The child prints its port, then answers "parked" on
 * stdin with its parked-query count; closing stdin stops it.
 */
final class AgentProcess implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;
  private final PrintWriter in;
  final int port;

  AgentProcess(String maxHeap) throws IOException {
    String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(List.of(javaBin, "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"),
        AgentProcess.class.getName())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    String first = out.readLine();
    if (first == null || !first.startsWith("port ")) {
      process.destroyForcibly();
      throw new IOException("agent process did not start: " + first);
    }
    port = Integer.parseInt(first.substring(5).trim());
  }

  int parkedQueries() {
    in.println("parked");
    try {
      return Integer.parseInt(out.readLine().trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    in.close();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** The child's main: an agent whose request timeout outlasts the test's half-open connections. */
  public static void main(String[] args) throws IOException {
    try (DevAgent agent = DevAgent.builder().requestTimeout(Duration.ofMinutes(10)).build()) {
      System.out.println("port " + agent.start().getPort());
      System.out.flush();
      BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = commands.readLine(); line != null; line = commands.readLine()) {
        if (line.equals("parked")) {
          System.out.println(agent.parkedQueries());
          System.out.flush();
        }
      }
    }
  }
}
