package io.github.grpcconsul.benchmarks.scenario;

/** The changes the scenario makes, in the order of the report. */
enum Step {
  ADD("instance added", "first call reaching it"),
  REMOVE("instance deregistered", "last call reaching it"),
  CRITICAL("check turned critical", "last call reaching it"),
  PASSING("check back to passing", "first call reaching it"),
  OUTAGE("agent down, restarted, re-registered", "agent back until an instance added then gets calls"),
  ROLLING("rolling restart of all instances", "last replacement registered until every replacement serves");

  final String label;
  final String measured;

  Step(String label, String measured) {
    this.label = label;
    this.measured = measured;
  }

  boolean churn() {
    return ordinal() <= PASSING.ordinal();
  }
}
