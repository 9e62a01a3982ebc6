package io.github.grpcconsul.benchmarks.registration;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.examples.hello.HelloGrpc;
import io.github.grpcconsul.examples.hello.HelloReq;
import io.github.grpcconsul.examples.hello.HelloResp;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Failed calls during a rolling restart: 3 hello instances registered in an embedded dev agent, a client on
 * {@code consul://} with round_robin sending calls at a fixed rate, each instance in turn replaced through
 * {@code shutdownGracefully()} (not serving, drain, deregister, stop) and a fresh instance. Repeated {@code rounds}
 * times.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.grpcconsul.benchmarks.registration.RollingRestart [callsPerSecond=1000] [drainMillis=1000] [rounds=3] [warmupSeconds=15]}
 */
public final class RollingRestart {
  private RollingRestart() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    Duration drain = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 1000);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int warmupSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
    BenchInstance.Checks checks = new BenchInstance.Checks(Duration.ofSeconds(10), Duration.ofSeconds(5), drain,
        null);
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      ConsulConfig consul = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
      List<BenchInstance> instances = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        instances.add(BenchInstance.start(consul, "gen0-" + i, checks));
      }
      ManagedChannel channel = Grpc.newChannelBuilder("consul://" + agent.httpAddress() + "/"
          + BenchInstance.SERVICE, InsecureChannelCredentials.create()).defaultLoadBalancingPolicy("round_robin")
          .build();
      HelloGrpc.HelloBlockingStub first = HelloGrpc.newBlockingStub(channel).withWaitForReady();
      first.withDeadlineAfter(10, TimeUnit.SECONDS).say(HelloReq.newBuilder().setText("first").build());
      Load load = new Load(channel, rate);
      Thread loader = new Thread(load::run, "load");
      loader.start();
      long warmStarted = System.nanoTime();
      Thread reporter = new Thread(() -> load.reportEverySecond(warmStarted), "report");
      reporter.setDaemon(true);
      reporter.start();
      // Warm-up at the full rate (JIT, connections), counted apart: restarts are measured on a warm JVM.
      Thread.sleep(warmupSeconds * 1000L);
      long warmSent = load.sent.get();
      long warmFailed = load.failed.get();
      System.out.printf("warm-up: %d calls in %d s, %d failed (not counted below)%n", warmSent, warmupSeconds,
          warmFailed);
      long started = System.nanoTime();
      load.counting = true;
      List<Long> restartMillis = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        for (int i = 0; i < 3; i++) {
          long t0 = System.nanoTime();
          System.out.printf("%6.1f s: stopping %s%n", (t0 - warmStarted) / 1e9, instances.get(i).name);
          instances.get(i).registration.shutdownGracefully();
          System.out.printf("%6.1f s: stopped, starting gen%d-%d%n", (System.nanoTime() - warmStarted) / 1e9, round, i);
          BenchInstance next = BenchInstance.start(consul, "gen" + round + "-" + i, checks);
          instances.set(i, next);
          while (load.servedBy.getOrDefault(next.name, new AtomicLong()).get() < 20) {
            Thread.sleep(5);
          }
          restartMillis.add((System.nanoTime() - t0) / 1_000_000);
        }
      }
      Thread.sleep(1000);
      load.running.set(false);
      loader.join();
      load.awaitOutstanding();
      double seconds = (System.nanoTime() - started) / 1e9;
      long sent = load.countedSent.get();
      long ok = load.countedSucceeded.get();
      long failed = load.countedFailed.get();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      for (BenchInstance instance : instances) {
        instance.registration.shutdownGracefully();
      }
      System.out.printf("rolling restart: %d rounds x 3 instances, %s, target rate %d calls/s%n", rounds, checks, rate);
      System.out.printf("calls sent during the restarts: %d in %.1f s (%.0f calls/s), %d succeeded, %d FAILED%n",
          sent, seconds, sent / seconds, ok, failed);
      System.out.printf("failures by status: %s%n", load.failuresByCode);
      System.out.printf("per-instance restart (shutdownGracefully + new instance serving), ms: %s%n", restartMillis);
    }
  }

  /** Sends asynchronous calls at a fixed rate regardless of latency; counts outcomes. */
  static final class Load {
    final Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
    final Map<Status.Code, AtomicLong> failuresByCode = new ConcurrentHashMap<>();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicBoolean running = new AtomicBoolean(true);
    /** Calls sent while this is set are counted in the counted* totals and in failuresByCode. */
    volatile boolean counting;
    final AtomicLong countedSent = new AtomicLong();
    final AtomicLong countedSucceeded = new AtomicLong();
    final AtomicLong countedFailed = new AtomicLong();
    private final HelloGrpc.HelloStub stub;
    private final long periodNanos;

    Load(ManagedChannel channel, int rate) {
      this.stub = HelloGrpc.newStub(channel);
      this.periodNanos = 1_000_000_000L / rate;
    }

    void run() {
      HelloReq request = HelloReq.newBuilder().setText("hi").build();
      long next = System.nanoTime();
      while (running.get()) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
          continue;
        }
        next += periodNanos;
        sent.incrementAndGet();
        boolean counted = counting;
        if (counted) {
          countedSent.incrementAndGet();
        }
        stub.withDeadlineAfter(5, TimeUnit.SECONDS).say(request, new StreamObserver<>() {
          @Override
          public void onNext(HelloResp response) {
            servedBy.computeIfAbsent(response.getText(), k -> new AtomicLong()).incrementAndGet();
            succeeded.incrementAndGet();
            if (counted) {
              countedSucceeded.incrementAndGet();
            }
          }

          @Override
          public void onError(Throwable t) {
            failed.incrementAndGet();
            if (counted) {
              countedFailed.incrementAndGet();
              failuresByCode.computeIfAbsent(Status.fromThrowable(t).getCode(), k -> new AtomicLong())
                  .incrementAndGet();
            }
          }

          @Override
          public void onCompleted() {}
        });
      }
    }

    /** One line per second: calls sent, succeeded and failed in that second (by completion time). */
    void reportEverySecond(long started) {
      long lastSent = 0;
      long lastOk = 0;
      long lastFailed = 0;
      while (running.get()) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
        long s = sent.get();
        long ok = succeeded.get();
        long bad = failed.get();
        System.out.printf("%6.1f s: sent %d, ok %d, failed %d%n", (System.nanoTime() - started) / 1e9, s - lastSent,
            ok - lastOk, bad - lastFailed);
        lastSent = s;
        lastOk = ok;
        lastFailed = bad;
      }
    }

    void awaitOutstanding() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (succeeded.get() + failed.get() < sent.get() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
  }
}
