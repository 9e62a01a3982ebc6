package io.github.grpcconsul.consul;

import java.time.Duration;

/** Durations as Go's {@code time.ParseDuration} reads them: the largest exact unit, e.g. {@code 10s}, {@code 1500ms}. */
final class GoDuration {
  private GoDuration() {}

  static String format(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("duration " + d + " is negative: use a positive duration");
    }
    long nanos = d.toNanos();
    if (nanos % 1_000_000_000L == 0) {
      return (nanos / 1_000_000_000L) + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return (nanos / 1_000_000L) + "ms";
    }
    if (nanos % 1_000L == 0) {
      return (nanos / 1_000L) + "us";
    }
    return nanos + "ns";
  }

  /** The {@code wait} parameter the way Consul's Go client sends it: whole milliseconds, at least 1 ms. */
  static String formatWait(Duration wait) {
    long ms = wait.toMillis();
    return Math.max(ms, 1) + "ms";
  }
}
