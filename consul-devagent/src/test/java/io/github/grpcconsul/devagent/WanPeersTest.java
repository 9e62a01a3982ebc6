package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dev agents federated over a simulated WAN: ?dc= reads reach the agent standing for that datacenter. */
class WanPeersTest {
  private DevAgent dc1;
  private DevAgent dc2;
  private DevAgent dc3;
  private Http http1;
  private Http http2;

  @BeforeEach
  void setUp() {
    dc1 = DevAgent.builder().datacenter("dc1").nodeName("n1").build();
    dc2 = DevAgent.builder().datacenter("dc2").nodeName("n2").build();
    dc3 = DevAgent.builder().datacenter("dc3").nodeName("n3").build();
    dc1.start();
    dc2.start();
    dc3.start();
    dc1.joinWan(dc2, dc3);
    http1 = new Http(dc1);
    http2 = new Http(dc2);
  }

  @AfterEach
  void tearDown() {
    dc1.close();
    dc2.close();
    dc3.close();
  }

  @Test
  void datacenters_listsThisOneFirst_thenThePeers_onBothSides() {
    assertThat(Http.json(http1.get("/v1/catalog/datacenters")).getAsJsonArray().toString())
        .isEqualTo("[\"dc1\",\"dc2\",\"dc3\"]");
    assertThat(Http.json(http2.get("/v1/catalog/datacenters")).getAsJsonArray().toString())
        .isEqualTo("[\"dc2\",\"dc1\"]");
  }

  @Test
  void readForAPeersDatacenter_isAnsweredByThatAgent_withItsIndex() {
    http2.put("/v1/agent/service/register", "{\"ID\": \"web-2\", \"Name\": \"web\", \"Port\": 8080}");

    HttpResponse<String> remote = http1.get("/v1/health/service/web?dc=dc2");
    assertThat(remote.statusCode()).isEqualTo(200);
    JsonArray entries = Http.json(remote).getAsJsonArray();
    assertThat(entries).hasSize(1);
    JsonObject node = entries.get(0).getAsJsonObject().getAsJsonObject("Node");
    assertThat(node.get("Datacenter").getAsString()).isEqualTo("dc2");
    assertThat(Http.index(remote)).isEqualTo(Http.index(http2.get("/v1/health/service/web")));
    assertThat(remote.headers().firstValue("X-Consul-KnownLeader")).hasValue("true");

    assertThat(Http.json(http1.get("/v1/health/service/web")).getAsJsonArray()).isEmpty(); // dc1 has none
    assertThat(Http.json(http1.get("/v1/health/service/web?dc=dc1")).getAsJsonArray()).isEmpty();
  }

  @Test
  void blockingQuery_forAPeer_parksThere_andWakesOnItsChange() throws Exception {
    long index = Http.index(http1.get("/v1/health/service/web?dc=dc2"));
    CompletableFuture<HttpResponse<String>> parked =
        http1.sendAsync("GET", "/v1/health/service/web?dc=dc2&index=" + index + "&wait=30s", null);
    http2.put("/v1/agent/service/register", "{\"ID\": \"web-2\", \"Name\": \"web\", \"Port\": 8080}");
    HttpResponse<String> woken = parked.get(20, TimeUnit.SECONDS);
    assertThat(Http.index(woken)).isGreaterThan(index);
    assertThat(Http.json(woken).getAsJsonArray()).hasSize(1);
  }

  @Test
  void kvAndCatalog_areForwardedToo_butAgentEndpointsStayLocal() {
    http1.put("/v1/kv/grpc/config?dc=dc2", "{\"x\": 1}");
    assertThat(http2.get("/v1/kv/grpc/config?raw").body()).isEqualTo("{\"x\": 1}");
    assertThat(Http.json(http1.get("/v1/catalog/nodes?dc=dc3")).getAsJsonArray().get(0).getAsJsonObject()
        .get("Node").getAsString()).isEqualTo("n3");
    assertThat(Http.json(http1.get("/v1/agent/self?dc=dc2")).getAsJsonObject().getAsJsonObject("Config")
        .get("Datacenter").getAsString()).isEqualTo("dc1");
  }

  @Test
  void unknownDatacenter_andAStoppedPeer_answerNoPathToDatacenter_untilItRunsAgain() {
    HttpResponse<String> unknown = http1.get("/v1/health/service/web?dc=dc9");
    assertThat(unknown.statusCode()).isEqualTo(500);
    assertThat(unknown.body()).isEqualTo("No path to datacenter");

    dc3.stop();
    HttpResponse<String> down = http1.get("/v1/health/service/web?dc=dc3");
    assertThat(down.statusCode()).isEqualTo(500);
    assertThat(down.body()).isEqualTo("No path to datacenter");
    assertThat(http1.get("/v1/health/service/web?dc=dc2").statusCode()).isEqualTo(200); // the others still serve

    dc3.start();
    assertThat(http1.get("/v1/health/service/web?dc=dc3").statusCode()).isEqualTo(200);
  }

  @Test
  void joiningTheSameDatacenter_isRefusedWithTheFix() {
    DevAgent twin = DevAgent.builder().datacenter("dc1").build();
    assertThatThrownBy(() -> dc1.joinWan(twin))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"dc1\"").hasMessageContaining("DevAgent.builder().datacenter(");
    DevAgent otherDc2 = DevAgent.builder().datacenter("dc2").build();
    assertThatThrownBy(() -> dc1.joinWan(otherDc2)).hasMessageContaining("already stands for datacenter \"dc2\"");
  }
}
