package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar run through bin/consul as a harness runs Consul: {@code consul agent -dev -config-file f}. */
class ConsulScriptIT {
  private static final Path SCRIPT = Path.of("bin", "consul").toAbsolutePath();
  private static final String TOKEN = "root-secret";

  @Test
  void versionNamesTheConsulVersionFollowed() throws Exception {
    Process p = new ProcessBuilder(SCRIPT.toString(), "version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith("Consul v" + StateStore.CONSUL_VERSION + "\n").contains("consul-devagent 0.");
  }

  @Test
  void agentDevWithAConfigFileServesItsServicesChecksAndAcls(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("consul.json");
    Files.writeString(config, """
        {
          "node_name": "harness-node",
          "datacenter": "dc7",
          "node_meta": {"rack": "r1"},
          "data_dir": "/tmp/ignored",
          "log_level": "DEBUG",
          "server": true,
          "ports": {"http": 0, "dns": -1, "grpc": 8502},
          "acl": {"enabled": true, "default_policy": "deny",
                  "tokens": {"initial_management": "%s", "agent": "ignored-agent-token"}},
          "services": [
            {"name": "web", "id": "web-1", "port": 8080, "tags": ["v1"], "meta": {"team_name": "a"},
             "check": {"id": "web-ttl", "name": "web alive", "ttl": "30s",
                       "deregister_critical_service_after": "90m"}},
            {"name": "db", "port": 5432}
          ],
          "checks": [
            {"id": "db-ttl", "name": "db alive", "service_id": "db", "ttl": "10s", "status": "passing"}
          ]
        }
        """.formatted(TOKEN));
    Process p = new ProcessBuilder(SCRIPT.toString(), "agent", "-dev", "-config-file", config.toString(),
        "-ui", "-client", "127.0.0.1").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String base = null;
      while (base == null) {
        String l = out.readLine();
        if (l == null) {
          break;
        }
        lines.add(l);
        Matcher m = Pattern.compile("listening on (http://\\S+) ").matcher(l);
        if (m.find()) {
          base = m.group(1);
        }
      }
      assertThat(base).as("output: %s", lines).isNotNull();
      assertThat(lines).anyMatch(l -> l.contains("[INFO]") && l.contains("data_dir") && l.contains("log_level")
          && l.contains("ports.dns") && l.contains("acl.tokens.agent") && l.contains("-ui"));
      assertThat(String.join("\n", lines)).doesNotContain(TOKEN);

      HttpClient http = HttpClient.newHttpClient();
      JsonObject services = JsonParser.parseString(get(http, base, "/v1/agent/services", TOKEN).body())
          .getAsJsonObject();
      assertThat(services.keySet()).containsExactlyInAnyOrder("web-1", "db");
      assertThat(services.getAsJsonObject("web-1").get("Port").getAsInt()).isEqualTo(8080);
      assertThat(services.getAsJsonObject("web-1").getAsJsonObject("Meta").get("team_name").getAsString())
          .isEqualTo("a");
      JsonObject checks = JsonParser.parseString(get(http, base, "/v1/agent/checks", TOKEN).body())
          .getAsJsonObject();
      assertThat(checks.getAsJsonObject("web-ttl").get("Status").getAsString()).isEqualTo("critical");
      assertThat(checks.getAsJsonObject("web-ttl").get("ServiceID").getAsString()).isEqualTo("web-1");
      assertThat(checks.getAsJsonObject("db-ttl").get("Status").getAsString()).isEqualTo("passing");
      assertThat(checks.getAsJsonObject("db-ttl").get("ServiceName").getAsString()).isEqualTo("db");

      JsonObject self = JsonParser.parseString(get(http, base, "/v1/agent/self", TOKEN).body()).getAsJsonObject();
      assertThat(self.getAsJsonObject("Config").get("Datacenter").getAsString()).isEqualTo("dc7");
      assertThat(self.getAsJsonObject("Config").get("NodeName").getAsString()).isEqualTo("harness-node");
      JsonObject node = JsonParser.parseString(get(http, base, "/v1/catalog/node/harness-node", TOKEN).body())
          .getAsJsonObject();
      assertThat(node.getAsJsonObject("Node").getAsJsonObject("Meta").get("rack").getAsString()).isEqualTo("r1");

      // ACLs as configured: default deny, so no token sees nothing and may write nothing.
      HttpResponse<String> anonymous = get(http, base, "/v1/agent/services", null);
      assertThat(anonymous.headers().firstValue("X-Consul-Default-Acl-Policy")).contains("deny");
      assertThat(JsonParser.parseString(anonymous.body()).getAsJsonObject().keySet()).isEmpty();
      HttpResponse<String> denied = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/agent/service/register"))
          .PUT(HttpRequest.BodyPublishers.ofString("{\"Name\": \"x\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(denied.statusCode()).isEqualTo(403);
      JsonArray web = JsonParser.parseString(get(http, base, "/v1/health/service/web", TOKEN).body())
          .getAsJsonArray();
      assertThat(web).hasSize(1);
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static HttpResponse<String> get(HttpClient http, String base, String path, String token)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("X-Consul-Token", token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
