package io.github.grpcconsul.internal.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How the blocking-query loop waits after a failure when it has an agent probe (RetryWait), on virtual time. */
class BlockingQueryProbeTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final List<CompletableFuture<Object>> probes = new ArrayList<>();
  private final AgentProbe probe = new AgentProbe(() -> {
    CompletableFuture<Object> f = new CompletableFuture<>();
    probes.add(f);
    return f;
  }, scheduler, Duration.ofMillis(250));
  private final List<Long> sent = new ArrayList<>();
  private final List<CompletableFuture<QueryResult<String>>> pending = new ArrayList<>();
  private final List<String> events = new ArrayList<>();

  private BlockingQuery<String> query() {
    return BlockingQuery.<String>newBuilder((index, wait) -> {
      sent.add(index);
      CompletableFuture<QueryResult<String>> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }, new BlockingQuery.Listener<>() {
      @Override
      public void onResult(String value, QueryResult<String> result) {
        events.add("result " + value);
      }

      @Override
      public void onError(Throwable error, int consecutiveFailures) {
        events.add("error #" + consecutiveFailures);
      }
    }, scheduler)
        .wait(Duration.ofSeconds(30))
        .rateLimit(1000, Duration.ofNanos(1))
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2)
        .clock(scheduler::nanoTime)
        .random(() -> 0.5)
        .agentProbe(probe)
        .build();
  }

  private static ConsulUnreachableException refused() {
    return new ConsulUnreachableException("cannot reach Consul at 127.0.0.1:1: Connection refused",
        new java.net.ConnectException("Connection refused"));
  }

  private void lastRequest(Throwable error) {
    pending.get(pending.size() - 1).completeExceptionally(error);
    scheduler.runDue();
  }

  private void answer(String value, long index) {
    pending.get(pending.size() - 1).complete(new QueryResult<>(value, index, true, Duration.ZERO));
    scheduler.runDue();
  }

  private void probeFails() {
    probes.get(probes.size() - 1).completeExceptionally(new IOException("Connection refused"));
    scheduler.runDue();
  }

  private void probeAnswers() {
    probes.get(probes.size() - 1).complete("200");
    scheduler.runDue();
  }

  @Test
  void transportFailure_waitsForTheProbe_notTheBackoff_andRetriesTheMomentItAnswers() {
    BlockingQuery<String> q = query();
    q.start();
    scheduler.runDue();
    answer("a", 7);
    lastRequest(refused());
    assertThat(probes).hasSize(1);
    // A 10 s outage: only the probe runs, the loop sends nothing.
    for (int i = 0; i < 40; i++) {
      probeFails();
      scheduler.advance(250, TimeUnit.MILLISECONDS);
    }
    assertThat(sent).hasSize(2);
    probeAnswers();
    assertThat(sent).hasSize(3);
    assertThat(sent.get(2)).isEqualTo(1L); // answered at once by any live agent
    answer("b", 3);
    assertThat(events).containsExactly("result a", "error #1", "result b");
    assertThat(probe.isActive()).isFalse();
  }

  @Test
  void httpErrorStorm_stillBacksOffExponentially_andNeverProbes() {
    BlockingQuery<String> q = query();
    q.start();
    scheduler.runDue();
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      lastRequest(new ConsulException(503, "boom", "GET", "/v1/health/service/web"));
      delays.addAll(scheduler.pendingDelaysMillis());
      scheduler.advance(delays.get(delays.size() - 1), TimeUnit.MILLISECONDS);
    }
    assertThat(delays).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L);
    assertThat(probes).isEmpty();
  }

  @Test
  void probeAnswersButTheRequestStillFails_nextWaitIsTheBackoff_soNoTightLoop() {
    BlockingQuery<String> q = query();
    q.start();
    scheduler.runDue();
    lastRequest(refused()); // #1: probe
    probeAnswers();
    lastRequest(refused()); // #2: the probe was wrong: backoff 200 ms
    assertThat(scheduler.pendingDelaysMillis()).containsExactly(200L);
    assertThat(probes).hasSize(1);
    scheduler.advance(200, TimeUnit.MILLISECONDS);
    lastRequest(refused()); // #3: probe again
    probeAnswers();
    lastRequest(refused()); // #4: backoff 800 ms; the count kept growing
    assertThat(scheduler.pendingDelaysMillis()).containsExactly(800L);
    assertThat(events).containsExactly("error #1", "error #2", "error #3", "error #4");
  }

  @Test
  void cancelWhileWaitingForTheProbe_stopsTheProbe() {
    BlockingQuery<String> q = query();
    q.start();
    scheduler.runDue();
    lastRequest(refused());
    assertThat(probe.waiting()).isEqualTo(1);
    q.cancel();
    assertThat(probe.waiting()).isZero();
    assertThat(probe.isActive()).isFalse();
    probeAnswers(); // a late answer releases nobody
    scheduler.advance(10, TimeUnit.SECONDS);
    assertThat(sent).hasSize(1);
    assertThat(scheduler.pendingDelaysMillis()).isEmpty();
  }

  @Test
  void fiftyQueries_shareOneProbe_andAllRetryAtOnce() {
    List<BlockingQuery<String>> queries = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      BlockingQuery<String> q = query();
      queries.add(q);
      q.start();
    }
    scheduler.runDue();
    for (CompletableFuture<QueryResult<String>> f : List.copyOf(pending)) {
      f.completeExceptionally(refused());
    }
    scheduler.runDue();
    assertThat(probe.waiting()).isEqualTo(50);
    for (int i = 0; i < 4; i++) {
      probeFails();
      scheduler.advance(250, TimeUnit.MILLISECONDS);
    }
    assertThat(probes).hasSize(5);
    assertThat(sent).hasSize(50);
    probeAnswers();
    assertThat(sent).hasSize(100);
    queries.forEach(BlockingQuery::cancel);
  }

  @Test
  void bodyThatIsNotJson_isNotATransportFailure_backsOff() {
    BlockingQuery<String> q = query();
    q.start();
    scheduler.runDue();
    lastRequest(new IOException("Consul answered GET /v1/health/service/web with a body that is not the expected JSON"));
    assertThat(scheduler.pendingDelaysMillis()).containsExactly(100L);
    assertThat(probes).isEmpty();
  }

  @Test
  void tlsFailure_isNotATransportFailure_backsOff() {
    BlockingQuery<String> q = query();
    q.start();
    scheduler.runDue();
    lastRequest(new ConsulUnreachableException("cannot reach Consul at https://localhost:8501: PKIX path building"
        + " failed", new javax.net.ssl.SSLHandshakeException("PKIX path building failed")));
    assertThat(scheduler.pendingDelaysMillis()).containsExactly(100L);
    assertThat(probes).isEmpty();
  }
}
