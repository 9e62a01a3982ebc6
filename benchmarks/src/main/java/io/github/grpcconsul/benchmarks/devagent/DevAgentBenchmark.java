package io.github.grpcconsul.benchmarks.devagent;

import io.github.grpcconsul.devagent.DevAgent;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * The dev agent's scenario benchmarks, in one JVM with the agent embedded:
 *
 * <ol>
 *   <li>{@code fanout}: 1,000 blocking queries on one service woken by one change (latency p50/p99/max);
 *   <li>{@code writes}: registrations and TTL updates per second, from 1 and from 4 concurrent clients;
 *   <li>{@code heap}: heap retained with 10,000 registered instances, after GC.
 * </ol>
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.grpcconsul.benchmarks.devagent.DevAgentBenchmark [fanout] [writes] [heap] [--waiters N] [--client raw|jdk|both] [--agent-process] [--warmup ROUNDS]} (all three
 * scenarios when none is named; {@code --agent-process} runs the fan-out's agent in a child JVM; {@code --client} picks the fan-out's and the writes' client, both by default). Each scenario gets a fresh agent.
 */
public final class DevAgentBenchmark {
  private DevAgentBenchmark() {}

  /**
   * Fan-out rounds before the 5 measured ones. 3 left the JIT compiling during the measured rounds (30-50 ms of
   * "JVM" CPU per wake-up); 10 reach steady state.
   */
  private static int warmupRounds = 10;

  public static void main(String[] args) throws Exception {
    List<String> argList = Arrays.asList(args);
    int waiters = 1000;
    int at = argList.indexOf("--waiters");
    if (at >= 0) {
      waiters = Integer.parseInt(argList.get(at + 1));
    }
    int at2 = argList.indexOf("--warmup");
    if (at2 >= 0) {
      warmupRounds = Integer.parseInt(argList.get(at2 + 1));
    }
    String client = "both";
    int clientAt = argList.indexOf("--client");
    if (clientAt >= 0) {
      client = argList.get(clientAt + 1);
    }
    boolean all = argList.stream().noneMatch(a -> a.equals("fanout") || a.equals("writes") || a.equals("heap"));
    System.out.printf("machine: %d CPUs, Java %s (%s), max heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20);

    System.out.printf("load average at start: %.1f%n", loadAverage());
    if (all || argList.contains("fanout")) {
      if (argList.contains("--agent-process")) {
        fanOutChild(waiters);
      } else {
        fanOut(waiters, client);
      }
    }
    if (all || argList.contains("writes")) {
      if (!client.equals("raw")) {
        writes(false);
      }
      if (!client.equals("jdk")) {
        writes(true);
      }
    }
    if (all || argList.contains("heap")) {
      heap();
    }
    System.out.printf("%nload average at end: %.1f%n", loadAverage());
  }

  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static void fanOut(int waiters, String client) throws Exception {
    System.out.printf("%n[fanout] %d blocking queries on one service, woken by one TTL status change%n", waiters);
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      AgentHttp http = new AgentHttp(AgentHttp.newClient(), agent.baseUri());
      if (!client.equals("jdk")) {
        FanOutScenario rawScenario = new FanOutScenario(agent, http, waiters, true);
        Percentiles raw = rawScenario.run(warmupRounds, 5);
        System.out.printf("[fanout] raw sockets, one selector: change -> each waiter's full response, "
            + "5 measured rounds: %s; CPU per wake-up %.0f ms (agent %.0f of which %.0f in the kernel, client %.0f, "
            + "JVM %.0f), agent allocates %.0f KiB per wake-up%n", raw, rawScenario.cpuMeasured / 5e6,
            rawScenario.agentCpu / 5e6, (rawScenario.agentCpu - rawScenario.agentUserCpu) / 5e6,
            rawScenario.clientCpu / 5e6, rawScenario.jvmCpu / 5e6, rawScenario.agentAllocated / 5.0 / 1024);
      }
      if (!client.equals("raw")) {
        FanOutScenario jdkScenario = new FanOutScenario(agent, http, waiters, false);
        Percentiles jdk = jdkScenario.run(warmupRounds, 5);
        System.out.printf("[fanout] java.net.http.HttpClient async: change -> each waiter's full response, "
            + "5 measured rounds: %s; CPU per wake-up %.0f ms%n", jdk, jdkScenario.cpuMeasured / 5e6);
      }
    }
  }

  /** The fan-out with the agent in a child JVM: 10,000 waiters need more descriptors than one process has. */
  private static void fanOutChild(int waiters) throws Exception {
    System.out.printf("%n[fanout] %d blocking queries on one service, woken by one TTL status change; agent in a "
        + "child JVM%n", waiters);
    try (ChildAgent child = new ChildAgent()) {
      AgentHttp http = new AgentHttp(AgentHttp.newClient(), child.baseUri());
      FanOutScenario scenario = new FanOutScenario(child, http, waiters);
      Percentiles raw = scenario.run(warmupRounds, 5);
      System.out.printf("[fanout] raw sockets, one selector, agent in a child JVM: change -> each waiter's full "
              + "response, 5 measured rounds: %s; CPU per wake-up %.0f ms (agent %.0f of which %.0f in the kernel, client "
              + "%.0f, JVM of both %.0f), agent allocates %.0f KiB per wake-up%n", raw, scenario.cpuMeasured / 5e6,
          scenario.agentCpu / 5e6, (scenario.agentCpu - scenario.agentUserCpu) / 5e6,
          scenario.clientCpu / 5e6, scenario.jvmCpu / 5e6, scenario.agentAllocated / 5.0 / 1024);
    }
  }

  private static void writes(boolean raw) throws Exception {
    String clientName = raw ? "raw keep-alive socket per client" : "java.net.http.HttpClient";
    System.out.printf("%n[writes] PUT /v1/agent/service/register (one TTL check) and PUT /v1/agent/check/pass, "
        + "client: %s%n", clientName);
    try (DevAgent agent = DevAgent.builder().build()) {
      InetSocketAddress address = agent.start();
      AgentHttp http = new AgentHttp(AgentHttp.newClient(), agent.baseUri());
      List<RawHttp> opened = new CopyOnWriteArrayList<>();
      ThreadLocal<RawHttp> connection = ThreadLocal.withInitial(() -> {
        RawHttp c = new RawHttp(address);
        opened.add(c);
        return c;
      });
      WriteScenario writes = raw ? new WriteScenario((path, body) -> connection.get().put(path, body))
          : new WriteScenario(http);
      try {
        writes.registrations("warm", 2000, 4);
        writes.ttlUpdates("warm", 2000, 5000, 4);
        // one sequential client long enough for the JIT to finish with the path before the measured rows
        writes.registrations("warm1", 10000, 1);
        writes.ttlUpdates("warm1", 10000, 10000, 1);
        for (int clients : new int[] {1, 4}) {
          double registrations = writes.registrations("reg" + clients, 3000, clients);
          double registrationCpu = writes.lastCpuMicrosPerOp;
          String split = writes.lastCpu.perOp(3000);
          Percentiles registrationLatency = writes.lastLatency;
          double updates = writes.ttlUpdates("reg" + clients, 3000, 6000, clients);
          System.out.printf("[writes] %d client(s): %.0f registrations/s (%.0f us CPU each: %s; latency p50 %.2f ms, "
                  + "p99 %.2f ms), %.0f TTL updates/s (%.0f us CPU each: %s)%n",
              clients, registrations, registrationCpu, split, registrationLatency.p(50), registrationLatency.p(99),
              updates, writes.lastCpuMicrosPerOp, writes.lastCpu.perOp(6000));
        }
      } finally {
        for (RawHttp c : opened) {
          c.close();
        }
      }
    }
  }

  private static void heap() throws Exception {
    int instances = 10_000;
    System.out.printf("%n[heap] %d registered instances (one TTL check each)%n", instances);
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      AgentHttp http = new AgentHttp(AgentHttp.newClient(), agent.baseUri());
      long[] used = new HeapScenario(http).run(instances);
      System.out.printf("[heap] used after GC: %.1f MiB empty agent, %.1f MiB with %d instances: "
              + "%.1f MiB for the instances, %.2f KiB each%n",
          used[0] / 1048576.0, used[1] / 1048576.0, instances, (used[1] - used[0]) / 1048576.0,
          (used[1] - used[0]) / 1024.0 / instances);
    }
  }
}
