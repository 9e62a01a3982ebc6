package io.github.grpcconsul.internal.consul;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A single-threaded scheduler on virtual time: tasks run only inside {@link #runDue()} / {@link #advance}. */
final class FakeScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private long now;
  private long seq;
  private boolean shutdown;
  private final PriorityQueue<Task> queue = new PriorityQueue<>(
      Comparator.comparingLong((Task t) -> t.at).thenComparingLong(t -> t.seq));

  long nanoTime() {
    return now;
  }

  /** Runs every task due at the current time, including ones they schedule for now. */
  int runDue() {
    int ran = 0;
    while (!queue.isEmpty() && queue.peek().at <= now) {
      Task t = queue.poll();
      if (!t.cancelled) {
        ran++;
        t.command.run();
      }
    }
    return ran;
  }

  /** Moves time forward step by step, running tasks as they fall due. */
  void advance(long amount, TimeUnit unit) {
    long target = now + unit.toNanos(amount);
    runDue();
    while (!queue.isEmpty() && queue.peek().at <= target) {
      now = Math.max(now, queue.peek().at);
      runDue();
    }
    now = target;
    runDue();
  }

  /** Delays of the pending, non-cancelled tasks from now, in milliseconds. */
  List<Long> pendingDelaysMillis() {
    List<Long> out = new ArrayList<>();
    queue.stream().filter(t -> !t.cancelled).sorted(Comparator.comparingLong(t -> t.at))
        .forEach(t -> out.add(TimeUnit.NANOSECONDS.toMillis(t.at - now)));
    return out;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    Task t = new Task(command, now + Math.max(0, unit.toNanos(delay)), seq++);
    queue.add(t);
    return t;
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> out = new ArrayList<>();
    queue.forEach(t -> out.add(t.command));
    queue.clear();
    return out;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }

  private final class Task implements ScheduledFuture<Object> {
    final Runnable command;
    final long at;
    final long seq;
    boolean cancelled;
    boolean done;

    Task(Runnable command, long at, long seq) {
      this.command = () -> {
        done = true;
        command.run();
      };
      this.at = at;
      this.seq = seq;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(at - now, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done) {
        return false;
      }
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
