package io.github.grpcconsul.benchmarks.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What one contender did in one kind of step, over all its trials. */
final class StepResult {
  private final List<Double> millis = new ArrayList<>();
  private int timeouts;
  private int notApplicable;
  private long failedCalls;

  void propagated(double ms) {
    millis.add(ms);
  }

  /** The last propagation recorded turned out false (the instance got calls again): count it as not propagated. */
  void retract() {
    millis.remove(millis.size() - 1);
    timeouts++;
  }

  void timedOut() {
    timeouts++;
  }

  /** The trial could not be measured (e.g. "back to passing" after the critical step never propagated). */
  void notApplicable() {
    notApplicable++;
  }

  void addFailedCalls(long n) {
    failedCalls += n;
  }

  List<Double> millis() {
    return Collections.unmodifiableList(millis);
  }

  int timeouts() {
    return timeouts;
  }

  int notApplicableCount() {
    return notApplicable;
  }

  long failedCalls() {
    return failedCalls;
  }

  /**
   * Nearest-rank percentile of all trials, timeouts counted as +infinity (so a p50 is infinite once half timed out).
   * NaN when nothing was measured.
   */
  double percentile(double p) {
    int n = millis.size() + timeouts;
    if (n == 0) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * n);
    int index = Math.max(1, rank) - 1;
    return index < sorted.size() ? sorted.get(index) : Double.POSITIVE_INFINITY;
  }
}
