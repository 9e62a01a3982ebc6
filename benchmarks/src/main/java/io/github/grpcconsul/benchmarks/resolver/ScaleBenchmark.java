package io.github.grpcconsul.benchmarks.resolver;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.consul.CheckDefinition;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.consul.HealthResponseParser;
import io.github.grpcconsul.internal.consul.ServiceDefinition;
import io.github.grpcconsul.internal.resolver.UpdatePhases;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One service with many instances and one channel on it: what one health flip costs. For each size: register the
 * instances (TTL checks, passing), start a {@code consul://} channel with the recording balancer and wait for the full
 * list, then flip one instance's check critical and back, {@code flips} times, and report
 *
 * <ul>
 *   <li>end to end, change request sent → the balancer holds the new list (the agent's render of the whole response,
 *       the HTTP transfer, parse, change check, mapping, delivery);
 *   <li>process CPU per flip (agent and client share this JVM, so this includes the agent's render);
 *   <li>the parse alone: thread CPU of {@code HealthResponseParser.parse} on that same response;
 *   <li>client heap per instance: used heap after GC with the channel resolved, minus the same without a channel
 *       (the agent's state is in both);
 *   <li>bytes read per change: a blocking query answers with the whole list, so one change costs one full body.
 * </ul>
 *
 * <p>Arguments: sizes (default {@code 1000,5000,10000}) and flips per size (default 20).
 */
public final class ScaleBenchmark {
  private static final String SERVICE = "scale";
  private static final int FIRST_PORT = 20000;

  private static final List<String> phases = new ArrayList<>();

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    System.setProperty("io.github.grpcconsul.resolver.watchLinger", "0s");
    int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "1000,5000,10000").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int flips = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    RecordingLoadBalancer.register();
    System.out.printf(Locale.ROOT, "start %s, load average %.1f, %d cpus, %s%n", Instant.now(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"));
    System.out.println("| instances | flip end to end p50 / max ms | process CPU per flip ms | parse alone CPU ms "
        + "| client heap per instance | bytes per change |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    for (int n : sizes) {
      run(n, flips);
    }
    phases.forEach(System.out::println);
    System.out.printf(Locale.ROOT, "end %s, load average %.1f%n", Instant.now(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static void run(int n, int flips) throws Exception {
    RecordingLoadBalancer.UPDATES.clear();
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
      try (ConsulClient consul = ConsulClient.create(config)) {
        registerAll(consul, n);
        byte[] body = body(agent);
        long heapWithout = heapAfterGc();
        ManagedChannel channel = Grpc.newChannelBuilder("consul://" + agent.httpAddress() + "/" + SERVICE,
            InsecureChannelCredentials.create()).defaultLoadBalancingPolicy(RecordingLoadBalancer.POLICY).build();
        try {
          channel.getState(true);
          awaitSize(n, System.nanoTime());
          long heapWith = heapAfterGc();
          long[] endToEnd = new long[2 * flips];
          long cpuBefore = processCpu();
          for (int i = 0; i < flips; i++) {
            String check = "ttl:i" + (i % n);
            endToEnd[2 * i] = flip(consul, check, CheckStatus.CRITICAL, n - 1);
            endToEnd[2 * i + 1] = flip(consul, check, CheckStatus.PASSING, n);
          }
          long cpuPerFlip = (processCpu() - cpuBefore) / (2L * flips);
          double parseMs = parseCpuMillis(body);
          Arrays.sort(endToEnd);
          System.out.printf(Locale.ROOT, "| %,d | %.1f / %.1f | %.1f | %.1f | %,d B | %,d |%n", n,
              endToEnd[endToEnd.length / 2] / 1e6, endToEnd[endToEnd.length - 1] / 1e6, cpuPerFlip / 1e6, parseMs,
              (heapWith - heapWithout) / n, body.length);
          // Where the client's time goes: the same two answers (before and after one flip) through each phase.
          consul.updateTtl("ttl:i0", CheckStatus.CRITICAL, "scale").get(10, TimeUnit.SECONDS);
          byte[] flipped = body(agent);
          consul.updateTtl("ttl:i0", CheckStatus.PASSING, "scale").get(10, TimeUnit.SECONDS);
          double fetchMs = fetchMillis(agent, 10);
          double rawMs = rawFetchMillis(agent, 10);
          phases.add(String.format(Locale.ROOT, "%,d instances: a plain GET of the same answer, p50 of 10: %.1f ms with"
              + " the JDK HttpClient (as the client reads it), %.1f ms over a raw socket (the agent's render and send"
              + " alone); client phases per change, thread CPU: %s", n, fetchMs, rawMs,
              UpdatePhases.measure(body, flipped, 10)));
        } finally {
          channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** Flips one check and returns the time until the balancer holds a list of {@code expected} instances. */
  private static long flip(ConsulClient consul, String check, CheckStatus status, int expected) throws Exception {
    Thread.sleep(250); // the blocking query's rate limit refills one request per 200 ms
    long start = System.nanoTime();
    consul.updateTtl(check, status, "scale").get(10, TimeUnit.SECONDS);
    return awaitSize(expected, start);
  }

  private static long awaitSize(int expected, long start) throws InterruptedException {
    while (true) {
      RecordingLoadBalancer.Update u = RecordingLoadBalancer.UPDATES.poll(60, TimeUnit.SECONDS);
      if (u == null) {
        throw new IllegalStateException("no balancer update with " + expected + " addresses within 60 s");
      }
      if (u.ports.size() == expected) {
        return u.nanos - start;
      }
    }
  }

  private static void registerAll(ConsulClient consul, int n) throws Exception {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pending.add(consul.registerService(ServiceDefinition.newBuilder(SERVICE).id("i" + i).address("127.0.0.1")
          .port(FIRST_PORT + i).tag("v1").meta("zone", "z" + (i % 3))
          .check(CheckDefinition.newBuilder().checkId("ttl:i" + i).ttl(Duration.ofHours(1))
              .status(CheckStatus.PASSING).build())
          .build(), true));
      if (pending.size() == 32) {
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        pending.clear();
      }
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  /** The response the client reads on every change (all instances, the default {@code passing} filter). */
  private static byte[] body(DevAgent agent) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
        URI.create("http://" + agent.httpAddress() + "/v1/health/service/" + SERVICE + "?passing=1")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    return response.body();
  }

  private static double fetchMillis(DevAgent agent, int rounds) throws Exception {
    long[] t = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      body(agent);
      t[r] = System.nanoTime() - t0;
    }
    Arrays.sort(t);
    return t[rounds / 2] / 1e6;
  }

  /** HTTP/1.0 GET over a plain socket, read to the end: no client-side work beyond copying the bytes. */
  private static double rawFetchMillis(DevAgent agent, int rounds) throws Exception {
    String[] hostPort = agent.httpAddress().split(":");
    byte[] request = ("GET /v1/health/service/" + SERVICE + "?passing=1 HTTP/1.0\r\nHost: " + agent.httpAddress()
        + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    long[] t = new long[rounds];
    byte[] buffer = new byte[1 << 16];
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      try (java.net.Socket socket = new java.net.Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
        socket.getOutputStream().write(request);
        java.io.InputStream in = socket.getInputStream();
        while (in.read(buffer) >= 0) {
          // drain
        }
      }
      t[r] = System.nanoTime() - t0;
    }
    Arrays.sort(t);
    return t[rounds / 2] / 1e6;
  }

  private static double parseCpuMillis(byte[] body) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int rounds = 20;
    long total = 0;
    for (int r = 0; r < 2 * rounds; r++) {
      long t0 = mx.getCurrentThreadCpuTime();
      HealthResponseParser.parse(body);
      if (r >= rounds) {
        total += mx.getCurrentThreadCpuTime() - t0;
      }
    }
    return total / 1e6 / rounds;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
