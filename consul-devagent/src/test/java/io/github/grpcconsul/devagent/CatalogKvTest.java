package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DevAgentExtension.class)
class CatalogKvTest {
  DevAgent agent;
  Http http;

  @BeforeEach
  void setUp(DevAgent agent) {
    this.agent = agent;
    this.http = new Http(agent);
  }

  @Test
  void catalogReads() {
    http.put("/v1/agent/service/register", "{\"ID\": \"w1\", \"Name\": \"web\", \"Tags\": [\"a\"], \"Port\": 80}");
    http.put("/v1/agent/service/register", "{\"ID\": \"w2\", \"Name\": \"web\", \"Tags\": [\"b\"], "
        + "\"Check\": {\"TTL\": \"10s\"}}");
    JsonObject services = Http.json(http.get("/v1/catalog/services")).getAsJsonObject();
    assertThat(services.keySet()).containsExactly("consul", "web");
    assertThat(services.getAsJsonArray("web")).hasSize(2);
    assertThat(services.getAsJsonArray("consul")).isEmpty();

    HttpResponse<String> svc = http.get("/v1/catalog/service/web?tag=a");
    JsonArray nodes = Http.json(svc).getAsJsonArray();
    assertThat(nodes).hasSize(1);
    JsonObject sn = nodes.get(0).getAsJsonObject();
    assertThat(sn.get("ServiceID").getAsString()).isEqualTo("w1");
    assertThat(sn.get("ServicePort").getAsInt()).isEqualTo(80);
    assertThat(sn.get("Node").getAsString()).isEqualTo("devagent");
    assertThat(sn.getAsJsonObject("ServiceMeta").size()).isZero();
    assertThat(Http.json(http.get("/v1/catalog/service/web")).getAsJsonArray()).hasSize(2);
    assertThat(Http.index(svc)).isPositive();

    assertThat(Http.json(http.get("/v1/catalog/nodes")).getAsJsonArray()).hasSize(1);
    JsonObject node = Http.json(http.get("/v1/catalog/node/devagent")).getAsJsonObject();
    assertThat(node.getAsJsonObject("Services").keySet()).containsExactlyInAnyOrder("consul", "w1", "w2");
    assertThat(http.get("/v1/catalog/node/nope").body()).isEqualTo("null\n");
    assertThat(Http.json(http.get("/v1/catalog/datacenters")).getAsJsonArray().get(0).getAsString())
        .isEqualTo("dc1");
    assertThat(Http.json(http.get("/v1/status/leader")).getAsString()).isEqualTo("127.0.0.1:8300");
    assertThat(Http.json(http.get("/v1/status/peers")).getAsJsonArray()).hasSize(1);
  }

