package io.github.grpcconsul.benchmarks.devagent;

import io.github.grpcconsul.devagent.DevAgent;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * N clients park a blocking {@code GET /v1/health/service/:name?index=&wait=} on one service; one TTL status change
 * must wake them all. Measures, per waiter, the time from just before the change request is sent to the complete
 * response, and reports percentiles over the measured rounds.
 */
final class FanOutScenario {
  private final DevAgent agent;
  private final AgentHttp http;
  private final int waiters;
  private final boolean rawClient;

  private final ChildAgent child;

  /** {@code rawClient}: one-selector raw HTTP/1.1 connections instead of java.net.http.HttpClient. */
  FanOutScenario(DevAgent agent, AgentHttp http, int waiters, boolean rawClient) {
    this(agent, null, http, waiters, rawClient);
  }

  /** With the agent in a child JVM (raw client only): its CPU comes from the child. */
  FanOutScenario(ChildAgent child, AgentHttp http, int waiters) {
    this(null, child, http, waiters, true);
  }

  private FanOutScenario(DevAgent agent, ChildAgent child, AgentHttp http, int waiters, boolean rawClient) {
    this.agent = agent;
    this.child = child;
    this.http = http;
    this.waiters = waiters;
    this.rawClient = rawClient;
  }

  private int parked() {
    return child != null ? child.parkedQueries() : agent.parkedQueries();
  }

  /** Process CPU time (agent and client threads) from the change to the last response, summed over measured rounds. */
  long cpuMeasured;
  private long wakeCpu;
  private CpuSplit lastSplit;
  /** Measured rounds' CPU split: agent threads, client threads, the JVM's own (JIT, GC), summed. */
  long agentCpu;
  long clientCpu;
  long jvmCpu;
  long agentAllocated;
  long agentUserCpu;

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  Percentiles run(int warmupRounds, int rounds) throws Exception {
    http.put("/v1/agent/service/register", AgentHttp.registration("fan-1", "fan"));
    http.put("/v1/agent/check/pass/fan-1-ttl", null);
    List<Long> all = new ArrayList<>();
    for (int round = 0; round < warmupRounds + rounds; round++) {
      String nextStatus = round % 2 == 0 ? "warn" : "pass";
      long[] latencies = rawClient ? rawRound(nextStatus) : round(nextStatus);
      long cpu = wakeCpu;
      String label = round < warmupRounds ? "warm-up" : "measured";
      System.out.printf("  fan-out round %d (%s): %s; process CPU from the change to the last response %.0f ms"
              + " (agent %.0f, client %.0f, JVM %.0f)%n", round + 1, label, new Percentiles(latencies), cpu / 1e6,
          lastSplit.agent / 1e6, lastSplit.client / 1e6, lastSplit.jvm / 1e6);
      if (round >= warmupRounds) {
        cpuMeasured += cpu;
        agentCpu += lastSplit.agent;
        clientCpu += lastSplit.client;
        jvmCpu += lastSplit.jvm;
        agentAllocated += lastSplit.agentAllocated;
        agentUserCpu += lastSplit.agentUser;
      }
      if (round >= warmupRounds) {
        for (long l : latencies) {
          all.add(l);
        }
      }
    }
    return new Percentiles(all.stream().mapToLong(Long::longValue).toArray());
  }

  // New connections each round: the JDK HTTP server keeps at most sun.net.httpserver.maxIdleConnections (200 by
  // default) idle keep-alive connections and closes the others after their response.
  private long[] rawRound(String nextStatus) throws Exception {
    long index = AgentHttp.index(http.get("/v1/health/service/fan"));
    long[] done;
    long changed;
    try (RawLongPolls raw = new RawLongPolls(child != null ? child.address() : agent.start(), waiters)) {
      raw.send("/v1/health/service/fan?index=" + index + "&wait=120s");
      awaitParked();
      long[] child0 = child != null ? child.cpu() : null;
      CpuSplit cpu = new CpuSplit();
      changed = System.nanoTime();
      http.put("/v1/agent/check/" + nextStatus + "/fan-1-ttl", null);
      done = raw.awaitResponses(60, TimeUnit.SECONDS, index);
      lastSplit = cpu.stop();
      if (child != null) {
        long[] child1 = child.cpu();
        lastSplit.addChild(child1[0] - child0[0], child1[1] - child0[1], child1[2] - child0[2],
            child1[3] - child0[3]);
      }
      wakeCpu = lastSplit.process;
    }
    long[] latencies = new long[waiters];
    for (int i = 0; i < waiters; i++) {
      latencies[i] = done[i] - changed;
    }
    return latencies;
  }

  private void awaitParked() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (parked() < waiters) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + parked() + " of " + waiters + " queries parked");
      }
      Thread.sleep(5);
    }
  }

  private long[] round(String nextStatus) throws Exception {
    long index = AgentHttp.index(http.get("/v1/health/service/fan"));
    long[] done = new long[waiters];
    List<CompletableFuture<Void>> futures = new ArrayList<>(waiters);
    for (int i = 0; i < waiters; i++) {
      int slot = i;
      futures.add(http.getAsync("/v1/health/service/fan?index=" + index + "&wait=120s")
          .thenAccept(response -> {
            done[slot] = System.nanoTime();
            check(response, index);
          }));
    }
    awaitParked();
    CpuSplit cpu = new CpuSplit();
    long changed = System.nanoTime();
    http.put("/v1/agent/check/" + nextStatus + "/fan-1-ttl", null);
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    lastSplit = cpu.stop();
    wakeCpu = lastSplit.process;
    long[] latencies = new long[waiters];
    for (int i = 0; i < waiters; i++) {
      latencies[i] = done[i] - changed;
    }
    return latencies;
  }

  private static void check(HttpResponse<byte[]> response, long index) {
    if (response.statusCode() != 200 || AgentHttp.index(response) <= index) {
      throw new IllegalStateException("waiter got " + response.statusCode() + " index "
          + response.headers().firstValue("X-Consul-Index").orElse("-") + " after " + index);
    }
  }
}
