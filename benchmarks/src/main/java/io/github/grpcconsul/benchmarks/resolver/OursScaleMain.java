package io.github.grpcconsul.benchmarks.resolver;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Ours in its own process, for {@link SpringScaleBenchmark}: one {@code consul://} channel per service named in
 * {@code -Dscale.channels=a,b,...} on the agent {@code -Dscale.agent=host:port}, every resolver default, the printing
 * balancer of {@code benchmarks-spring}'s {@code SpringScaleMain} (same stdout/stdin protocol).
 */
public final class OursScaleMain {
  private OursScaleMain() {}

  public static void main(String[] args) throws Exception {
    RecordingLoadBalancer.registerPrinting();
    System.out.println("ready " + heapAfterGc() + " " + ManagementFactory.getThreadMXBean().getThreadCount());
    List<ManagedChannel> channels = new ArrayList<>();
    for (String service : System.getProperty("scale.channels").split(",")) {
      ManagedChannel channel = Grpc.newChannelBuilder("consul://" + System.getProperty("scale.agent") + "/" + service,
          InsecureChannelCredentials.create()).defaultLoadBalancingPolicy("recording").build();
      channel.getState(true);
      channels.add(channel);
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
      if (line.equals("heap")) {
        System.out.println("heap " + heapAfterGc() + " " + ManagementFactory.getThreadMXBean().getThreadCount());
      }
    }
    channels.forEach(ManagedChannel::shutdownNow);
    System.exit(0);
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
