package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Status codes, headers and error bodies of consul-http-api.md §1–§3, case by case. */
class HttpConventionsTest {
  static DevAgent agent;
  static Http http;

  @BeforeAll
  static void start() {
    agent = DevAgent.builder().build();
    agent.start();
    http = new Http(agent);
  }

  @AfterAll
  static void stop() {
    agent.close();
  }

  @BeforeEach
  void clean() {
    agent.restart();
  }

  private static void assertError(HttpResponse<String> r, int status, String body) {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.body()).isEqualTo(body);
  }

  @Test
  void wrongMethodIs405WithAllow() {
    HttpResponse<String> r = http.get("/v1/agent/service/register");
    assertError(r, 405, "method GET not allowed");
    assertThat(r.headers().firstValue("Allow")).contains("OPTIONS,PUT");
    HttpResponse<String> post = http.send("POST", "/v1/health/service/web", "");
    assertError(post, 405, "method POST not allowed");
    assertThat(post.headers().firstValue("Allow")).contains("OPTIONS,GET");
    assertThat(http.send("DELETE", "/v1/agent/check/pass/x", null).statusCode()).isEqualTo(405);
    HttpResponse<String> kv = http.send("POST", "/v1/kv/a", "x");
    assertThat(kv.headers().firstValue("Allow")).contains("OPTIONS,GET,PUT,DELETE");
  }

  @Test
  void largeResponsesAreGzippedWhenAccepted() throws Exception {
    for (int i = 0; i < 5; i++) {
      http.put("/v1/agent/service/register", "{\"ID\": \"w" + i + "\", \"Name\": \"web\"}");
    }
    java.net.http.HttpResponse<byte[]> r = http.client.send(
        http.request("GET", "/v1/health/service/web", null, "Accept-Encoding", "gzip"),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.headers().firstValue("Content-Encoding")).contains("gzip");
    String body = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))
        .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(body).isEqualTo(http.get("/v1/health/service/web").body());
    HttpResponse<String> small = http.send("GET", "/v1/catalog/datacenters", null, "Accept-Encoding", "gzip");
    assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
  }

  @Test
  void optionsAnswersAllow() {
    HttpResponse<String> r = http.send("OPTIONS", "/v1/agent/services", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Allow")).contains("OPTIONS,GET");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void unknownPathsAre404() {
    assertError(http.get("/v1/nope"), 404, "Invalid URL path: not a recognized HTTP API endpoint\n");
    assertError(http.get("/nope"), 404,
        "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n");
    assertThat(http.get("/").statusCode()).isIn(301, 404);
  }

  @Test
  void enterpriseParametersAre400() {
    assertError(http.get("/v1/health/service/web?ns=default"), 400,
        "Invalid query parameter: \"ns\" - Namespaces are a Consul Enterprise feature");
    assertError(http.get("/v1/catalog/services?partition=p"), 400,
        "Invalid query parameter: \"partition\" - Partitions are a Consul Enterprise feature");
    assertThat(http.get("/v1/health/service/web?ns=").statusCode()).isEqualTo(200);
  }

  @Test
  void blockingParametersAreValidated() {
    assertError(http.get("/v1/health/service/web?index=abc"), 400, "Invalid index");
    assertError(http.get("/v1/health/service/web?index=-1"), 400, "Invalid index");
    assertError(http.get("/v1/health/service/web?index=1&wait=10"), 400, "Invalid wait time");
    assertError(http.get("/v1/health/service/web?stale&consistent"), 400,
        "Cannot specify ?stale with ?consistent, conflicting semantics.");
    assertError(http.get("/v1/health/service/web?cached&consistent"), 400,
        "Cannot specify ?cached with ?consistent, conflicting semantics.");
    assertError(http.get("/v1/health/service/web?passing=maybe"), 400, "Invalid value for ?passing");
    assertThat(http.get("/v1/health/service/web?stale").headers().firstValue("X-Consul-Effective-Consistency"))
        .contains("stale");
    assertThat(http.get("/v1/health/service/web?consistent").headers()
        .firstValue("X-Consul-Effective-Consistency")).contains("consistent");
    assertThat(Http.index(http.get("/v1/health/service/web?index=0"))).isPositive();
  }

  @Test
  void registerRejectsBadBodies() {
    assertError(http.put("/v1/agent/service/register", "{\"Name\": \"web\", \"Foo\": 1}"), 400,
        "Request decode failed: json: unknown field \"Foo\"");
    assertError(http.put("/v1/agent/service/register", ""), 400, "Request decode failed: EOF");
    assertThat(http.put("/v1/agent/service/register", "{\"Name\": ").body()).startsWith("Request decode failed: ");
    assertThat(http.put("/v1/agent/service/register", "{\"Name\": ").statusCode()).isEqualTo(400);
    assertError(http.put("/v1/agent/service/register", "{\"Port\": 80}"), 400, "Missing service name");
    assertError(http.put("/v1/agent/service/register", "{\"Name\": \"w\", \"Address\": \"0.0.0.0\"}"), 400,
        "Invalid service address");
    assertThat(http.put("/v1/agent/service/register", "{\"Name\": \"w\", \"Port\": \"80\"}").body())
        .isEqualTo("Request decode failed: json: cannot unmarshal string into Go struct field "
            + "structs.ServiceDefinition.Port of type int");
    assertError(http.put("/v1/agent/service/register", "{\"Name\": \"w\", \"Check\": {\"TTL\": \"10\"}}"), 400,
        "Request decode failed: time: missing unit in duration \"10\"");
    assertError(http.put("/v1/agent/service/register",
        "{\"Name\": \"w\", \"Check\": {\"TTL\": \"10s\", \"Interval\": \"10s\"}}"), 400,
        "Invalid check: Interval and TTL cannot both be specified");
    assertError(http.put("/v1/agent/service/register",
        "{\"Name\": \"w\", \"Check\": {\"HTTP\": \"http://x\"}}"), 400,
        "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks");
    assertError(http.put("/v1/agent/service/register",
        "{\"Name\": \"w\", \"Check\": {\"TTL\": \"10s\", \"Status\": \"fluffy\"}}"), 400,
        "Status for checks must 'passing', 'warning', 'critical'");
    assertError(http.put("/v1/agent/service/register", "{\"Name\": \"w\", \"Meta\": {\"consul-x\": \"1\"}}"), 400,
        "Invalid Service Meta: Couldn't load metadata pair ('consul-x', '1'): "
            + "Key prefix 'consul-' is reserved for internal use");
    assertError(http.put("/v1/agent/service/register", "{\"Name\": \"w\", \"Weights\": {\"Passing\": 0, "
        + "\"Warning\": 3}}"), 400, "Invalid Weights: Passing must be greater than 0");
    assertError(http.put("/v1/agent/service/register", "[1]"), 400,
        "Request decode failed: json: cannot unmarshal array into Go value of type structs.ServiceDefinition");
    assertThat(http.put("/v1/agent/service/register",
        "{\"Name\": \"w\", \"Check\": {\"Args\": [\"/bin/true\"], \"Interval\": \"10s\"}}").statusCode())
        .isEqualTo(500);
    assertThat(http.get("/v1/agent/services").body()).isEqualTo("{}\n");
  }

  @Test
  void hugeBodiesAre413AndTheAgentGoesOn() {
    String huge = "{\"Name\": \"" + "x".repeat(600 * 1024) + "\"}";
    assertThat(http.put("/v1/agent/service/register", huge).statusCode()).isEqualTo(413);
    assertThat(http.put("/v1/kv/big", "x".repeat(600 * 1024)).statusCode()).isEqualTo(413);
    assertThat(http.get("/v1/agent/services").statusCode()).isEqualTo(200);
  }

  @Test
  void goJsonConventionsAreAccepted() {
    String body = """
        {"name": "web", "id": "web-1", "port": 8080, "enable_tag_override": true,
         "tagged_addresses": {"lan": {"address": "10.1.1.1", "port": 1}},
         "check": {"ttl": 15000000000, "deregister_critical_service_after": "90m", "service_id": "ignored"},
         "Checks": null}""";
    assertThat(http.put("/v1/agent/service/register", body).statusCode()).isEqualTo(200);
    JsonObject svc = Http.json(http.get("/v1/agent/services")).getAsJsonObject().getAsJsonObject("web-1");
    assertThat(svc.get("Service").getAsString()).isEqualTo("web");
    assertThat(svc.get("EnableTagOverride").getAsBoolean()).isTrue();
    assertThat(svc.get("Meta").isJsonObject()).isTrue();
    assertThat(svc.getAsJsonArray("Tags")).isEmpty();
    assertThat(svc.getAsJsonObject("TaggedAddresses").getAsJsonObject("lan").get("Address").getAsString())
        .isEqualTo("10.1.1.1");
    assertThat(svc.getAsJsonObject("Weights").get("Passing").getAsInt()).isEqualTo(1);
    JsonObject check = Http.json(http.get("/v1/agent/checks")).getAsJsonObject().getAsJsonObject("service:web-1");
    assertThat(check.get("Type").getAsString()).isEqualTo("ttl");
    assertThat(check.get("Status").getAsString()).isEqualTo("critical");
    assertThat(check.get("Name").getAsString()).isEqualTo("Service 'web' check");
  }

  @Test
  void checkIdsAndReplaceExistingChecks() {
    String body = """
        {"ID": "web-1", "Name": "web", "Address": "10.0.0.5", "Port": 8080,
         "Checks": [
           {"CheckID": "web-1-ttl", "Name": "web ttl", "TTL": "15s", "Status": "passing"},
           {"Name": "second", "TTL": "15s"},
           {"TTL": "1m30s"}]}""";
    assertThat(http.put("/v1/agent/service/register", body).statusCode()).isEqualTo(200);
    JsonObject checks = Http.json(http.get("/v1/agent/checks")).getAsJsonObject();
    assertThat(checks.keySet()).containsExactlyInAnyOrder("web-1-ttl", "service:web-1:2", "service:web-1:3");
    assertThat(checks.getAsJsonObject("service:web-1:3").get("Name").getAsString())
        .isEqualTo("Service 'web' check");
    assertThat(checks.getAsJsonObject("web-1-ttl").get("Status").getAsString()).isEqualTo("passing");
    JsonObject svc = Http.json(http.get("/v1/agent/services")).getAsJsonObject().getAsJsonObject("web-1");
    assertThat(svc.getAsJsonObject("TaggedAddresses").getAsJsonObject("lan_ipv4").get("Port").getAsInt())
        .isEqualTo(8080);

    http.put("/v1/agent/service/register", "{\"ID\": \"web-1\", \"Name\": \"web\", \"Check\": {\"TTL\": \"5s\"}}");
    assertThat(Http.json(http.get("/v1/agent/checks")).getAsJsonObject().keySet())
        .containsExactlyInAnyOrder("web-1-ttl", "service:web-1:2", "service:web-1:3", "service:web-1");
    http.put("/v1/agent/service/register?replace-existing-checks",
        "{\"ID\": \"web-1\", \"Name\": \"web\", \"Check\": {\"TTL\": \"5s\"}}");
    assertThat(Http.json(http.get("/v1/agent/checks")).getAsJsonObject().keySet())
        .containsExactly("service:web-1");
  }

  @Test
  void ttlUpdateErrors() {
    http.put("/v1/agent/service/register", "{\"Name\": \"web\", \"Check\": {\"TTL\": \"30s\"}}");
    assertError(http.put("/v1/agent/check/pass/nope", null), 404,
        "Unknown check ID \"nope\". Ensure that the check ID is passed, not the check name.");
    assertError(http.put("/v1/agent/check/update/service:web", "{\"Status\": \"meh\"}"), 400,
        "Invalid check status: 'meh'");
    assertThat(http.put("/v1/agent/check/update/service:web", "{\"Status\": \"warning\", \"Output\": \"slow\"}")
        .statusCode()).isEqualTo(200);
    JsonObject check = Http.json(http.get("/v1/agent/checks")).getAsJsonObject().getAsJsonObject("service:web");
    assertThat(check.get("Status").getAsString()).isEqualTo("warning");
    assertThat(check.get("Output").getAsString()).isEqualTo("slow");
    http.put("/v1/agent/check/update/service:web", "{\"Status\": \"passing\", \"Output\": \"" + "o".repeat(5000)
        + "\"}");
    check = Http.json(http.get("/v1/agent/checks")).getAsJsonObject().getAsJsonObject("service:web");
    assertThat(check.get("Output").getAsString()).endsWith(" ... (captured 4096 of 5000 bytes)");
    assertError(http.put("/v1/agent/check/register", "{\"Name\": \"n\", \"TCP\": \"127.0.0.1:1\", "
        + "\"Interval\": \"10s\"}"), 200, "");
    assertError(http.put("/v1/agent/check/pass/n", null), 500, "CheckID \"n\" does not have associated TTL");
    assertError(http.put("/v1/agent/check/register", "{\"Name\": \"x\", \"TTL\": \"10s\", \"ServiceID\": \"s\"}"),
        404, "ServiceID \"s\" does not exist");
    assertError(http.put("/v1/agent/check/register", "{\"TTL\": \"10s\"}"), 400, "Missing check name");
    assertError(http.put("/v1/agent/check/deregister/zzz", null), 404,
        "Unknown check ID \"zzz\". Ensure that the check ID is passed, not the check name.");
  }

  @Test
  void checkRegisterKeepsStatus() {
    http.put("/v1/agent/service/register", "{\"Name\": \"web\"}");
    http.put("/v1/agent/check/register", "{\"Name\": \"mem\", \"TTL\": \"30s\", \"ServiceID\": \"web\"}");
    http.put("/v1/agent/check/pass/mem?note=ok", null);
    http.put("/v1/agent/check/register", "{\"Name\": \"mem\", \"TTL\": \"40s\", \"ServiceID\": \"web\"}");
    JsonObject check = Http.json(http.get("/v1/agent/checks")).getAsJsonObject().getAsJsonObject("mem");
    assertThat(check.get("Status").getAsString()).isEqualTo("passing");
    assertThat(check.get("ServiceName").getAsString()).isEqualTo("web");
    assertThat(http.put("/v1/agent/check/deregister/mem", null).statusCode()).isEqualTo(200);
    assertThat(Http.json(http.get("/v1/agent/checks")).getAsJsonObject().has("mem")).isFalse();
  }

  @Test
  void maintenanceModes() {
    http.put("/v1/agent/service/register", "{\"Name\": \"web\", \"Check\": {\"TTL\": \"30s\", "
        + "\"Status\": \"passing\"}}");
    assertError(http.put("/v1/agent/service/maintenance/web", null), 400, "Missing value for enable");
    assertError(http.put("/v1/agent/service/maintenance/web?enable=maybe", null), 400,
        "Invalid value for enable: \"maybe\"");
    assertThat(http.put("/v1/agent/service/maintenance/nope?enable=true", null).statusCode()).isEqualTo(404);
    assertThat(http.put("/v1/agent/service/maintenance/web?enable=true", null).statusCode()).isEqualTo(200);
    JsonObject maint = Http.json(http.get("/v1/agent/checks")).getAsJsonObject()
        .getAsJsonObject("_service_maintenance:web");
    assertThat(maint.get("Notes").getAsString()).startsWith("Maintenance mode is enabled for this service");
    assertThat(Http.json(http.get("/v1/health/service/web?passing")).getAsJsonArray()).isEmpty();
    HttpResponse<String> local = http.get("/v1/agent/health/service/id/web?format=text");
    assertError(local, 503, "maintenance");
    http.put("/v1/agent/service/maintenance/web?enable=false", null);
    assertThat(Http.json(http.get("/v1/health/service/web?passing")).getAsJsonArray()).hasSize(1);
    assertError(http.get("/v1/agent/health/service/id/web?format=text"), 200, "passing");

    http.put("/v1/agent/maintenance?enable=true&reason=upgrade", null);
    assertThat(Http.json(http.get("/v1/agent/checks")).getAsJsonObject().getAsJsonObject("_node_maintenance")
        .get("Notes").getAsString()).isEqualTo("upgrade");
    assertThat(Http.json(http.get("/v1/health/service/web?passing")).getAsJsonArray()).isEmpty();
    http.put("/v1/agent/maintenance?enable=false", null);
    assertThat(Http.json(http.get("/v1/health/service/web?passing")).getAsJsonArray()).hasSize(1);
  }

  @Test
  void agentServiceHashBlocking() {
    http.put("/v1/agent/service/register", "{\"ID\": \"web-1\", \"Name\": \"web\", \"Port\": 1}");
    HttpResponse<String> r = http.get("/v1/agent/service/web-1");
    assertThat(r.statusCode()).isEqualTo(200);
    String hash = r.headers().firstValue("X-Consul-ContentHash").orElseThrow();
    assertThat(Http.json(r).getAsJsonObject().get("ContentHash").getAsString()).isEqualTo(hash);
    assertThat(r.headers().firstValue("X-Consul-Index")).isEmpty();
    HttpResponse<String> same = http.get("/v1/agent/service/web-1?hash=" + hash + "&wait=100ms");
    assertThat(same.headers().firstValue("X-Consul-ContentHash")).contains(hash);
    var blocked = http.sendAsync("GET", "/v1/agent/service/web-1?hash=" + hash + "&wait=30s", null);
    org.awaitility.Awaitility.await().until(() -> agent.parkedQueries() == 1);
    http.put("/v1/agent/service/register", "{\"ID\": \"web-1\", \"Name\": \"web\", \"Port\": 2}");
    assertThat(blocked.join().headers().firstValue("X-Consul-ContentHash")).isNotEqualTo(java.util.Optional.of(hash));
    assertError(http.get("/v1/agent/service/nope"), 404, "unknown service ID: nope");
  }

  @Test
  void localHealthEndpoints() {
    http.put("/v1/agent/service/register", "{\"ID\": \"w1\", \"Name\": \"web\", \"Check\": {\"TTL\": \"30s\", "
        + "\"Status\": \"warning\"}}");
    http.put("/v1/agent/service/register", "{\"ID\": \"w2\", \"Name\": \"web\", \"Check\": {\"TTL\": \"30s\", "
        + "\"Status\": \"passing\"}}");
    HttpResponse<String> byId = http.get("/v1/agent/health/service/id/w1");
    assertThat(byId.statusCode()).isEqualTo(429);
    assertThat(Http.json(byId).getAsJsonObject().get("AggregatedStatus").getAsString()).isEqualTo("warning");
    assertThat(http.get("/v1/agent/health/service/id/w2").statusCode()).isEqualTo(200);
    HttpResponse<String> byName = http.get("/v1/agent/health/service/name/web");
    assertThat(byName.statusCode()).isEqualTo(429);
    assertThat(Http.json(byName).getAsJsonArray()).hasSize(2);
    assertError(http.get("/v1/agent/health/service/id/zz?format=text"), 404, "ServiceId zz not found");
    assertError(http.get("/v1/agent/health/service/name/zz?format=text"), 404, "ServiceName zz Not Found");
    assertThat(Http.json(http.get("/v1/agent/health/service/id/zz")).getAsJsonObject().get("AggregatedStatus")
        .getAsString()).isEqualTo("critical");
  }

  @Test
  void selfAndMembers() {
    JsonObject self = Http.json(http.get("/v1/agent/self")).getAsJsonObject();
    assertThat(self.getAsJsonObject("Config").get("Datacenter").getAsString()).isEqualTo("dc1");
    assertThat(self.getAsJsonObject("Config").get("NodeName").getAsString()).isEqualTo("devagent");
    assertThat(self.getAsJsonObject("Member").get("Addr").getAsString()).isEqualTo("127.0.0.1");
    assertThat(Http.json(http.get("/v1/agent/members")).getAsJsonArray()).hasSize(1);
  }

  @Test
  void healthServiceQueryParameters() {
    http.put("/v1/agent/service/register", "{\"ID\": \"a\", \"Name\": \"web\", \"Tags\": [\"V1\", \"blue\"]}");
    http.put("/v1/agent/service/register", "{\"ID\": \"b\", \"Name\": \"web\", \"Tags\": [\"v1\"]}");
    assertThat(Http.json(http.get("/v1/health/service/web?tag=v1")).getAsJsonArray()).hasSize(2);
    assertThat(Http.json(http.get("/v1/health/service/web?tag=v1&tag=BLUE")).getAsJsonArray()).hasSize(1);
    assertThat(Http.json(http.get("/v1/health/service/web?node-meta=consul-network-segment:")).getAsJsonArray())
        .hasSize(2);
    assertThat(Http.json(http.get("/v1/health/service/web?node-meta=rack:r1")).getAsJsonArray()).isEmpty();
    assertThat(Http.json(http.get("/v1/health/service/web?near=_agent&dc=dc1")).getAsJsonArray()).hasSize(2);
    assertError(http.get("/v1/health/service/web?dc=dc9"), 500, "No path to datacenter");
    assertError(http.get("/v1/health/service/"), 400, "Missing service name");
    JsonObject consul = Http.json(http.get("/v1/health/service/consul")).getAsJsonArray().get(0).getAsJsonObject();
    assertThat(consul.getAsJsonObject("Service").get("Port").getAsInt()).isEqualTo(8300);
  }

  @Test
  void healthChecksNodeAndState() {
    http.put("/v1/agent/service/register", "{\"Name\": \"web\", \"Check\": {\"TTL\": \"30s\"}}");
    assertThat(Http.json(http.get("/v1/health/checks/web")).getAsJsonArray()).hasSize(1);
    assertThat(Http.json(http.get("/v1/health/node/devagent")).getAsJsonArray()).hasSize(2);
    assertThat(Http.json(http.get("/v1/health/node/other")).getAsJsonArray()).isEmpty();
    assertThat(Http.json(http.get("/v1/health/state/critical")).getAsJsonArray()).hasSize(1);
    assertThat(Http.json(http.get("/v1/health/state/passing")).getAsJsonArray()).hasSize(1);
    assertThat(Http.json(http.get("/v1/health/state/any")).getAsJsonArray()).hasSize(2);
    assertError(http.get("/v1/health/state/bogus"), 400, "Invalid check state");
  }
}
