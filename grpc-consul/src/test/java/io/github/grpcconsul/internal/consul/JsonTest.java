package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request bodies and response parsing, with Consul's field names and shapes (consul-http-api.md §3). */
class JsonTest {
  // A real capture shape (consul-http-api.md §3.1): node check first, "Meta": null, extra fields.
  static final String HEALTH = "[{\"Node\":{\"ID\":\"4a8c\",\"Node\":\"dzst152\",\"Address\":\"172.18.0.152\","
      + "\"Datacenter\":\"dc1\",\"TaggedAddresses\":{\"lan\":\"172.18.0.152\"},"
      + "\"Meta\":{\"consul-network-segment\":\"\"},\"CreateIndex\":3472,\"ModifyIndex\":3473},"
      + "\"Service\":{\"ID\":\"db-1\",\"Service\":\"db\",\"Tags\":[\"primary\"],\"Address\":\"\","
      + "\"TaggedAddresses\":{\"lan_ipv4\":{\"Address\":\"172.18.0.152\",\"Port\":3317}},"
      + "\"Meta\":null,\"Port\":3317,\"Weights\":{\"Passing\":10,\"Warning\":1},\"EnableTagOverride\":false,"
      + "\"Proxy\":{\"MeshGateway\":{},\"Expose\":{}},\"Connect\":{},\"SomethingNew\":[1,{\"x\":null}],"
      + "\"CreateIndex\":3474,\"ModifyIndex\":3474},"
      + "\"Checks\":[{\"Node\":\"dzst152\",\"CheckID\":\"serfHealth\",\"Name\":\"Serf Health Status\","
      + "\"Status\":\"passing\",\"Notes\":\"\",\"Output\":\"Agent alive and reachable\",\"ServiceID\":\"\","
      + "\"ServiceName\":\"\",\"ServiceTags\":[],\"Type\":\"\",\"Definition\":{}},"
      + "{\"CheckID\":\"service:db-1\",\"Status\":\"warning\",\"ServiceID\":\"db-1\",\"Output\":null}]},"
      + "{\"Node\":{\"Node\":\"n2\",\"Address\":\"10.0.0.2\"},\"Service\":{\"ID\":\"db-2\",\"Service\":\"db\","
      + "\"Address\":\"10.0.0.9\",\"Port\":1,\"Tags\":null},\"Checks\":[{\"CheckID\":\"_service_maintenance:db-2\","
      + "\"Status\":\"critical\"}]}]";

  @Test
  void healthResponse_parsedTolerantly() throws Exception {
    List<HealthEntry> entries = HealthResponseParser.parse(HEALTH.getBytes(StandardCharsets.UTF_8));
    assertThat(entries).hasSize(2);
    HealthEntry e = entries.get(0);
    assertThat(e.node()).isEqualTo(new HealthEntry.Node("4a8c", "dzst152", "172.18.0.152", "dc1",
        Map.of("consul-network-segment", "")));
    assertThat(e.service()).isEqualTo(new HealthEntry.Service("db-1", "db", "", 3317, List.of("primary"), Map.of(),
        new HealthEntry.Weights(10, 1)));
    assertThat(e.address()).isEqualTo("172.18.0.152"); // empty service address: the node's
    assertThat(e.checks()).extracting(HealthEntry.Check::checkId).containsExactly("serfHealth", "service:db-1");
    assertThat(e.checks().get(1).output()).isEmpty();
    assertThat(e.aggregatedStatus()).isEqualTo(CheckStatus.WARNING);
    HealthEntry m = entries.get(1);
    assertThat(m.address()).isEqualTo("10.0.0.9");
    assertThat(m.service().tags()).isEmpty();
    assertThat(m.service().weights()).isEqualTo(HealthEntry.Weights.DEFAULT);
    assertThat(m.aggregatedStatus()).isEqualTo(CheckStatus.MAINTENANCE);
  }

