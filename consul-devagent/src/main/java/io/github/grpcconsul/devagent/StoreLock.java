package io.github.grpcconsul.devagent;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The one lock of a {@link StateStore} and its parts. Methods that must run under it call {@link #requireHeld()}
 * first, so a call outside {@code StateStore.read}/{@code write} fails at once instead of racing.
 */
final class StoreLock {
  private final ReentrantLock lock = new ReentrantLock();

  void lock() {
    lock.lock();
  }

  void unlock() {
    lock.unlock();
  }

  /** Throws unless the calling thread holds the lock. */
  void requireHeld() {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("state store called without its lock; wrap the call in store.read(...) "
          + "or store.write(...)");
    }
  }
}
