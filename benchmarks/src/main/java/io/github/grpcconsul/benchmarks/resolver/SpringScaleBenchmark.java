package io.github.grpcconsul.benchmarks.resolver;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.consul.CheckDefinition;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.consul.ServiceDefinition;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Ours against grpc-spring (Spring Cloud Consul, every default) at scale, each client in its own JVM ({@code -Xmx1g},
 * nothing else set) against the same embedded dev agent, in one run:
 *
 * <ul>
 *   <li>{@code flip N F}: one service of N instances, one channel; F health flips (one check critical, then passing)
 *       and F deregister/re-register pairs of one instance. Per change: time to the list the change implies (or
 *       "never" within 5 s), the client process's CPU in the 2 s after the change, the agent's requests in that
 *       window; client heap after GC per instance.
 *   <li>{@code many S P IDLE CHURN RATE}: S services of P instances, one channel each; requests per minute idle and
 *       during RATE TTL changes per second (warning/passing), threads and heap.
 * </ul>
 *
 * <p>System properties {@code scale.spring.classes} and {@code scale.spring.classpathFile} locate the grpc-spring
 * client (module {@code benchmarks-spring}, {@code generate-resources} writes the classpath file); ours runs from this
 * jar. Contenders: {@code -Dscale.contenders=consul,grpc-spring} (default both).
 */
public final class SpringScaleBenchmark {
  private static final long NEVER = -1;

  private SpringScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    List<String> contenders = List.of(System.getProperty("scale.contenders", "consul,grpc-spring").split(","));
    System.out.printf(Locale.ROOT, "start %s, load average %.1f, %d cpus, %s; %s%n", Instant.now(), load(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"), String.join(" ", args));
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      try (ConsulClient consul = ConsulClient.create(ConsulConfig.newBuilder().address(agent.httpAddress()).build())) {
        if (args[0].equals("flip")) {
          int n = Integer.parseInt(args[1]);
          int flips = Integer.parseInt(args[2]);
          register(consul, "scale", n, 0);
          for (String c : contenders) {
            flip(agent, consul, c, n, flips);
          }
        } else {
          int services = Integer.parseInt(args[1]);
          int per = Integer.parseInt(args[2]);
          for (int s = 0; s < services; s++) {
            register(consul, "svc" + s, per, s * per);
          }
          for (String c : contenders) {
            many(agent, consul, c, services, per, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                Integer.parseInt(args[5]));
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "end %s, load average %.1f%n", Instant.now(), load());
    System.exit(0);
  }

  private static void flip(DevAgent agent, ConsulClient consul, String contender, int n, int flips) throws Exception {
    try (Child child = Child.start(contender, agent, List.of("scale"))) {
      long t0 = System.nanoTime();
      child.awaitSize("scale", n, 300);
      double firstList = (System.nanoTime() - t0) / 1e6;
      long[] heap = child.heap();
      List<long[]> health = new ArrayList<>();
      List<long[]> membership = new ArrayList<>();
      for (int i = 0; i < flips; i++) {
        String id = "scale-" + (i % n);
        health.add(change(agent, child, () -> consul.updateTtl("ttl:" + id, CheckStatus.CRITICAL, "x"), n - 1));
        health.add(change(agent, child, () -> consul.updateTtl("ttl:" + id, CheckStatus.PASSING, "x"), n));
        membership.add(change(agent, child, () -> consul.deregisterService(id), n - 1));
        membership.add(change(agent, child, () -> register(consul, "scale", id, 0), n));
      }
      System.out.printf(Locale.ROOT, "%s, %,d instances: first list %.0f ms after start; heap after GC %.1f MiB "
          + "(%,d B per instance over the process before its channel), %d threads%n", contender, n, firstList,
          heap[0] / 1048576.0, (heap[0] - child.readyHeap) / n, heap[1]);
      report(contender, "health flip (check critical, then passing)", health);
      report(contender, "deregister / re-register one instance", membership);
    }
  }

  private static void report(String contender, String what, List<long[]> results) {
    long[] times = results.stream().filter(r -> r[0] != NEVER).mapToLong(r -> r[0]).sorted().toArray();
    long never = results.stream().filter(r -> r[0] == NEVER).count();
    double cpu = results.stream().mapToLong(r -> r[1]).average().orElse(0) / 1e6;
    double requests = results.stream().mapToLong(r -> r[2]).average().orElse(0);
    System.out.printf(Locale.ROOT, "%s, %s: %d changes; list updated in %s; never within 5 s: %d; client CPU in the"
        + " 2 s after a change %.1f ms; agent requests in that window %.1f%n", contender, what, results.size(),
        times.length == 0 ? "none" : String.format(Locale.ROOT, "p50 %.1f / max %.1f ms", times[times.length / 2] / 1e6,
            times[times.length - 1] / 1e6), never, cpu, requests);
  }

  interface Change {
    CompletableFuture<?> run() throws Exception;
  }

  /** {time to a list of {@code expected} or NEVER, client CPU ns in the 2 s after, agent requests in them}. */
  private static long[] change(DevAgent agent, Child child, Change change, int expected) throws Exception {
    Thread.sleep(500);
    child.updates.clear();
    long cpu0 = child.cpuNanos();
    long req0 = agent.requestCount();
    long start = System.nanoTime();
    change.run().get(10, TimeUnit.SECONDS);
    long writes = 1;
    long time = NEVER;
    long deadline = start + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline && time == NEVER) {
      String[] u = child.updates.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (u != null && Integer.parseInt(u[3]) == expected) {
        time = Long.parseLong(u[2]) - start;
      }
    }
    long wait = start + TimeUnit.SECONDS.toNanos(2) - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000);
    }
    return new long[] {time, child.cpuNanos() - cpu0, agent.requestCount() - req0 - writes};
  }

