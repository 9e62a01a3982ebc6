package io.github.grpcconsul.examples.hello;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hello client's command line: dials {@code consul:///helloserver} with {@code round_robin} and calls
 * {@code Say} at a fixed interval, logging each reply (which names the instance that answered) or failure.
 */
public final class HelloClientMain {
  private static final Logger logger = Logger.getLogger(HelloClientMain.class.getName());

  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: hello-client [--target T] [--interval D] [--count N] [--text TEXT] [--deadline D]",
      "",
      "  --target T     where to call (default " + HelloChannels.DEFAULT_TARGET + ": the agent named by",
      "                 CONSUL_HTTP_ADDR, default 127.0.0.1:8500; consul://HOST:PORT/NAME names one)",
      "  --interval D   time between calls (default 1s; 250ms, 2s, 1.5 are accepted)",
      "  --count N      number of calls, then exit (default 0: until Ctrl-C)",
      "  --text TEXT    what to say (default hello)",
      "  --deadline D   deadline of each call (default 2s)",
      "  --help         this text");

  private static final Map<String, String> ALIASES = Flags.aliases(
      "--target", "target", "--interval", "interval", "--count", "count", "--text", "text",
      "--deadline", "deadline", "--help", "help", "-?", "help");

  /** How long the client waits for a first connection before it starts calling. */
  private static final Duration CONNECT_LIMIT = Duration.ofSeconds(10);

  private HelloClientMain() {}

  /** Calls until the count is reached or Ctrl-C, then closes the channel. */
  public static void main(String[] args) throws InterruptedException {
    OneLineLogging.install(Level.WARNING, Level.INFO);
    String target;
    String text;
    Duration interval;
    Duration deadline;
    int count;
    try {
      Flags flags = Flags.parse(args, ALIASES, Set.of("help"));
      if (flags.has("help")) {
        System.out.println(USAGE);
        return;
      }
      target = flags.get("target", HelloChannels.DEFAULT_TARGET);
      text = flags.get("text", "hello");
      interval = flags.getDuration("interval", Duration.ofSeconds(1));
      deadline = flags.getDuration("deadline", Duration.ofSeconds(2));
      count = flags.getInt("count", 0, 0, Integer.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      System.err.println("hello-client: " + e.getMessage());
      System.exit(2);
      return;
    }

    ManagedChannel channel;
    try {
      channel = HelloChannels.roundRobin(target);
    } catch (IllegalArgumentException e) {
      System.err.println("hello-client: --target " + target + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      awaitQuietly(done);
    }, "hello-client-shutdown"));
    try {
      ConnectivityState state = HelloChannels.awaitReady(channel, CONNECT_LIMIT, true);
      if (state != ConnectivityState.READY) {
        logger.warning("not connected to " + target + " (" + state + "); calling anyway, the calls report why");
      }
      Outcome outcome = callLoop(HelloGrpc.newBlockingStub(channel), text, interval, deadline, count, stop);
      System.out.println("calls: " + outcome.ok() + " ok, " + outcome.failed() + " failed");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      done.countDown();
    }
  }

  /** How many calls succeeded and failed. */
  record Outcome(long ok, long failed) {}

  static Outcome callLoop(HelloGrpc.HelloBlockingStub stub, String text, Duration interval, Duration deadline,
      int count, CountDownLatch stop) throws InterruptedException {
    long ok = 0;
    long failed = 0;
    long next = System.nanoTime();
    for (int i = 1; count == 0 || i <= count; i++) {
      String said = text + " " + i;
      try {
        HelloResp resp = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
            .say(HelloReq.newBuilder().setText(said).build());
        ok++;
        logger.info(resp.getText());
      } catch (StatusRuntimeException e) {
        failed++;
        Status status = e.getStatus();
        logger.warning(said + " failed: " + status.getCode()
            + (status.getDescription() == null ? "" : " " + status.getDescription()));
      }
      if (count != 0 && i == count) {
        break;
      }
      next += interval.toNanos();
      long wait = next - System.nanoTime();
      if (wait < 0) {
        // A slow call (up to its deadline) must not be followed by a burst of catch-up calls.
        next = System.nanoTime();
      }
      if (stop.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
        break;
      }
    }
    return new Outcome(ok, failed);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
