package io.github.grpcconsul.examples.demo;

import io.github.grpcconsul.examples.hello.HelloChannels;
import io.github.grpcconsul.examples.hello.HelloGrpc;
import io.github.grpcconsul.examples.hello.HelloReq;
import io.github.grpcconsul.examples.hello.HelloResp;
import io.github.grpcconsul.examples.hello.HelloService;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo's client: calls {@code Say} through one {@code consul://} round-robin channel at a steady rate and
 * counts replies per instance and failures per status code, by the phase in which each call ended (a call in flight
 * on an instance when it is killed fails in the crash phase, even if it started just before).
 */
final class Traffic implements AutoCloseable {
  private final ManagedChannel channel;
  private final HelloGrpc.HelloStub stub;
  private final long periodNanos;
  private final long deadlineMillis;
  private final ScheduledExecutorService ticker;
  /** One party for the traffic itself and one per call in flight, so close() can wait for the stragglers. */
  private final Phaser inFlight = new Phaser(1);
  private final Map<Phase, Tally> tallies = new EnumMap<>(Phase.class);
  private final Map<String, LongAdder> repliesSoFar = new ConcurrentHashMap<>();
  private final LongAdder failuresSoFar = new LongAdder();
  private final AtomicLong sequence = new AtomicLong();
  private volatile Phase phase = Phase.ALL_SERVE;
  private volatile boolean stopped;
  private volatile boolean running;

  private final Observations replies;

  /** {@code replies} is told of every reply, with the id of the instance that answered. */
  Traffic(String target, int callsPerSecond, long deadlineMillis, Observations replies) {
    this.replies = replies;
    this.channel = HelloChannels.roundRobin(target);
    this.stub = HelloGrpc.newStub(channel);
    this.periodNanos = TimeUnit.SECONDS.toNanos(1) / callsPerSecond;
    this.deadlineMillis = deadlineMillis;
    for (Phase p : Phase.values()) {
      tallies.put(p, new Tally());
    }
    this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "demo-traffic");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Waits until the channel is connected, so the steady traffic measures the system, not the first dial. */
  boolean awaitReady(Duration limit) throws InterruptedException {
    return HelloChannels.awaitReady(channel, limit, false) == ConnectivityState.READY;
  }

  void start() {
    running = true;
    ticker.scheduleAtFixedRate(this::call, 0, periodNanos, TimeUnit.NANOSECONDS);
  }

  boolean running() {
    return running && !stopped;
  }

  /** Calls ending from now on count toward {@code next}. */
  void enter(Phase next) {
    phase = next;
  }

  Tally tally(Phase p) {
    return tallies.get(p);
  }

  /** Replies per instance since the start, for the once-a-second progress line. */
  Map<String, LongAdder> repliesSoFar() {
    return repliesSoFar;
  }

  long failuresSoFar() {
    return failuresSoFar.sum();
  }

  private void call() {
    if (stopped) {
      return;
    }
    inFlight.register();
    HelloReq req = HelloReq.newBuilder().setText("call " + sequence.incrementAndGet()).build();
    stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).say(req, new StreamObserver<>() {
      private String instance;

      @Override
      public void onNext(HelloResp resp) {
        instance = HelloService.instanceOf(resp.getText());
      }

      @Override
      public void onError(Throwable t) {
        tallies.get(phase).failed(Status.fromThrowable(t).getCode());
        failuresSoFar.increment();
        inFlight.arriveAndDeregister();
      }

      @Override
      public void onCompleted() {
        String id = instance == null ? "?" : instance;
        replies.replied(id);
        tallies.get(phase).replied(id);
        repliesSoFar.computeIfAbsent(id, k -> new LongAdder()).increment();
        inFlight.arriveAndDeregister();
      }
    });
  }

  /** Stops calling, waits for the calls in flight to finish (at most their deadline), closes the channel. */
  @Override
  public void close() throws InterruptedException {
    stopped = true;
    ticker.shutdown();
    ticker.awaitTermination(5, TimeUnit.SECONDS);
    try {
      inFlight.awaitAdvanceInterruptibly(inFlight.arriveAndDeregister(), deadlineMillis + 1000,
          TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // Every call has a deadline; the channel shutdown below ends any straggler.
    }
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
  }
}
