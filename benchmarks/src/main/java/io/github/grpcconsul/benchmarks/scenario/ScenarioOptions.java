package io.github.grpcconsul.benchmarks.scenario;

import java.time.Duration;

/**
 * The knobs of one scenario run. The same values apply to every contender; none is tuned for one of them.
 *
 * @param instances servers registered before the churn starts
 * @param trials how many times each churn step (add, remove, critical, passing) is measured
 * @param stepTimeout how long a change may take to reach the client before the trial counts as timed out
 * @param maxTimeouts a step that timed out this often is not measured again for that contender (keeps the run short)
 * @param quiet a removed instance counts as left once it has received no call for this long
 * @param idleWindow how long Consul requests are counted while nothing changes
 * @param outage how long the agent stays down
 * @param settle how long the harness watches after re-registration and after the rolling restart
 * @param drain a rolling restart waits this long between deregistering an instance and stopping its server
 * @param gap churn changes come at least this far apart, plus a random part of up to the same again, so that they hit
 *     each contender's polling or rate-limiting cycle at random phases instead of measuring one back-to-back burst
 */
record ScenarioOptions(
    String mode,
    int instances,
    int trials,
    Duration stepTimeout,
    int maxTimeouts,
    Duration quiet,
    Duration idleWindow,
    Duration outage,
    Duration settle,
    Duration drain,
    Duration gap) {

  /** Startup (JVM, Spring context, first resolution) may take this long on a loaded 2-core machine. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  static ScenarioOptions full() {
    return new ScenarioOptions("full", 4, 15, Duration.ofSeconds(30), 2, Duration.ofSeconds(1),
        Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(2),
        Duration.ofMillis(700));
  }

  /** Smoke mode for CI: every step once, short waits; the numbers mean little. */
  static ScenarioOptions quick() {
    return new ScenarioOptions("quick", 3, 1, Duration.ofSeconds(10), 1, Duration.ofMillis(500),
        Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(1),
        Duration.ofMillis(200));
  }

  static ScenarioOptions forMode(String mode) {
    return switch (mode) {
      case "full" -> full();
      case "quick" -> quick();
      default -> throw new IllegalArgumentException("unknown mode '" + mode + "'; use 'full' or 'quick'");
    };
  }
}
