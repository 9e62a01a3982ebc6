package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentCoreTest {
  DevAgent agent;
  Http http;

  @BeforeEach
  void start() {
    agent = DevAgent.builder().nodeName("node1").build();
    agent.start();
    http = new Http(agent);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  static final String WEB_TTL = """
      {"ID": "web-1", "Name": "web", "Tags": ["v1"], "Address": "10.0.0.5", "Port": 8080,
       "Check": {"CheckID": "web-1-ttl", "TTL": "30s"}}""";

  @Test
  void register_ttlPass_healthPassing_blockingWake_deregister() {
    assertThat(http.put("/v1/agent/service/register", WEB_TTL).statusCode()).isEqualTo(200);

    HttpResponse<String> all = http.get("/v1/health/service/web");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(all.headers().firstValue("X-Consul-KnownLeader")).contains("true");
    assertThat(all.headers().firstValue("X-Consul-LastContact")).contains("0");
    assertThat(all.headers().firstValue("X-Consul-Effective-Consistency")).contains("leader");
    assertThat(all.headers().firstValue("X-Consul-Default-ACL-Policy")).contains("allow");
    JsonArray entries = Http.json(all).getAsJsonArray();
    assertThat(entries).hasSize(1);
    JsonObject entry = entries.get(0).getAsJsonObject();
    assertThat(entry.getAsJsonObject("Service").get("ID").getAsString()).isEqualTo("web-1");
    assertThat(entry.getAsJsonObject("Service").get("Meta").isJsonNull()).isTrue();
    assertThat(entry.getAsJsonObject("Node").get("Node").getAsString()).isEqualTo("node1");
    JsonArray checks = entry.getAsJsonArray("Checks");
    assertThat(checks.get(0).getAsJsonObject().get("CheckID").getAsString()).isEqualTo("serfHealth");
    assertThat(checks.get(1).getAsJsonObject().get("Status").getAsString()).isEqualTo("critical");
    assertThat(all.body()).startsWith("[\n    {\n        \"Node\": {");

    HttpResponse<String> passing = http.get("/v1/health/service/web?passing");
    assertThat(Http.json(passing).getAsJsonArray()).isEmpty();
    long index = Http.index(passing);

    CompletableFuture<HttpResponse<String>> blocked =
        http.sendAsync("GET", "/v1/health/service/web?passing&index=" + index + "&wait=30s", null);
    await().until(() -> agent.parkedQueries() == 1);
    assertThat(blocked).isNotDone();

    assertThat(http.put("/v1/agent/check/pass/web-1-ttl?note=fine", null).statusCode()).isEqualTo(200);
    HttpResponse<String> woken = blocked.join();
    assertThat(Http.index(woken)).isGreaterThan(index);
    JsonArray healthy = Http.json(woken).getAsJsonArray();
    assertThat(healthy).hasSize(1);
    assertThat(healthy.get(0).getAsJsonObject().getAsJsonArray("Checks").get(1).getAsJsonObject()
        .get("Output").getAsString()).isEqualTo("fine");

    HttpResponse<String> dereg = http.put("/v1/agent/service/deregister/web-1", null);
    assertThat(dereg.statusCode()).isEqualTo(200);
    assertThat(dereg.body()).isEmpty();
    assertThat(Http.json(http.get("/v1/health/service/web")).getAsJsonArray()).isEmpty();
    assertThat(http.put("/v1/agent/service/deregister/web-1", null).body())
        .isEqualTo("Unknown service ID \"web-1\". Ensure that the service ID is passed, not the service name.");
  }

  @Test
  void blockingQueryTimesOutWithTheSameIndex() {
    http.put("/v1/agent/service/register", WEB_TTL);
    long index = Http.index(http.get("/v1/health/service/web"));
    HttpResponse<String> r = http.get("/v1/health/service/web?index=" + index + "&wait=200ms");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Http.index(r)).isEqualTo(index);
  }

  @Test
  void unrelatedServiceDoesNotWakeTheQuery() {
    http.put("/v1/agent/service/register", WEB_TTL);
    long index = Http.index(http.get("/v1/health/service/web"));
    CompletableFuture<HttpResponse<String>> blocked =
        http.sendAsync("GET", "/v1/health/service/web?index=" + index + "&wait=30s", null);
    await().until(() -> agent.parkedQueries() == 1);
    http.put("/v1/agent/service/register", "{\"Name\": \"other\", \"Port\": 1}");
    http.put("/v1/kv/foo", "bar");
    assertThat(agent.parkedQueries()).isEqualTo(1);
    assertThat(blocked).isNotDone();
    http.put("/v1/agent/service/register", "{\"ID\": \"web-2\", \"Name\": \"web\", \"Port\": 2}");
    assertThat(Json.strings(java.util.List.of()).size()).isZero();
    assertThat(Http.json(blocked.join()).getAsJsonArray()).hasSize(2);
  }

  @Test
  void unknownServiceWakesWhenItAppears() {
    HttpResponse<String> empty = http.get("/v1/health/service/later");
    assertThat(empty.body()).isEqualTo("[]\n");
    long index = Http.index(empty);
    assertThat(index).isPositive();
    CompletableFuture<HttpResponse<String>> blocked =
        http.sendAsync("GET", "/v1/health/service/later?index=" + index, null);
    await().until(() -> agent.parkedQueries() == 1);
    http.put("/v1/agent/service/register", "{\"Name\": \"later\"}");
    assertThat(Http.json(blocked.join()).getAsJsonArray()).hasSize(1);
  }

  @Test
  void restartLosesStateAndIndexGoesBackwards() {
    for (int i = 0; i < 5; i++) {
      http.put("/v1/agent/service/register", "{\"Name\": \"web\", \"Tags\": [\"t" + i + "\"]}");
    }
    long before = Http.index(http.get("/v1/health/service/web"));
    int port = agent.start().getPort();
    agent.restart();
    assertThat(agent.start().getPort()).isEqualTo(port);
    HttpResponse<String> after = http.get("/v1/health/service/web");
    assertThat(Http.json(after).getAsJsonArray()).isEmpty();
    assertThat(Http.index(after)).isLessThan(before).isPositive();
    assertThat(Http.json(http.get("/v1/agent/services")).getAsJsonObject().size()).isZero();
  }

  @Test
  void thousandConcurrentWaitersAreAllWokenByOneChange() {
    http.put("/v1/agent/service/register", WEB_TTL);
    long index = Http.index(http.get("/v1/health/service/web"));
    java.util.List<CompletableFuture<HttpResponse<String>>> all = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(http.sendAsync("GET", "/v1/health/service/web?index=" + index + "&wait=60s", null));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> agent.parkedQueries() == 1000);
    http.put("/v1/agent/check/pass/web-1-ttl", null);
    CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).join();
    for (CompletableFuture<HttpResponse<String>> f : all) {
      assertThat(Http.index(f.join())).isGreaterThan(index);
    }
    assertThat(agent.parkedQueries()).isZero();
  }

  @Test
  void wokenQueriesWithDifferentParametersGetTheirOwnAnswers() {
    http.put("/v1/agent/service/register", WEB_TTL);
    http.put("/v1/agent/service/register", "{\"ID\": \"web-2\", \"Name\": \"web\", \"Tags\": [\"v2\"], "
        + "\"Check\": {\"TTL\": \"30s\"}}");
    long index = Http.index(http.get("/v1/health/service/web"));
    String q = "index=" + index + "&wait=30s";
    CompletableFuture<HttpResponse<String>> all = http.sendAsync("GET", "/v1/health/service/web?" + q, null);
    CompletableFuture<HttpResponse<String>> passing =
        http.sendAsync("GET", "/v1/health/service/web?passing&" + q, null);
    CompletableFuture<HttpResponse<String>> v2 = http.sendAsync("GET", "/v1/health/service/web?tag=v2&" + q, null);
    CompletableFuture<HttpResponse<String>> all2 = http.sendAsync("GET", "/v1/health/service/web?" + q, null);
    await().until(() -> agent.parkedQueries() == 4);
    http.put("/v1/agent/check/pass/web-1-ttl", null);
    assertThat(Http.json(all.join()).getAsJsonArray()).hasSize(2);
    assertThat(Http.json(all2.join()).getAsJsonArray()).hasSize(2);
    assertThat(Http.json(passing.join()).getAsJsonArray()).hasSize(1);
    assertThat(Http.json(v2.join()).getAsJsonArray()).hasSize(1);
    assertThat(all.join().body()).isEqualTo(all2.join().body());
  }

  @Test
  void nodeLevelChangesWakeEveryServiceOnTheNode() {
    http.put("/v1/agent/service/register", WEB_TTL);
    long index = Http.index(http.get("/v1/health/service/web"));
    CompletableFuture<HttpResponse<String>> blocked =
        http.sendAsync("GET", "/v1/health/service/web?index=" + index + "&wait=30s", null);
    await().until(() -> agent.parkedQueries() == 1);
    http.put("/v1/agent/maintenance?enable=true", null);
    HttpResponse<String> r = blocked.join();
    assertThat(Http.index(r)).isGreaterThan(index);
    assertThat(r.body()).contains("_node_maintenance");
  }
}
