package io.github.grpcconsul.devagent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named "consul-devagent-<role>-<n>", so tests can prove none outlive the agent. */
final class NamedThreads implements ThreadFactory {
  static final String PREFIX = "consul-devagent-";
  private final String name;
  private final AtomicInteger n = new AtomicInteger();

  NamedThreads(String role) {
    this.name = PREFIX + role + "-";
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, name + n.incrementAndGet());
    t.setDaemon(true);
    return t;
  }
}
