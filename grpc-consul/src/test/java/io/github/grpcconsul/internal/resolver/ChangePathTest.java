package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.internal.consul.BlockingQuery;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.github.grpcconsul.internal.consul.QueryResult;
import io.grpc.SynchronizationContext;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The change path's threading and its one change check; each of these failed before the redesign. */
class ChangePathTest {

  private final ScheduledThreadPoolExecutor http = new ScheduledThreadPoolExecutor(2);
  private final Executor blocking = BlockingExecutor.acquire();

  @AfterEach
  void tearDown() {
    http.shutdownNow();
    BlockingExecutor.release(blocking);
  }

  private static HealthEntry entry(String id, String address) {
    return new HealthEntry(
        new HealthEntry.Node("node-id", "node-1", "127.0.0.1", "dc1", Map.of()),
        new HealthEntry.Service(id, "web", address, 8080, List.of(), Map.of(), new HealthEntry.Weights(1, 1)),
        List.of(new HealthEntry.Check("c:" + id, "check", CheckStatus.PASSING, id, "")));
  }

  @Test
  void changeAfterAnError_isMappedOnce_andPublishedOnce() {
    Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    HostResolver counting = host -> {
      lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
      return InetAddress.getLoopbackAddress();
    };
    ServiceWatch watch = new ServiceWatch("service \"web\" at test", false, blocking, counting);
    List<WatchState> published = new CopyOnWriteArrayList<>();
    watch.subscribe(published::add);
    List<Long> sentIndexes = new CopyOnWriteArrayList<>();
    BlockingQuery.Fetcher<List<HealthEntry>> fetcher = (index, wait) -> {
      sentIndexes.add(index);
      return switch (sentIndexes.size()) {
        case 1 -> CompletableFuture.completedFuture(new QueryResult<>(List.of(entry("a", "a.test")), 5, true,
            Duration.ZERO));
        case 2 -> CompletableFuture.failedFuture(new IOException("connection refused"));
        case 3 -> CompletableFuture.completedFuture(new QueryResult<>(
            List.of(entry("a", "a.test"), entry("b", "b.test")), 6, true, Duration.ZERO));
        default -> new CompletableFuture<>(); // parked
      };
    };
    BlockingQuery<List<HealthEntry>> query = BlockingQuery.newBuilder(fetcher,
        new BlockingQuery.Listener<List<HealthEntry>>() {
          @Override
          public void onResult(List<HealthEntry> value, QueryResult<List<HealthEntry>> result) {
            watch.onEntries(value);
          }

          @Override
          public void onError(Throwable error, int consecutiveFailures) {
            watch.onError(error);
          }
        }, http).rereadAfterError().backoff(Duration.ofMillis(10), Duration.ofMillis(10), 0).build();
    query.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> sentIndexes.size() >= 4 && published.size() >= 2);
    query.cancel();
    assertThat(sentIndexes.subList(0, 3)).containsExactly(0L, 5L, 0L); // the re-read after the error
    assertThat(lookups.get("b.test")).hasValue(1);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);
    assertThat(published.get(1).instances()).hasSize(2);
  }

  @Test
  void slowHostName_onOneWatch_delaysNeitherTheHttpThreadNorAnotherWatch() throws Exception {
    CountDownLatch dnsAnswers = new CountDownLatch(1);
    HostResolver slow = host -> {
      try {
        dnsAnswers.await(20, TimeUnit.SECONDS); // a host name taking "forever" (the test lets it go at the end)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return InetAddress.getLoopbackAddress();
    };
    ServiceWatch slowWatch = new ServiceWatch("service \"slow\" at test", false, blocking, slow);
    ServiceWatch fastWatch = new ServiceWatch("service \"fast\" at test", false, blocking, slow);
    List<WatchState> fast = new CopyOnWriteArrayList<>();
    fastWatch.subscribe(fast::add);
    try {
      long t0 = System.nanoTime();
      slowWatch.onEntries(List.of(entry("s", "slow.test"))); // on the "HTTP thread": must not wait for DNS
      fastWatch.onEntries(List.of(entry("f", "10.0.0.7")));
      await().atMost(Duration.ofSeconds(2)).until(() -> fast.size() == 1);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    } finally {
      dnsAnswers.countDown();
    }
  }

  @Test
  void nullOffloadExecutor_subscribesOnTheSharedExecutor_notInTheSynchronizationContext() {
    SynchronizationContext syncContext = new SynchronizationContext((t, e) -> { });
    AtomicReference<String> subscribedOn = new AtomicReference<>();
    CountDownLatch closed = new CountDownLatch(1);
    ConsulNameResolver resolver = new ConsulNameResolver(ConsulTarget.parse("consul:///web"), syncContext, null,
        onState -> {
          subscribedOn.set(Thread.currentThread().getName());
          return closed::countDown;
        });
    RecordingListener listener = new RecordingListener(syncContext);
    syncContext.execute(() -> resolver.start(listener));
    await().atMost(Duration.ofSeconds(5)).until(() -> subscribedOn.get() != null);
    assertThat(subscribedOn.get()).startsWith("grpc-consul-blocking-");
    syncContext.execute(resolver::shutdown);
    await().atMost(Duration.ofSeconds(5)).until(() -> closed.getCount() == 0);
  }
}
