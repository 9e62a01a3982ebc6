package io.github.grpcconsul.benchmarks.registration;

import io.github.grpcconsul.consul.ConsulConfig;
import java.time.Duration;

/**
 * The child process of {@link CrashRemoval}: one registered hello instance that runs until it is killed. Prints
 * {@code READY <port>} once registered.
 *
 * <p>Arguments: {@code <agent host:port> <ttlMillis or 0> <grpcIntervalMillis or 0>}.
 */
public final class CrashedInstance {
  private CrashedInstance() {}

  public static void main(String[] args) throws Exception {
    ConsulConfig consul = ConsulConfig.newBuilder().address(args[0]).build();
    long ttl = Long.parseLong(args[1]);
    long grpc = Long.parseLong(args[2]);
    BenchInstance instance = BenchInstance.start(consul, "victim", new BenchInstance.Checks(
        ttl > 0 ? Duration.ofMillis(ttl) : null, grpc > 0 ? Duration.ofMillis(grpc) : null, Duration.ZERO, null));
    System.out.println("READY " + instance.server.getPort());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
