package io.github.grpcconsul.devagent;

import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;

/** A parked blocking query: no thread waits for it; whoever makes it ready (a commit or its timeout) answers it. */
final class Waiter {
  final String topic;
  /** Evaluated under the state lock after each commit that touched {@link #topic}. */
  final BooleanSupplier ready;
  /** Answers the request; runs on the handler executor. */
  final Runnable respond;
  ScheduledFuture<?> timeout;

  Waiter(String topic, BooleanSupplier ready, Runnable respond) {
    this.topic = topic;
    this.ready = ready;
    this.respond = respond;
  }
}
