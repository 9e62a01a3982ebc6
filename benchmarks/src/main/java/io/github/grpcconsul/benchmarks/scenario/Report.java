package io.github.grpcconsul.benchmarks.scenario;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** The side-by-side table in Markdown: one column per contender, ours first, each peer's figure with its ratio. */
final class Report {
  private Report() {}

  static String markdown(ScenarioOptions options, List<ContenderResult> results, String command) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "Machine: %d cores (`nproc`), %s %s (%s), %s. Mode `%s`: %d instances, %d trials per churn step, "
            + "changes %d to %d ms apart, step timeout %d s, agent outage %d s, "
            + "drain %d s during the rolling restart.%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), System.getProperty("java.vendor"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"), options.mode(), options.instances(),
        options.trials(), options.gap().toMillis(), 2 * options.gap().toMillis(), options.stepTimeout().toSeconds(),
        options.outage().toSeconds(),
        options.drain().toSeconds()));
    md.append("Command: `").append(command).append("`\n\n");
    for (ContenderResult r : results) {
      if (r.failure != null) {
        md.append("**").append(r.contender.label).append(" stopped early:** `").append(r.failure).append("`\n\n");
      }
    }
    md.append("Each peer's cell ends with its ratio peer / ours from this run (above 1: ours is better).\n\n");
    md.append("| figure |");
    for (ContenderResult r : results) {
      md.append(' ').append(r.contender.label).append(" |");
    }
    md.append("\n|---|").append("---:|".repeat(results.size())).append('\n');
    for (Step step : Step.values()) {
      String what = step.label + ": " + step.measured;
      if (step.churn()) {
        row(md, what + ", p50 ms", results, r -> ms(r.step(step), 50), r -> r.step(step).percentile(50));
        row(md, what + ", p99 ms", results, r -> ms(r.step(step), 99), r -> r.step(step).percentile(99));
      } else {
        row(md, what + ", ms", results, r -> ms(r.step(step), 50), r -> r.step(step).percentile(50));
      }
    }
    for (Step step : Step.values()) {
      row(md, "failed calls, " + step.label, results, r -> Long.toString(r.step(step).failedCalls()),
          r -> r.step(step).failedCalls());
    }
    row(md, "Consul requests per minute, idle", results, r -> num(r.idleRequestsPerMinute),
        r -> r.idleRequestsPerMinute);
    row(md, "Consul requests per minute, during churn", results, r -> num(r.churnRequestsPerMinute),
        r -> r.churnRequestsPerMinute);
    row(md, "process launch to first successful call, ms", results, r -> num(r.startupMillis),
        r -> r.startupMillis);
    row(md, "client heap after full GC, MiB", results, r -> mib(r.heapBytes), r -> r.heapBytes);
    row(md, "client live threads", results, r -> Integer.toString(r.threads), r -> r.threads);
    md.append('\n');
    for (ContenderResult r : results) {
      md.append("Idle requests per minute by endpoint, ").append(r.contender.label).append(": ");
      if (r.idleByEndpoint.isEmpty()) {
        md.append("none");
      }
      String sep = "";
      for (var e : r.idleByEndpoint.entrySet()) {
        md.append(sep).append('`').append(e.getKey()).append("` ").append(num(e.getValue()));
        sep = ", ";
      }
      md.append(".\n");
    }
    if (results.stream().anyMatch(r -> r.contender.name.startsWith("go-"))) {
      md.append("\nGo contenders' heap is `runtime.MemStats.HeapAlloc` after two `runtime.GC()`, their threads the "
          + "process's OS threads (`/proc/self/status`).\n");
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String figure, List<ContenderResult> results,
      Function<ContenderResult, String> cell, ToDoubleFunction<ContenderResult> value) {
    md.append("| ").append(figure).append(" |");
    double ours = value.applyAsDouble(results.get(0));
    for (int i = 0; i < results.size(); i++) {
      md.append(' ').append(cell.apply(results.get(i)));
      if (i > 0) {
        md.append("; ").append(ratio(ours, value.applyAsDouble(results.get(i))));
      }
      md.append(" |");
    }
    md.append('\n');
  }

  /** The percentile, with how many trials it covers and how many timed out or could not be measured. */
  private static String ms(StepResult step, double p) {
    int n = step.millis().size() + step.timeouts();
    if (n == 0) {
      return step.notApplicableCount() > 0 ? "n/a (never left)" : "n/a";
    }
    double v = step.percentile(p);
    String value = Double.isInfinite(v) ? "> timeout" : num(v);
    String detail = "n=" + n + (step.timeouts() > 0 ? ", " + step.timeouts() + " timed out" : "");
    return value + " (" + detail + ")";
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }

  private static String ratio(double ours, double peer) {
    if (Double.isNaN(ours) || Double.isNaN(peer) || ours < 0 || peer < 0) {
      return "n/a";
    }
    if (Double.isInfinite(peer) && !Double.isInfinite(ours)) {
      return "peer never";
    }
    if (Double.isInfinite(ours)) {
      return "n/a";
    }
    if (ours == 0) {
      return peer == 0 ? "=" : "ours 0";
    }
    double r = peer / ours;
    return String.format(Locale.ROOT, r < 0.095 ? "%.3f×" : "%.1f×", r);
  }
}
