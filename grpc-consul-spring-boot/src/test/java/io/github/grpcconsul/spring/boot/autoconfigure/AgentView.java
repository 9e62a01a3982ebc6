package io.github.grpcconsul.spring.boot.autoconfigure;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the dev agent's state through Consul's HTTP API, as an operator would. Test-only. */
final class AgentView {
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  AgentView(String httpAddress) {
    this.base = "http://" + httpAddress;
  }

  /** {@code /v1/agent/services}: ID → service object. */
  JsonObject services() {
    return get("/v1/agent/services").getAsJsonObject();
  }

  /** Status of every check of the instance {@code id} in {@code /v1/health/service/:name}, empty when absent. */
  List<String> checkStatuses(String service, String id) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : get("/v1/health/service/" + service).getAsJsonArray()) {
      JsonObject entry = e.getAsJsonObject();
      if (!entry.getAsJsonObject("Service").get("ID").getAsString().equals(id)) {
        continue;
      }
      JsonArray checks = entry.getAsJsonArray("Checks");
      for (JsonElement c : checks) {
        JsonObject check = c.getAsJsonObject();
        if (check.get("ServiceID").getAsString().equals(id)) {
          out.add(check.get("CheckID").getAsString() + "=" + check.get("Status").getAsString());
        }
      }
    }
    return out;
  }

  /** IDs of the instances of {@code service} whose every check passes. */
  List<String> passing(String service) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : get("/v1/health/service/" + service + "?passing").getAsJsonArray()) {
      out.add(e.getAsJsonObject().getAsJsonObject("Service").get("ID").getAsString());
    }
    return out;
  }

  private JsonElement get(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
      }
      return JsonParser.parseString(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(path + " interrupted", e);
    }
  }
}
