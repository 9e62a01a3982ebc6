package io.github.grpcconsul.examples.demo;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What the demo measured, for the summary table and for the test that checks it. */
final class DemoReport {
  /** How one change reached Consul and the client. */
  record Change(String title, String consul, String client) {}

  private final List<String> instances;
  private final Map<Phase, Tally> tallies;
  private final List<Change> changes;
  private final List<String> notes;
  private final List<String> problems;

  DemoReport(List<String> instances, Map<Phase, Tally> tallies, List<Change> changes, List<String> notes,
      List<String> problems) {
    this.instances = List.copyOf(instances);
    this.tallies = new EnumMap<>(tallies);
    this.changes = List.copyOf(changes);
    this.notes = List.copyOf(notes);
    this.problems = List.copyOf(problems);
  }

  /** This report with {@code more} problems after its own (those of the optional weights phase). */
  DemoReport withProblems(List<String> more) {
    List<String> all = new ArrayList<>(problems);
    all.addAll(more);
    return new DemoReport(instances, tallies, changes, notes, all);
  }

  /** Instance ids in the order they started. */
  List<String> instances() {
    return instances;
  }

  /** Calls that {@code instance} answered during {@code phase}. */
  long calls(String instance, Phase phase) {
    return tallies.get(phase).replies().getOrDefault(instance, 0L);
  }

  long calls(String instance) {
    long total = 0;
    for (Phase p : Phase.values()) {
      total += calls(instance, p);
    }
    return total;
  }

  long failed(Phase phase) {
    return tallies.get(phase).failures().values().stream().mapToLong(Long::longValue).sum();
  }

  Map<Status.Code, Long> failures(Phase phase) {
    return tallies.get(phase).failures();
  }

  List<Change> changes() {
    return changes;
  }

  /** Explanations printed under the table. */
  List<String> notes() {
    return notes;
  }

  /** Departures from the expected story (empty when the demo went as described). */
  List<String> problems() {
    return problems;
  }

  /** The summary as printed: calls per instance and phase, then the changes. */
  String render() {
    Phase[] phases = Phase.values();
    String[] header = new String[phases.length + 2];
    header[0] = "calls answered";
    for (int i = 0; i < phases.length; i++) {
      header[i + 1] = phases[i].title();
    }
    header[header.length - 1] = "total";
    TextTable calls = new TextTable(true, header);
    for (String instance : instances) {
      Object[] row = new Object[header.length];
      row[0] = instance;
      for (int i = 0; i < phases.length; i++) {
        row[i + 1] = calls(instance, phases[i]);
      }
      row[row.length - 1] = calls(instance);
      calls.row(row);
    }
    Object[] failedRow = new Object[header.length];
    failedRow[0] = "failed calls";
    long failedTotal = 0;
    for (int i = 0; i < phases.length; i++) {
      failedRow[i + 1] = failed(phases[i]);
      failedTotal += failed(phases[i]);
    }
    failedRow[failedRow.length - 1] = failedTotal;
    calls.row(failedRow);

    TextTable timing = new TextTable(false, "change", "seen by Consul", "seen by the client");
    for (Change change : changes) {
      timing.row(change.title(), change.consul(), change.client());
    }

    String nl = System.lineSeparator();
    StringBuilder text = new StringBuilder();
    text.append(nl).append("Summary").append(nl).append(nl);
    text.append(calls.render("  ")).append(nl);
    text.append(timing.render("  "));
    text.append("  (times from the change: the client sees it when calls stop or start reaching the instance)").append(nl);
    if (!notes.isEmpty()) {
      text.append(nl);
      for (String note : notes) {
        text.append(wrap(note, "  ", 112)).append(nl);
      }
    }
    if (!problems.isEmpty()) {
      text.append(nl).append("Not as expected:").append(nl);
      for (String problem : problems) {
        text.append("  - ").append(problem).append(nl);
      }
    }
    return text.toString();
  }

  /**
   * Wraps {@code text} at {@code width} columns, never between a number and its unit; continuation lines are indented
   * two more spaces.
   */
  static String wrap(String text, String indent, int width) {
    StringBuilder out = new StringBuilder();
    StringBuilder line = new StringBuilder(indent);
    boolean empty = true;
    for (String word : text.split("(?<![0-9]) ")) {
      if (!empty && line.length() + 1 + word.length() > width) {
        out.append(line).append(System.lineSeparator());
        line = new StringBuilder(indent).append("  ");
        empty = true;
      }
      line.append(empty ? "" : " ").append(word);
      empty = false;
    }
    return out.append(line).toString();
  }
}
