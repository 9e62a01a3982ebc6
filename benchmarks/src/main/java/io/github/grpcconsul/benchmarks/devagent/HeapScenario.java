package io.github.grpcconsul.benchmarks.devagent;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Heap retained by the agent's state for N registered instances (each with one TTL check), measured after GC. */
final class HeapScenario {
  private final AgentHttp http;
  private final WriteScenario writes;

  HeapScenario(AgentHttp http) {
    this.http = http;
    this.writes = new WriteScenario(http);
  }

  /** Returns {baseline bytes, bytes with the instances}. */
  long[] run(int instances) throws Exception {
    long before = usedAfterGc();
    int batch = instances / 5;
    for (int from = 0; from < instances; from += batch) {
      double rate = writes.registrations("mem", from, Math.min(instances, from + batch), 4);
      System.out.printf("  registered mem-%d..mem-%d (4 clients): %.0f registrations/s%n",
          from, Math.min(instances, from + batch) - 1, rate);
    }
    int listed = com.google.gson.JsonParser.parseString(http.get("/v1/health/service/mem").body())
        .getAsJsonArray().size();
    if (listed != instances) {
      throw new IllegalStateException("expected " + instances + " instances, health/service lists " + listed);
    }
    long after = usedAfterGc();
    return new long[] {before, after};
  }

  static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    // a few rounds: objects with finalizers/cleaners and soft references settle after more than one GC
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