  private static void many(DevAgent agent, ConsulClient consul, String contender, int services, int per, int idle,
      int churn, int rate) throws Exception {
    List<String> names = new ArrayList<>();
    for (int s = 0; s < services; s++) {
      names.add("svc" + s);
    }
    long req0 = agent.requestCount();
    Map<String, Long> byPath0 = byPath(agent);
    try (Child child = Child.start(contender, agent, names)) {
      long t0 = System.nanoTime();
      for (String name : names) {
        child.awaitSize(name, per, 300);
      }
      System.out.printf(Locale.ROOT, "%s, %d services: all resolved %.0f ms after start, %d requests%n", contender,
          services, (System.nanoTime() - t0) / 1e6, agent.requestCount() - req0);
      // Start-up is over when the agent's parked blocking queries stop growing for 10 s (ours parks one per
      // service; grpc-spring one catalog watch).
      int parked = -1;
      long stableSince = System.nanoTime();
      while (System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(10)
          && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(120)) {
        int p = agent.parkedQueries();
        if (p != parked) {
          parked = p;
          stableSince = System.nanoTime();
        }
        Thread.sleep(100);
      }
      System.out.printf(Locale.ROOT, "%s, %d services: %d blocking queries parked, stable from %.0f ms after start; "
          + "%d requests until then%n", contender, services, parked, (stableSince - t0) / 1e6,
          agent.requestCount() - req0);
      long[] heap = child.heap();
      long idle0 = agent.requestCount();
      Map<String, Long> idlePaths0 = byPath(agent);
      long cpu0 = child.cpuNanos();
      Thread.sleep(idle * 1000L);
      long idleRequests = agent.requestCount() - idle0;
      double idleCpu = (child.cpuNanos() - cpu0) / 1e6;
      long idleThreads = child.heap()[1];
      Map<String, Long> idlePaths = diff(byPath(agent), idlePaths0);
      Random random = new Random(15);
      long churn0 = agent.requestCount();
      Map<String, Long> churnPaths0 = byPath(agent);
      long churnCpu0 = child.cpuNanos();
      int changes = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(churn);
      while (System.nanoTime() < end) {
        int s = random.nextInt(services);
        int i = random.nextInt(per);
        consul.updateTtl("ttl:svc" + s + "-" + (s * per + i), random.nextBoolean() ? CheckStatus.WARNING
            : CheckStatus.PASSING, "churn").get(10, TimeUnit.SECONDS);
        changes++;
        Thread.sleep(1000 / rate);
      }
      long churnRequests = agent.requestCount() - churn0 - changes;
      double churnCpu = (child.cpuNanos() - churnCpu0) / 1e6;
      Map<String, Long> churnPaths = diff(byPath(agent), churnPaths0);
      long[] heapAfter = child.heap();
      System.out.printf(Locale.ROOT, "%s, %d services: idle %.1f requests/min %s, client CPU %.0f ms/min; churn "
          + "(%d changes in %d s) %.1f requests/min %s, client CPU %.0f ms/min; heap after GC %.1f MiB (%.1f MiB over "
          + "the process before its channels), %.1f MiB after churn; threads %d after start-up, %d after the idle minute (%d before"
          + " the channels)%n",
          contender, services, idleRequests * 60.0 / idle, idlePaths, idleCpu * 60 / idle, changes, churn,
          churnRequests * 60.0 / churn, churnPaths, churnCpu * 60 / churn, heap[0] / 1048576.0,
          (heap[0] - child.readyHeap) / 1048576.0, heapAfter[0] / 1048576.0, heap[1], idleThreads,
          child.readyThreads);
    }
  }

  private static final String[] PATHS = {"/v1/health/service/", "/v1/catalog/services", "/v1/catalog/service/",
      "/v1/agent/self", "/v1/status/leader", "/v1/kv/"};

