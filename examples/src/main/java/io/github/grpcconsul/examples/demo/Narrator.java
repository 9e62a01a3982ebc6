package io.github.grpcconsul.examples.demo;

import java.io.PrintStream;
import java.util.Locale;

/** Prints the demo's story: timestamped lines since the start, headings between phases. Thread-safe. */
final class Narrator {
  private final PrintStream out;
  private final long start = System.nanoTime();

  Narrator(PrintStream out) {
    this.out = out;
  }

  synchronized void say(String text) {
    out.printf(Locale.ROOT, "%7.2fs  %s%n", (System.nanoTime() - start) / 1e9, text);
    out.flush();
  }

  synchronized void heading(String text) {
    out.println();
    out.println(text);
    out.flush();
  }

  /** Prints text as it is (the summary). */
  synchronized void print(String text) {
    out.print(text);
    out.flush();
  }

  /** Formats a span of nanoseconds for people: {@code 3 ms}, {@code 812 ms}, {@code 1.24 s}; signed. */
  static String span(long nanos) {
    double millis = nanos / 1e6;
    if (Math.abs(millis) < 1000) {
      return String.format(Locale.ROOT, "%s%d ms", millis < 0 ? "-" : "", Math.round(Math.abs(millis)));
    }
    return String.format(Locale.ROOT, "%.2f s", millis / 1000);
  }
}
