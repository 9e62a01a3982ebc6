package io.github.grpcconsul.examples.hello;

import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** How the examples dial a Consul service: a {@code consul://} target balanced with {@code round_robin}. */
public final class HelloChannels {
  /** The hello client's default target: service {@code helloserver} in the agent named by the environment. */
  public static final String DEFAULT_TARGET = "consul:///helloserver";

  private HelloChannels() {}

  /**
   * A plaintext channel to {@code target} that spreads calls over every healthy instance. The {@code consul} scheme
   * is found through {@code META-INF/services}: grpc-consul on the class path is all it takes.
   */
  public static ManagedChannel roundRobin(String target) {
    return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
        .defaultLoadBalancingPolicy("round_robin")
        .build();
  }

  /**
   * Waits until {@code channel} has resolved its target and connected to at least one instance, or {@code limit}
   * passed, or (when {@code untilFailure}) the channel failed (no healthy instance, none reachable). A first call
   * otherwise spends part of its deadline on name resolution and connecting.
   *
   * @return the state reached: {@code READY}, {@code TRANSIENT_FAILURE}, or the state at the limit
   */
  public static ConnectivityState awaitReady(ManagedChannel channel, Duration limit, boolean untilFailure)
      throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      ConnectivityState state = channel.getState(true);
      if (state == ConnectivityState.READY
          || (untilFailure && state == ConnectivityState.TRANSIENT_FAILURE)) {
        return state;
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        return state;
      }
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      changed.await(left, TimeUnit.NANOSECONDS);
    }
  }
}
