package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.benchmarks.jmh.HealthParseBenchmark;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.internal.consul.HealthResponseParser;
import io.github.grpcconsul.internal.metrics.ConsulMetrics;
import io.github.grpcconsul.internal.metrics.WatchMetrics;
import io.github.grpcconsul.consul.ConsulConfig;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the metrics on the change path: one Consul answer that changes the list, through the real code from
 * the parser to the subscribers (parse, {@link ServiceWatch#onEntries}'s describe and change check, the lane's
 * mapping and publish, with the lane run inline), with what the instrumentation adds around it in
 * {@code ConsulHttp} (the request-duration histogram) and {@code WatchRegistry} (the answered counter):
 * {@code off} = no instrumentation (the code before metrics), {@code noop} = OpenTelemetry's API without an SDK
 * (or without the API: the same no-op facade), {@code sdk} = an SDK with a metric reader. Callbacks run only at
 * collection (every 60 s by default with a periodic reader), not on this path, so they are not in the loop.
 *
 * <p>In package {@code internal.resolver} (a split package on the class path) to reach the package-private watch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WatchUpdateBenchmark {

  @Param({"off", "noop", "sdk"})
  public String metrics;

  @Param({"10", "100"})
  public int instances;

  private final byte[][] bodies = new byte[2][];
  private int turn;
  private ServiceWatch watch;
  private ConsulMetrics consulMetrics;
  private WatchMetrics watchMetrics;
  private OpenTelemetrySdk sdk;
  private volatile WatchState last;

  @Setup
  public void setUp() throws IOException {
    String a = HealthParseBenchmark.realisticResponse(instances);
    // Instance 0's service check is "warning" in a; critical in b: every answer is a change.
    String b = a.replaceFirst("\"Status\":\"warning\"", "\"Status\":\"critical\"");
    if (a.equals(b)) {
      throw new IllegalStateException("no warning check to flip");
    }
    bodies[0] = a.getBytes(StandardCharsets.UTF_8);
    bodies[1] = b.getBytes(StandardCharsets.UTF_8);
    switch (metrics) {
      case "off" -> consulMetrics = null;
      case "noop" -> consulMetrics = ConsulMetrics.noop();
      case "sdk" -> {
        sdk = OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder()
            .registerMetricReader(InMemoryMetricReader.create()).build()).build();
        consulMetrics = ConsulMetrics.of(ConsulConfig.newBuilder().openTelemetry(sdk).build());
      }
      default -> throw new IllegalArgumentException("metrics: off, noop or sdk, not " + metrics);
    }
    if (consulMetrics != null) {
      watchMetrics = consulMetrics.watch("helloserver", null, "127.0.0.1", 8500);
    }
    watch = new ServiceWatch("bench", false, Runnable::run, HostResolver.SYSTEM, watchMetrics);
    watch.subscribe(state -> last = state);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (watchMetrics != null) {
      watchMetrics.close();
    }
    if (sdk != null) {
      sdk.close();
    }
  }

  /**
   * A load-insensitive cross-check of the JMH figures: the three variants in one thread, interleaved round by round
   * (so drift and neighbours' load hit all three alike), each round timed with the thread's CPU time. Prints CPU
   * µs per change and each variant's cost relative to {@code off}. Arguments: instances (default 10), rounds
   * (default 40; the first quarter warms up), changes per round (default 2000), and optionally one variant only
   * (for {@code perf stat -e instructions}: two runs with different round counts, the difference divided by the
   * difference in changes gives instructions per change without the JVM's start and most of the JIT's work).
   */
  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    int perRound = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    String[] modes = args.length > 3 ? new String[] {args[3]} : new String[] {"off", "noop", "sdk"};
    WatchUpdateBenchmark[] b = new WatchUpdateBenchmark[modes.length];
    for (int i = 0; i < modes.length; i++) {
      b[i] = new WatchUpdateBenchmark();
      b[i].metrics = modes[i];
      b[i].instances = n;
      b[i].setUp();
    }
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long[] cpu = new long[modes.length];
    long[][] perRoundCpu = new long[modes.length][rounds];
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < modes.length; k++) {
        int i = (r + k) % modes.length; // rotate the order too
        long t0 = mx.getCurrentThreadCpuTime();
        for (int op = 0; op < perRound; op++) {
          sink += b[i].change().version();
        }
        long t1 = mx.getCurrentThreadCpuTime();
        perRoundCpu[i][r] = t1 - t0;
        if (r >= rounds / 4) {
          cpu[i] += t1 - t0;
        }
      }
    }
    long measured = (long) (rounds - rounds / 4) * perRound;
    double off = cpu[0] / (double) measured / 1e3;
    for (int i = 0; i < modes.length; i++) {
      double us = cpu[i] / (double) measured / 1e3;
      // The median over rounds of (this round's variant / this round's off): a load spike hits one round, not all.
      double[] ratios = new double[rounds - rounds / 4];
      for (int r = rounds / 4; r < rounds; r++) {
        ratios[r - rounds / 4] = perRoundCpu[i][r] / (double) perRoundCpu[0][r];
      }
      java.util.Arrays.sort(ratios);
      System.out.printf("%-5s instances=%d  %.3f us CPU/change  %+.2f %% vs off (sums), %+.2f %% (median of rounds)%n",
          modes[i], n, us, (us / off - 1) * 100, (ratios[ratios.length / 2] - 1) * 100);
    }
    for (WatchUpdateBenchmark x : b) {
      x.tearDown();
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  /**
   * Only what the instrumentation adds per change, without the change itself: the histogram record (with an SDK),
   * the answered counter, the health counts and the delivered counter (the counting loop over the instances, one
   * enum switch each, is left out).
   */
  @Benchmark
  public long instrumentationOnly() {
    long sent = System.nanoTime();
    ConsulMetrics m = consulMetrics;
    if (m != null && !m.isNoop()) {
      m.request("GET", "/v1/health/service/{service}", "127.0.0.1", 8500, System.nanoTime() - sent, 200, null);
    }
    WatchMetrics w = watchMetrics;
    if (w != null) {
      w.answered(true);
      w.instances(instances - 1, 1, 0, 0);
      w.delivered();
    }
    return sent;
  }

  @Benchmark
  public WatchState change() throws IOException {
    byte[] body = bodies[turn ^= 1];
    long sent = System.nanoTime(); // ConsulHttp takes this time stamp anyway
    List<HealthEntry> entries = HealthResponseParser.parse(body);
    ConsulMetrics m = consulMetrics;
    if (m != null && !m.isNoop()) { // as ConsulHttp.record
      m.request("GET", "/v1/health/service/{service}", "127.0.0.1", 8500, System.nanoTime() - sent, 200, null);
    }
    if (watchMetrics != null) {
      watchMetrics.answered(true); // as WatchRegistry's listener
    }
    watch.onEntries(entries);
    return last;
  }
}
