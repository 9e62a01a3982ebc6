package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.consul.ConsulConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The blocking-query loop on the client's own scheduler, against the dev agent. */
class BlockingQueryAgentTest {
  @RegisterExtension static final DevAgentExtension consul = DevAgentExtension.perMethod();

  private ConsulClient client;
  private BlockingQuery<List<HealthEntry>> query;
  private final List<List<String>> results = new CopyOnWriteArrayList<>();
  private final List<Long> indexes = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    client = ConsulClient.create(ConsulConfig.newBuilder().address(consul.agent().httpAddress()).build());
  }

  @AfterEach
  void tearDown() {
    if (query != null) {
      query.cancel();
    }
    client.close();
  }

  private void watch(String service, BlockingQuery.Builder<List<HealthEntry>> tweak) {
    query = tweak.build();
    query.start();
  }

  private BlockingQuery.Builder<List<HealthEntry>> builder(String service) {
    HealthQuery q = HealthQuery.of(service);
    return BlockingQuery.newBuilder((index, wait) -> client.healthService(q, index, wait),
        new BlockingQuery.Listener<List<HealthEntry>>() {
          @Override
          public void onResult(List<HealthEntry> value, QueryResult<List<HealthEntry>> result) {
            results.add(value.stream().map(e -> e.service().id()).sorted().toList());
            indexes.add(result.index());
          }

          @Override
          public void onError(Throwable error, int consecutiveFailures) {
            errors.add(error);
          }
        }, client.scheduler()).wait(Duration.ofSeconds(30));
  }

  private void register(String id) throws Exception {
    client.registerService(ServiceDefinition.newBuilder("web").id(id).address("10.0.0.1").port(80)
        .check(CheckDefinition.newBuilder().ttl(Duration.ofMinutes(1)).status(CheckStatus.PASSING).build())
        .build(), false).get(10, TimeUnit.SECONDS);
  }

  @Test
  void wokenByAChange_withinMilliseconds_notByPolling() throws Exception {
    watch("web", builder("web"));
    await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == 1);
    assertThat(results.get(0)).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> consul.agent().parkedQueries() == 1);
    long requestsBefore = consul.agent().requestCount("/v1/health/service/");
    register("web-1");
    await().atMost(Duration.ofSeconds(5)).until(() -> results.size() == 2);
    assertThat(results.get(1)).containsExactly("web-1");
    // One request woken, one new parked: no polling in between.
    await().atMost(Duration.ofSeconds(10)).until(() -> consul.agent().parkedQueries() == 1);
    assertThat(consul.agent().requestCount("/v1/health/service/") - requestsBefore).isEqualTo(1);
    assertThat(errors).isEmpty();
  }

  @Test
  void agentRestart_indexGoesBackwards_andTheLoopFollows() throws Exception {
    for (int i = 0; i < 20; i++) {
      client.kvPut("bump/" + i, new byte[] {1}).get(10, TimeUnit.SECONDS); // push the index up
    }
    register("web-1");
    watch("web", builder("web").backoff(Duration.ofMillis(50), Duration.ofMillis(200), 0.2));
    await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == 1);
    long before = indexes.get(0);
    consul.agent().restart(); // all state lost, index restarts low
    register("web-2");
    await().atMost(Duration.ofSeconds(15)).alias("results " + results + " errors " + errors)
        .until(() -> results.contains(List.of("web-2")));
    assertThat(indexes.get(indexes.size() - 1)).isLessThan(before);
    register("web-3");
    await().atMost(Duration.ofSeconds(10)).until(() -> results.contains(List.of("web-2", "web-3")));
  }

  @Test
  void serverErrors_areReported_backedOff_andRecovered() throws Exception {
    DevAgent agent = consul.agent();
    agent.faults().forPath("/v1/health/").respond(500, "rpc error: No cluster leader");
    watch("web", builder("web").backoff(Duration.ofMillis(20), Duration.ofMillis(200), 0.2));
    await().atMost(Duration.ofSeconds(10)).until(() -> errors.size() >= 3);
    assertThat(errors.get(0)).isInstanceOf(ConsulException.class).hasMessageContaining("No cluster leader");
    assertThat(results).isEmpty();
    long during = agent.requestCount("/v1/health/service/");
    agent.faults().clear();
    register("web-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> results.contains(List.of("web-1")));
    // Backoff kept the failing loop well below one request per 20 ms.
    assertThat(during).isLessThan(200);
  }

  @Test
  void cancel_stopsTheLoop_noMoreRequests() throws Exception {
    watch("web", builder("web"));
    await().atMost(Duration.ofSeconds(10)).until(() -> consul.agent().parkedQueries() == 1);
    query.cancel();
    long after = consul.agent().requestCount("/v1/health/service/");
    register("web-1");
    // Give a live loop ample chance to issue another request; a cancelled one must not.
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
        .until(() -> consul.agent().requestCount("/v1/health/service/") == after);
    assertThat(results).hasSize(1);
  }

  @Test
  void closingTheClient_endsItsLoops() throws Exception {
    watch("web", builder("web"));
    await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == 1);
    List<Thread> threads = client.threadsForTest();
    client.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> threads.stream().noneMatch(Thread::isAlive));
  }
}
