package io.github.grpcconsul.examples.hello;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Console logging for the example programs: one line per record, an exception shown by its message only, so the
 * output reads at a glance (no stack traces). Leaves logging alone when the user passed
 * {@code -Djava.util.logging.config.file}.
 */
public final class OneLineLogging {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  /** Held strongly: j.u.l. holds loggers weakly, so a level set on a collected logger would be lost. */
  private static final Logger EXAMPLES = Logger.getLogger("io.github.grpcconsul.examples");

  private OneLineLogging() {}

  /**
   * Replaces the root logger's handlers with a one-line console handler.
   *
   * @param rootLevel level of every logger not listed in {@code exampleLoggers}
   * @param exampleLevel level of the loggers under {@code io.github.grpcconsul.examples}
   */
  public static void install(Level rootLevel, Level exampleLevel) {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    root.setLevel(rootLevel);
    Handler handler = new ConsoleHandler();
    handler.setLevel(Level.ALL);
    handler.setFormatter(new OneLine());
    root.addHandler(handler);
    EXAMPLES.setLevel(exampleLevel);
  }

  static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(128);
      line.append(LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()).format(TIME));
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        line.append(' ').append(record.getLevel().getName());
      }
      line.append(' ').append(shortName(record.getLoggerName())).append(": ").append(formatMessage(record));
      for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
        line.append(t == record.getThrown() ? " (" : "; caused by ").append(describe(t));
        if (t.getCause() == null || t.getCause() == t) {
          line.append(')');
          break;
        }
      }
      return line.append(System.lineSeparator()).toString();
    }

    private static String shortName(String logger) {
      if (logger == null) {
        return "";
      }
      int dot = logger.lastIndexOf('.');
      return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private static String describe(Throwable t) {
      String message = t.getMessage();
      return message == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + message;
    }
  }
}
