package io.github.grpcconsul.devagent;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;

/** A parked blocking query: no thread waits for it; whoever makes it ready (a commit or its timeout) answers it. */
final class Waiter {
  final String topic;
  /** Evaluated under the state lock after each commit that touched {@link #topic}. */
  final BooleanSupplier ready;
  /** Answers the request; runs on {@link #loop}, or on the dispatcher when that is null. */
  final Runnable respond;
  /** The event loop of the request's connection (answers run there, next to the write), or null. */
  final Executor loop;
  ScheduledFuture<?> timeout;

  Waiter(String topic, BooleanSupplier ready, Runnable respond) {
    this(topic, ready, respond, null);
  }

  Waiter(String topic, BooleanSupplier ready, Runnable respond, Executor loop) {
    this.topic = topic;
    this.ready = ready;
    this.respond = respond;
    this.loop = loop;
  }
}
