package io.github.grpcconsul.examples.demo;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When the client got the first and the last reply of each instance. Timestamps are {@link System#nanoTime()},
 * comparable with the demo's other events. On loopback a reply reaches the client well under a millisecond after
 * the instance answered, so these are also when calls started and stopped reaching each instance.
 */
final class Observations {
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  /** Called on a grpc thread for each reply, with the id of the instance that answered. */
  void replied(String instanceId) {
    long now = System.nanoTime();
    Seen s = seen.computeIfAbsent(instanceId, k -> new Seen(now));
    s.last.accumulateAndGet(now, Math::max);
  }

  OptionalLong firstReply(String instanceId) {
    Seen s = seen.get(instanceId);
    return s == null ? OptionalLong.empty() : OptionalLong.of(s.first);
  }

  OptionalLong lastReply(String instanceId) {
    Seen s = seen.get(instanceId);
    return s == null ? OptionalLong.empty() : OptionalLong.of(s.last.get());
  }

  private static final class Seen {
    final long first;
    final AtomicLong last;

    Seen(long first) {
      this.first = first;
      this.last = new AtomicLong(first);
    }
  }
}