  @Test
  void healthResponse_emptyAndNull() throws Exception {
    assertThat(HealthResponseParser.parse("[]".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(HealthResponseParser.parse("null".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(new HealthEntry(new HealthEntry.Node(null, null, null, null, null),
        new HealthEntry.Service(null, null, null, 0, null, null, null), List.of()).aggregatedStatus())
        .isEqualTo(CheckStatus.PASSING);
  }

  @Test
  void healthResponse_malformedIsAnError() {
    assertThatThrownBy(() -> HealthResponseParser.parse("{\"not\":\"an array\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(java.io.IOException.class);
    assertThatThrownBy(() -> HealthResponseParser.parse("<html>oops".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(java.io.IOException.class);
    assertThatThrownBy(() -> HealthResponseParser.parse("[{\"Node\":{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void serviceDefinition_usesConsulFieldNamesAndGoDurations() {
    ServiceDefinition def = ServiceDefinition.newBuilder("web")
        .id("web-1").address("10.0.0.5").port(8080).tag("v1").meta("version", "1").weights(10, 1)
        .check(CheckDefinition.newBuilder().checkId("web-1-ttl").ttl(Duration.ofSeconds(15))
            .status(CheckStatus.PASSING).deregisterCriticalServiceAfter(Duration.ofMinutes(90)).build())
        .check(CheckDefinition.newBuilder().name("grpc").grpc("10.0.0.5:8080/web").interval(Duration.ofSeconds(10))
            .timeout(Duration.ofMillis(1500)).build())
        .build();
    JsonObject json = JsonParser.parseString(def.toJson()).getAsJsonObject();
    assertThat(json.get("ID").getAsString()).isEqualTo("web-1");
    assertThat(json.get("Name").getAsString()).isEqualTo("web");
    assertThat(json.get("Address").getAsString()).isEqualTo("10.0.0.5");
    assertThat(json.get("Port").getAsInt()).isEqualTo(8080);
    assertThat(json.get("Tags").getAsJsonArray().get(0).getAsString()).isEqualTo("v1");
    assertThat(json.getAsJsonObject("Meta").get("version").getAsString()).isEqualTo("1");
    assertThat(json.getAsJsonObject("Weights").get("Passing").getAsInt()).isEqualTo(10);
    assertThat(json.get("EnableTagOverride").getAsBoolean()).isFalse();
    JsonObject ttl = json.getAsJsonArray("Checks").get(0).getAsJsonObject();
    assertThat(ttl.get("CheckID").getAsString()).isEqualTo("web-1-ttl");
    assertThat(ttl.get("TTL").getAsString()).isEqualTo("15s");
    assertThat(ttl.get("Status").getAsString()).isEqualTo("passing");
    assertThat(ttl.get("DeregisterCriticalServiceAfter").getAsString()).isEqualTo("5400s");
    JsonObject grpc = json.getAsJsonArray("Checks").get(1).getAsJsonObject();
    assertThat(grpc.get("GRPC").getAsString()).isEqualTo("10.0.0.5:8080/web");
    assertThat(grpc.get("GRPCUseTLS").getAsBoolean()).isFalse();
    assertThat(grpc.get("Interval").getAsString()).isEqualTo("10s");
    assertThat(grpc.get("Timeout").getAsString()).isEqualTo("1500ms");
    assertThat(grpc.has("TTL")).isFalse();
    assertThat(def.toBuilder().build()).isEqualTo(def);
  }

  @Test
  void definitions_rejectBadValues() {
    assertThatThrownBy(() -> ServiceDefinition.newBuilder("").build()).hasMessageContaining("service name is empty");
    assertThatThrownBy(() -> ServiceDefinition.newBuilder("a").port(70000).build())
        .hasMessageContaining("port 70000");
    assertThatThrownBy(() -> ServiceDefinition.newBuilder("a").address("0.0.0.0").build())
        .hasMessageContaining("wildcard");
    assertThatThrownBy(() -> ServiceDefinition.newBuilder("a").weights(0, 1).build())
        .hasMessageContaining("weights 0/1");
    assertThatThrownBy(() -> CheckDefinition.newBuilder().build()).hasMessageContaining("exactly one of ttl");
    assertThatThrownBy(() -> CheckDefinition.newBuilder().grpc("h:1").build())
        .hasMessageContaining("interval null for a gRPC check must be > 0");
    assertThatThrownBy(() -> CheckDefinition.newBuilder().ttl(Duration.ofSeconds(1))
        .interval(Duration.ofSeconds(1)).build()).hasMessageContaining("cannot have an interval");
  }

  @Test
  void goDurations() {
    assertThat(GoDuration.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(GoDuration.format(Duration.ofNanos(1500))).isEqualTo("1500ns");
    assertThat(GoDuration.formatWait(Duration.ofMinutes(5))).isEqualTo("300000ms");
    assertThat(GoDuration.formatWait(Duration.ofNanos(10))).isEqualTo("1ms");
  }

  @Test
  void healthQuery_isAValue_withOrderInsensitiveTags() {
    HealthQuery a = HealthQuery.newBuilder("web").tag("b").tag("a").datacenter("dc2").build();
    HealthQuery b = HealthQuery.newBuilder("web").tag("a").tag("b").tag("a").datacenter("dc2").build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.tags()).containsExactly("a", "b");
    assertThat(a.passingOnly()).isTrue();
    assertThat(a).isNotEqualTo(a.toBuilder().passingOnly(false).build());
    assertThat(a.toBuilder().build()).isEqualTo(a);
    assertThatThrownBy(() -> HealthQuery.newBuilder("web").nodeMeta("novalue"))
        .hasMessageContaining("node-meta \"novalue\" is not key:value");
    assertThatThrownBy(() -> HealthQuery.of("")).hasMessageContaining("service name is empty");
  }

  @Test
  void agentSelf_andAgentService_andKv() throws Exception {
    AgentSelf self = AgentResponseParser.agentSelf(("{\"Config\":{\"Datacenter\":\"dc1\",\"NodeName\":\"n1\","
        + "\"Version\":\"1.16.2\",\"Other\":{}},\"Member\":{\"Name\":\"x\"},\"Meta\":null}").getBytes(StandardCharsets.UTF_8));
    assertThat(self).isEqualTo(new AgentSelf("dc1", "n1", "1.16.2"));
    AgentService svc = AgentResponseParser.agentService(("{\"ID\":\"web-1\",\"Service\":\"web\",\"Tags\":[\"v1\"],"
        + "\"Meta\":{},\"Port\":8080,\"Address\":\"10.0.0.5\",\"Weights\":{\"Passing\":10,\"Warning\":1},"
        + "\"EnableTagOverride\":true,\"Datacenter\":\"dc1\",\"ContentHash\":\"abc\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(svc.id()).isEqualTo("web-1");
    assertThat(svc.service()).isEqualTo("web");
    assertThat(svc.weights()).isEqualTo(new HealthEntry.Weights(10, 1));
    assertThat(svc.enableTagOverride()).isTrue();
    assertThat(svc.contentHash()).isEqualTo("abc");
    KvPair kv = AgentResponseParser.kvPair(("[{\"LockIndex\":0,\"Key\":\"a/b\",\"Flags\":3,\"Value\":\"aGVsbG8=\","
        + "\"CreateIndex\":5,\"ModifyIndex\":6}]").getBytes(StandardCharsets.UTF_8));
    assertThat(kv.key()).isEqualTo("a/b");
    assertThat(kv.valueAsString()).isEqualTo("hello");
    assertThat(kv.flags()).isEqualTo(3);
    assertThat(kv.modifyIndex()).isEqualTo(6);
    assertThat(AgentResponseParser.kvPair("[{\"Key\":\"k\",\"Value\":null}]".getBytes(StandardCharsets.UTF_8))
        .value()).isEmpty();
  }

  @Test
  void consulException_explainsAclProblems() {
    ConsulException notFound = new ConsulException(403, "ACL not found", "GET", "/v1/health/service/web");
    assertThat(notFound.isAclDenied()).isTrue();
    assertThat(notFound.getMessage()).isEqualTo("Consul answered 403 to GET /v1/health/service/web: token not found"
        + " (check CONSUL_HTTP_TOKEN / the token configured): ACL not found");
    ConsulException denied = new ConsulException(403, "Permission denied: token with AccessorID 'x' lacks permission"
        + " 'service:read' on \"web\"", "GET", "/v1/health/service/web");
    assertThat(denied.getMessage()).contains("token lacks permission").contains("'service:read'");
    ConsulException missing = new ConsulException(404, "Unknown service ID \"x\"", "PUT",
        "/v1/agent/service/deregister/x");
    assertThat(missing.isNotFound()).isTrue();
    assertThat(missing.isAclDenied()).isFalse();
    assertThat(new ConsulException(503, "", "GET", "/").isRetryable()).isTrue();
  }

  @Test
  void consulException_namesWhichConsulErrorItIs() {
    ConsulException notFound = new ConsulException(403, "ACL not found", "PUT", "/v1/agent/service/register");
    assertThat(notFound.isAclNotFound()).isTrue();
    assertThat(notFound.isPermissionDenied()).isFalse();
    ConsulException denied = new ConsulException(403, "Permission denied: token with AccessorID 'x' lacks permission"
        + " 'service:write' on \"web\"", "PUT", "/v1/agent/service/register");
    assertThat(denied.isPermissionDenied()).isTrue();
    assertThat(denied.isAclNotFound()).isFalse();
    ConsulException noTtl = new ConsulException(500, "CheckID \"web:ttl\" does not have associated TTL", "PUT",
        "/v1/agent/check/update/web:ttl");
    assertThat(noTtl.isMissingTtl()).isTrue();
    assertThat(noTtl.isAclDenied()).isFalse();
    // The texts count only with their status: a 500 quoting "ACL not found" is not an ACL answer.
    assertThat(new ConsulException(500, "ACL not found", "GET", "/").isAclNotFound()).isFalse();
    assertThat(new ConsulException(404, "does not have associated TTL", "GET", "/").isMissingTtl()).isFalse();
  }
}
