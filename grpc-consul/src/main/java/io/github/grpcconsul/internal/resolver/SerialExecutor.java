package io.github.grpcconsul.internal.resolver;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time, in order, on a delegate executor, holding no thread between tasks.
 *
 * <p>Threading: {@link #execute} may be called from any thread and never blocks; tasks run on the delegate's threads
 * and never under this class's lock.
 */
final class SerialExecutor implements Executor {
  private static final Logger logger = Logger.getLogger(SerialExecutor.class.getName());

  private final Executor delegate;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // guarded by this
  private boolean running; // guarded by this

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      queue.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        queue.clear();
        running = false;
      }
      logger.log(Level.FINE, "executor shut down: dropping queued work", e);
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = queue.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        logger.log(Level.WARNING, "task threw", e);
      }
    }
  }
}
