package io.github.grpcconsul.internal.consul;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: {@code initial * 2^(failures-1)}, capped, then scaled by 1 ± jitter. Stateless:
 * the caller counts its consecutive failures.
 *
 * <p>Threading: immutable and thread-safe (jitter from {@code ThreadLocalRandom}); called by a blocking query under
 * its lock and by the registration loop on its executor; never blocks.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class Backoff {
  private static final double DEFAULT_JITTER = 0.2;

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

  /** {@code initial} doubling up to {@code max}, each delay jittered by ±20 %. */
  public static Backoff of(Duration initial, Duration max) {
    return new Backoff(initial, max, DEFAULT_JITTER, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** The delay before retry number {@code failures} (1 = first retry). */
  public Duration delay(int failures) {
    return Duration.ofNanos(delayNanos(failures));
  }

  /** The delay before retry number {@code failures} (1 = first retry), in nanoseconds. */
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
