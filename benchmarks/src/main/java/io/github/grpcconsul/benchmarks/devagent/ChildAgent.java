package io.github.grpcconsul.benchmarks.devagent;

import io.github.grpcconsul.devagent.DevAgent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A dev agent in a child JVM, for fan-outs with more connections than one process may hold (each connection costs
 * a descriptor on both ends, and {@code ulimit -n} counts per process). The parent asks it over stdin/stdout for the
 * number of parked queries and for its threads' CPU time and allocation.
 */
final class ChildAgent implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;
  private final PrintStream in;
  private final InetSocketAddress address;

  ChildAgent() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ChildAgent.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    String line = out.readLine();
    if (line == null || !line.startsWith("port ")) {
      throw new IOException("child agent did not start: " + line);
    }
    address = new InetSocketAddress("127.0.0.1", Integer.parseInt(line.substring(5)));
  }

  InetSocketAddress address() {
    return address;
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + address.getPort());
  }

  int parkedQueries() {
    return (int) ask("parked")[0];
  }

  /** {agent threads' CPU ns, their allocated bytes, the child process's CPU ns, agent threads' user-mode CPU ns}. */
  long[] cpu() {
    return ask("cpu");
  }

  private synchronized long[] ask(String command) {
    in.println(command);
    try {
      String[] parts = out.readLine().trim().split(" ");
      long[] values = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        values[i] = Long.parseLong(parts[i]);
      }
      return values;
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("child agent stopped answering", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    in.println("quit");
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** The child: starts an agent, prints its port, answers the parent's questions. */
  public static void main(String[] args) throws IOException {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (DevAgent agent = DevAgent.builder().build()) {
      int port = agent.start().getPort();
      PrintStream stdout = System.out;
      stdout.println("port " + port);
      stdout.flush();
      BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String command;
      while ((command = commands.readLine()) != null && !command.equals("quit")) {
        if (command.equals("parked")) {
          stdout.println(agent.parkedQueries());
        } else if (command.equals("cpu")) {
          long cpu = 0;
          long user = 0;
          long allocated = 0;
          for (long id : threads.getAllThreadIds()) {
            ThreadInfo info = threads.getThreadInfo(id);
            if (info != null && info.getThreadName().startsWith("consul-devagent-")) {
              cpu += Math.max(0, threads.getThreadCpuTime(id));
              user += Math.max(0, threads.getThreadUserTime(id));
              allocated += Math.max(0, threads.getThreadAllocatedBytes(id));
            }
          }
          stdout.println(cpu + " " + allocated + " " + CpuSplit.processNanos() + " " + user);
        } else {
          stdout.println("-1");
        }
        stdout.flush();
      }
    }
  }
}
