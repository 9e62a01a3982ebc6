package io.github.grpcconsul.resolver;

import java.util.List;
import java.util.stream.Collectors;

/** Lists the live threads this library starts (all named {@code grpc-consul-*}). */
final class ThreadCheck {

  private ThreadCheck() {}

  static List<String> watchThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("grpc-consul"))
        .collect(Collectors.toList());
  }
}
