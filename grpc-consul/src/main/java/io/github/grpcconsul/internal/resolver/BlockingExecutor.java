package io.github.grpcconsul.internal.resolver;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM-wide executor for work that may block: DNS lookups of host-name addresses, subscribing a resolver when grpc
 * gave it no offload executor (creating a Consul client reads key and token files). grpc's {@code DnsNameResolver}
 * does the same with its shared executor. Reference-counted: the pool exists while something holds it and is shut
 * down when the last holder releases it (queued work still runs), so a JVM whose channels are all closed keeps none
 * of its threads, daemon threads named {@code grpc-consul-blocking-N}.
 *
 * <p>Threading: {@link #acquire()} and {@link #release(Executor)} may be called from any thread and never block;
 * the pool is unbounded (a cached pool), so one slow lookup never queues another watch's work behind it.
 */
final class BlockingExecutor {

  private static final AtomicInteger threadCount = new AtomicInteger();
  private static final Object lock = new Object();
  private static ThreadPoolExecutor pool; // guarded by lock
  private static int holders; // guarded by lock

  private BlockingExecutor() {}

  static Executor acquire() {
    synchronized (lock) {
      if (pool == null) {
        pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, "grpc-consul-blocking-" + threadCount.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
      }
      holders++;
      return pool;
    }
  }

  /** Gives back what {@link #acquire()} returned; the last release shuts the pool down after its queued work. */
  static void release(Executor executor) {
    synchronized (lock) {
      if (executor != pool || holders == 0) {
        return;
      }
      if (--holders == 0) {
        pool.shutdown();
        pool = null;
      }
    }
  }
}
