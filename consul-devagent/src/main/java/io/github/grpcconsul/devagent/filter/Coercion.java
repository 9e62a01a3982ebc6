package io.github.grpcconsul.devagent.filter;

import java.math.BigInteger;

/**
 * Converts a literal to a field's type the way go-bexpr's coercion functions do ({@code strconv.ParseInt(v, 0, 64)},
 * {@code ParseUint}, {@code ParseBool}, {@code ParseFloat}), with Go's error texts.
 */
final class Coercion {
  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** Thrown with the Go error text of a failed conversion. */
  static final class CoercionException extends Exception {
    private static final long serialVersionUID = 1L;

    CoercionException(String goError) {
      super(goError, null, false, false);
    }
  }

  private Coercion() {}

  /** The converted value: a String, Boolean, BigInteger or Double. */
  static Object coerce(Field.Kind kind, String raw) throws CoercionException {
    return switch (kind) {
      case STRING -> raw;
      case BOOL -> parseBool(raw);
      case INT -> parseInt(raw);
      case UINT -> parseUint(raw, "ParseUint", raw);
      case FLOAT -> parseFloat(raw);
      default -> throw new IllegalArgumentException("not a primitive kind: " + kind);
    };
  }

  private static Boolean parseBool(String raw) throws CoercionException {
    return switch (raw) {
      case "1", "t", "T", "TRUE", "true", "True" -> Boolean.TRUE;
      case "0", "f", "F", "FALSE", "false", "False" -> Boolean.FALSE;
      default -> throw new CoercionException(GoText.syntaxError("ParseBool", raw));
    };
  }

  private static BigInteger parseInt(String raw) throws CoercionException {
    if (raw.isEmpty()) {
      throw new CoercionException(GoText.syntaxError("ParseInt", raw));
    }
    boolean negative = raw.charAt(0) == '-';
    String unsigned = raw.charAt(0) == '+' || negative ? raw.substring(1) : raw;
    BigInteger magnitude = parseUint(unsigned, "ParseInt", raw);
    BigInteger value = negative ? magnitude.negate() : magnitude;
    if (value.compareTo(INT64_MAX) > 0 || value.compareTo(INT64_MIN) < 0) {
      throw new CoercionException(GoText.rangeError("ParseInt", raw));
    }
    return value;
  }

  /** {@code strconv.ParseUint(s, 0, 64)}; errors name {@code function} and {@code original} like Go's do. */
  private static BigInteger parseUint(String s, String function, String original) throws CoercionException {
    if (s.isEmpty()) {
      throw new CoercionException(GoText.syntaxError(function, original));
    }
    int base = 10;
    String digits = s;
    if (s.length() >= 2 && s.charAt(0) == '0') {
      char p = Character.toLowerCase(s.charAt(1));
      if (p == 'x' || p == 'b' || p == 'o') {
        base = p == 'x' ? 16 : p == 'b' ? 2 : 8;
        digits = s.substring(2);
      } else {
        base = 8;
        digits = s.substring(1);
      }
    }
    if (!underscoresOk(s)) {
      throw new CoercionException(GoText.syntaxError(function, original));
    }
    digits = digits.replace("_", "");
    if (digits.isEmpty() && base != 8) {
      throw new CoercionException(GoText.syntaxError(function, original));
    }
    BigInteger value = BigInteger.ZERO;
    for (int i = 0; i < digits.length(); i++) {
      int d = Character.digit(digits.charAt(i), base);
      if (d < 0 || digits.charAt(i) > 0x7F) {
        throw new CoercionException(GoText.syntaxError(function, original));
      }
      value = value.multiply(BigInteger.valueOf(base)).add(BigInteger.valueOf(d));
    }
    if (value.compareTo(UINT64_MAX) > 0) {
      throw new CoercionException(GoText.rangeError(function, original));
    }
    return value;
  }

  // With base 0 Go allows '_' only between digits, or between a base prefix and a digit.
  private static boolean underscoresOk(String s) {
    if (s.indexOf('_') < 0) {
      return true;
    }
    char previous = '_';
    int i = 0;
    if (s.length() >= 2 && "xXbBoO".indexOf(s.charAt(1)) >= 0) {
      i = 2;
      previous = '0';
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '_') {
        if (previous != '0') {
          return false;
        }
        previous = '_';
      } else {
        previous = '0';
      }
    }
    return previous != '_';
  }

  private static Double parseFloat(String raw) throws CoercionException {
    String s = raw.replace("_", "");
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "inf", "+inf", "infinity", "+infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan" -> {
        return Double.NaN;
      }
      default -> {
        // Java also accepts a trailing type suffix and surrounding blanks; Go does not
        if (s.isEmpty() || !s.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
          throw new CoercionException(GoText.syntaxError("ParseFloat", raw));
        }
        double d = Double.parseDouble(s);
        if (Double.isInfinite(d)) {
          throw new CoercionException(GoText.rangeError("ParseFloat", raw));
        }
        return d;
      }
    }
  }
}
