package io.github.grpcconsul.internal.consul;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket on a nanosecond clock: {@code burst} tokens, one more every {@code refill}.
 *
 * <p>Threading: not thread-safe; the blocking query that owns it uses it under its lock, one logical thread at a
 * time. Never blocks.
 */
final class TokenBucket {
  private final int burst;
  private final long refillNanos;
  private final LongSupplier clock;
  private double tokens;
  private long last;

  TokenBucket(int burst, Duration refill, LongSupplier clock) {
    if (burst < 1) {
      throw new IllegalArgumentException("rate-limit burst " + burst + " must be >= 1");
    }
    if (refill.isNegative() || refill.isZero()) {
      throw new IllegalArgumentException("rate-limit refill interval " + refill + " must be > 0");
    }
    this.burst = burst;
    this.refillNanos = refill.toNanos();
    this.clock = clock;
    this.tokens = burst;
    this.last = clock.getAsLong();
  }

  /** Takes a token if one is available and returns 0, or returns the nanoseconds until one will be. */
  long tryAcquire() {
    long now = clock.getAsLong();
    tokens = Math.min(burst, tokens + (double) (now - last) / refillNanos);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) * refillNanos);
  }
}
