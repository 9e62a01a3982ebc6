package io.github.grpcconsul.internal.consul;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Go's {@code time.Duration} text, the syntax Consul uses for {@code wait}, TTLs and intervals: parsing with Go's
 * own grammar ({@link #parse}) and formatting in the largest exact unit ({@code 10s}, {@code 1500ms}), which Go's
 * {@code time.ParseDuration} reads back to the same value. consul-devagent has its own copy of the parser (the two
 * modules stay independent); both are tested against the same table of Go's results.
 *
 * <p>Threading: stateless static functions, called on any thread (target parsing on the caller of
 * {@code newNameResolver}, request building on the watch's thread); they never block.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class GoDuration {
  private GoDuration() {}

  /**
   * A non-negative duration as Go text in its largest exact unit: {@code 10s}, {@code 1500ms}, {@code 250us},
   * {@code 7ns}; {@code 0s} for zero. Go's {@code time.ParseDuration} reads it back exactly.
   */
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
  public static Duration parse(String text) {
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
}
