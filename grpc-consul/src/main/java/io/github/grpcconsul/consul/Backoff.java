package io.github.grpcconsul.consul;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** Exponential backoff with jitter: {@code initial * 2^(failures-1)}, capped, then scaled by 1 ± jitter. */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private final double jitter;
  private final DoubleSupplier random;

  Backoff(Duration initial, Duration max, double jitter, DoubleSupplier random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff " + initial + " .. " + max + " is invalid: need 0 < initial <= max");
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("backoff jitter " + jitter + " must be in [0, 1)");
    }
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.jitter = jitter;
    this.random = random;
  }

  /** The delay before retry number {@code failures} (1 = first retry). */
  long delayNanos(int failures) {
    double base = initialNanos;
    for (int i = 1; i < failures && base < maxNanos; i++) {
      base *= 2;
    }
    base = Math.min(base, maxNanos);
    double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
    return (long) (base * factor);
  }
}
