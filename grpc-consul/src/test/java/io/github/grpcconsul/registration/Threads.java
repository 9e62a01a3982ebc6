package io.github.grpcconsul.registration;

import java.util.List;
import java.util.stream.Collectors;

/** Live threads by name prefix, for leak assertions. Test-only. */
final class Threads {
  private Threads() {}

  static List<String> named(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(prefix))
        .collect(Collectors.toList());
  }
}
