package io.github.grpcconsul.examples.demo;

import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The outcome of the calls that ended in one phase: replies per instance, failures per status code. */
final class Tally {
  private final Map<String, LongAdder> replies = new ConcurrentHashMap<>();
  private final Map<Status.Code, LongAdder> failures = new ConcurrentHashMap<>();

  void replied(String instance) {
    replies.computeIfAbsent(instance, k -> new LongAdder()).increment();
  }

  void failed(Status.Code code) {
    failures.computeIfAbsent(code, k -> new LongAdder()).increment();
  }

  /** Replies per instance, sorted by instance id. */
  Map<String, Long> replies() {
    Map<String, Long> copy = new TreeMap<>();
    replies.forEach((id, n) -> copy.put(id, n.sum()));
    return copy;
  }

  /** Failures per status code. */
  Map<Status.Code, Long> failures() {
    Map<Status.Code, Long> copy = new TreeMap<>();
    failures.forEach((code, n) -> copy.put(code, n.sum()));
    return copy;
  }
}
