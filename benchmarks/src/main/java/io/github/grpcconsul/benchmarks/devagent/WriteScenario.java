package io.github.grpcconsul.benchmarks.devagent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** Throughput of registrations and TTL updates, from one client and from several concurrent clients. */
final class WriteScenario {
  /** A sequential client's PUT: one request at a time, per client thread. */
  interface Put {
    String put(String path, String body);
  }

  private final Put http;

  WriteScenario(AgentHttp http) {
    this.http = http::put;
  }

  /** Each client thread gets its own connection from {@code perThread}. */
  WriteScenario(Put perThread) {
    this.http = perThread;
  }

  /** Registers {@code count} instances named {@code prefix-i} and returns operations per second. */
  double registrations(String prefix, int count, int clients) throws Exception {
    return registrations(prefix, 0, count, clients);
  }

  /** Registers instances {@code prefix-from .. prefix-(to-1)}. */
  double registrations(String prefix, int from, int to, int clients) throws Exception {
    return perSecond(to - from, clients,
        i -> http.put("/v1/agent/service/register", AgentHttp.registration(prefix + "-" + (from + i), prefix)));
  }

  /** Passes the TTL checks of instances {@code prefix-0 .. prefix-(instances-1)} round-robin. */
  double ttlUpdates(String prefix, int instances, int count, int clients) throws Exception {
    return perSecond(count, clients,
        i -> http.put("/v1/agent/check/pass/" + prefix + "-" + (i % instances) + "-ttl?note=n" + i, null));
  }

  /** Process CPU (agent and client) per operation in the last measurement, in microseconds. */
  double lastCpuMicrosPerOp;
  /** The CPU split of the last measurement. */
  CpuSplit lastCpu;
  /** Latency of each request of the last measurement (request sent to response read). */
  Percentiles lastLatency;

  private double perSecond(int count, int clients, IntConsumer operation) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      long[] latencies = new long[count];
      CpuSplit cpu = new CpuSplit();
      long start = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(pool.submit(() -> {
          for (int i = client; i < count; i += clients) {
            long t0 = System.nanoTime();
            operation.accept(i);
            latencies[i] = System.nanoTime() - t0;
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      lastCpu = cpu.stop();
      lastCpuMicrosPerOp = lastCpu.process / 1e3 / count;
      lastLatency = new Percentiles(latencies);
      return count / seconds;
    } finally {
      pool.shutdownNow();
    }
  }
}
