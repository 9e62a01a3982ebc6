package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.internal.consul.HealthResponseParser;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client's work for one health flip, from the response bytes in hand to the watch's subscriber (the resolver,
 * which then builds the ResolutionResult for {@code onResult2}), phase by phase, on the same code the channel runs.
 * Benchmark-only: it lives in the resolver's package to reach its internals, which have no public API.
 *
 * <p>Two bodies of one service, {@code before} and {@code after} one instance's check changed, are applied
 * alternately, so that every application is a change. Each phase is timed by the calling thread's CPU on its own
 * (after {@code rounds} warm-up rounds), and the whole path through a real {@link ServiceWatch} with a direct
 * executor (so that the lane's work runs in this thread too) is timed by CPU and wall clock.
 */
public final class UpdatePhases {
  private UpdatePhases() {}

  /** Per-phase milliseconds, means over the measured rounds. */
  public record Result(double parse, double describe, double changeCheck, double resolve, double state,
      double watchCpu, double watchWall) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "parse %.2f, describe (attributes) %.2f, change check %.2f, resolve "
          + "(address groups) %.2f, state copy %.2f; sum %.2f; through ServiceWatch: CPU %.2f, wall %.2f ms", parse,
          describe, changeCheck, resolve, state, parse + describe + changeCheck + resolve + state, watchCpu,
          watchWall);
    }
  }

  public static Result measure(byte[] before, byte[] after, int rounds) throws IOException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    byte[][] bodies = {before, after};
    long[] sums = new long[5];
    List<InstanceMapper.Described> last = InstanceMapper.describe(HealthResponseParser.parse(before), false);
    int sink = 0;
    for (int r = 0; r < 2 * rounds; r++) {
      byte[] body = bodies[(r + 1) % 2];
      long t0 = mx.getCurrentThreadCpuTime();
      List<HealthEntry> entries = HealthResponseParser.parse(body);
      long t1 = mx.getCurrentThreadCpuTime();
      List<InstanceMapper.Described> described = InstanceMapper.describe(entries, false);
      long t2 = mx.getCurrentThreadCpuTime();
      boolean same = described.equals(last);
      long t3 = mx.getCurrentThreadCpuTime();
      List<Instance> instances = InstanceMapper.resolve(described, HostResolver.SYSTEM);
      long t4 = mx.getCurrentThreadCpuTime();
      WatchState state = WatchState.INITIAL.withInstances(instances);
      long t5 = mx.getCurrentThreadCpuTime();
      if (same) {
        throw new IllegalStateException("the two bodies describe the same instances");
      }
      sink += state.instances().size();
      last = described;
      if (r >= rounds) {
        sums[0] += t1 - t0;
        sums[1] += t2 - t1;
        sums[2] += t3 - t2;
        sums[3] += t4 - t3;
        sums[4] += t5 - t4;
      }
    }

    ServiceWatch watch = new ServiceWatch("scale", false, Runnable::run, HostResolver.SYSTEM);
    AtomicReference<WatchState> seen = new AtomicReference<>();
    watch.subscribe(seen::set);
    long cpu = 0;
    long wall = 0;
    for (int r = 0; r < 2 * rounds; r++) {
      byte[] body = bodies[r % 2];
      long c0 = mx.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      watch.onEntries(HealthResponseParser.parse(body));
      long w1 = System.nanoTime();
      long c1 = mx.getCurrentThreadCpuTime();
      if (seen.get() == null || seen.get().version() != r + 1) {
        throw new IllegalStateException("the watch did not publish round " + r);
      }
      if (r >= rounds) {
        cpu += c1 - c0;
        wall += w1 - w0;
      }
    }
    if (sink == 0) {
      throw new AssertionError();
    }
    double n = rounds * 1e6;
    return new Result(sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, sums[4] / n, cpu / n, wall / n);
  }
}
