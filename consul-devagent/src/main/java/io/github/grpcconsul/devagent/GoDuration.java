package io.github.grpcconsul.devagent;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Go's {@code time.ParseDuration} and {@code Duration.String()}, which Consul uses on the wire and in its config
 * files. grpc-consul has its own copy of the parser (the dev agent does not depend on the library); both are tested
 * against the same table of Go's results, {@code interop/goduration/testdata/go-durations.tsv}.
 */
final class GoDuration {
  private GoDuration() {}

  /**
   * Parses Go's duration text exactly as Go's {@code time.ParseDuration} does (Go 1.26): an optional sign, then one
   * or more decimal numbers (fractions allowed, e.g. {@code 1.5h}, {@code .5s}) each with a unit {@code ns},
   * {@code us}, {@code µs}, {@code μs}, {@code ms}, {@code s}, {@code m} or {@code h}; {@code 0} alone needs no
   * unit; negative values are allowed; anything beyond int64 nanoseconds is an error. The arithmetic, including
   * the float64 rounding of fractions and Go's unsigned wrap-around when two terms of 2^63 ns are added, follows
   * Go's source line by line, and the test checks every row of Go's own results in
   * {@code interop/goduration/testdata/go-durations.tsv}.
   *
   * @throws IllegalArgumentException with Go's own message, e.g. {@code time: unknown unit "sec" in duration
   *     "5sec"}; callers add what the value was for and how to fix it
   */
  static Duration parse(String text) {
    byte[] s = text.getBytes(StandardCharsets.UTF_8);
    int n = s.length;
    int p = 0;
    boolean neg = false;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
      neg = s[0] == '-';
      p = 1;
    }
    if (n - p == 1 && s[p] == '0') {
      return Duration.ZERO;
    }
    if (p == n) {
      throw error("invalid duration", s);
    }
    long d = 0; // unsigned, as Go's uint64
    while (p < n) {
      long v = 0; // unsigned integer part
      long f = 0; // unsigned fraction digits
      double scale = 1;
      if (!(s[p] == '.' || isDigit(s[p]))) {
        throw error("invalid duration", s);
      }
      int start = p;
      while (p < n && isDigit(s[p])) {
        if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_63, 10)) > 0) {
          throw error("invalid duration", s);
        }
        v = v * 10 + (s[p] - '0');
        if (Long.compareUnsigned(v, TWO_63) > 0) {
          throw error("invalid duration", s);
        }
        p++;
      }
      boolean pre = p != start;
      boolean post = false;
      if (p < n && s[p] == '.') {
        p++;
        int fractionStart = p;
        boolean overflow = false;
        for (; p < n && isDigit(s[p]); p++) {
          if (overflow) {
            continue;
          }
          if (Long.compareUnsigned(f, Long.MAX_VALUE / 10) > 0) {
            overflow = true;
            continue;
          }
          long y = f * 10 + (s[p] - '0');
          if (Long.compareUnsigned(y, TWO_63) > 0) {
            overflow = true;
            continue;
          }
          f = y;
          scale *= 10;
        }
        post = p != fractionStart;
      }
      if (!pre && !post) {
        throw error("invalid duration", s);
      }
      int unitStart = p;
      while (p < n && s[p] != '.' && !isDigit(s[p])) {
        p++;
      }
      if (p == unitStart) {
        throw error("missing unit in duration", s);
      }
      long unit = nanosPer(new String(s, unitStart, p - unitStart, StandardCharsets.UTF_8));
      if (unit == 0) {
        throw new IllegalArgumentException("time: unknown unit " + quote(s, unitStart, p) + " in duration "
            + quote(s, 0, n));
      }
      if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_63, unit)) > 0) {
        throw error("invalid duration", s);
      }
      v *= unit;
      if (f != 0) {
        // Go: v += uint64(float64(f) * (float64(unit) / scale)); f <= 2^63, so only 2^63 itself is negative here.
        double fd = f == TWO_63 ? 0x1p63 : (double) f;
        v += (long) (fd * ((double) unit / scale));
        if (Long.compareUnsigned(v, TWO_63) > 0) {
          throw error("invalid duration", s);
        }
      }
      d += v; // wraps like Go's uint64
      if (Long.compareUnsigned(d, TWO_63) > 0) {
        throw error("invalid duration", s);
      }
    }
    if (neg) {
      return Duration.ofNanos(-d);
    }
    if (d < 0) { // above 2^63 - 1
      throw error("invalid duration", s);
    }
    return Duration.ofNanos(d);
  }

  private static final long TWO_63 = Long.MIN_VALUE; // 1 << 63 as an unsigned value

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** Nanoseconds per unit, or 0 for a unit Go does not know. */
  private static long nanosPer(String unit) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "\u00b5s": // micro sign
      case "\u03bcs": // Greek mu
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      default:
        return 0;
    }
  }

  private static IllegalArgumentException error(String message, byte[] text) {
    return new IllegalArgumentException("time: " + message + " " + quote(text, 0, text.length));
  }

  /** Go's time.quote: {@code "} and {@code \} escaped, every byte of a non-ASCII or control character as \xNN. */
  private static String quote(byte[] s, int from, int to) {
    StringBuilder b = new StringBuilder(to - from + 2).append('"');
    for (int i = from; i < to; i++) {
      int c = s[i] & 0xff;
      if (c >= 0x80 || c < ' ') {
        b.append("\\x").append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
      } else {
        if (c == '"' || c == '\\') {
          b.append('\\');
        }
        b.append((char) c);
      }
    }
    return b.append('"').toString();
  }

  private static final String HEX = "0123456789abcdef";

  /** Go's Duration.String(): "0s", "1m0s", "1h30m0s", "500ms", "1.5s", "1.5\u00b5s". */
  static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (n < 0) {
      sb.append('-');
      n = -n; // Long.MIN_VALUE stays itself: from here on n is read as unsigned, as Go does
    }
    if (Long.compareUnsigned(n, 1_000_000_000L) < 0) {
      if (n < 1_000L) {
        return sb.append(n).append("ns").toString();
      } else if (n < 1_000_000L) {
        return sb.append(fraction(n, 1_000L)).append("\u00b5s").toString();
      }
      return sb.append(fraction(n, 1_000_000L)).append("ms").toString();
    }
    long hours = Long.divideUnsigned(n, 3_600_000_000_000L);
    long rest = Long.remainderUnsigned(n, 3_600_000_000_000L);
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
    return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
  }
}
