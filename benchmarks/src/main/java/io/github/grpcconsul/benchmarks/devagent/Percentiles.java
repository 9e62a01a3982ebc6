package io.github.grpcconsul.benchmarks.devagent;

import java.util.Arrays;

/** Nearest-rank percentiles of a sample of durations in nanoseconds, reported in milliseconds. */
final class Percentiles {
  private final long[] sorted;

  Percentiles(long[] nanos) {
    sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  double p(double percentile) {
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return millis(sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))]);
  }

  double max() {
    return millis(sorted[sorted.length - 1]);
  }

  int count() {
    return sorted.length;
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  @Override
  public String toString() {
    return String.format("n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms", count(), p(50), p(99), max());
  }
}
