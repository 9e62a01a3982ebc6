package io.github.grpcconsul.benchmarks.scenario;

import io.github.grpcconsul.devagent.DevAgent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.logging.Logger;

/**
 * Drives one contender through the script against a fresh dev agent and a fresh set of instances:
 * start → idle → trials of (add, remove, critical, back to passing) → agent outage → rolling restart.
 */
final class ScenarioRun {
  private static final Logger LOG = Logger.getLogger(ScenarioRun.class.getName());
  static final String SERVICE = "bench";
  private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();
  private static final long NEVER_LEFT = Long.MIN_VALUE + 1;
  /** Read endpoints a discovery client may poll; the harness itself only writes under /v1/agent/. */
  private static final List<String> READ_ENDPOINTS = List.of("/v1/catalog/services", "/v1/catalog/service/",
      "/v1/health/service/", "/v1/agent/self", "/v1/agent/services", "/v1/status/");

  private final ScenarioOptions options;
  private final Contender contender;
  private final Path logDir;
  private final ContenderResult result;
  private final Deque<ProbeInstance> live = new ArrayDeque<>();
  /** Fixed seed: every contender gets the same sequence of gaps. */
  private final Random gaps = new Random(42);
  private DevAgent agent;
  private long requestsOfEarlierAgents;
  private Registrar registrar;
  private ContenderProcess client;
  private int nextId;

  ScenarioRun(ScenarioOptions options, Contender contender, Path logDir) {
    this.options = options;
    this.contender = contender;
    this.logDir = logDir;
    this.result = new ContenderResult(contender);
  }

  ContenderResult run() throws Exception {
    try {
      script();
    } catch (Exception | AssertionError e) {
      result.failure = e.toString();
      LOG.warning(contender.name + ": run stopped early: " + e);
    } finally {
      cleanUp();
    }
    return result;
  }

  private void script() throws Exception {
    agent = DevAgent.builder().host("127.0.0.1").httpPort(0).build();
    InetSocketAddress bound = agent.start();
    registrar = new Registrar(agent.baseUri(), SERVICE);
    for (int i = 0; i < options.instances(); i++) {
      live.add(newRegisteredInstance());
    }

    client = ContenderProcess.start(contender.command("127.0.0.1", bound.getPort(), SERVICE),
        logDir.resolve(contender.name + ".log"));
    long ready = client.awaitReady(ScenarioOptions.READY_TIMEOUT);
    result.startupMillis = millis(ready - client.launchedNanos);
    log("first successful call %.0f ms after launch", result.startupMillis);
    awaitEveryInstanceServes(List.copyOf(live), options.stepTimeout());

    long idleFrom = contenderRequests();
    long[] idleFromByEndpoint = READ_ENDPOINTS.stream().mapToLong(agent::requestCount).toArray();
    long idleStart = System.nanoTime();
    Thread.sleep(options.idleWindow().toMillis());
    long idleNanos = System.nanoTime() - idleStart;
    result.idleRequestsPerMinute = perMinute(contenderRequests() - idleFrom, idleNanos);
    for (int i = 0; i < READ_ENDPOINTS.size(); i++) {
      long n = agent.requestCount(READ_ENDPOINTS.get(i)) - idleFromByEndpoint[i];
      if (n > 0) {
        result.idleByEndpoint.put(READ_ENDPOINTS.get(i), perMinute(n, idleNanos));
      }
    }
    long[] footprint = client.footprint();
    result.heapBytes = footprint[0];
    result.threads = (int) footprint[1];
    log("idle: %.1f requests/min %s; heap %d KiB, %d threads", result.idleRequestsPerMinute, result.idleByEndpoint,
        result.heapBytes / 1024, result.threads);

    long churnFrom = contenderRequests();
    long churnStart = System.nanoTime();
    for (int trial = 0; trial < options.trials(); trial++) {
      trial();
    }
    result.churnRequestsPerMinute = perMinute(contenderRequests() - churnFrom, System.nanoTime() - churnStart);
    log("churn: %.1f requests/min", result.churnRequestsPerMinute);

    outage();
    rollingRestart();
  }

