package io.github.grpcconsul.examples.demo;

import io.github.grpcconsul.examples.hello.HelloChannels;
import io.github.grpcconsul.examples.hello.HelloGrpc;
import io.github.grpcconsul.examples.hello.HelloReq;
import io.github.grpcconsul.examples.hello.HelloServer;
import io.github.grpcconsul.examples.hello.HelloService;
import io.github.grpcconsul.loadbalancer.ConsulWeightedRoundRobinLoadBalancerProvider;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's optional {@code --weights} phase: a stable instance registered with Consul weight 3 and a canary with
 * weight 1, one channel with {@code consul_weighted_round_robin}; the client's per-second counts show the 3:1 split
 * as it happens.
 */
final class WeightsPhase {
  static final String SERVICE = "hello-weights";
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(20);

  /** Calls each instance answered, calls that failed, and what went against the description. */
  record Result(long stable, long canary, long failed, List<String> problems) {
    /** The canary's share of the answered calls, in percent. */
    double canaryPercent() {
      long total = stable + canary;
      return total == 0 ? 0 : 100.0 * canary / total;
    }
  }

  private final Scenario.Settings settings;
  private final ConsulEndpoint consul;
  private final Narrator out;

  WeightsPhase(Scenario.Settings settings, ConsulEndpoint consul, Narrator out) {
    this.settings = settings;
    this.consul = consul;
    this.out = out;
  }

  Result run() throws Exception {
    List<String> problems = new ArrayList<>();
    out.heading("Phase weights: a canary with Consul weight 1 beside a stable instance with weight 3");
    HelloServer stable = start("stable", 3);
    HelloServer canary = start("canary", 1);
    String target = consul.target(SERVICE);
    ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
        .defaultLoadBalancingPolicy(ConsulWeightedRoundRobinLoadBalancerProvider.POLICY_NAME)
        .build();
    try {
      out.say("client: dialing " + target + " with " + ConsulWeightedRoundRobinLoadBalancerProvider.POLICY_NAME);
      HelloGrpc.HelloBlockingStub stub = HelloGrpc.newBlockingStub(channel);
      if (HelloChannels.awaitReady(channel, WAIT_LIMIT, false) != ConnectivityState.READY
          || !bothAnswer(stub)) {
        problems.add("the weights phase did not reach both instances within " + WAIT_LIMIT.toSeconds() + " s");
        return new Result(0, 0, 0, problems);
      }
      Result result = traffic(stub);
      out.say(String.format(Locale.ROOT, "client: %d calls, canary %d (%.1f %%), stable %d; Consul's weights ask"
          + " for 25 %%", result.stable() + result.canary(), result.canary(), result.canaryPercent(),
          result.stable()));
      if (result.failed() > 0) {
        problems.add(result.failed() + " calls failed in the weights phase");
      }
      // The schedule is exact per cycle of 4 calls; a wider band only allows for a reconnect on a busy machine.
      if (Math.abs(result.canaryPercent() - 25) > 5) {
        problems.add(String.format(Locale.ROOT, "the canary took %.1f %% of the calls, not 25 %%",
            result.canaryPercent()));
      }
      return new Result(result.stable(), result.canary(), result.failed(), problems);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      stable.shutdownGracefully();
      canary.shutdownGracefully();
      out.say("weights phase: both instances left");
    }
  }

  private HelloServer start(String id, int weight) throws java.io.IOException {
    HelloServer server = HelloServer.newBuilder()
        .serviceName(SERVICE)
        .id(id)
        .consul(consul.config())
        .checkInterval(Duration.ofSeconds(1))
        .drainTime(Duration.ZERO)
        .weights(weight, 1)
        .start();
    out.say(id + ": serving on " + server.host() + ":" + server.port() + ", registered with Weights.Passing "
        + weight);
    return server;
  }

  /** Calls until both instances have answered: their subchannels are READY and the split is in force. */
  private boolean bothAnswer(HelloGrpc.HelloBlockingStub stub) {
    boolean stable = false;
    boolean canary = false;
    long end = System.nanoTime() + WAIT_LIMIT.toNanos();
    while (!(stable && canary) && System.nanoTime() < end) {
      String id = call(stub);
      stable |= "stable".equals(id);
      canary |= "canary".equals(id);
    }
    return stable && canary;
  }

  private Result traffic(HelloGrpc.HelloBlockingStub stub) {
    long period = TimeUnit.SECONDS.toNanos(1) / settings.callsPerSecond();
    long start = System.nanoTime();
    long end = start + settings.phase().toNanos();
    long nextLine = start + TimeUnit.SECONDS.toNanos(1);
    long next = start;
    long stable = 0;
    long canary = 0;
    long failed = 0;
    long lineStable = 0;
    long lineCanary = 0;
    while (System.nanoTime() < end) {
      String id = call(stub);
      if ("stable".equals(id)) {
        stable++;
        lineStable++;
      } else if ("canary".equals(id)) {
        canary++;
        lineCanary++;
      } else {
        failed++;
      }
      long now = System.nanoTime();
      if (now - nextLine >= 0) {
        out.say(String.format(Locale.ROOT, "client: last second  stable %3d  canary %3d", lineStable, lineCanary));
        lineStable = 0;
        lineCanary = 0;
        nextLine += TimeUnit.SECONDS.toNanos(1);
      }
      next += period;
      // A demo's pacing: the next call waits for its slot, as the main phases' ticker does.
      LockSupport.parkNanos(next - System.nanoTime());
    }
    return new Result(stable, canary, failed, List.of());
  }

  /** The instance that answered, or null when the call failed. */
  private static String call(HelloGrpc.HelloBlockingStub stub) {
    try {
      return HelloService.instanceOf(stub.withDeadlineAfter(5, TimeUnit.SECONDS)
          .say(HelloReq.newBuilder().setText("weights").build()).getText());
    } catch (StatusRuntimeException e) {
      return null;
    }
  }
}
