package io.github.grpcconsul.benchmarks.registration;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Time from an agent restart (all state lost) to the instance being registered again and passing, for several check
 * configurations (default registration-check interval, 2 s). The agent is polled every 5 ms from the outside.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.grpcconsul.benchmarks.registration.AgentRestartRecovery [trials=5]}
 */
public final class AgentRestartRecovery {
  private AgentRestartRecovery() {}

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Duration drain = Duration.ofMillis(100);
    List<BenchInstance.Checks> configurations = List.of(
        new BenchInstance.Checks(Duration.ofSeconds(10), null, drain, null),
        new BenchInstance.Checks(null, Duration.ofSeconds(5), drain, null),
        new BenchInstance.Checks(Duration.ofSeconds(10), Duration.ofSeconds(5), drain, null));
    HttpClient http = HttpClient.newHttpClient();
    for (BenchInstance.Checks checks : configurations) {
      List<Long> registeredMillis = new ArrayList<>();
      List<Long> passingMillis = new ArrayList<>();
      try (DevAgent agent = DevAgent.builder().build()) {
        agent.start();
        ConsulConfig consul = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
        BenchInstance instance = BenchInstance.start(consul, "a", checks);
        URI service = agent.baseUri().resolve("/v1/agent/service/" + instance.registration.serviceId());
        URI passing = agent.baseUri().resolve("/v1/health/service/" + BenchInstance.SERVICE + "?passing");
        for (int trial = 0; trial < trials; trial++) {
          // Restart at a random point of the heartbeat and registration-check cycles.
          Thread.sleep(500 + (long) (Math.random() * 2500));
          long t0 = System.nanoTime();
          agent.restart();
          while (status(http, service) != 200) {
            Thread.sleep(5);
          }
          registeredMillis.add((System.nanoTime() - t0) / 1_000_000);
          while (!body(http, passing).contains(instance.registration.serviceId())) {
            Thread.sleep(5);
          }
          passingMillis.add((System.nanoTime() - t0) / 1_000_000);
        }
        instance.registration.shutdownGracefully();
      }
      System.out.printf("%s: agent restart -> registered again, ms: %s (median %d, max %d); -> passing, ms: %s%n",
          checks, registeredMillis, median(registeredMillis), Collections.max(registeredMillis), passingMillis);
    }
  }

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static int status(HttpClient http, URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception notUpYet) {
      return -1;
    }
  }

  private static String body(HttpClient http, URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception notUpYet) {
      return "";
    }
  }
}