  private static Map<String, Long> byPath(DevAgent agent) {
    Map<String, Long> m = new HashMap<>();
    for (String p : PATHS) {
      m.put(p, agent.requestCount(p));
    }
    return m;
  }

  private static Map<String, Long> diff(Map<String, Long> now, Map<String, Long> before) {
    Map<String, Long> d = new java.util.TreeMap<>();
    now.forEach((k, v) -> {
      if (v - before.get(k) > 0) {
        d.put(k, v - before.get(k));
      }
    });
    return d;
  }

  private static CompletableFuture<Void> register(ConsulClient consul, String service, String id, int portOffset) {
    return consul.registerService(ServiceDefinition.newBuilder(service).id(id).address("127.0.0.1")
        .port(20000 + portOffset + Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)) % 40000).tag("v1")
        .meta("zone", "z" + (id.hashCode() & 3))
        .check(CheckDefinition.newBuilder().checkId("ttl:" + id).ttl(Duration.ofHours(1))
            .status(CheckStatus.PASSING).build())
        .build(), true);
  }

  private static void register(ConsulClient consul, String service, int n, int first) throws Exception {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pending.add(register(consul, service, service + "-" + (first + i), 0));
      if (pending.size() == 32) {
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        pending.clear();
      }
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** A client process speaking the stdout/stdin protocol of {@link OursScaleMain} and {@code SpringScaleMain}. */
  private static final class Child implements AutoCloseable {
    final Process process;
    final PrintWriter in;
    final BlockingQueue<String[]> updates = new LinkedBlockingQueue<>();
    final BlockingQueue<String[]> heaps = new LinkedBlockingQueue<>();
    final Map<String, Integer> sizes = new java.util.concurrent.ConcurrentHashMap<>();
    volatile long readyHeap;
    volatile long readyThreads;
    final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);

    private Child(Process process) {
      this.process = process;
      this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            String[] f = line.split(" ");
            switch (f[0]) {
              case "update" -> {
                sizes.put(f[1], Integer.parseInt(f[3]));
                updates.add(f);
              }
              case "heap" -> heaps.add(f);
              case "ready" -> {
                readyHeap = Long.parseLong(f[1]);
                readyThreads = Long.parseLong(f[2]);
                ready.countDown();
              }
              default -> {
                if (line.startsWith("error") || line.contains("Exception") || line.contains("ERROR")) {
                  System.out.println("  child: " + line);
                }
              }
            }
          }
        } catch (java.io.IOException ignored) {
          // the process ended
        }
      }, "child-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(String contender, DevAgent agent, List<String> services) throws Exception {
      String javaBinary = ProcessHandle.current().info().command().orElse("java");
      List<String> cmd = new ArrayList<>(List.of(javaBinary, "-Xmx1g"));
      String[] hostPort = agent.httpAddress().split(":");
      if (contender.equals("consul")) {
        String jar = Path.of(SpringScaleBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
        cmd.addAll(List.of("-Dscale.agent=" + agent.httpAddress(), "-Dscale.channels=" + String.join(",", services),
            "-cp", jar, OursScaleMain.class.getName()));
      } else {
        String cp = System.getProperty("scale.spring.classes") + java.io.File.pathSeparator
            + Files.readString(Path.of(System.getProperty("scale.spring.classpathFile"))).trim();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
          names.add("c" + i);
        }
        cmd.addAll(List.of("-Dscale.channels=" + String.join(",", names), "-cp", cp,
            "io.github.grpcconsul.benchmarks.spring.SpringScaleMain",
            "--spring.application.name=bench-client",
            "--spring.cloud.consul.host=" + hostPort[0],
            "--spring.cloud.consul.port=" + hostPort[1],
            "--spring.cloud.consul.discovery.register=false",
            "--grpc.client.GLOBAL.negotiation-type=plaintext",
            "--grpc.client.GLOBAL.default-load-balancing-policy=recording"));
        for (int i = 0; i < services.size(); i++) {
          cmd.add("--grpc.client.c" + i + ".address=discovery:///" + services.get(i));
        }
      }
      Child child = new Child(new ProcessBuilder(cmd).redirectErrorStream(true).start());
      if (!child.ready.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(contender + " did not start");
      }
      return child;
    }

    void awaitSize(String authority, int size, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (!Integer.valueOf(size).equals(sizes.get(authority))) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IllegalStateException("no list of " + size + " for " + authority + " (last " + sizes.get(authority)
              + ")" + (process.isAlive() ? "" : "; the client exited with " + process.exitValue()));
        }
        Thread.sleep(20);
      }
    }

    long[] heap() throws InterruptedException {
      in.println("heap");
      String[] f = heaps.poll(60, TimeUnit.SECONDS);
      return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    /** utime + stime from /proc (clock ticks of 10 ms). */
    long cpuNanos() throws java.io.IOException {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    @Override
    public void close() throws Exception {
      in.println("exit");
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
