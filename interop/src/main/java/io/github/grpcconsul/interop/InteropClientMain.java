package io.github.grpcconsul.interop;

import io.github.grpcconsul.examples.hello.HelloChannels;
import io.github.grpcconsul.examples.hello.HelloGrpc;
import io.github.grpcconsul.examples.hello.HelloReq;
import io.github.grpcconsul.examples.hello.HelloResp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Java hello client for the Go interop tests: dials the target (default {@code consul:///helloserver}) with the
 * examples' round_robin channel and calls {@code Say} one call at a time, printing a line per call in the Go
 * helloclient's format: {@code ok <reply>} or {@code failed <code> <description>}. Waits (up to 30 s) for a first
 * connection before its first call. Stops on SIGTERM.
 */
public final class InteropClientMain {
  private static final String USAGE = "usage: InteropClientMain [--target T] [--interval D] [--deadline D];"
      + " the agent of consul:/// comes from CONSUL_HTTP_ADDR";

  private InteropClientMain() {}

  /** Calls until SIGTERM. */
  public static void main(String[] argv) throws InterruptedException {
    Args args;
    try {
      args = Args.parse(argv, Set.of("target", "interval", "deadline"), USAGE);
    } catch (IllegalArgumentException e) {
      System.err.println("interop-client: " + e.getMessage());
      System.exit(2);
      return;
    }
    Duration interval = args.getDuration("interval", Duration.ofMillis(20));
    Duration deadline = args.getDuration("deadline", Duration.ofSeconds(2));
    ManagedChannel channel = HelloChannels.roundRobin(args.get("target", HelloChannels.DEFAULT_TARGET));
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        done.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "interop-client-shutdown"));
    // Like HelloClientMain: the first call should not spend its deadline on a cold JVM's resolution and connect.
    HelloChannels.awaitReady(channel, Duration.ofSeconds(30), false);
    HelloGrpc.HelloBlockingStub hello = HelloGrpc.newBlockingStub(channel);
    long ok = 0;
    long failed = 0;
    try {
      for (int i = 1; stop.getCount() > 0; i++) {
        try {
          HelloResp resp = hello.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
              .say(HelloReq.newBuilder().setText("hello " + i).build());
          ok++;
          System.out.println("ok " + resp.getText());
        } catch (StatusRuntimeException e) {
          failed++;
          Status status = e.getStatus();
          System.out.println("failed " + status.getCode() + " " + status.getDescription());
        }
        System.out.flush();
        stop.await(interval.toMillis(), TimeUnit.MILLISECONDS);
      }
      System.out.println("calls: " + ok + " ok, " + failed + " failed");
      System.out.flush();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      done.countDown();
    }
  }
}
