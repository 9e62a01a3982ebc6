package io.github.grpcconsul.devagent;

import java.math.BigDecimal;
import java.time.Duration;

/** Go's {@code time.ParseDuration} and {@code Duration.String()}, which Consul uses on the wire. */
final class GoDuration {
  private GoDuration() {}

  /** Parses "1m30s", "500ms", "-2h", "0"; throws IllegalArgumentException like Go's "time: invalid duration". */
  static Duration parse(String s) {
    String orig = s;
    if (s == null || s.isEmpty()) {
      throw invalid(orig);
    }
    boolean neg = false;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid(orig);
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String num = s.substring(start, i);
      if (num.isEmpty() || num.equals(".") || num.indexOf('.') != num.lastIndexOf('.')) {
        throw invalid(orig);
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      long unitNanos = switch (unit) {
        case "ns" -> 1L;
        case "us", "\u00b5s", "\u03bcs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> throw unit.isEmpty()
            ? new IllegalArgumentException("time: missing unit in duration \"" + orig + "\"")
            : new IllegalArgumentException("time: unknown unit \"" + unit + "\" in duration \"" + orig + "\"");
      };
      totalNanos = totalNanos.add(new BigDecimal(num).multiply(BigDecimal.valueOf(unitNanos)));
    }
    if (totalNanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw invalid(orig);
    }
    long nanos = totalNanos.longValue();
    return Duration.ofNanos(neg ? -nanos : nanos);
  }

  private static IllegalArgumentException invalid(String s) {
    return new IllegalArgumentException("time: invalid duration \"" + s + "\"");
  }

  /** Go's Duration.String(): "0s", "1m0s", "1h30m0s", "500ms", "1.5s". */
  static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (n < 0) {
      sb.append('-');
      n = -n;
    }
    if (n < 1_000_000_000L) {
      if (n < 1_000L) {
        return sb.append(n).append("ns").toString();
      } else if (n < 1_000_000L) {
        return sb.append(fraction(n, 1_000L)).append("\u00b5s").toString();
      }
      return sb.append(fraction(n, 1_000_000L)).append("ms").toString();
    }
    long hours = n / 3_600_000_000_000L;
    long rest = n % 3_600_000_000_000L;
    long minutes = rest / 60_000_000_000L;
    long secNanos = rest % 60_000_000_000L;
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    sb.append(fraction(secNanos, 1_000_000_000L)).append('s');
    return sb.toString();
  }

  private static String fraction(long value, long unit) {
    BigDecimal v = BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit));
    String s = v.stripTrailingZeros().toPlainString();
    return s;
  }
}