  @Test
  void catalogRegisterAndDeregisterExternalNode() {
    String body = """
        {"Node": "ext", "Address": "10.0.0.9", "NodeMeta": {"rack": "r1"},
         "Service": {"ID": "db1", "Service": "db", "Port": 5432},
         "Check": {"CheckID": "db-alive", "Name": "db alive", "Status": "passing", "ServiceID": "db1"}}""";
    HttpResponse<String> r = http.put("/v1/catalog/register", body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("true\n");
    JsonArray health = Http.json(http.get("/v1/health/service/db?passing")).getAsJsonArray();
    assertThat(health).hasSize(1);
    assertThat(health.get(0).getAsJsonObject().getAsJsonObject("Node").get("Address").getAsString())
        .isEqualTo("10.0.0.9");
    assertThat(Http.json(http.get("/v1/health/service/db?node-meta=rack:r1")).getAsJsonArray()).hasSize(1);
    assertThat(Http.json(http.get("/v1/catalog/nodes")).getAsJsonArray()).hasSize(2);
    assertThat(http.put("/v1/catalog/register", "{\"Address\": \"1.2.3.4\"}").body()).isEqualTo("Missing node name");
    assertThat(http.put("/v1/catalog/deregister", "{\"Node\": \"ext\", \"ServiceID\": \"db1\"}").statusCode())
        .isEqualTo(200);
    assertThat(Http.json(http.get("/v1/health/service/db")).getAsJsonArray()).isEmpty();
    http.put("/v1/catalog/deregister", "{\"Node\": \"ext\"}");
    assertThat(Http.json(http.get("/v1/catalog/nodes")).getAsJsonArray()).hasSize(1);
  }

  @Test
  void kvRoundTrip() {
    assertThat(http.get("/v1/kv/app/config").statusCode()).isEqualTo(404);
    assertThat(Http.index(http.get("/v1/kv/app/config"))).isPositive();
    assertThat(http.put("/v1/kv/app/config?flags=42", "hello").body()).isEqualTo("true\n");
    HttpResponse<String> get = http.get("/v1/kv/app/config");
    JsonObject e = Http.json(get).getAsJsonArray().get(0).getAsJsonObject();
    assertThat(new String(Base64.getDecoder().decode(e.get("Value").getAsString()), StandardCharsets.UTF_8))
        .isEqualTo("hello");
    assertThat(e.get("Flags").getAsLong()).isEqualTo(42);
    long modify = e.get("ModifyIndex").getAsLong();
    assertThat(Http.index(get)).isEqualTo(modify);
    assertThat(http.get("/v1/kv/app/config?raw").body()).isEqualTo("hello");

    assertThat(http.put("/v1/kv/app/config?cas=" + (modify + 100), "x").body()).isEqualTo("false\n");
    assertThat(http.put("/v1/kv/app/config?cas=" + modify, "v2").body()).isEqualTo("true\n");
    assertThat(http.put("/v1/kv/app/new?cas=0", "n").body()).isEqualTo("true\n");
    assertThat(http.put("/v1/kv/app/new?cas=0", "n").body()).isEqualTo("false\n");
    http.put("/v1/kv/app/sub/deep", "d");
    http.put("/v1/kv/other", "o");

    assertThat(Http.json(http.get("/v1/kv/app?recurse")).getAsJsonArray()).hasSize(3);
    assertThat(Http.json(http.get("/v1/kv/app/?keys&separator=/")).getAsJsonArray().toString())
        .isEqualTo("[\"app/config\",\"app/new\",\"app/sub/\"]");
    assertThat(Http.json(http.get("/v1/kv/?keys")).getAsJsonArray()).hasSize(4);
    assertThat(http.put("/v1/kv/app/x?flags=abc", "x").statusCode()).isEqualTo(400);
    assertThat(http.put("/v1/kv/", "x").body()).isEqualTo("Missing key name");

    assertThat(http.send("DELETE", "/v1/kv/app?recurse", null).body()).isEqualTo("true\n");
    assertThat(http.get("/v1/kv/app?recurse").statusCode()).isEqualTo(404);
    assertThat(http.send("DELETE", "/v1/kv/other", null).statusCode()).isEqualTo(200);
    assertThat(http.get("/v1/kv/other").statusCode()).isEqualTo(404);
  }

  @Test
  void kvBlockingQueryWakesOnItsKey() {
    http.put("/v1/kv/watched", "1");
    long index = Http.index(http.get("/v1/kv/watched"));
    CompletableFuture<HttpResponse<String>> blocked =
        http.sendAsync("GET", "/v1/kv/watched?index=" + index + "&wait=30s", null);
    await().until(() -> agent.parkedQueries() == 1);
    http.put("/v1/kv/unrelated", "x");
    http.put("/v1/kv/watched", "2");
    HttpResponse<String> r = blocked.join();
    assertThat(Http.index(r)).isGreaterThan(index);
    assertThat(new String(Base64.getDecoder().decode(Http.json(r).getAsJsonArray().get(0).getAsJsonObject()
        .get("Value").getAsString()), StandardCharsets.UTF_8)).isEqualTo("2");
  }

  @Test
  void catalogServicesBlockingQuery() {
    long index = Http.index(http.get("/v1/catalog/services"));
    CompletableFuture<HttpResponse<String>> blocked =
        http.sendAsync("GET", "/v1/catalog/services?index=" + index, null);
    await().until(() -> agent.parkedQueries() == 1);
    http.put("/v1/agent/service/register", "{\"Name\": \"new\"}");
    assertThat(Http.json(blocked.join()).getAsJsonObject().has("new")).isTrue();
  }
}
