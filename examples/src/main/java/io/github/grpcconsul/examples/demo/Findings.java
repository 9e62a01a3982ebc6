package io.github.grpcconsul.examples.demo;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** What the summary explains under its tables (notes), and departures from the expected story (problems). */
final class Findings {
  private final List<String> notes = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  void problem(String text) {
    problems.add(text);
  }

  List<String> notes() {
    return notes;
  }

  List<String> problems() {
    return problems;
  }

  /** Why calls failed when {@code victim} was killed, and how fast Consul noticed. */
  void explainCrash(Tally tally, String victim, OptionalLong criticalAt, long killedAt) {
    String confirmed = criticalAt.isPresent()
        ? "Consul's gRPC check marked it critical " + Narrator.span(criticalAt.getAsLong() - killedAt)
            + " after the kill."
        : "Consul's gRPC check did not mark it critical in time.";
    Map<Status.Code, Long> failures = tally.failures();
    long failed = sum(failures);
    if (failed == 0) {
      notes.add("Crash: no call failed. round_robin stopped picking " + victim
          + " as soon as its connections closed; " + confirmed);
    } else {
      notes.add("Crash: " + failed + " call(s) failed (" + codes(failures) + "): calls in flight on, or just sent to, "
          + victim + " when it died. round_robin stopped picking it as soon as its connections closed; " + confirmed);
    }
  }

  /**
   * Checks the story's promises: no call fails while {@code leaver} leaves gracefully, every instance answers calls.
   * Failures outside the crash phase are listed by status code.
   */
  void check(Map<Phase, Tally> tallies, List<String> instances, String leaver) {
    for (Phase phase : Phase.values()) {
      Map<Status.Code, Long> failures = tallies.get(phase).failures();
      if (phase != Phase.CRASH && !failures.isEmpty()) {
        notes.add("Phase " + phase.title() + ": failed calls by status: " + codes(failures) + ".");
      }
    }
    long gracefulFailures = sum(tallies.get(Phase.LEAVE).failures());
    if (gracefulFailures > 0) {
      problems.add(gracefulFailures + " call(s) failed while " + leaver + " left gracefully (expected none)");
    }
    for (String id : instances) {
      long total = 0;
      for (Phase p : Phase.values()) {
        total += tallies.get(p).replies().getOrDefault(id, 0L);
      }
      if (total == 0) {
        problems.add(id + " answered no call");
      }
    }
  }

  private static long sum(Map<Status.Code, Long> failures) {
    return failures.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String codes(Map<Status.Code, Long> failures) {
    return failures.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
