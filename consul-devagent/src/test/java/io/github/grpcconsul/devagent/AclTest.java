package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AclTest {
  @RegisterExtension
  static final DevAgentExtension consul = DevAgentExtension.perMethod(
      DevAgent.builder().aclManagementToken("root-secret").aclReadOnlyToken("reader"));

  Http http;

  @BeforeEach
  void setUp() {
    http = new Http(consul.agent());
  }

  static final String WEB = "{\"Name\": \"web\", \"Check\": {\"TTL\": \"30s\"}}";

  @Test
  void managementTokenMayDoEverythingThroughEachCarrier() {
    assertThat(http.put("/v1/agent/service/register?token=root-secret", WEB).statusCode()).isEqualTo(200);
    assertThat(http.send("PUT", "/v1/agent/check/pass/service:web", null, "X-Consul-Token", "root-secret")
        .statusCode()).isEqualTo(200);
    HttpResponse<String> r = http.send("GET", "/v1/health/service/web", null,
        "Authorization", "bearer root-secret");
    assertThat(Http.json(r).getAsJsonArray()).hasSize(1);
    assertThat(r.headers().firstValue("X-Consul-Default-ACL-Policy")).contains("deny");
  }

  @Test
  void queryTokenTakesPrecedenceOverHeaders() {
    HttpResponse<String> r = http.send("PUT", "/v1/agent/service/register?token=bogus", WEB,
        "X-Consul-Token", "root-secret");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("ACL not found");
  }

  @Test
  void unknownTokenIsAclNotFound() {
    HttpResponse<String> r = http.send("GET", "/v1/agent/services", null, "X-Consul-Token", "who");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("ACL not found");
  }

  @Test
  void anonymousWritesAreDeniedAndListsFiltered() {
    HttpResponse<String> w = http.put("/v1/agent/service/register", WEB);
    assertThat(w.statusCode()).isEqualTo(403);
    assertThat(w.body()).startsWith("Permission denied: ").contains("service:write").contains("\"web\"");
    http.put("/v1/agent/service/register?token=root-secret", WEB);
    HttpResponse<String> list = http.get("/v1/health/service/web");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(Http.json(list).getAsJsonArray()).isEmpty();
    assertThat(list.headers().firstValue("X-Consul-Results-Filtered-By-ACLs")).isEmpty();
    assertThat(Http.json(http.get("/v1/agent/services")).getAsJsonObject().size()).isZero();
    assertThat(Http.json(http.get("/v1/catalog/services")).getAsJsonObject().size()).isZero();
    assertThat(http.get("/v1/status/leader").statusCode()).isEqualTo(200);
    assertThat(http.get("/v1/agent/self").statusCode()).isEqualTo(403);
  }

  @Test
  void readOnlyTokenReadsButCannotWrite() {
    http.put("/v1/agent/service/register?token=root-secret", WEB);
    assertThat(Http.json(http.get("/v1/health/service/web?token=reader")).getAsJsonArray()).hasSize(1);
    HttpResponse<String> w = http.put("/v1/agent/check/pass/service:web?token=reader", null);
    assertThat(w.statusCode()).isEqualTo(403);
    assertThat(w.body()).startsWith("Permission denied: token with AccessorID '").doesNotContain("reader");
    assertThat(http.put("/v1/kv/a?token=reader", "x").statusCode()).isEqualTo(403);
  }
}
