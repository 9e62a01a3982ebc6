package io.github.grpcconsul.interop;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} command-line flags of the interop mains; an unknown flag or a bad value names itself. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  private Args(String[] args, Set<String> known, String usage) {
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (!flag.startsWith("--") || !known.contains(flag.substring(2))) {
        throw new IllegalArgumentException("unknown flag " + flag + "; " + usage);
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(flag + " needs a value; " + usage);
      }
      values.put(flag.substring(2), args[++i]);
    }
  }

  static Args parse(String[] args, Set<String> known, String usage) {
    return new Args(args, known, usage);
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  int getInt(String name, int fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " " + value + " is not a number", e);
    }
  }

  /** A duration in milliseconds ({@code 250}) or with a unit ({@code 250ms}, {@code 2s}). */
  Duration getDuration(String name, Duration fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      if (value.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
      }
      return Duration.ofMillis(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " " + value + " is not a duration; give e.g. 250ms or 2s", e);
    }
  }
}
