package io.github.grpcconsul.internal.resolver;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Lists the live threads this library starts (all named {@code grpc-consul-*}). */
final class ThreadCheck {

  private ThreadCheck() {}

  /** The library's live threads now; take it before a test starts anything. */
  static Set<Thread> baseline() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("grpc-consul"))
        .collect(Collectors.toSet());
  }

  /** Names of the library's live threads that were not in the baseline (other tests' threads are not ours). */
  static List<String> newSince(Set<Thread> baseline) {
    return baseline().stream()
        .filter(t -> !baseline.contains(t))
        .map(Thread::getName)
        .collect(Collectors.toList());
  }
}
