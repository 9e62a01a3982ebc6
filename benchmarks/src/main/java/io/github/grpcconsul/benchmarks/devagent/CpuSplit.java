package io.github.grpcconsul.benchmarks.devagent;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * Process CPU time between two points, split into the agent's threads (named {@code consul-devagent-*}), the other
 * Java threads (the client) and the rest (the JVM's own threads: JIT compilers, GC). CPU time does not depend on
 * what else runs on the machine, unlike wall time.
 */
final class CpuSplit {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private final long process0 = processNanos();
  private final Map<Long, Long> thread0 = threadNanos();
  private final Map<Long, Long> alloc0 = threadAllocated();
  private final Map<Long, Long> user0 = threadUserNanos();
  /** CPU of the agent's threads spent in user mode; the rest of {@link #agent} is the kernel's (system calls). */
  long agentUser;
  /** Bytes allocated by the agent's threads (a load-independent measure of its work). */
  long agentAllocated;
  long agent;
  long client;
  long jvm;
  long process;

  static long processNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static Map<Long, Long> threadNanos() {
    Map<Long, Long> out = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long t = THREADS.getThreadCpuTime(id);
      if (t >= 0) {
        out.put(id, t);
      }
    }
    return out;
  }

  private static Map<Long, Long> threadUserNanos() {
    Map<Long, Long> out = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long t = THREADS.getThreadUserTime(id);
      if (t >= 0) {
        out.put(id, t);
      }
    }
    return out;
  }

  private static Map<Long, Long> threadAllocated() {
    Map<Long, Long> out = new HashMap<>();
    com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) THREADS;
    for (long id : THREADS.getAllThreadIds()) {
      long b = t.getThreadAllocatedBytes(id);
      if (b >= 0) {
        out.put(id, b);
      }
    }
    return out;
  }

  /** Takes the end point; threads that ended in between are counted as JVM time. */
  CpuSplit stop() {
    process = processNanos() - process0;
    for (long id : THREADS.getAllThreadIds()) {
      long t = THREADS.getThreadCpuTime(id);
      ThreadInfo info = THREADS.getThreadInfo(id);
      if (t < 0 || info == null) {
        continue;
      }
      long d = t - thread0.getOrDefault(id, 0L);
      if (info.getThreadName().startsWith("consul-devagent-")) {
        agent += d;
        long u = THREADS.getThreadUserTime(id);
        if (u >= 0) {
          agentUser += u - user0.getOrDefault(id, 0L);
        }
        long b = ((com.sun.management.ThreadMXBean) THREADS).getThreadAllocatedBytes(id);
        if (b >= 0) {
          agentAllocated += b - alloc0.getOrDefault(id, 0L);
        }
      } else {
        client += d;
      }
    }
    jvm = Math.max(0, process - agent - client);
    return this;
  }

  /** Adds an agent running in a child JVM: its agent threads' CPU and allocation, and its whole process's CPU. */
  void addChild(long agentNanos, long allocatedBytes, long processNanos, long agentUserNanos) {
    agent += agentNanos;
    agentUser += agentUserNanos;
    agentAllocated += allocatedBytes;
    jvm += Math.max(0, processNanos - agentNanos);
    process += processNanos;
  }

  /** "agent A + client C + JVM J" per operation, in microseconds. */
  String perOp(long ops) {
    return String.format("agent %.0f (%.0f in the kernel) + client %.0f + JVM (JIT, GC) %.0f us, agent allocates "
        + "%.1f KiB", agent / 1e3 / ops, (agent - agentUser) / 1e3 / ops, client / 1e3 / ops, jvm / 1e3 / ops,
        agentAllocated / 1024.0 / ops);
  }
}
