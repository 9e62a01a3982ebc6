package io.github.grpcconsul.devagent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The raft-like index and the parked blocking queries. A write allocates at most one new index (all its changes
 * share it), marks the topics it touched, and on commit the waiters of those topics whose condition now holds are
 * collected, to be answered outside the lock.
 */
final class IndexWaiters {
  private static final Logger logger = Logger.getLogger(IndexWaiters.class.getName());
  private final StoreLock lock;
  private final Executor dispatcher;
  private final ScheduledExecutorService timer;
  private long index;
  private long pending;
  private final Set<String> touched = new HashSet<>();
  private final Map<String, Set<Waiter>> waiters = new HashMap<>();
  private int waiting;

  IndexWaiters(StoreLock lock, Executor dispatcher, ScheduledExecutorService timer) {
    this.lock = lock;
    this.dispatcher = dispatcher;
    this.timer = timer;
  }

  /** The index of the current write (the same for all its changes). Under the lock. */
  long allocate() {
    lock.requireHeld();
    if (pending == 0) {
      pending = index + 1;
    }
    return pending;
  }

  /** Makes the current write's index the store's index. Under the lock. */
  void commit() {
    lock.requireHeld();
    if (pending != 0) {
      index = pending;
      pending = 0;
    }
  }

  /** The last committed index. Under the lock. */
  long current() {
    lock.requireHeld();
    return index;
  }

  /** Marks a topic whose waiters are checked on commit. Under the lock. */
  void touch(String topic) {
    lock.requireHeld();
    touched.add(topic);
  }

  /** Removes and returns the waiters the commit made ready. Under the lock; answer them after unlocking. */
  List<Waiter> collectReady() {
    lock.requireHeld();
    List<Waiter> ready = new ArrayList<>();
    for (String topic : touched) {
      Set<Waiter> set = waiters.get(topic);
      if (set == null) {
        continue;
      }
      for (var it = set.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.ready.getAsBoolean()) {
          it.remove();
          waiting--;
          if (w.timeout != null) {
            w.timeout.cancel(false);
          }
          ready.add(w);
        }
      }
      if (set.isEmpty()) {
        waiters.remove(topic);
      }
    }
    touched.clear();
    return ready;
  }

  /** Answers a waiter on its connection's event loop (or the dispatcher). Outside the lock. */
  void dispatch(Waiter w) {
    try {
      (w.loop != null ? w.loop : dispatcher).execute(w.respond);
    } catch (RejectedExecutionException e) {
      logger.log(Level.FINE, "agent stopped; dropping a blocking query");
    }
  }

  /**
   * Answers the waiters one commit made ready: one task per event loop answers all of that loop's waiters in a row
   * (the first renders, the rest share its bytes), so a change that wakes thousands costs a few task hand-offs, not
   * one per waiter, and the writer's own answer is not queued behind them. Outside the lock.
   */
  void dispatchAll(List<Waiter> ready) {
    if (ready.isEmpty()) {
      return;
    }
    if (ready.size() == 1) {
      dispatch(ready.get(0));
      return;
    }
    Map<Executor, List<Waiter>> byLoop = new IdentityHashMap<>();
    for (Waiter w : ready) {
      if (w.loop == null) {
        dispatch(w);
      } else {
        byLoop.computeIfAbsent(w.loop, l -> new ArrayList<>()).add(w);
      }
    }
    for (Map.Entry<Executor, List<Waiter>> e : byLoop.entrySet()) {
      List<Waiter> batch = e.getValue();
      try {
        e.getKey().execute(() -> {
          for (Waiter w : batch) {
            try {
              w.respond.run();
            } catch (RuntimeException ex) {
              logger.log(Level.WARNING, "answering a blocking query failed", ex);
            }
          }
        });
      } catch (RejectedExecutionException ex) {
        logger.log(Level.FINE, "agent stopped; dropping blocking queries");
      }
    }
  }

  /**
   * Parks a blocking query unless it is already ready (checked under the same lock as commits, so no change can
   * slip between the check and the park). Returns false when the caller should answer at once.
   */
  boolean park(Waiter w, long timeoutNanos) {
    lock.lock();
    try {
      if (w.ready.getAsBoolean()) {
        return false;
      }
      waiters.computeIfAbsent(w.topic, t -> new LinkedHashSet<>()).add(w);
      waiting++;
      try {
        w.timeout = timer.schedule(() -> expire(w), timeoutNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        remove(w);
        return false;
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Drops a parked query whose client went away; no answer is sent. */
  void unpark(Waiter w) {
    lock.lock();
    try {
      if (!remove(w)) {
        return;
      }
    } finally {
      lock.unlock();
    }
    if (w.timeout != null) {
      w.timeout.cancel(false);
    }
  }

  private void expire(Waiter w) {
    lock.lock();
    try {
      if (!remove(w)) {
        return;
      }
    } finally {
      lock.unlock();
    }
    dispatch(w);
  }

  private boolean remove(Waiter w) {
    Set<Waiter> set = waiters.get(w.topic);
    if (set == null || !set.remove(w)) {
      return false;
    }
    waiting--;
    if (set.isEmpty()) {
      waiters.remove(w.topic);
    }
    return true;
  }

  int count() {
    lock.lock();
    try {
      return waiting;
    } finally {
      lock.unlock();
    }
  }
}
