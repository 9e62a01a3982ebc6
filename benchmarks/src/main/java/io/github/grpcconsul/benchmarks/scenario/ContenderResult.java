package io.github.grpcconsul.benchmarks.scenario;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Everything measured for one contender in one run. */
final class ContenderResult {
  final Contender contender;
  final Map<Step, StepResult> steps = new EnumMap<>(Step.class);
  double startupMillis = Double.NaN;
  double idleRequestsPerMinute = Double.NaN;
  double churnRequestsPerMinute = Double.NaN;
  /** Idle requests per minute by endpoint (path prefix), to show where the idle traffic goes. */
  final Map<String, Double> idleByEndpoint = new LinkedHashMap<>();
  long heapBytes = -1;
  int threads = -1;
  /** Set when the run stopped early: why. */
  String failure;

  ContenderResult(Contender contender) {
    this.contender = contender;
    for (Step step : Step.values()) {
      steps.put(step, new StepResult());
    }
  }

  StepResult step(Step step) {
    return steps.get(step);
  }
}