  private void trial() throws Exception {
    if (measuring(Step.ADD)) {
      ProbeInstance added = ProbeInstance.start(nextId());
      timeFirstCall(Step.ADD, added, () -> registrar.register(added));
      live.add(added);
    }
    if (measuring(Step.REMOVE) && live.size() > 1) {
      ProbeInstance removed = live.removeFirst();
      timeLastCall(Step.REMOVE, removed, () -> registrar.deregister(removed));
      stop(removed);
    }
    if (measuring(Step.CRITICAL) && live.size() > 1) {
      ProbeInstance flipped = live.peekLast();
      long last = timeLastCall(Step.CRITICAL, flipped, () -> registrar.status(flipped, "critical"));
      awaitGap();
      if (last != NEVER_LEFT && flipped.lastCall() != last) {
        // Calls came back while the check was still critical: the silence was a stall, not the client dropping it.
        result.step(Step.CRITICAL).retract();
        last = NEVER_LEFT;
        log("%s: calls resumed while still critical; counted as not propagated", Step.CRITICAL);
      }
      if (last != NEVER_LEFT) {
        timeFirstCall(Step.PASSING, flipped, () -> registrar.status(flipped, "passing"));
      } else {
        // It never stopped receiving calls, so "when do calls come back" has no answer.
        registrar.status(flipped, "passing");
        result.step(Step.PASSING).notApplicable();
      }
    }
  }

  private boolean measuring(Step step) {
    return result.step(step).timeouts() < options.maxTimeouts();
  }

  /** After the gap, makes the change and waits for the first call to reach {@code instance}. */
  private void timeFirstCall(Step step, ProbeInstance instance, Change change) throws Exception {
    if (step != Step.PASSING) { // PASSING follows CRITICAL's gap, spent checking that the instance stayed silent
      awaitGap();
    }
    long failedBefore = client.failedCalls();
    instance.arm();
    long changed = System.nanoTime();
    change.apply();
    long deadline = changed + options.stepTimeout().toNanos();
    long first;
    while ((first = instance.firstCallSinceArm()) < 0 && System.nanoTime() < deadline) {
      pause();
    }
    record(step, first < 0 ? -1 : Math.max(0, first - changed), failedBefore);
  }

  /**
   * After the gap, makes the change and waits until {@code instance} has received no call for the quiet period.
   * Returns the time of its last call, or {@link #NEVER_LEFT} when it kept receiving calls until the step timeout.
   */
  private long timeLastCall(Step step, ProbeInstance instance, Change change) throws Exception {
    awaitGap();
    long failedBefore = client.failedCalls();
    long changed = System.nanoTime();
    change.apply();
    long deadline = changed + options.stepTimeout().toNanos();
    long quiet = options.quiet().toNanos();
    while (System.nanoTime() < deadline) {
      long last = instance.lastCall();
      if (System.nanoTime() - Math.max(last, changed) >= quiet) {
        record(step, Math.max(0, last - changed), failedBefore);
        return last;
      }
      pause();
    }
    record(step, -1, failedBefore);
    return NEVER_LEFT;
  }

  private void awaitGap() throws InterruptedException {
    long gap = options.gap().toMillis();
    Thread.sleep(gap + (long) (gaps.nextDouble() * gap));
  }

  private void record(Step step, long nanos, long failedBefore) throws InterruptedException {
    StepResult stepResult = result.step(step);
    stepResult.addFailedCalls(client.failedCalls() - failedBefore);
    if (nanos < 0) {
      stepResult.timedOut();
      log("%s: no propagation within %d s", step, options.stepTimeout().toSeconds());
    } else {
      stepResult.propagated(millis(nanos));
    }
  }

