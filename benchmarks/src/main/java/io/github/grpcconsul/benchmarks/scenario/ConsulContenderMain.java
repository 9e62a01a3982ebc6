package io.github.grpcconsul.benchmarks.scenario;

import io.github.grpcconsul.benchmarks.probe.ProbeClient;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/** Our contender's client process: a plain channel on a {@code consul://} target, everything else default. */
public final class ConsulContenderMain {
  private ConsulContenderMain() {}

  /** @param args the {@code consul://} target */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ConsulContenderMain consul://host:port/service");
    }
    ManagedChannel channel =
        ManagedChannelBuilder.forTarget(args[0]).defaultLoadBalancingPolicy("round_robin").usePlaintext().build();
    ProbeClient.run(channel, channel::shutdownNow);
  }
}
