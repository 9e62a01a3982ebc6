package io.github.grpcconsul.internal.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared reachability probe on virtual time: when it probes, whom it releases, and that it stops. */
class AgentProbeTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final List<CompletableFuture<Object>> probes = new ArrayList<>();
  private final AgentProbe probe = new AgentProbe(() -> {
    CompletableFuture<Object> f = new CompletableFuture<>();
    probes.add(f);
    return f;
  }, scheduler, Duration.ofMillis(250));

  private CompletableFuture<Object> lastProbe() {
    return probes.get(probes.size() - 1);
  }

  private void probeFails() {
    lastProbe().completeExceptionally(new IOException("Connection refused"));
    scheduler.runDue();
  }

  private void probeAnswers() {
    lastProbe().complete("any HTTP answer");
    scheduler.runDue();
  }

  @Test
  void nobodyWaiting_noProbe_noTimer() {
    scheduler.advance(10, TimeUnit.SECONDS);
    assertThat(probes).isEmpty();
    assertThat(scheduler.pendingDelaysMillis()).isEmpty();
    assertThat(probe.isActive()).isFalse();
  }

  @Test
  void firstWaiter_probesAtOnce_thenEveryIntervalAfterAFailure() {
    CompletableFuture<Void> w = probe.awaitReachable();
    scheduler.runDue();
    assertThat(probes).hasSize(1);
    probeFails();
    assertThat(scheduler.pendingDelaysMillis()).containsExactly(250L);
    scheduler.advance(249, TimeUnit.MILLISECONDS);
    assertThat(probes).hasSize(1);
    scheduler.advance(1, TimeUnit.MILLISECONDS);
    assertThat(probes).hasSize(2);
    assertThat(w).isNotDone();
  }

  @Test
  void success_releasesEveryWaiter_andStops() {
    List<CompletableFuture<Void>> waiters = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      waiters.add(probe.awaitReachable());
    }
    scheduler.runDue();
    probeFails();
    scheduler.advance(250, TimeUnit.MILLISECONDS);
    probeAnswers();
    assertThat(waiters).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(probe.waiting()).isZero();
    assertThat(probe.isActive()).isFalse();
    assertThat(scheduler.pendingDelaysMillis()).isEmpty();
    assertThat(probes).hasSize(2);
  }

  @Test
  void fiftyWaiters_costTheSameAsOne_fourProbesPerSecond() {
    for (int i = 0; i < 50; i++) {
      probe.awaitReachable();
    }
    // Each probe fails at once, like a refused connection.
    for (long t = 0; t < 10_000; t++) {
      scheduler.runDue();
      if (!lastProbe().isDone()) {
        probeFails();
      }
      scheduler.advance(1, TimeUnit.MILLISECONDS);
    }
    // 10 virtual seconds: one at once, then one per 250 ms.
    assertThat(probes).hasSizeBetween(40, 41);
    assertThat(probe.probesSent()).isEqualTo(probes.size());
  }

  @Test
  void waiterThatJoinsDuringAProbe_isNotReleasedByIt_butByAFreshOne() {
    CompletableFuture<Void> early = probe.awaitReachable();
    scheduler.runDue();
    CompletableFuture<Void> late = probe.awaitReachable(); // its request failed while the probe was in flight
    probeAnswers();
    assertThat(early).isCompleted();
    assertThat(late).isNotDone();
    assertThat(probes).hasSize(2); // the fresh probe was sent at once
    probeAnswers();
    assertThat(late).isCompleted();
    assertThat(probe.isActive()).isFalse();
  }

  @Test
  void waiterJoiningWhileAProbeIsBeingSent_doesNotStartASecondChain() {
    List<CompletableFuture<Object>> sent = new ArrayList<>();
    AgentProbe[] self = new AgentProbe[1];
    self[0] = new AgentProbe(() -> {
      if (sent.isEmpty()) {
        self[0].awaitReachable(); // another loop's request fails right now, on another thread
      }
      CompletableFuture<Object> f = new CompletableFuture<>();
      sent.add(f);
      return f;
    }, scheduler, Duration.ofMillis(250));
    self[0].awaitReachable();
    for (int i = 0; i < 4; i++) {
      scheduler.runDue();
      sent.get(sent.size() - 1).completeExceptionally(new IOException("Connection refused"));
      scheduler.runDue();
      assertThat(scheduler.pendingDelaysMillis()).hasSize(1);
      scheduler.advance(250, TimeUnit.MILLISECONDS);
    }
    assertThat(sent).hasSize(5);
    assertThat(self[0].waiting()).isEqualTo(2);
  }

  @Test
  void lastWaiterCancelled_abortsTheProbe_andLeavesNoTimer() {
    CompletableFuture<Void> a = probe.awaitReachable();
    CompletableFuture<Void> b = probe.awaitReachable();
    scheduler.runDue();
    a.cancel(false);
    assertThat(lastProbe()).isNotDone();
    b.cancel(false);
    assertThat(lastProbe()).isCancelled();
    assertThat(probe.isActive()).isFalse();
    scheduler.advance(10, TimeUnit.SECONDS);
    assertThat(probes).hasSize(1);
    assertThat(scheduler.pendingDelaysMillis()).isEmpty();
  }

  @Test
  void close_cancelsWaitersTimerAndProbe_laterWaitersAreCancelledAtOnce() {
    CompletableFuture<Void> w = probe.awaitReachable();
    scheduler.runDue();
    probeFails();
    probe.close();
    assertThat(w).isCancelled();
    assertThat(scheduler.pendingDelaysMillis()).isEmpty();
    assertThat(probe.isActive()).isFalse();
    assertThat(probe.awaitReachable()).isCancelled();
    probe.close(); // idempotent
  }

  @Test
  void probeInFlightAtClose_isAborted() {
    probe.awaitReachable();
    scheduler.runDue();
    probe.close();
    assertThat(lastProbe()).isCancelled();
  }

  @Test
  void schedulerShutDown_waiterIsCancelled() {
    scheduler.shutdownNow();
    assertThat(probe.awaitReachable()).isCancelled();
    assertThat(probe.waiting()).isZero();
  }

  @Test
  void badInterval_isRejectedWithTheFix() {
    assertThatThrownBy(() -> new AgentProbe(CompletableFuture::new, scheduler, Duration.ZERO))
        .hasMessageContaining("PT0S").hasMessageContaining("> 0");
  }
}
