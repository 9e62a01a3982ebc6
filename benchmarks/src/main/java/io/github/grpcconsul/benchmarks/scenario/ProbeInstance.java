package io.github.grpcconsul.benchmarks.scenario;

import io.github.grpcconsul.benchmarks.probe.Probe;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One real grpc server on a loopback port that answers {@link Probe#WHO} and notes when calls arrive, which is how the
 * harness sees a change reach a client: the first call after an add, the last call after a removal.
 */
final class ProbeInstance {
  private static final long NONE = Long.MIN_VALUE;

  final String id;
  private final Server server;
  private final AtomicLong firstSinceArm = new AtomicLong(NONE);
  private volatile long lastArrival = NONE;

  private ProbeInstance(String id, Server server) {
    this.id = id;
    this.server = server;
  }

  static ProbeInstance start(String id) throws IOException {
    byte[] answer = id.getBytes(StandardCharsets.UTF_8);
    ProbeInstance[] self = new ProbeInstance[1];
    ServerServiceDefinition service = ServerServiceDefinition.builder(Probe.SERVICE)
        .addMethod(Probe.WHO, ServerCalls.asyncUnaryCall((request, response) -> {
          self[0].arrived(System.nanoTime());
          response.onNext(answer);
          response.onCompleted();
        }))
        .build();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(service)
        .build();
    self[0] = new ProbeInstance(id, server);
    server.start();
    return self[0];
  }

  int port() {
    return server.getPort();
  }

  private void arrived(long now) {
    lastArrival = now;
    firstSinceArm.compareAndSet(NONE, now);
  }

  /** Forget earlier calls, so that {@link #firstCallSinceArm()} reports the next one. */
  void arm() {
    firstSinceArm.set(NONE);
  }

  /** nanoTime of the first call since {@link #arm()}, or -1 when none came yet. */
  long firstCallSinceArm() {
    long first = firstSinceArm.get();
    return first == NONE ? -1 : first;
  }

  /** nanoTime of the latest call, or {@link Long#MIN_VALUE} when none ever came. */
  long lastCall() {
    return lastArrival;
  }

  /** Stops accepting calls at once; calls in flight finish (they are answered immediately anyway). */
  void stop() throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
      server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }
}