  private void outage() throws Exception {
    int port = agent.baseUri().getPort();
    long failedBefore = client.failedCalls();
    requestsOfEarlierAgents += agent.requestCount();
    agent.stop();
    log("agent stopped for %d s", options.outage().toSeconds());
    Thread.sleep(options.outage().toMillis());
    agent = DevAgent.builder().host("127.0.0.1").httpPort(port).build();
    agent.start();
    long restarted = System.nanoTime();
    // The agent came back empty, as a dev agent (or a rebuilt node) does; registrations restore the state, the way a
    // registrar that notices the loss re-registers. Then one more instance joins: how soon a client sees it tells how
    // soon it follows Consul again after the outage.
    for (ProbeInstance instance : live) {
      registrar.register(instance);
    }
    ProbeInstance joined = newRegisteredInstance();
    live.add(joined);
    long deadline = restarted + options.stepTimeout().toNanos();
    while (joined.firstCallSinceArm() < 0 && System.nanoTime() < deadline) {
      pause();
    }
    long first = joined.firstCallSinceArm();
    Thread.sleep(options.settle().toMillis());
    StepResult step = result.step(Step.OUTAGE);
    step.addFailedCalls(client.failedCalls() - failedBefore);
    if (first < 0) {
      step.timedOut();
    } else {
      step.propagated(millis(first - restarted));
    }
    log("outage: %d failed calls", step.failedCalls());
  }

  private void rollingRestart() throws Exception {
    long failedBefore = client.failedCalls();
    List<ProbeInstance> replacements = new ArrayList<>();
    int count = live.size();
    long lastRegistered = 0;
    for (int i = 0; i < count; i++) {
      lastRegistered = System.nanoTime();
      ProbeInstance replacement = newRegisteredInstance();
      replacements.add(replacement);
      ProbeInstance old = live.removeFirst();
      live.add(replacement);
      registrar.deregister(old);
      Thread.sleep(options.drain().toMillis());
      stop(old);
    }
    long allServe = awaitEveryInstanceServes(replacements, options.stepTimeout());
    Thread.sleep(options.settle().toMillis());
    StepResult step = result.step(Step.ROLLING);
    step.addFailedCalls(client.failedCalls() - failedBefore);
    if (allServe < 0) {
      step.timedOut();
    } else {
      step.propagated(millis(Math.max(0, allServe - lastRegistered)));
    }
    log("rolling restart: %d failed calls", step.failedCalls());
  }

  private ProbeInstance newRegisteredInstance() throws IOException, InterruptedException {
    ProbeInstance instance = ProbeInstance.start(nextId());
    instance.arm();
    registrar.register(instance);
    return instance;
  }

  /** Waits until each instance got a call since it was armed; returns when the last one did, or -1 on timeout. */
  private static long awaitEveryInstanceServes(List<ProbeInstance> instances, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long latest = 0;
      boolean all = true;
      for (ProbeInstance instance : instances) {
        long first = instance.firstCallSinceArm();
        if (first < 0) {
          all = false;
          break;
        }
        latest = Math.max(latest, first);
      }
      if (all) {
        return latest;
      }
      pause();
    }
    return -1;
  }

  /** Requests the agent served that the harness did not send. */
  private long contenderRequests() {
    return requestsOfEarlierAgents + agent.requestCount() - registrar.requests();
  }

  private String nextId() {
    return SERVICE + "-" + (++nextId);
  }

  private static void stop(ProbeInstance instance) throws InterruptedException {
    instance.stop();
  }

  private void cleanUp() {
    try {
      if (client != null) {
        client.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProbeInstance instance : live) {
      try {
        instance.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    live.clear();
    if (agent != null) {
      agent.close();
    }
  }

  private void log(String format, Object... args) {
    LOG.info(() -> contender.name + ": " + String.format(format, args));
  }

  private static void pause() {
    java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private static double perMinute(long count, long nanos) {
    return count * 60e9 / nanos;
  }

  @FunctionalInterface
  private interface Change {
    void apply() throws Exception;
  }
}
