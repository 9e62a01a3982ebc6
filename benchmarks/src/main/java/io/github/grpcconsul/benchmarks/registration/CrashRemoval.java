package io.github.grpcconsul.benchmarks.registration;

import io.github.grpcconsul.devagent.DevAgent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Time from an instance crash (its JVM killed with SIGKILL: no deregistration, no last heartbeat) to its removal from
 * a client's {@code consul://} resolver, for a TTL check and for the gRPC check. The instance runs in a child JVM
 * ({@link CrashedInstance}).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.grpcconsul.benchmarks.registration.CrashRemoval [trials=3]}
 */
public final class CrashRemoval {
  private CrashRemoval() {}

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    long[][] configurations = {{3000, 0}, {10_000, 0}, {0, 1000}, {0, 5000}};
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      try (ResolverWatch watch = new ResolverWatch("consul://" + agent.httpAddress() + "/" + BenchInstance.SERVICE)) {
        for (long[] config : configurations) {
          List<Long> millis = new ArrayList<>();
          for (int trial = 0; trial < trials; trial++) {
            millis.add(crashOnce(agent, watch, config[0], config[1]));
          }
          String label = config[0] > 0 ? "TTL check " + config[0] + " ms (beat every ~TTL/3)"
              : "gRPC check every " + config[1] + " ms";
          System.out.printf("%s: crash -> removed from the resolver, ms: %s (median %d, max %d)%n", label, millis,
              AgentRestartRecovery.median(millis), Collections.max(millis));
        }
      }
    }
  }

  private static long crashOnce(DevAgent agent, ResolverWatch watch, long ttl, long grpc) throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        CrashedInstance.class.getName(), agent.httpAddress(), Long.toString(ttl), Long.toString(grpc))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
        // skip anything else the child prints
      }
      if (line == null) {
        throw new IllegalStateException("child instance exited before registering");
      }
      int port = Integer.parseInt(line.substring("READY ".length()).trim());
      while (!watch.ports().contains(port)) {
        Thread.sleep(5);
      }
      // Crash at a random point of the heartbeat / probe cycle.
      Thread.sleep((long) (Math.random() * Math.max(ttl, grpc)));
      long t0 = System.nanoTime();
      child.destroyForcibly();
      while (watch.ports().contains(port)) {
        Thread.sleep(5);
      }
      return (System.nanoTime() - t0) / 1_000_000;
    } finally {
      child.destroyForcibly().waitFor();
    }
  }
}
