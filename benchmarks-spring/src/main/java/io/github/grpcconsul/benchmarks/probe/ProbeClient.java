package io.github.grpcconsul.benchmarks.probe;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.stub.ClientCalls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The client side of a scenario contender process: calls {@link Probe#WHO} continuously through the given channel and
 * answers the harness's commands on stdin. Both contenders run this same loop, so they differ only in how the channel
 * was built.
 *
 * <p>Protocol (one line each; replies start with {@value #REPLY} so they stand out from the contender's own logging):
 * <ul>
 *   <li>{@code READY <nanoTime>}: sent once, when the first call succeeded ({@link System#nanoTime()} is the machine's
 *       monotonic clock on Linux, so the harness can compare it with its own);
 *   <li>{@code STATS} → {@code STATS <succeeded> <failed>} (totals so far);
 *   <li>{@code FOOTPRINT} → {@code FOOTPRINT <heap bytes used after a full GC> <live threads>};
 *   <li>{@code QUIT} → stops calling, shuts the client down and replies {@code BYE}.
 * </ul>
 */
public final class ProbeClient {

  /** Prefix of every protocol line the client writes. */
  public static final String REPLY = "@@ ";

  /** Gap between two calls: about 500 calls per second, enough to time a change to a few milliseconds. */
  static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private static final long DEADLINE_MILLIS = 1000;
  private static final byte[] EMPTY = new byte[0];

  private final Channel channel;
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final PrintStream out;
  private volatile boolean running = true;

  private ProbeClient(Channel channel, PrintStream out) {
    this.channel = channel;
    this.out = out;
  }

  /**
   * Calls through {@code channel} until the harness sends {@code QUIT} (or closes stdin), then runs {@code shutdown}.
   */
  public static void run(Channel channel, Runnable shutdown) throws IOException, InterruptedException {
    ProbeClient client = new ProbeClient(channel, System.out);
    Thread loop = new Thread(client::callLoop, "probe-loop");
    loop.setDaemon(true);
    loop.start();
    client.serveCommands(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    client.running = false;
    loop.join(TimeUnit.SECONDS.toMillis(5));
    shutdown.run();
    client.reply("BYE");
  }

  private void callLoop() {
    boolean ready = false;
    long next = System.nanoTime();
    while (running) {
      try {
        ClientCalls.blockingUnaryCall(
            channel, Probe.WHO, CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS), EMPTY);
        succeeded.incrementAndGet();
        if (!ready) {
          ready = true;
          reply("READY " + System.nanoTime());
        }
      } catch (RuntimeException e) {
        failed.incrementAndGet();
      }
      next += PACE_NANOS;
      long now = System.nanoTime();
      if (next > now) {
        LockSupport.parkNanos(next - now);
      } else {
        next = now; // a slow call does not make the loop burst to catch up
      }
    }
  }

  private void serveCommands(BufferedReader in) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      switch (line.trim()) {
        case "STATS" -> reply("STATS " + succeeded.get() + " " + failed.get());
        case "FOOTPRINT" -> reply("FOOTPRINT " + heapAfterGc() + " " + threads());
        case "QUIT" -> {
          return;
        }
        default -> reply("ERROR unknown command '" + line + "'; known: STATS, FOOTPRINT, QUIT");
      }
    }
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private void reply(String text) {
    synchronized (out) {
      out.println(REPLY + text);
      out.flush();
    }
  }
}
