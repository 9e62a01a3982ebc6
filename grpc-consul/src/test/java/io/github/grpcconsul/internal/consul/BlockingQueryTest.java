package io.github.grpcconsul.internal.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BlockingQueryTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final List<Long> sentIndexes = new ArrayList<>();
  private final List<Duration> sentWaits = new ArrayList<>();
  private final List<CompletableFuture<QueryResult<String>>> pending = new ArrayList<>();
  private final List<String> events = new ArrayList<>();

  private final BlockingQuery.Fetcher<String> fetcher = (index, wait) -> {
    sentIndexes.add(index);
    sentWaits.add(wait);
    CompletableFuture<QueryResult<String>> f = new CompletableFuture<>();
    pending.add(f);
    return f;
  };

  private final BlockingQuery.Listener<String> listener = new BlockingQuery.Listener<>() {
    @Override
    public void onResult(String value, QueryResult<String> result) {
      events.add("result " + value + "@" + result.index());
    }

    @Override
    public void onError(Throwable error, int consecutiveFailures) {
      events.add("error " + error.getMessage() + " #" + consecutiveFailures);
    }
  };

  private BlockingQuery.Builder<String> builder() {
    return BlockingQuery.newBuilder(fetcher, listener, scheduler)
        .wait(Duration.ofSeconds(30))
        .clock(scheduler::nanoTime)
        .random(() -> 0.5); // no jitter
  }

  private static QueryResult<String> result(String value, long index) {
    return new QueryResult<>(value, index, true, Duration.ZERO);
  }

  private void answer(String value, long index) {
    pending.get(pending.size() - 1).complete(result(value, index));
    scheduler.runDue();
  }

  private void fail(String message) {
    pending.get(pending.size() - 1).completeExceptionally(new java.io.IOException(message));
    scheduler.runDue();
  }

  @Test
  void firstRequestIsNonBlocking_thenBlocksOnLastIndex() {
    BlockingQuery<String> q = builder().build();
    q.start();
    scheduler.runDue();
    assertThat(sentIndexes).containsExactly(0L);
    answer("a", 7);
    assertThat(sentIndexes).containsExactly(0L, 7L);
    assertThat(sentWaits).containsOnly(Duration.ofSeconds(30));
    assertThat(events).containsExactly("result a@7");
  }

  @Test
  void sameIndex_isNotDelivered_changedIndex_is() {
    BlockingQuery<String> q = builder().build();
    q.start();
    scheduler.runDue();
    answer("a", 7);
    answer("a", 7); // wait timed out, nothing changed
    answer("b", 9);
    assertThat(events).containsExactly("result a@7", "result b@9");
    assertThat(sentIndexes).containsExactly(0L, 7L, 7L, 9L);
    assertThat(q.lastIndex()).isEqualTo(9);
  }

  @Test
  void indexGoingBackwards_resets_andIsDelivered() {
    BlockingQuery<String> q = builder().build();
    q.start();
    scheduler.runDue();
    answer("a", 500);
    answer("after-restart", 3);
    assertThat(events).containsExactly("result a@500", "result after-restart@3");
    assertThat(sentIndexes).containsExactly(0L, 500L, 3L);
  }

  @Test
  void indexZeroFromServer_isNeverSentBack() {
    BlockingQuery<String> q = builder().build();
    q.start();
    scheduler.runDue();
    answer("a", 0);
    assertThat(sentIndexes).containsExactly(0L, 1L);
  }

  @Test
  void afterAnError_retryAnswersAtOnce_withIndexOne() {
    BlockingQuery<String> q = builder().build();
    q.start();
    scheduler.runDue();
    answer("a", 500);
    fail("connection refused");
    scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(sentIndexes).containsExactly(0L, 500L, 1L);
    answer("a", 500); // nothing changed: not delivered, and the loop blocks on 500 again
    assertThat(sentIndexes).containsExactly(0L, 500L, 1L, 500L);
    assertThat(events).containsExactly("result a@500", "error connection refused #1");
  }

  @Test
  void rateLimit_burstThenOnePerRefill() {
    BlockingQuery<String> q = builder().rateLimit(3, Duration.ofMillis(200)).build();
    q.start();
    scheduler.runDue();
    // A churning service: every answer carries a new index, at once.
    for (int i = 1; i <= 3; i++) {
      answer("v" + i, i * 10);
    }
    assertThat(sentIndexes).hasSize(3); // burst of 3 used up, the fourth waits for a token
    assertThat(scheduler.pendingDelaysMillis()).containsExactly(200L);
    scheduler.advance(199, TimeUnit.MILLISECONDS);
    assertThat(sentIndexes).hasSize(3);
    scheduler.advance(1, TimeUnit.MILLISECONDS);
    assertThat(sentIndexes).hasSize(4);
    answer("v4", 40);
    scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(sentIndexes).hasSize(5);
  }

  @Test
  void defaultRateLimit_isBurst5_then5PerSecond() {
    BlockingQuery<String> q = builder().build();
    q.start();
    scheduler.runDue();
    for (int i = 1; i <= 10; i++) {
      if (pending.size() == i) {
        answer("v" + i, i);
      }
    }
    assertThat(sentIndexes).hasSize(BlockingQuery.DEFAULT_BURST);
    for (int second = 0; second < 10; second++) {
      while (pending.size() > 0 && !pending.get(pending.size() - 1).isDone()) {
        answer("v", 100 + pending.size());
      }
      scheduler.advance(100, TimeUnit.MILLISECONDS);
      while (pending.size() > 0 && !pending.get(pending.size() - 1).isDone()) {
        answer("v", 100 + pending.size());
      }
      scheduler.advance(900, TimeUnit.MILLISECONDS);
    }
    // 10 virtual seconds at 5/s after the burst: about 5 + 50 requests, never more.
    assertThat(sentIndexes.size()).isBetween(50, 56);
  }

  @Test
  void errors_backOffExponentially_withCap_andResetOnSuccess() {
    BlockingQuery<String> q = builder()
        .rateLimit(1000, Duration.ofNanos(1))
        .backoff(Duration.ofMillis(100), Duration.ofMillis(500), 0.2)
        .build();
    q.start();
    scheduler.runDue();
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      fail("boom");
      delays.addAll(scheduler.pendingDelaysMillis());
      scheduler.advance(delays.get(delays.size() - 1), TimeUnit.MILLISECONDS);
    }
    assertThat(delays).containsExactly(100L, 200L, 400L, 500L, 500L);
    assertThat(events).containsExactly("error boom #1", "error boom #2", "error boom #3", "error boom #4",
        "error boom #5");
    answer("ok", 5);
    fail("again");
    assertThat(scheduler.pendingDelaysMillis()).containsExactly(100L);
    assertThat(events).endsWith("result ok@5", "error again #1");
  }

  @Test
  void jitter_staysWithinTwentyPercent() {
    Backoff low = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 0.2, () -> 0.0);
    Backoff high = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 0.2, () -> 0.999999);
    assertThat(TimeUnit.NANOSECONDS.toMillis(low.delayNanos(1))).isEqualTo(80);
    assertThat(TimeUnit.NANOSECONDS.toMillis(high.delayNanos(1))).isEqualTo(119);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(high.delayNanos(30))).isEqualTo(35);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(low.delayNanos(1000))).isEqualTo(24);
  }

  @Test
  void cancel_abortsInFlightRequest_andStopsEverything() {
    BlockingQuery<String> q = builder().build();
    q.start();
    scheduler.runDue();
    answer("a", 7);
    CompletableFuture<QueryResult<String>> inFlight = pending.get(1);
    assertThat(q.hasRequestInFlight()).isTrue();
    q.cancel();
    assertThat(inFlight).isCancelled();
    assertThat(q.isCancelled()).isTrue();
    scheduler.advance(1, TimeUnit.HOURS);
    assertThat(sentIndexes).hasSize(2);
    assertThat(events).containsExactly("result a@7");
    assertThat(scheduler.pendingDelaysMillis()).isEmpty();
  }

  @Test
  void cancel_duringBackoff_cancelsTimer() {
    BlockingQuery<String> q = builder().build();
    q.start();
    scheduler.runDue();
    fail("boom");
    assertThat(scheduler.pendingDelaysMillis()).hasSize(1);
    q.cancel();
    assertThat(scheduler.pendingDelaysMillis()).isEmpty();
    scheduler.advance(1, TimeUnit.HOURS);
    assertThat(sentIndexes).hasSize(1);
  }

  @Test
  void lateCompletionAfterCancel_isIgnored() {
    BlockingQuery<String> q = builder().build();
    q.start();
    scheduler.runDue();
    CompletableFuture<QueryResult<String>> f = pending.get(0);
    q.cancel();
    f.complete(result("late", 3)); // already cancelled: no effect
    scheduler.runDue();
    assertThat(events).isEmpty();
  }

  @Test
  void throwingListener_doesNotStopTheLoop() {
    List<String> seen = new ArrayList<>();
    BlockingQuery<String> q = BlockingQuery.newBuilder(fetcher, new BlockingQuery.Listener<String>() {
      @Override
      public void onResult(String value, QueryResult<String> result) {
        seen.add(value);
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void onError(Throwable error, int consecutiveFailures) {}
    }, scheduler).clock(scheduler::nanoTime).build();
    q.start();
    scheduler.runDue();
    answer("a", 1);
    answer("b", 2);
    assertThat(seen).containsExactly("a", "b");
    assertThat(sentIndexes).hasSize(3);
  }

  @Test
  void fetcherThrowing_isAnError() {
    List<Integer> failures = new ArrayList<>();
    BlockingQuery<String> q = BlockingQuery.<String>newBuilder((i, w) -> {
      throw new IllegalStateException("closed");
    }, new BlockingQuery.Listener<String>() {
      @Override
      public void onResult(String value, QueryResult<String> result) {}

      @Override
      public void onError(Throwable error, int consecutiveFailures) {
        failures.add(consecutiveFailures);
      }
    }, scheduler).clock(scheduler::nanoTime).random(() -> 0.5).build();
    q.start();
    scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(failures).containsExactly(1, 2, 3, 4);
    q.cancel();
  }

  @Test
  void builder_rejectsBadSettings() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().wait(Duration.ofMinutes(11)))
        .hasMessageContaining("10 minutes");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().rateLimit(0, Duration.ofMillis(1)))
        .hasMessageContaining("burst 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.2))
        .hasMessageContaining("initial <= max");
  }
}
