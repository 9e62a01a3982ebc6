package io.github.grpcconsul.resolver;

import java.math.BigDecimal;
import java.time.Duration;

/** Go's {@code time.ParseDuration} syntax, the one Consul uses for {@code wait}: {@code 30s}, {@code 1m30s}, {@code 500ms}. */
final class GoDuration {

  private GoDuration() {}

  /**
   * Parses a Go duration string.
   *
   * @throws IllegalArgumentException without a message prefix; the caller adds context
   */
  static Duration parse(String text) {
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
