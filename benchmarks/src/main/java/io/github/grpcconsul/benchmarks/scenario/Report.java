package io.github.grpcconsul.benchmarks.scenario;

import java.util.Locale;

/** The side-by-side table in Markdown, ours against the status quo, with the ratio of each figure. */
final class Report {
  private Report() {}

  static String markdown(ScenarioOptions options, ContenderResult ours, ContenderResult peer, String command) {
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
    for (ContenderResult r : new ContenderResult[] {ours, peer}) {
      if (r.failure != null) {
        md.append("**").append(r.contender.label).append(" stopped early:** `").append(r.failure).append("`\n\n");
      }
    }
    md.append("| figure | ").append(ours.contender.label).append(" | ").append(peer.contender.label)
        .append(" | ratio (peer / ours) |\n|---|---:|---:|---:|\n");
    for (Step step : Step.values()) {
      StepResult a = ours.step(step);
      StepResult b = peer.step(step);
      String what = step.label + ": " + step.measured;
      if (step.churn()) {
        row(md, what + ", p50 ms", ms(a, 50), ms(b, 50), ratio(a.percentile(50), b.percentile(50)));
        row(md, what + ", p99 ms", ms(a, 99), ms(b, 99), ratio(a.percentile(99), b.percentile(99)));
      } else {
        row(md, what + ", ms", ms(a, 50), ms(b, 50), ratio(a.percentile(50), b.percentile(50)));
      }
    }
    for (Step step : Step.values()) {
      long a = ours.step(step).failedCalls();
      long b = peer.step(step).failedCalls();
      row(md, "failed calls, " + step.label, Long.toString(a), Long.toString(b), ratio(a, b));
    }
    row(md, "Consul requests per minute, idle", num(ours.idleRequestsPerMinute), num(peer.idleRequestsPerMinute),
        ratio(ours.idleRequestsPerMinute, peer.idleRequestsPerMinute));
    row(md, "Consul requests per minute, during churn", num(ours.churnRequestsPerMinute),
        num(peer.churnRequestsPerMinute), ratio(ours.churnRequestsPerMinute, peer.churnRequestsPerMinute));
    row(md, "process launch to first successful call, ms", num(ours.startupMillis), num(peer.startupMillis),
        ratio(ours.startupMillis, peer.startupMillis));
    row(md, "client heap after full GC, MiB", mib(ours.heapBytes), mib(peer.heapBytes),
        ratio(ours.heapBytes, peer.heapBytes));
    row(md, "client live threads", Integer.toString(ours.threads), Integer.toString(peer.threads),
        ratio(ours.threads, peer.threads));
    md.append('\n');
    for (ContenderResult r : new ContenderResult[] {ours, peer}) {
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
    return md.toString();
  }

  private static void row(StringBuilder md, String figure, String ours, String peer, String ratio) {
    md.append("| ").append(figure).append(" | ").append(ours).append(" | ").append(peer).append(" | ")
        .append(ratio).append(" |\n");
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
    return String.format(Locale.ROOT, "%.1f×", peer / ours);
  }
}
