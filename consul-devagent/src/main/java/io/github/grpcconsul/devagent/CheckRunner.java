package io.github.grpcconsul.devagent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the agent's checks on one shared timer: TTL expiry, and gRPC, HTTP and TCP probes on their Interval (no
 * thread per check; blocking probes borrow a small pool, gRPC probes are asynchronous). Also runs the reaper.
 */
final class CheckRunner implements LocalChecks {
  private static final Logger logger = Logger.getLogger(CheckRunner.class.getName());
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final StateStore store;
  private final ScheduledExecutorService timer;
  private final ExecutorService probePool;
  private final GrpcProbes grpcProbes;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private ScheduledFuture<?> reaper;

  /** One started check; a new registration of the same ID gets a new instance, so stale results are dropped. */
  private final class Running {
    final CheckDef def;
    final AtomicBoolean inFlight = new AtomicBoolean();
    volatile ScheduledFuture<?> future;
    volatile boolean stopped;

    Running(CheckDef def) {
      this.def = def;
    }
  }

  CheckRunner(StateStore store, ScheduledExecutorService timer, ExecutorService probePool) {
    this.store = store;
    this.timer = timer;
    this.probePool = probePool;
    this.grpcProbes = new GrpcProbes(probePool);
  }

  void startReaper(Duration interval, Duration floor) {
    long nanos = interval.toNanos();
    reaper = timer.scheduleAtFixedRate(() -> {
      try {
        store.write(() -> store.reap(floor));
      } catch (RuntimeException e) {
        logger.log(Level.WARNING, "reaper failed", e);
      }
    }, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void started(CheckDef def, CheckEntry entry) {
    Running r = new Running(def);
    Running old = running.put(def.checkId(), r);
    if (old != null) {
      stop(old);
    }
    String type = def.type();
    if (type.equals("grpc")) {
      grpcProbes.register(def);
    }
    try {
      if (type.equals("ttl")) {
        armTtl(r);
      } else if (type.equals("grpc") || type.equals("http") || type.equals("tcp")) {
        long interval = entry.interval().toNanos();
        long stagger = ThreadLocalRandom.current().nextLong(Math.max(1, interval));
        r.future = timer.scheduleAtFixedRate(() -> tick(r), stagger, interval, TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) {
      logger.log(Level.FINE, "agent stopping; check " + def.checkId() + " not started");
    }
  }

  @Override
  public void stopped(String checkId) {
    Running r = running.remove(checkId);
    if (r != null) {
      stop(r);
    }
  }

  @Override
  public void ttlUpdated(String checkId) {
    Running r = running.get(checkId);
    if (r != null && r.def.type().equals("ttl")) {
      ScheduledFuture<?> f = r.future;
      if (f != null) {
        f.cancel(false);
      }
      try {
        armTtl(r);
      } catch (RejectedExecutionException e) {
        logger.log(Level.FINE, "agent stopping");
      }
    }
  }

  private void stop(Running r) {
    r.stopped = true;
    ScheduledFuture<?> f = r.future;
    if (f != null) {
      f.cancel(false);
    }
    if (r.def.type().equals("grpc")) {
      grpcProbes.release(r.def);
    }
  }

  private void armTtl(Running r) {
    r.future = timer.schedule(() -> expireTtl(r), r.def.ttl().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void expireTtl(Running r) {
    store.write(() -> {
      if (r.stopped || running.get(r.def.checkId()) != r) {
        return;
      }
      CheckEntry c = store.agentCheck(r.def.checkId());
      if (c == null) {
        return;
      }
      String output = c.output().isEmpty() ? Texts.TTL_EXPIRED : Texts.TTL_EXPIRED_WITH_OUTPUT + c.output();
      logger.fine("Check missed TTL, is now critical: " + r.def.checkId());
      store.setAgentCheckStatus(r.def.checkId(), CheckStatus.CRITICAL, output);
    });
  }

  private void tick(Running r) {
    if (r.stopped || !r.inFlight.compareAndSet(false, true)) {
      return;
    }
    Duration timeout = r.def.timeout().compareTo(Duration.ZERO) > 0 ? r.def.timeout() : DEFAULT_TIMEOUT;
    ProbeResult.Callback done = (status, output) -> {
      r.inFlight.set(false);
      report(r, status, output);
    };
    try {
      switch (r.def.type()) {
        case "grpc" -> grpcProbes.probe(r.def, timeout, done);
        case "http" -> probePool.execute(() -> done.complete(HttpProbe.run(r.def, timeout)));
        case "tcp" -> probePool.execute(() -> done.complete(TcpProbe.run(r.def.tcp(), timeout)));
        default -> r.inFlight.set(false);
      }
    } catch (RejectedExecutionException e) {
      r.inFlight.set(false);
    }
  }

  private void report(Running r, String status, String output) {
    if (r.stopped) {
      return;
    }
    try {
      store.write(() -> {
        if (running.get(r.def.checkId()) == r) {
          store.setAgentCheckStatus(r.def.checkId(), status, ProbeResult.truncate(output));
        }
      });
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "cannot record the result of check " + r.def.checkId(), e);
    }
  }

  int grpcChannelCount() {
    return grpcProbes.channelCount();
  }

  /** Stops every check and the reaper; closes gRPC channels. */
  void shutdown() {
    if (reaper != null) {
      reaper.cancel(false);
    }
    for (String id : running.keySet()) {
      stopped(id);
    }
    grpcProbes.shutdown();
  }
}
