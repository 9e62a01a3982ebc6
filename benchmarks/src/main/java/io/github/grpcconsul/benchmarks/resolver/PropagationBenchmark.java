package io.github.grpcconsul.benchmarks.resolver;

import io.github.grpcconsul.internal.consul.CheckDefinition;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.consul.ServiceDefinition;
import io.github.grpcconsul.devagent.DevAgent;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Propagation time of the {@code consul://} resolver on loopback: from the moment a change is sent to the dev agent
 * (register, deregister, TTL check flipped) to the moment the channel's load balancer holds the new address list.
 * Then the number of requests the resolver makes to Consul: idle, with many channels sharing one query, and under
 * heavy churn.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.grpcconsul.benchmarks.resolver.PropagationBenchmark [trials] [channels] [write-warmup]} (defaults 200,
 * 50 and 10000; a write warm-up of 0 measures with the agent's write path still cold, as before 2026-12-02).
 */
public final class PropagationBenchmark {

  private static final String SERVICE = "bench";
  /** Spacing between trials: the blocking query's rate limit refills one request per 200 ms. */
  private static final Duration SPACING = Duration.ofMillis(250);

  private PropagationBenchmark() {}

  public static void main(String[] args) throws Exception {
    // Before the JDK's HTTP server class loads: without it Nagle adds ~40 ms to each small response (notes.md).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // Each phase's channels are shut down before the next: their watch must not linger into the next phase's counts.
    System.setProperty("io.github.grpcconsul.resolver.watchLinger", "0s");
    // The churn phase makes channels see "no healthy instance" on purpose; grpc would log each one.
    java.util.logging.Logger.getLogger("io.grpc").setLevel(java.util.logging.Level.SEVERE);
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int channels = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int writeWarmup = args.length > 2 ? Integer.parseInt(args[2]) : 10000;
    RecordingLoadBalancer.register();

    System.out.printf(Locale.ROOT, "machine: %d cpus, java %s (%s)%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), System.getProperty("java.vm.name"));
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
      try (ConsulClient consul = ConsulClient.create(config)) {
        warmWrites(consul, writeWarmup);
        propagation(agent, consul, trials);
        requests(agent, consul, channels);
      }
    }
    System.exit(0);
  }

  /**
   * Registers and deregisters an instance of another service {@code count} times back to back, so the measured
   * trials do not run the agent's and the client's write path in the interpreter: the 20 + 200 spaced trials alone
   * are too few requests for the JIT, and a cold write costs several milliseconds of CPU (issue 10). 0 skips it.
   */
  private static void warmWrites(ConsulClient consul, int count) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      consul.registerService(ServiceDefinition.newBuilder("warmup").id("warm" + i).address("127.0.0.1").port(9)
          .check(CheckDefinition.newBuilder().checkId("ttl:warm" + i).ttl(Duration.ofHours(1))
              .status(CheckStatus.PASSING).build())
          .build(), true).get(5, TimeUnit.SECONDS);
      consul.deregisterService("warm" + i).get(5, TimeUnit.SECONDS);
    }
    if (count > 0) {
      System.out.printf(Locale.ROOT, "write path warmed: %d register + deregister pairs of another service in %.1f s%n",
          count, (System.nanoTime() - start) / 1e9);
    }
  }

  private static void propagation(DevAgent agent, ConsulClient consul, int trials) throws Exception {
    register(consul, "stable", 20000);
    ManagedChannel channel = channel("consul://" + agent.httpAddress() + "/" + SERVICE);
    try {
      awaitUpdate(ports -> ports.equals(Set.of(20000)), System.nanoTime());
      // warm-up: JIT, connections
      for (int i = 0; i < 20; i++) {
        addRemove(consul, 30000 + i);
      }
      long[] add = new long[trials];
      long[] remove = new long[trials];
      long[] flip = new long[trials * 2];
      long[] write = new long[trials];
      long[] afterWrite = new long[trials];
      for (int i = 0; i < trials; i++) {
        long[] ar = addRemove(consul, 31000 + i);
        add[i] = ar[0];
        remove[i] = ar[1];
        write[i] = ar[2];
        afterWrite[i] = Math.max(0, ar[0] - ar[2]);
      }
      for (int i = 0; i < trials; i++) {
        Thread.sleep(SPACING.toMillis());
        long start = System.nanoTime();
        consul.updateTtl("ttl:stable", CheckStatus.CRITICAL, "bench").get(5, TimeUnit.SECONDS);
        flip[2 * i] = awaitUpdate(Set::isEmpty, start);
        Thread.sleep(SPACING.toMillis());
        start = System.nanoTime();
        consul.updateTtl("ttl:stable", CheckStatus.PASSING, "bench").get(5, TimeUnit.SECONDS);
        flip[2 * i + 1] = awaitUpdate(ports -> ports.contains(20000), start);
      }
      System.out.println("propagation, change sent to the agent -> balancer holds the new list (ms):");
      print("add", add);
      print("remove", remove);
      print("health flip", flip);
      System.out.println("for scale, the register request alone (sent -> response received):");
      print("register PUT", write);
      System.out.println("add, measured from the register response instead (0 when the balancer had it first):");
      print("add", afterWrite);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static long[] addRemove(ConsulClient consul, int port) throws Exception {
    Thread.sleep(SPACING.toMillis());
    long start = System.nanoTime();
    register(consul, "i" + port, port);
    long written = System.nanoTime() - start;
    long a = awaitUpdate(ports -> ports.contains(port), start);
    Thread.sleep(SPACING.toMillis());
    start = System.nanoTime();
    consul.deregisterService("i" + port).get(5, TimeUnit.SECONDS);
    long r = awaitUpdate(ports -> !ports.contains(port), start);
    return new long[] {a, r, written};
  }

  private static void requests(DevAgent agent, ConsulClient consul, int channelCount) throws Exception {
    String waitTarget = "consul://" + agent.httpAddress() + "/" + SERVICE + "?wait=2s";
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      long before = agent.requestCount("/v1/health/service/");
      for (int i = 0; i < channelCount; i++) {
        channels.add(channel(waitTarget));
      }
      Thread.sleep(1000);
      long afterStart = agent.requestCount("/v1/health/service/");
      Duration idle = Duration.ofSeconds(20);
      Thread.sleep(idle.toMillis());
      long afterIdle = agent.requestCount("/v1/health/service/");
      System.out.printf(Locale.ROOT, "requests, %d channels on one query (wait=2s): %d to start, %d in %d s idle"
          + " (%.2f per 2 s wait period)%n", channelCount, afterStart - before, afterIdle - afterStart,
          idle.toSeconds(), (afterIdle - afterStart) / (idle.toSeconds() / 2.0));

      Duration churn = Duration.ofSeconds(10);
      long churnStart = System.nanoTime();
      long changes = 0;
      long requestsBefore = agent.requestCount("/v1/health/service/");
      while (System.nanoTime() - churnStart < churn.toNanos()) {
        consul.updateTtl("ttl:stable", changes % 2 == 0 ? CheckStatus.WARNING : CheckStatus.PASSING, "churn")
            .get(5, TimeUnit.SECONDS);
        changes++;
      }
      long churnRequests = agent.requestCount("/v1/health/service/") - requestsBefore;
      System.out.printf(Locale.ROOT, "requests under churn, %d channels: %d changes in %d s (%.0f/s) -> %d health"
          + " requests (%.1f/s)%n", channelCount, changes, churn.toSeconds(), changes / (double) churn.toSeconds(),
          churnRequests, churnRequests / (double) churn.toSeconds());
    } finally {
      for (ManagedChannel c : channels) {
        c.shutdownNow();
      }
    }
  }

  private static ManagedChannel channel(String target) {
    ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
        .defaultLoadBalancingPolicy(RecordingLoadBalancer.POLICY)
        .build();
    channel.getState(true); // leave idle: start the resolver
    return channel;
  }

  private static void register(ConsulClient consul, String id, int port) throws Exception {
    consul.registerService(ServiceDefinition.newBuilder(SERVICE).id(id).address("127.0.0.1").port(port)
        .check(CheckDefinition.newBuilder().checkId("ttl:" + id).ttl(Duration.ofHours(1))
            .status(CheckStatus.PASSING).build())
        .build(), true).get(5, TimeUnit.SECONDS);
  }

  /** Waits for the first balancer update matching {@code done}; returns its delay after {@code start}. */
  private static long awaitUpdate(Predicate<Set<Integer>> done, long start) throws InterruptedException {
    while (true) {
      RecordingLoadBalancer.Update u = RecordingLoadBalancer.UPDATES.poll(10, TimeUnit.SECONDS);
      if (u == null) {
        throw new IllegalStateException("no balancer update within 10 s");
      }
      if (done.test(new HashSet<>(u.ports))) {
        return u.nanos - start;
      }
    }
  }

  private static void print(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "  %-12s n=%d  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n", what, sorted.length,
        ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)),
        ms(sorted[sorted.length - 1]));
  }

  private static long percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
