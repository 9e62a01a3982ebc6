package io.github.grpcconsul.internal.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An agent that goes down and comes back on the same port: watches notice its return through the shared probe within
 * a fraction of a second, cost the same few requests per second while it is down however many they are, and a 503
 * storm still backs off exponentially.
 */
class AgentOutageTest {
  /** The documented bound: one probe per 250 ms per client (one address), nothing per watch. */
  static final double MAX_REQUESTS_PER_SECOND_WHILE_DOWN = 4.0;
  /**
   * The backoff of these watches starts at its cap (2 s ± 20 %), as a watch's has after a few seconds of outage, so
   * a retry on the backoff alone could not meet the 1.5 s bound below and the test fails without the probe.
   */
  static final Duration BACKOFF = Duration.ofSeconds(2);

  private DevAgent agent;
  private ConsulClient client;
  private final List<BlockingQuery<List<HealthEntry>>> queries = new ArrayList<>();

  @BeforeEach
  void setUp() {
    agent = DevAgent.builder().build();
    agent.start();
    client = ConsulClient.create(ConsulConfig.newBuilder().address(agent.httpAddress()).build());
  }

  @AfterEach
  void tearDown() {
    queries.forEach(BlockingQuery::cancel);
    client.close();
    agent.close();
  }

  /** A watch of {@code service} whose last successful answer (any index) is recorded in {@code lastSuccess}. */
  private BlockingQuery<List<HealthEntry>> watch(String service, AtomicLong lastSuccess, List<Throwable> errors) {
    HealthQuery q = HealthQuery.of(service);
    BlockingQuery<List<HealthEntry>> query = BlockingQuery.<List<HealthEntry>>newBuilder((index, wait) -> {
      CompletableFuture<QueryResult<List<HealthEntry>>> f = client.healthService(q, index, wait);
      f.thenRun(() -> lastSuccess.set(System.nanoTime()));
      return f;
    }, new BlockingQuery.Listener<>() {
      @Override
      public void onResult(List<HealthEntry> value, QueryResult<List<HealthEntry>> result) {}

      @Override
      public void onError(Throwable error, int consecutiveFailures) {
        errors.add(error);
      }
    }, client.scheduler())
        .wait(Duration.ofSeconds(30))
        .backoff(BACKOFF, BACKOFF, 0.2)
        .agentProbe(client.agentProbe())
        .build();
    queries.add(query);
    query.start();
    return query;
  }

  @ParameterizedTest(name = "{0} watch(es)")
  @ValueSource(ints = {1, 50})
  void agentDownThenBack_watchesAnswerWithin1500ms_requestRateWhileDownIsTheSameBound(int watches)
      throws Exception {
    List<AtomicLong> successes = new ArrayList<>();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < watches; i++) {
      AtomicLong s = new AtomicLong();
      successes.add(s);
      watch("svc-" + i, s, errors);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> successes.stream().allMatch(s -> s.get() != 0));
    await().atMost(Duration.ofSeconds(20)).until(() -> agent.parkedQueries() == watches);

    agent.stop();
    AgentProbe probe = client.agentProbe();
    // Every watch has seen its long poll break and now waits for the probe.
    await().atMost(Duration.ofSeconds(20)).until(() -> probe.waiting() == watches);
    assertThat(errors).allMatch(ConsulUnreachableException::isTransportFailure);
    long probesAtStart = probe.probesSent();
    long attemptsAtStart = client.requestAttempts();
    long start = System.nanoTime();
    // The outage lasts until the probe has failed 8 more times (about 2 s): longer than the backoff of the watches.
    await().atMost(Duration.ofSeconds(30)).until(() -> probe.probesSent() >= probesAtStart + 8);
    long attempts = client.requestAttempts() - attemptsAtStart;
    double seconds = (System.nanoTime() - start) / 1e9;
    // Only the probe sent anything: one request per probe, none per watch.
    assertThat(attempts).isEqualTo(probe.probesSent() - probesAtStart);
    assertThat(attempts).isLessThanOrEqualTo((long) Math.ceil(MAX_REQUESTS_PER_SECOND_WHILE_DOWN * seconds) + 1);
    assertThat(probe.waiting()).isEqualTo(watches);

