package io.github.grpcconsul.devagent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Consul's blocking-query and consistency parameters (index, wait, stale, consistent, cached). */
record QueryOptions(long index, Duration waitTime, String consistency, boolean cached) {
  static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  static final Duration MAX_WAIT = Duration.ofMinutes(10);

  static QueryOptions parse(ApiRequest req) {
    long index = 0;
    String idx = req.param("index");
    if (idx != null) {
      try {
        index = Long.parseUnsignedLong(idx);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(Texts.INVALID_INDEX);
      }
    }
    Duration wait = Duration.ZERO;
    String w = req.param("wait");
    if (w != null) {
      try {
        wait = GoDuration.parse(w);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(Texts.INVALID_WAIT);
      }
    }
    boolean stale = req.has("stale");
    boolean consistent = req.has("consistent");
    boolean cached = req.has("cached");
    String maxStale = req.param("max_stale");
    if (maxStale != null) {
      try {
        if (GoDuration.parse(maxStale).compareTo(Duration.ZERO) > 0) {
          stale = true;
        }
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("Invalid max_stale value \"" + maxStale + "\"");
      }
    }
    if (stale && consistent) {
      throw ApiException.badRequest(Texts.STALE_CONSISTENT);
    }
    if (cached && consistent) {
      throw ApiException.badRequest(Texts.CACHED_CONSISTENT);
    }
    if (req.has("leader")) {
      stale = false;
    }
    return new QueryOptions(index, wait, stale ? "stale" : consistent ? "consistent" : "leader", cached);
  }

  boolean blocking() {
    return index > 0;
  }

  /** The wait clamped like Consul (0 = 5 min, max 10 min) plus up to wait/16 of jitter. */
  long timeoutNanos() {
    Duration d = waitTime;
    if (d.compareTo(Duration.ZERO) <= 0) {
      d = DEFAULT_WAIT;
    } else if (d.compareTo(MAX_WAIT) > 0) {
      d = MAX_WAIT;
    }
    long nanos = d.toNanos();
    long jitter = nanos / 16;
    return nanos + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter) : 0);
  }
}
