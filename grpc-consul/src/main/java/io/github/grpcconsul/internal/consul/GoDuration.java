package io.github.grpcconsul.internal.consul;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Go's {@code time.Duration} text, the syntax Consul uses for {@code wait}, TTLs and intervals: parsing
 * ({@code 30s}, {@code 1m30s}, {@code 500ms}) and formatting (the largest exact unit, e.g. {@code 10s},
 * {@code 1500ms}).
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class GoDuration {
  private GoDuration() {}

  static String format(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("duration " + d + " is negative: use a positive duration");
    }
    long nanos = d.toNanos();
    if (nanos % 1_000_000_000L == 0) {
      return (nanos / 1_000_000_000L) + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return (nanos / 1_000_000L) + "ms";
    }
    if (nanos % 1_000L == 0) {
      return (nanos / 1_000L) + "us";
    }
    return nanos + "ns";
  }

  /** The {@code wait} parameter the way Consul's Go client sends it: whole milliseconds, at least 1 ms. */
  static String formatWait(Duration wait) {
    long ms = wait.toMillis();
    return Math.max(ms, 1) + "ms";
  }

  /**
   * Parses a Go duration string.
   *
   * @throws IllegalArgumentException without a message prefix; the caller adds context
   */
  public static Duration parse(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    int i = 0;
    while (i < text.length()) {
      int numberStart = i;
      while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
        i++;
      }
      if (i == numberStart) {
        throw new IllegalArgumentException("expected a number at \"" + text.substring(i) + "\"");
      }
      BigDecimal number;
      try {
        number = new BigDecimal(text.substring(numberStart, i));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad number \"" + text.substring(numberStart, i) + "\"");
      }
      int unitStart = i;
      while (i < text.length() && !Character.isDigit(text.charAt(i)) && text.charAt(i) != '.') {
        i++;
      }
      String unit = text.substring(unitStart, i);
      totalNanos = totalNanos.add(number.multiply(BigDecimal.valueOf(nanosPer(unit))));
    }
    return Duration.ofNanos(totalNanos.longValueExact());
  }

  private static long nanosPer(String unit) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "\u00b5s":
      case "\u03bcs":
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      case "":
        throw new IllegalArgumentException("missing unit (use ms, s, m or h, e.g. 30s)");
      default:
        throw new IllegalArgumentException("unknown unit \"" + unit + "\" (use ms, s, m or h, e.g. 30s)");
    }
  }
}
