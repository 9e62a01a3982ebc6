package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.consul.ConsulConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the client puts on the wire and how it reads answers, against a scripted HTTP server. */
class ConsulClientProtocolTest {
  private FakeConsul fake;
  private ConsulClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  private ConsulClient client(ConsulConfig.Builder b) {
    client = ConsulClient.create(b.build());
    return client;
  }

  @Test
  void healthService_blockingQuery_sendsIndexWaitAndFilters_neverNsOrToken() throws Exception {
    fake = FakeConsul.http();
    fake.handler(ex -> FakeConsul.respond(ex, 200, JsonTest.HEALTH, 42));
    client(ConsulConfig.newBuilder().address(fake.address()).token("s3cret"));
    HealthQuery q = HealthQuery.newBuilder("my web").datacenter("dc2").tag("v1").tag("blue").near("_agent")
        .nodeMeta("rack", "r1").filter("Service.Meta.env == \"qa\"").consistency(HealthQuery.Consistency.STALE)
        .build();
    QueryResult<List<HealthEntry>> r = client.healthService(q, 17, Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS);
    assertThat(r.index()).isEqualTo(42);
    assertThat(r.knownLeader()).isTrue();
    assertThat(r.value()).hasSize(2);
    FakeConsul.Recorded req = fake.requests.get(0);
    assertThat(req.method()).isEqualTo("GET");
    assertThat(req.path()).isEqualTo("/v1/health/service/my%20web");
    assertThat(req.rawQuery()).isEqualTo("dc=dc2&tag=blue&tag=v1&passing&near=_agent&node-meta=rack%3Ar1"
        + "&filter=Service.Meta.env+%3D%3D+%22qa%22&stale&index=17&wait=30000ms");
    assertThat(req.token()).isEqualTo("s3cret");
    assertThat(req.rawQuery()).doesNotContain("s3cret").doesNotContain("ns=").doesNotContain("partition");
  }

  @Test
  void nonBlockingQuery_sendsNoIndexOrWait_andNoTokenHeaderWhenNone() throws Exception {
    fake = FakeConsul.http();
    client(ConsulConfig.newBuilder().address(fake.address()));
    client.healthService(HealthQuery.newBuilder("web").passingOnly(false).build(), 0, Duration.ofSeconds(5))
        .get(10, TimeUnit.SECONDS);
    assertThat(fake.requests.get(0).rawQuery()).isNull();
    assertThat(fake.requests.get(0).token()).isNull();
  }

  @Test
  void blockingTimeout_isWaitTimesSeventeenSixteenthsPlusFiveSeconds() {
    assertThat(ConsulClient.blockingTimeout(Duration.ofMinutes(5))).isEqualTo(Duration.ofMillis(318_750 + 5_000));
    assertThat(ConsulClient.blockingTimeout(Duration.ofSeconds(16))).isEqualTo(Duration.ofSeconds(22));
  }

  @Test
  void writes_useConsulPathsMethodsAndBodies() throws Exception {
    fake = FakeConsul.http();
    fake.handler(ex -> FakeConsul.respond(ex, 200, "", 0));
    client(ConsulConfig.newBuilder().address(fake.address()).token("t"));
    ServiceDefinition def = ServiceDefinition.newBuilder("web").id("web/1").port(80).build();
    client.registerService(def, true).get(10, TimeUnit.SECONDS);
    client.deregisterService("web/1").get(10, TimeUnit.SECONDS);
    client.updateTtl("service:web/1", CheckStatus.WARNING, "slow").get(10, TimeUnit.SECONDS);
    client.serviceMaintenance("web/1", true, "deploy now").get(10, TimeUnit.SECONDS);
    assertThat(fake.requests).extracting(r -> r.method() + " " + r.path() + "?" + r.rawQuery()).containsExactly(
        "PUT /v1/agent/service/register?replace-existing-checks=true",
        "PUT /v1/agent/service/deregister/web%2F1?null",
        "PUT /v1/agent/check/update/service%3Aweb%2F1?null",
        "PUT /v1/agent/service/maintenance/web%2F1?enable=true&reason=deploy+now");
    assertThat(fake.requests.get(0).body()).isEqualTo(def.toJson());
    assertThat(fake.requests.get(2).body()).isEqualTo("{\"Status\":\"warning\",\"Output\":\"slow\"}");
    assertThat(fake.requests).allMatch(r -> "t".equals(r.token()));
  }

