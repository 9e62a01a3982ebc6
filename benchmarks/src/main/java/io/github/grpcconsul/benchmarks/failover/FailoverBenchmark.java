package io.github.grpcconsul.benchmarks.failover;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.examples.hello.HelloGrpc;
import io.github.grpcconsul.examples.hello.HelloReq;
import io.github.grpcconsul.examples.hello.HelloService;
import io.github.grpcconsul.internal.consul.CheckDefinition;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.consul.ServiceDefinition;
import io.github.grpcconsul.resolver.ConsulNameResolverProvider;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Datacenter failover time: two dev agents joined as WAN peers (dc1, dc2), one instance in each, a round_robin
 * channel on {@code consul://<dc1 agent>/svc?dc=dc1,dc2} calling back to back. Each trial turns dc1's instance
 * critical (its TTL check) and measures until the first call answered by dc2's instance; then turns it passing and
 * waits until calls are back in dc1. Prints p50 and max and the failed calls. Argument: trials (default 20).
 */
public final class FailoverBenchmark {
  private FailoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    DevAgent dc1 = DevAgent.builder().datacenter("dc1").nodeName("node-dc1").build();
    DevAgent dc2 = DevAgent.builder().datacenter("dc2").nodeName("node-dc2").build();
    Server one = null;
    Server two = null;
    ManagedChannel channel = null;
    try {
      dc1.start();
      dc2.start();
      dc1.joinWan(dc2);
      one = server("one");
      two = server("two");
      ConsulConfig config1 = ConsulConfig.newBuilder().address(dc1.httpAddress()).build();
      try (ConsulClient in1 = ConsulClient.create(config1);
          ConsulClient in2 = ConsulClient.create(ConsulConfig.newBuilder().address(dc2.httpAddress()).build())) {
        register(in1, "one", one.getPort());
        register(in2, "two", two.getPort());
        NameResolverRegistry resolvers = new NameResolverRegistry();
        resolvers.register(new ConsulNameResolverProvider(config1));
        channel = Grpc.newChannelBuilder("consul:///svc?dc=dc1,dc2", InsecureChannelCredentials.create(), resolvers)
            .defaultLoadBalancingPolicy("round_robin")
            .build();
        HelloGrpc.HelloBlockingStub stub = HelloGrpc.newBlockingStub(channel);
        long[] failed = new long[1];
        awaitAnswer(stub, "one", failed, TimeUnit.SECONDS.toNanos(30));
        failed[0] = 0;
        List<Long> times = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
          long t0 = System.nanoTime();
          in1.updateTtl("ttl:one", CheckStatus.CRITICAL, "trial " + t).get(10, TimeUnit.SECONDS);
          times.add(awaitAnswer(stub, "two", failed, TimeUnit.SECONDS.toNanos(30)) - t0);
          in1.updateTtl("ttl:one", CheckStatus.PASSING, "trial " + t).get(10, TimeUnit.SECONDS);
          awaitAnswer(stub, "one", failed, TimeUnit.SECONDS.toNanos(30));
        }
        Collections.sort(times);
        System.out.printf(Locale.ROOT, "failover dc1 -> dc2, %d trials: p50 %.1f ms, max %.1f ms, min %.1f ms;"
            + " failed calls %d%n", trials, times.get((times.size() - 1) / 2) / 1e6,
            times.get(times.size() - 1) / 1e6, times.get(0) / 1e6, failed[0]);
      }
    } finally {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      if (one != null) {
        one.shutdownNow();
      }
      if (two != null) {
        two.shutdownNow();
      }
      dc1.close();
      dc2.close();
    }
    System.exit(0); // the shared watch lingers 30 s otherwise
  }

  /** Calls until {@code instance} answers; returns the time of that answer. */
  private static long awaitAnswer(HelloGrpc.HelloBlockingStub stub, String instance, long[] failed, long limit) {
    long end = System.nanoTime() + limit;
    while (System.nanoTime() < end) {
      try {
        String text = stub.withDeadlineAfter(5, TimeUnit.SECONDS).say(HelloReq.newBuilder().setText("x").build())
            .getText();
        if (instance.equals(HelloService.instanceOf(text))) {
          return System.nanoTime();
        }
      } catch (StatusRuntimeException e) {
        failed[0]++;
      }
    }
    throw new IllegalStateException(instance + " did not answer within " + Duration.ofNanos(limit));
  }

  private static Server server(String id) throws java.io.IOException {
    return Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new HelloService(id))
        .build()
        .start();
  }

  private static void register(ConsulClient client, String id, int port) throws Exception {
    client.registerService(ServiceDefinition.newBuilder("svc").id(id).address("127.0.0.1").port(port)
        .check(CheckDefinition.newBuilder().checkId("ttl:" + id).ttl(Duration.ofMinutes(10))
            .status(CheckStatus.PASSING).build())
        .build(), true).get(10, TimeUnit.SECONDS);
  }
}
