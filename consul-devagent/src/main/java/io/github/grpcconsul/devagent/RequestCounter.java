package io.github.grpcconsul.devagent;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts requests by path, for tests that assert how often a client called the agent. */
final class RequestCounter {
  private final LongAdder total = new LongAdder();
  private final Map<String, LongAdder> byPath = new ConcurrentHashMap<>();

  void count(String path) {
    total.increment();
    byPath.computeIfAbsent(path, p -> new LongAdder()).increment();
  }

  long total() {
    return total.sum();
  }

  long withPrefix(String prefix) {
    long n = 0;
    for (Map.Entry<String, LongAdder> e : byPath.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        n += e.getValue().sum();
      }
    }
    return n;
  }
}
