package io.github.grpcconsul.benchmarks.scenario;

import io.github.grpcconsul.benchmarks.probe.ProbeClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A running contender client, spoken to over its stdin/stdout (see {@code ProbeClient}). */
final class ContenderProcess implements AutoCloseable {
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final PrintWriter commands;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final Thread reader;
  final long launchedNanos;

  private ContenderProcess(Process process, Writer log, long launchedNanos) {
    this.process = process;
    this.launchedNanos = launchedNanos;
    this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.reader = new Thread(() -> pump(log), "contender-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the command; its own output (logging) goes to {@code log}, stderr to {@code log}.err. */
  static ContenderProcess start(List<String> command, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(log.resolveSibling(log.getFileName() + ".err").toFile());
    Writer logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
    long launched = System.nanoTime();
    return new ContenderProcess(builder.start(), logWriter, launched);
  }

  private void pump(Writer log) {
    try (log; BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(ProbeClient.REPLY)) {
          replies.add(line.substring(ProbeClient.REPLY.length()));
        } else {
          log.write(line);
          log.write('\n');
        }
      }
    } catch (IOException e) {
      replies.add("EOF " + e);
    }
    replies.add("EOF");
  }

  /** Waits for the first successful call; returns its {@link System#nanoTime()}. */
  long awaitReady(Duration timeout) throws InterruptedException {
    String[] reply = await("READY", timeout);
    return Long.parseLong(reply[1]);
  }

  /** {@code [succeeded, failed]} totals so far. */
  long[] stats() throws InterruptedException {
    commands.println("STATS");
    String[] reply = await("STATS", REPLY_TIMEOUT);
    return new long[] {Long.parseLong(reply[1]), Long.parseLong(reply[2])};
  }

  long failedCalls() throws InterruptedException {
    return stats()[1];
  }

  /** {@code [heap bytes after GC, threads]}. */
  long[] footprint() throws InterruptedException {
    commands.println("FOOTPRINT");
    String[] reply = await("FOOTPRINT", REPLY_TIMEOUT);
    return new long[] {Long.parseLong(reply[1]), Long.parseLong(reply[2])};
  }

  private String[] await(String kind, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? replies.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        throw new IllegalStateException("contender sent no " + kind + " within " + timeout.toSeconds() + " s");
      }
      if (line.startsWith("EOF")) {
        throw new IllegalStateException("contender exited while waiting for " + kind + " (exit code "
            + (process.isAlive() ? "none yet" : process.exitValue()) + "); see its log");
      }
      String[] parts = line.split(" ");
      if (parts[0].equals(kind)) {
        return parts;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      commands.println("QUIT");
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    reader.join(TimeUnit.SECONDS.toMillis(5));
  }
}
