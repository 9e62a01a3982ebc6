package io.github.grpcconsul.registration;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff for retries towards the agent. Not thread-safe: used only on the registration's
 * executor thread.
 */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private long nextNanos;

  Backoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.nextNanos = initialNanos;
  }

  /** The delay before the next attempt: the current step ±20 %, then the step doubles up to the cap. */
  Duration next() {
    long base = nextNanos;
    nextNanos = Math.min(maxNanos, nextNanos * 2);
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofNanos((long) (base * jitter));
  }

  void reset() {
    nextNanos = initialNanos;
  }
}
