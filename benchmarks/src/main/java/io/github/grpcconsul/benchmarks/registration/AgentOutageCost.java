package io.github.grpcconsul.benchmarks.registration;

import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.consul.ConsulClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * What an agent outage costs and how fast the watches see the agent again, with 1 and with 50 {@code consul://}
 * watches (50 services) in one JVM: requests per second this JVM sends while the agent is down (counted at the
 * client's HTTP layer, {@link ConsulClient#requestAttemptsInJvm()}: every exchange started, probes included, each
 * address tried counting once), and the time from the agent accepting connections again (state lost) to every watch
 * delivering the instance re-registered right after it came back. Watches do not linger here (a lingering watch on
 * the previous configuration's agent, which is gone, would add its own client's probe to the count).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.grpcconsul.benchmarks.registration.AgentOutageCost [outageSeconds=10] [trials=3]}
 */
public final class AgentOutageCost {
  /** The watches warn once per outage each; that is not what this program shows. Held so it is not collected. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.github.grpcconsul");

  private AgentOutageCost() {}

  public static void main(String[] args) throws Exception {
    int outageSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int trials = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    QUIET.setLevel(java.util.logging.Level.SEVERE);
    // No lingering watch of the previous configuration (its agent is gone) may add its own probe to the count.
    System.setProperty("io.github.grpcconsul.resolver.watchLinger", "0s");
    HttpClient http = HttpClient.newHttpClient();
    for (int watches : new int[] {1, 50}) {
      List<Double> rates = new ArrayList<>();
      List<Long> recoveries = new ArrayList<>();
      try (DevAgent agent = DevAgent.builder().build()) {
        agent.start();
        URI base = agent.baseUri();
        List<ResolverWatch> clients = new ArrayList<>();
        for (int i = 0; i < watches; i++) {
          register(http, base, i, 10_000 + i);
          clients.add(new ResolverWatch("consul://" + agent.httpAddress() + "/svc-" + i));
        }
        awaitPorts(clients, 10_000);
        for (int trial = 0; trial < trials; trial++) {
          int port = 20_000 + 1000 * trial;
          agent.stop();
          long attemptsBefore = ConsulClient.requestAttemptsInJvm();
          long down = System.nanoTime();
          Thread.sleep(outageSeconds * 1000L);
          long attempts = ConsulClient.requestAttemptsInJvm() - attemptsBefore;
          double seconds = (System.nanoTime() - down) / 1e9;
          rates.add(attempts / seconds);
          agent.start();
          long back = System.nanoTime();
          for (int i = 0; i < watches; i++) {
            register(http, base, i, port + i);
          }
          awaitPorts(clients, port);
          recoveries.add((System.nanoTime() - back) / 1_000_000);
        }
        clients.forEach(ResolverWatch::close);
      }
      System.out.printf("%d watch(es), agent down %d s: requests/s while down %s; agent back -> every watch has the"
          + " instance re-registered after it came back, ms: %s (median %d, max %d)%n", watches, outageSeconds,
          format(rates), recoveries, AgentRestartRecovery.median(recoveries), Collections.max(recoveries));
    }
  }

  private static String format(List<Double> rates) {
    return rates.stream().map(r -> String.format("%.2f", r)).toList().toString();
  }

  /** Waits (polling every 2 ms) until watch i delivers port {@code base + i}. */
  private static void awaitPorts(List<ResolverWatch> clients, int base) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    for (int i = 0; i < clients.size(); i++) {
      while (!clients.get(i).ports().equals(Set.of(base + i))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("watch " + i + " never delivered port " + (base + i) + ": "
              + clients.get(i).ports());
        }
        Thread.sleep(2);
      }
    }
  }

  private static void register(HttpClient http, URI base, int i, int port) throws Exception {
    String body = "{\"ID\": \"svc-" + i + "-1\", \"Name\": \"svc-" + i + "\", \"Address\": \"127.0.0.1\", \"Port\": "
        + port + "}";
    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(base.resolve("/v1/agent/service/register"))
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200) {
      throw new IllegalStateException("register svc-" + i + ": " + resp.statusCode() + " " + resp.body());
    }
  }
}