    agent.start();
    long back = System.nanoTime();
    await().atMost(Duration.ofSeconds(20)).until(() -> successes.stream().allMatch(s -> s.get() > back));
    long slowestMillis = successes.stream().mapToLong(s -> TimeUnit.NANOSECONDS.toMillis(s.get() - back)).max()
        .orElseThrow();
    assertThat(slowestMillis).as("slowest watch's first answer after the agent came back, ms").isLessThan(1500);
    await().atMost(Duration.ofSeconds(10)).until(() -> !probe.isActive());
    assertThat(probe.waiting()).isZero();
  }

  @Test
  void serviceUnavailableStorm_backsOffExponentially_withoutProbing() {
    List<Long> errorTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
    HealthQuery q = HealthQuery.of("web");
    agent.faults().forPath("/v1/health/").respond(503, "storm");
    BlockingQuery<List<HealthEntry>> query = BlockingQuery.<List<HealthEntry>>newBuilder(
        (index, wait) -> client.healthService(q, index, wait), new BlockingQuery.Listener<>() {
          @Override
          public void onResult(List<HealthEntry> value, QueryResult<List<HealthEntry>> result) {}

          @Override
          public void onError(Throwable error, int consecutiveFailures) {
            assertThat(ConsulFailures.unwrap(error)).isInstanceOf(ConsulException.class);
            errorTimes.add(System.nanoTime());
          }
        }, client.scheduler())
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2)
        .agentProbe(client.agentProbe())
        .build();
    queries.add(query);
    query.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> errorTimes.size() >= 6);
    // Retry k waits 100 ms * 2^(k-1), -20 % at worst: 80, 160, 320, 640, 1280 ms at least.
    for (int k = 1; k < 6; k++) {
      long gapMillis = TimeUnit.NANOSECONDS.toMillis(errorTimes.get(k) - errorTimes.get(k - 1));
      assertThat(gapMillis).as("gap before retry %d", k).isGreaterThanOrEqualTo((long) (80 * Math.pow(2, k - 1)));
    }
    assertThat(client.agentProbe().probesSent()).isZero();
    assertThat(agent.requestCount("/v1/status/leader")).isZero();
  }

  @Test
  void close_whileWaitingForTheProbe_leavesNoTimerNoProbeNoThread() throws Exception {
    AtomicLong s = new AtomicLong();
    watch("web", s, new ArrayList<>());
    await().atMost(Duration.ofSeconds(20)).until(() -> agent.parkedQueries() == 1);
    agent.stop();
    AgentProbe probe = client.agentProbe();
    await().atMost(Duration.ofSeconds(20)).until(() -> probe.waiting() == 1 && probe.probesSent() >= 2);
    client.close();
    assertThat(probe.isActive()).isFalse();
    assertThat(probe.waiting()).isZero();
    assertThat(client.scheduler().awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> client.threadsForTest().stream().noneMatch(Thread::isAlive));
  }

  @Test
  void tlsFailure_isNoOutage_theWatchBacksOff_andTheProbeCountsTheAgentAsThere() throws Exception {
    // https:// to the plain-HTTP dev agent: every handshake fails with an SSLException.
    try (ConsulClient tls = ConsulClient.create(
        ConsulConfig.newBuilder().address("https://" + agent.httpAddress()).build())) {
      List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
      HealthQuery q = HealthQuery.of("web");
      BlockingQuery<List<HealthEntry>> query = BlockingQuery.<List<HealthEntry>>newBuilder(
          (index, wait) -> tls.healthService(q, index, wait), new BlockingQuery.Listener<>() {
            @Override
            public void onResult(List<HealthEntry> value, QueryResult<List<HealthEntry>> result) {}

            @Override
            public void onError(Throwable error, int consecutiveFailures) {
              errors.add(error);
            }
          }, tls.scheduler())
          .backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2)
          .agentProbe(tls.agentProbe())
          .build();
      queries.add(query);
      query.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> errors.size() >= 3);
      assertThat(ConsulUnreachableException.isTransportFailure(errors.get(0))).isFalse();
      assertThat(tls.agentProbe().probesSent()).isZero();
      // A loop that waits for the probe (after a refused connection, say) is released by the failed handshake.
      tls.agentProbe().awaitReachable().get(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> !tls.agentProbe().isActive());
    }
  }
}
