package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ?filter= on every endpoint that takes it, through the filter engine. */
class FilterEndpointsTest {
  @RegisterExtension
  static final DevAgentExtension consul = DevAgentExtension.perMethod();

  Http http;

  @BeforeEach
  void register() {
    http = new Http(consul.agent());
    http.put("/v1/agent/service/register", "{\"ID\": \"a\", \"Name\": \"web\", \"Tags\": [\"v1\"], "
        + "\"Meta\": {\"env\": \"qa\"}, \"Port\": 1, \"Check\": {\"TTL\": \"30s\", \"Status\": \"passing\"}}");
    http.put("/v1/agent/service/register", "{\"ID\": \"b\", \"Name\": \"web\", \"Tags\": [\"v2\"], "
        + "\"Meta\": {\"env\": \"prod\"}, \"Port\": 2, \"Check\": {\"TTL\": \"30s\"}}");
  }

  private static String q(String filter) {
    return "filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8);
  }

  @Test
  void healthService() {
    assertThat(Http.json(http.get("/v1/health/service/web?" + q("\"v1\" in Service.Tags and Service.Meta.env == qa")))
        .getAsJsonArray()).hasSize(1);
    assertThat(Http.json(http.get("/v1/health/service/web?" + q("Checks.Status == critical")))
        .getAsJsonArray()).hasSize(1);
    assertThat(Http.json(http.get("/v1/health/service/web?filter=")).getAsJsonArray()).hasSize(2);
  }

  @Test
  void agentAndCatalog() {
    assertThat(Http.json(http.get("/v1/agent/services?" + q("Port == 2"))).getAsJsonObject().keySet())
        .containsExactly("b");
    assertThat(Http.json(http.get("/v1/agent/checks?" + q("ServiceID == a"))).getAsJsonObject().keySet())
        .containsExactly("service:a");
    assertThat(Http.json(http.get("/v1/catalog/service/web?" + q("ServiceMeta.env == prod"))).getAsJsonArray())
        .hasSize(1);
    assertThat(Http.json(http.get("/v1/catalog/services?" + q("ServiceName == web"))).getAsJsonObject().keySet())
        .containsExactly("web");
    assertThat(Http.json(http.get("/v1/health/checks/web?" + q("Status == passing"))).getAsJsonArray()).hasSize(1);
    assertThat(Http.json(http.get("/v1/catalog/nodes?" + q("Node == devagent"))).getAsJsonArray()).hasSize(1);
  }

  @Test
  void invalidExpressionIsConsuls500() {
    HttpResponse<String> r = http.get("/v1/health/service/web?" + q("Service.Nope == 1"));
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).startsWith("Failed to create boolean expression evaluator: ");
    assertThat(http.get("/v1/agent/services?" + q("Port ==")).statusCode()).isEqualTo(500);
  }
}
