package io.github.grpcconsul.examples.hello;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command-line flags of the example programs: {@code -x value}, {@code --name value}, {@code --name=value} and
 * boolean switches. Deliberately tiny, so the examples need no command-line library.
 */
public final class Flags {
  private final Map<String, String> values;

  private Flags(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code args}.
   *
   * @param aliases every accepted spelling (such as {@code "-p"} and {@code "--port"}) mapped to the flag's name
   * @param switches names of flags that take no value
   * @throws IllegalArgumentException naming the bad argument, for a message to the user
   */
  public static Flags parse(String[] args, Map<String, String> aliases, Set<String> switches) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        inline = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      String name = aliases.get(arg);
      if (name == null) {
        throw new IllegalArgumentException("unknown argument '" + args[i] + "' (try --help)");
      }
      if (switches.contains(name)) {
        if (inline != null) {
          throw new IllegalArgumentException(arg + " takes no value, got '" + inline + "'");
        }
        values.put(name, "true");
      } else if (inline != null) {
        values.put(name, inline);
      } else if (i + 1 < args.length) {
        values.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException(arg + " needs a value (try --help)");
      }
    }
    return new Flags(values);
  }

  /** Builds an alias map from pairs: {@code aliases("-p", "port", "--port", "port")}. */
  public static Map<String, String> aliases(String... spellingThenName) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i + 1 < spellingThenName.length; i += 2) {
      map.put(spellingThenName[i], spellingThenName[i + 1]);
    }
    return map;
  }

  /** Whether the switch or flag was given. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The flag's value, or {@code fallback} when absent. */
  public String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** The flag's value as an integer within {@code [min, max]}, or {@code fallback} when absent. */
  public int getInt(String name, int fallback, int min, int max) {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw new IllegalArgumentException(
        "--" + name + ": '" + text + "' (expected a whole number from " + min + " to " + max + ")");
  }

  /**
   * The flag's value as a duration, or {@code fallback} when absent. Accepts {@code 250ms}, {@code 2s}, {@code 1m}
   * and a plain number of seconds ({@code 1.5}).
   */
  public Duration getDuration(String name, Duration fallback) {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    Duration parsed = parseDuration(text.trim());
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      throw new IllegalArgumentException(
          "--" + name + ": '" + text + "' (expected a positive duration such as 250ms, 2s, 1.5 or 1m)");
    }
    return parsed;
  }

  private static Duration parseDuration(String text) {
    try {
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      double seconds;
      if (text.endsWith("s")) {
        seconds = Double.parseDouble(text.substring(0, text.length() - 1));
      } else if (text.endsWith("m")) {
        seconds = Double.parseDouble(text.substring(0, text.length() - 1)) * 60;
      } else {
        seconds = Double.parseDouble(text);
      }
      return Duration.ofNanos(Math.round(seconds * 1e9));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