  @Test
  void aclDenied_saysWhichProblem() throws Exception {
    fake = FakeConsul.http();
    fake.handler(ex -> FakeConsul.respond(ex, 403, "ACL not found", 0));
    client(ConsulConfig.newBuilder().address(fake.address()).token("wrong-token"));
    Throwable t = failure(client.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1)));
    assertThat(t).isInstanceOf(ConsulException.class)
        .hasMessageContaining("403 to GET /v1/health/service/web")
        .hasMessageContaining("token not found (check CONSUL_HTTP_TOKEN / the token configured)")
        .hasMessageNotContaining("wrong-token");
    assertThat(((ConsulException) t).isAclDenied()).isTrue();
  }

  @Test
  void serverError_andMalformedBody() throws Exception {
    fake = FakeConsul.http();
    fake.handler(ex -> FakeConsul.respond(ex, 500, "rpc error: No cluster leader", 0));
    client(ConsulConfig.newBuilder().address(fake.address()));
    Throwable t = failure(client.agentSelf());
    assertThat(t).isInstanceOf(ConsulException.class).hasMessageContaining("No cluster leader");
    assertThat(((ConsulException) t).status()).isEqualTo(500);
    fake.handler(ex -> FakeConsul.respond(ex, 200, "<html>proxy error</html>", 5));
    Throwable m = failure(client.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1)));
    assertThat(m).isInstanceOf(IOException.class).hasMessageContaining("not the expected JSON")
        .hasMessageContaining("<html>proxy error");
  }

  @Test
  void agentService_andKv_map404ToEmpty() throws Exception {
    fake = FakeConsul.http();
    fake.handler(ex -> FakeConsul.respond(ex, 404, "unknown service ID: x", 9));
    client(ConsulConfig.newBuilder().address(fake.address()));
    assertThat(client.agentService("x").get(10, TimeUnit.SECONDS)).isEmpty();
    QueryResult<java.util.Optional<KvPair>> kv = client.kvGet("a/b c", 0, Duration.ofSeconds(1))
        .get(10, TimeUnit.SECONDS);
    assertThat(kv.value()).isEmpty();
    assertThat(kv.index()).isEqualTo(9);
    assertThat(fake.requests.get(1).path()).isEqualTo("/v1/kv/a/b%20c");
  }

  @Test
  void failover_skipsADeadAddress_andRemembersTheLiveOne() throws Exception {
    fake = FakeConsul.http();
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    client(ConsulConfig.newBuilder().addresses(List.of("127.0.0.1:" + deadPort, fake.address())));
    assertThat(client.preferredAddressForTest()).isZero();
    client.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
    assertThat(client.preferredAddressForTest()).isEqualTo(1);
    client.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
    assertThat(fake.requests).hasSize(2);
  }

  @Test
  void allAddressesDown_isAnIOExceptionNamingThem() throws Exception {
    int p1;
    int p2;
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      p1 = a.getLocalPort();
      p2 = b.getLocalPort();
    }
    client(ConsulConfig.newBuilder().addresses(List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2)));
    Throwable t = failure(client.agentSelf());
    assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("cannot reach Consul at 127.0.0.1:" + p2);
    assertThat(t.getSuppressed()).hasSize(1);
    assertThat(t.getSuppressed()[0]).hasMessageContaining("127.0.0.1:" + p1);
  }

  @Test
  void cancel_abortsTheHttpExchange() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      client(ConsulConfig.newBuilder().address("127.0.0.1:" + server.getLocalPort()));
      CompletableFuture<?> f = client.healthService(HealthQuery.of("web"), 5, Duration.ofMinutes(5));
      try (Socket s = server.accept()) {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        int n = in.read(buf); // the request arrived; we never answer
        assertThat(new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII))
            .startsWith("GET /v1/health/service/web?passing&index=5&wait=300000ms");
        long start = System.nanoTime();
        f.cancel(true);
        int eof;
        do {
          eof = in.read(buf);
        } while (eof > 0);
        assertThat(eof).isEqualTo(-1); // the client closed the connection
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void close_failsLaterCalls_andLeavesNoThread() throws Exception {
    fake = FakeConsul.http();
    List<Thread> threads = new java.util.ArrayList<>();
    String selector = useAndClose(threads);
    // Nothing references the HttpClient any more: JDK 17 ends its selector thread once it is collected.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      System.gc();
      assertThat(threads).noneMatch(Thread::isAlive);
      assertThat(liveThreadNames()).doesNotContain(selector);
    });
  }

  private String useAndClose(List<Thread> threads) throws Exception {
    ConsulClient c = ConsulClient.create(ConsulConfig.newBuilder().address(fake.address()).build());
    c.healthService(HealthQuery.of("web"), 0, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
    threads.addAll(c.threadsForTest());
    String selector = "HttpClient-" + selectorId(c.httpClientName()) + "-SelectorManager";
    assertThat(threads).isNotEmpty().allMatch(t -> t.getName().startsWith("grpc-consul-http-") && t.isDaemon());
    assertThat(liveThreadNames()).contains(selector);
    c.close();
    c.close(); // idempotent
    assertThatThrownBy(() -> c.agentSelf().get()).hasCauseInstanceOf(IllegalStateException.class);
    return selector;
  }

  static String selectorId(String httpClientName) {
    // HttpClientImpl.toString() is "...HttpClientImpl@hash(id)"
    int open = httpClientName.lastIndexOf('(');
    return httpClientName.substring(open + 1, httpClientName.length() - 1);
  }

  static List<String> liveThreadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
  }

  static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer in 20 s", e);
    }
    throw new AssertionError("expected a failure");
  }
}
