package io.github.grpcconsul.examples.hello;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

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
}
