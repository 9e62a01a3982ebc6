package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private static List<String> agentThreads() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && (t.getName().startsWith(NamedThreads.PREFIX) || t.getName().equals("HTTP-Dispatcher"))) {
        names.add(t.getName());
      }
    }
    return names;
  }

  @Test
  void stopLeavesNoThreadsEvenWithParkedQueriesAndRunningChecks() throws Exception {
    DevAgent agent = DevAgent.builder().build();
    agent.start();
    Http http = new Http(agent);
    http.put("/v1/agent/service/register", "{\"Name\": \"web\", \"Check\": {\"TCP\": \"127.0.0.1:1\", "
        + "\"Interval\": \"1s\"}}");
    http.put("/v1/agent/service/register", "{\"Name\": \"api\", \"Check\": {\"TTL\": \"1s\"}}");
    // Park on a service without checks: the running checks above must not wake it before stop().
    http.put("/v1/agent/service/register", "{\"Name\": \"idle\"}");
    long index = Http.index(http.get("/v1/health/service/idle"));
    CompletableFuture<HttpResponse<String>> parked =
        http.sendAsync("GET", "/v1/health/service/idle?index=" + index + "&wait=60s", null);
    await().until(() -> agent.parkedQueries() == 1);
    agent.faults().delay(Duration.ofSeconds(30));
    http.sendAsync("GET", "/v1/catalog/services", null);
    assertThat(agentThreads()).isNotEmpty();
    agent.stop();
    agent.stop();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(agentThreads()).isEmpty());
    assertThat(agent.isRunning()).isFalse();
    assertThatThrownBy(agent::httpAddress).isInstanceOf(IllegalStateException.class);
    assertThat(parked).failsWithin(Duration.ofSeconds(10));
  }

  @Test
  void concurrentWritersKeepTheStoreConsistent() throws Exception {
    try (DevAgent agent = DevAgent.builder().build()) {
      agent.start();
      Http http = new Http(agent);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
          int writer = w;
          futures.add(pool.submit(() -> {
            for (int i = 0; i < 25; i++) {
              String id = "w" + writer + "-" + i;
              assertThat(http.put("/v1/agent/service/register", "{\"ID\": \"" + id + "\", \"Name\": \"web\", "
                  + "\"Check\": {\"TTL\": \"30s\"}}").statusCode()).isEqualTo(200);
              assertThat(http.put("/v1/agent/check/pass/service:" + id, null).statusCode()).isEqualTo(200);
              if (i % 5 == 0) {
                assertThat(http.put("/v1/agent/service/deregister/" + id, null).statusCode()).isEqualTo(200);
              }
            }
          }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      int expected = 8 * 20;
      assertThat(Http.json(http.get("/v1/health/service/web?passing")).getAsJsonArray()).hasSize(expected);
      assertThat(Http.json(http.get("/v1/agent/services")).getAsJsonObject().size()).isEqualTo(expected);
      JsonObject checks = Http.json(http.get("/v1/agent/checks")).getAsJsonObject();
      assertThat(checks.size()).isEqualTo(expected);
    }
  }

  @Test
  void builderRejectsBadSettings() {
    assertThatThrownBy(() -> DevAgent.builder().httpPort(70000)).hasMessageContaining("0..65535");
    assertThatThrownBy(() -> DevAgent.builder().datacenter(" ")).hasMessageContaining("datacenter");
    assertThatThrownBy(() -> DevAgent.builder().aclReadOnlyToken("r").build())
        .hasMessageContaining("aclManagementToken");
    assertThatThrownBy(() -> DevAgent.builder().checkReapInterval(Duration.ZERO)).hasMessageContaining("> 0");
  }

  @Test
  void portInUseNamesTheFix() {
    try (DevAgent first = DevAgent.builder().build()) {
      int port = first.start().getPort();
      DevAgent second = DevAgent.builder().httpPort(port).build();
      assertThatThrownBy(second::start).hasMessageContaining("cannot listen on 127.0.0.1:" + port);
    }
  }

  @Test
  void cliParsesConsulStyleFlags() {
    DevAgent agent = DevAgentMain.parse(new String[] {"-http-port", "0", "-datacenter=dc7", "--node", "n1",
        "-dev", "-check-reap-interval", "5s"}, System.out);
    assertThat(agent.datacenter()).isEqualTo("dc7");
    assertThat(agent.nodeName()).isEqualTo("n1");
    try (agent) {
      agent.start();
      JsonObject self = Http.json(new Http(agent).get("/v1/agent/self")).getAsJsonObject();
      assertThat(self.getAsJsonObject("Config").get("Datacenter").getAsString()).isEqualTo("dc7");
    }
    assertThatThrownBy(() -> DevAgentMain.parse(new String[] {"-bogus"}, System.out))
        .hasMessage("flag provided but not defined: -bogus");
    assertThatThrownBy(() -> DevAgentMain.parse(new String[] {"-http-port", "x"}, System.out))
        .hasMessageContaining("expected a number");
    assertThatThrownBy(() -> DevAgentMain.parse(new String[] {"-https-ca-file", "/nonexistent"}, System.out))
        .isInstanceOf(IllegalArgumentException.class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(DevAgentMain.parse(new String[] {"-help"}, new PrintStream(out))).isNull();
    assertThat(out.toString()).contains("-http-port").contains("-acl-management-token").contains("-https-ca-file");
  }

  @Test
  void stalledRequestBodiesDoNotHangTheAgent() throws Exception {
    try (DevAgent agent = DevAgent.builder().requestTimeout(Duration.ofSeconds(2)).build()) {
      int port = agent.start().getPort();
      Http http = new Http(agent);
      List<java.net.Socket> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 2 * AgentRun.DISPATCH_THREADS; i++) {
          java.net.Socket s = new java.net.Socket("127.0.0.1", port);
          s.getOutputStream().write(("PUT /v1/agent/service/register HTTP/1.1\r\nHost: x\r\n"
              + "Content-Length: 100\r\n\r\n{\"Na").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          stalled.add(s);
        }
        CompletableFuture<HttpResponse<String>> self = http.sendAsync("GET", "/v1/agent/self", null);
        assertThat(self.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(stalled.get(0).getInputStream().read()).isEqualTo(-1);
      } finally {
        for (java.net.Socket s : stalled) {
          s.close();
        }
      }
    }
  }
}
