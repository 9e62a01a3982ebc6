package io.github.grpcconsul.registration;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * What the agent holds, read over plain HTTP so the tests do not depend on the client under test. Test-only.
 */
final class AgentView {
  private final URI base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  AgentView(URI base) {
    this(base, null);
  }

  AgentView(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /** IDs of the instances of {@code service} whose checks all pass. */
  List<String> passingIds(String service) {
    return ids(get("/v1/health/service/" + service + "?passing"));
  }

  /** IDs of every registered instance of {@code service}, healthy or not. */
  List<String> allIds(String service) {
    return ids(get("/v1/health/service/" + service));
  }

  /** CheckID → status of the checks of the instance {@code serviceId}, empty when it is not registered. */
  Map<String, String> checks(String service, String serviceId) {
    Map<String, String> result = new LinkedHashMap<>();
    for (JsonElement e : entries(get("/v1/health/service/" + service))) {
      JsonObject entry = e.getAsJsonObject();
      if (entry.getAsJsonObject("Service").get("ID").getAsString().equals(serviceId)) {
        for (JsonElement c : entry.getAsJsonArray("Checks")) {
          JsonObject check = c.getAsJsonObject();
          if (check.get("ServiceID").getAsString().equals(serviceId)) {
            result.put(check.get("CheckID").getAsString(), check.get("Status").getAsString());
          }
        }
      }
    }
    return result;
  }

  /** The type of an agent-local check ("ttl", "grpc", "tcp", ...), or null when the agent does not have it. */
  String checkType(String checkId) {
    JsonObject check = JsonParser.parseString(get("/v1/agent/checks")).getAsJsonObject().getAsJsonObject(checkId);
    return check == null ? null : check.get("Type").getAsString();
  }

  /** {@code PUT} with a JSON body; fails unless 200. */
  void put(String path, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
        .PUT(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("X-Consul-Token", token);
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("PUT " + path + ": " + response.statusCode() + " " + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The agent-local service definition, or null. */
  JsonObject agentService(String id) {
    HttpResponse<String> response = send("/v1/agent/service/" + id);
    return response.statusCode() == 200 ? JsonParser.parseString(response.body()).getAsJsonObject() : null;
  }

  private static JsonArray entries(String body) {
    return JsonParser.parseString(body).getAsJsonArray();
  }

  private static List<String> ids(String body) {
    return StreamSupport.stream(entries(body).spliterator(), false)
        .map(e -> e.getAsJsonObject().getAsJsonObject("Service").get("ID").getAsString())
        .sorted()
        .collect(Collectors.toList());
  }

  private String get(String path) {
    HttpResponse<String> response = send(path);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + ": " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  private HttpResponse<String> send(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("X-Consul-Token", token);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
