package io.github.grpcconsul.examples.demo;

import io.github.grpcconsul.examples.hello.HelloServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The demo's script: three instances serve, one leaves gracefully, one is killed, a new one joins; a client calls
 * throughout. Narrates as it goes and returns what it measured.
 */
final class Scenario {
  static final String SERVICE = "hello-demo";
  private static final String LEAVER = "hello-1";
  private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(20);
  /** Starting a JVM for the instance that gets killed can be slow on a busy machine. */
  private static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);
  private static final Duration MIN_REAP_AFTER = Duration.ofSeconds(3);
  /** Generous: a call on a killed instance fails at once anyway, and a busy machine must not fail healthy calls. */
  private static final long CALL_DEADLINE_MILLIS = 5000;

  /** How the scenario runs. */
  record Settings(Duration phase, int callsPerSecond, Duration drain) {}

  private final Settings settings;
  private final ConsulEndpoint consul;
  private final Narrator out;
  private final Duration reapAfter;
  private final Observations observations = new Observations();
  private final Map<String, HelloServer> servers = new LinkedHashMap<>();
  private ChildServer child;
  private final List<String> started = new ArrayList<>();
  private final List<DemoReport.Change> changes = new ArrayList<>();
  private final Findings findings = new Findings();
  private volatile String crashed = "";
  private Map<String, Long> lastProgress = Map.of();
  /** When the next once-a-second progress line is due; one clock across phases so each line covers one second. */
  private long nextProgress;
  private long lastFailures;

  Scenario(Settings settings, ConsulEndpoint consul, Narrator out) {
    this.settings = settings;
    // Consul (and the registration) want the reaper slower than the drain, or a draining instance could be reaped.
    Duration afterDrain = settings.drain().plusSeconds(1);
    this.reapAfter = afterDrain.compareTo(MIN_REAP_AFTER) > 0 ? afterDrain : MIN_REAP_AFTER;
    this.consul = consul;
    this.out = out;
  }

  DemoReport run() throws Exception {
    Map<Phase, Tally> tallies = new EnumMap<>(Phase.class);
    try (HealthWatch watch = new HealthWatch(consul.config(), consul.target(SERVICE),
        new ConsulNarration(out, () -> crashed, reapAfter))) {
      watch.start();
      Traffic traffic = new Traffic(consul.target(SERVICE), settings.callsPerSecond(), CALL_DEADLINE_MILLIS,
          observations);
      try {
        script(watch, traffic);
      } finally {
        traffic.close();
        for (Phase p : Phase.values()) {
          tallies.put(p, traffic.tally(p));
        }
        long stoppedAt = System.nanoTime();
        stopAll();
        if (child != null) {
          child.close();
        }
        // Lets the narration show the last deregistrations before the watch closes.
        hold(traffic, stoppedAt, Duration.ZERO, Duration.ofSeconds(2),
            () -> started.stream().allMatch(id -> watch.gone(id, 0).isPresent()));
      }
    }
    findings.check(tallies, started, LEAVER);
    return new DemoReport(started, tallies, changes, findings.notes(), findings.problems());
  }

  private void script(HealthWatch watch, Traffic traffic) throws Exception {
    out.heading("Phase " + Phase.ALL_SERVE.title() + ": three instances register and serve");
    start("hello-1");
    startChild("hello-2");
    start("hello-3");
    long t0 = System.nanoTime();
    if (!hold(traffic, t0, Duration.ZERO, STARTUP_LIMIT, () -> started.stream()
        .allMatch(id -> watch.passing(id, 0).isPresent()))) {
      findings.problem("not every instance passed its check within " + STARTUP_LIMIT.toSeconds() + " s");
    }
    out.say("client: dialing " + consul.target(SERVICE) + " with round_robin");
    if (!traffic.awaitReady(WAIT_LIMIT)) {
      findings.problem("the client did not connect within " + WAIT_LIMIT.toSeconds() + " s");
    }
    traffic.start();
    nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    out.say("client: connected; calling " + settings.callsPerSecond() + " times a second");
    // The phase's time starts once every instance has answered, so the counts show an even spread.
    if (!hold(traffic, System.nanoTime(), Duration.ZERO, WAIT_LIMIT, () -> started.stream()
        .allMatch(id -> observations.firstReply(id).isPresent()))) {
      findings.problem("not every instance got calls within " + WAIT_LIMIT.toSeconds() + " s");
    }
    hold(traffic, System.nanoTime(), settings.phase(), settings.phase(), () -> true);

    String leaving = LEAVER;
    out.heading("Phase " + Phase.LEAVE.title() + ": " + leaving + " leaves gracefully");
    traffic.enter(Phase.LEAVE);
    long leftAt = System.nanoTime();
    out.say(leaving + ": NOT_SERVING and maintenance -> drain " + Narrator.span(settings.drain().toNanos())
        + " -> deregister -> stop");
    HelloServer leaver = servers.remove(leaving);
    CompletableFuture<Void> left = CompletableFuture.runAsync(leaver::shutdownGracefully)
        .thenRun(() -> out.say(leaving + ": stopped"));
    hold(traffic, leftAt, settings.phase(), WAIT_LIMIT, left::isDone);
    left.join();
    changes.add(new DemoReport.Change(leaving + " leaves gracefully",
        since(leftAt, watch.notPassing(leaving, leftAt), "not passing") + ", "
            + since(leftAt, watch.gone(leaving, leftAt), "deregistered"),
        lastCall(leftAt, observations.lastReply(leaving))));

    String victim = "hello-2";
    out.heading("Phase " + Phase.CRASH.title() + ": " + victim + " is killed without deregistering");
    traffic.enter(Phase.CRASH);
    crashed = victim;
    long killedAt = System.nanoTime();
    child.kill();
    out.say(victim + ": killed with SIGKILL (process " + child.pid() + " gone; it deregistered nothing)");
    boolean reap = consul.embedded();
    if (!hold(traffic, killedAt, settings.phase(), WAIT_LIMIT, () -> watch.notPassing(victim, killedAt).isPresent()
        && (!reap || watch.gone(victim, killedAt).isPresent()))) {
      findings.problem("Consul did not mark " + victim + " critical" + (reap ? " and reap it" : "") + " within "
          + WAIT_LIMIT.toSeconds() + " s");
    }
    changes.add(new DemoReport.Change(victim + " is killed",
        since(killedAt, watch.notPassing(victim, killedAt), "critical") + ", "
            + (reap ? since(killedAt, watch.gone(victim, killedAt), "reaped") : "reaped after 1 min or more"),
        lastCall(killedAt, observations.lastReply(victim))));
    findings.explainCrash(traffic.tally(Phase.CRASH), victim, watch.notPassing(victim, killedAt), killedAt);

    String joiner = "hello-4";
    out.heading("Phase " + Phase.JOIN.title() + ": " + joiner + " joins");
    traffic.enter(Phase.JOIN);
    long joinedAt = System.nanoTime();
    start(joiner);
    if (!hold(traffic, joinedAt, settings.phase(), WAIT_LIMIT,
        () -> observations.firstReply(joiner).isPresent())) {
      findings.problem(joiner + " got no call within " + WAIT_LIMIT.toSeconds() + " s of starting");
    }
    OptionalLong passing = watch.passing(joiner, joinedAt);
    OptionalLong first = observations.firstReply(joiner);
    String afterPassing = passing.isPresent() && first.isPresent()
        ? " (" + Narrator.span(first.getAsLong() - passing.getAsLong()) + " after passing)" : "";
    changes.add(new DemoReport.Change(joiner + " joins", since(joinedAt, passing, "passing"),
        since(joinedAt, first, "first call") + afterPassing));
    out.heading("End: the client stops, the remaining instances leave gracefully");
  }

  private void start(String id) throws IOException {
    HelloServer server = HelloServer.newBuilder()
        .serviceName(SERVICE)
        .id(id)
        .consul(consul.config())
        .checkInterval(CHECK_INTERVAL)
        .drainTime(settings.drain())
        .deregisterCriticalServiceAfter(reapAfter)
        .start();
    servers.put(id, server);
    started.add(id);
    out.say(id + ": serving on " + server.host() + ":" + server.port() + ", registering with a gRPC check every "
        + CHECK_INTERVAL.toSeconds() + " s");
  }

  /** The instance the demo kills runs in its own JVM, so that killing it is real: see {@link ChildServer}. */
  private void startChild(String id) throws IOException {
    child = ChildServer.start(id, SERVICE, consul, CHECK_INTERVAL, reapAfter,
        line -> out.say(id + " (process): " + line));
    started.add(id);
    out.say(id + ": starting as a separate process (pid " + child.pid() + "), so it can be killed for real");
  }

  /**
   * Keeps the traffic going, printing the calls of each second, until {@code done} holds and {@code least} has
   * passed since {@code t0}. Gives up after {@code most}; returns whether {@code done} held.
   */
  private boolean hold(Traffic traffic, long t0, Duration least, Duration most, BooleanSupplier done)
      throws InterruptedException {
    long minEnd = t0 + least.toNanos();
    long limit = t0 + Math.max(least.toNanos(), most.toNanos());
    while (true) {
      long now = System.nanoTime();
      boolean ok = done.getAsBoolean();
      if ((ok && now >= minEnd) || now >= limit) {
        return ok;
      }
      if (traffic.running() && now - nextProgress >= 0) {
        progress(traffic);
        nextProgress += TimeUnit.SECONDS.toNanos(1);
        if (nextProgress - now < 0) {
          nextProgress = now + TimeUnit.SECONDS.toNanos(1);
        }
      }
      // A demo's pacing loop: events are timestamped where they happen, not here.
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  private void progress(Traffic traffic) {
    Map<String, Long> now = new LinkedHashMap<>();
    traffic.repliesSoFar().forEach((id, n) -> now.put(id, n.sum()));
    StringBuilder line = new StringBuilder("client: last second");
    for (String id : started) {
      long delta = now.getOrDefault(id, 0L) - lastProgress.getOrDefault(id, 0L);
      line.append(String.format("  %s %3d", id, delta));
    }
    long failures = traffic.failuresSoFar();
    line.append(String.format("  failed %3d", failures - lastFailures));
    lastProgress = now;
    lastFailures = failures;
    out.say(line.toString());
  }

  private void stopAll() {
    List<CompletableFuture<Void>> leaving = new ArrayList<>();
    for (HelloServer server : servers.values()) {
      leaving.add(CompletableFuture.runAsync(server::shutdownGracefully));
    }
    CompletableFuture.allOf(leaving.toArray(new CompletableFuture<?>[0])).join();
    servers.clear();
    out.say("all instances left");
  }

  private static String since(long t0, OptionalLong at, String what) {
    return at.isPresent() ? what + " " + signed(at.getAsLong() - t0) : what + " never";
  }

  /** A last call before the change means no call at all reached the instance after it. */
  private static String lastCall(long t0, OptionalLong at) {
    if (at.isPresent() && at.getAsLong() < t0) {
      return "no call after it (last " + Narrator.span(t0 - at.getAsLong()) + " before)";
    }
    return since(t0, at, "last call");
  }

  private static String signed(long nanos) {
    return (nanos >= 0 ? "+" : "") + Narrator.span(nanos);
  }
}
