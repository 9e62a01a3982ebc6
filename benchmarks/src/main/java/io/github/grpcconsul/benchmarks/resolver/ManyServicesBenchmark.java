package io.github.grpcconsul.benchmarks.resolver;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.consul.CheckDefinition;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.consul.ServiceDefinition;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One JVM watching many distinct services, one {@code consul://} channel each (default options): Consul requests per
 * minute idle and during churn, threads and heap. Agent and channels share this JVM; threads are counted before and
 * after the channels start, heap likewise after GC.
 *
 * <p>Arguments: services (default 200), instances per service (default 2), idle seconds (default 60), churn seconds
 * (default 30), changes per second during churn (default 20, spread over random services).
 */
public final class ManyServicesBenchmark {
  private ManyServicesBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int perService = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    int churnSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    int changesPerSecond = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    RecordingLoadBalancer.register();
    System.out.printf(Locale.ROOT, "start %s, load average %.1f; %d services x %d instances%n", Instant.now(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), services, perService);
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      try (ConsulClient consul = ConsulClient.create(
          ConsulConfig.newBuilder().address(agent.httpAddress()).build())) {
        int port = 20000;
        for (int s = 0; s < services; s++) {
          for (int i = 0; i < perService; i++) {
            String id = "svc" + s + "-" + i;
            consul.registerService(ServiceDefinition.newBuilder("svc" + s).id(id).address("127.0.0.1").port(port++)
                .check(CheckDefinition.newBuilder().checkId("ttl:" + id).ttl(Duration.ofHours(1))
                    .status(CheckStatus.PASSING).build())
                .build(), true).get(10, TimeUnit.SECONDS);
          }
        }
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long heapBefore = heapAfterGc();
        long requests0 = agent.requestCount("/v1/health/service/");
        List<ManagedChannel> channels = new ArrayList<>();
        try {
          RecordingLoadBalancer.UPDATES.clear();
          long start = System.nanoTime();
          for (int s = 0; s < services; s++) {
            ManagedChannel channel = Grpc.newChannelBuilder("consul://" + agent.httpAddress() + "/svc" + s,
                InsecureChannelCredentials.create()).defaultLoadBalancingPolicy(RecordingLoadBalancer.POLICY).build();
            channel.getState(true);
            channels.add(channel);
          }
          Set<Integer> seen = new HashSet<>();
          while (seen.size() < services * perService) {
            RecordingLoadBalancer.Update u = RecordingLoadBalancer.UPDATES.poll(60, TimeUnit.SECONDS);
            if (u == null) {
              throw new IllegalStateException("only " + seen.size() + " instances resolved within 60 s");
            }
            seen.addAll(u.ports);
          }
          System.out.printf(Locale.ROOT, "all %d channels resolved in %.0f ms, %d requests%n", services,
              (System.nanoTime() - start) / 1e6, agent.requestCount("/v1/health/service/") - requests0);
          Thread.sleep(2000);
          int threads = ManagementFactory.getThreadMXBean().getThreadCount();
          long heap = heapAfterGc();
          long idle0 = agent.requestCount("/v1/health/service/");
          Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
          long idle = agent.requestCount("/v1/health/service/") - idle0;
          Random random = new Random(42);
          long churn0 = agent.requestCount("/v1/health/service/");
          long churnEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(churnSeconds);
          int changes = 0;
          long next = System.nanoTime();
          while (System.nanoTime() < churnEnd) {
            String id = "svc" + random.nextInt(services) + "-" + random.nextInt(perService);
            consul.updateTtl("ttl:" + id, changes % 2 == 0 ? CheckStatus.WARNING : CheckStatus.PASSING, "churn")
                .get(10, TimeUnit.SECONDS);
            changes++;
            next += TimeUnit.SECONDS.toNanos(1) / changesPerSecond;
            long wait = next - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
          }
          long churn = agent.requestCount("/v1/health/service/") - churn0;
          System.out.println("| services | requests/min idle | requests/min during churn (changes) | threads added "
              + "| heap added, total / per channel |");
          System.out.println("|---:|---:|---:|---:|---:|");
          System.out.printf(Locale.ROOT, "| %d | %.1f | %.0f (%d changes, %.1f/s) | %d | %.1f MiB / %.1f KiB |%n",
              services, idle * 60.0 / idleSeconds, churn * 60.0 / churnSeconds, changes,
              changes / (double) churnSeconds, threads - threadsBefore, (heap - heapBefore) / 1048576.0,
              (heap - heapBefore) / 1024.0 / services);
        } finally {
          for (ManagedChannel channel : channels) {
            channel.shutdownNow();
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "end %s, load average %.1f%n", Instant.now(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
