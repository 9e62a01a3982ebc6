package io.github.grpcconsul.benchmarks.devagent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Plain HTTP calls to the agent, as any Consul client would make them. */
final class AgentHttp {
  private final HttpClient client;
  private final URI base;

  AgentHttp(HttpClient client, URI base) {
    this.client = client;
    this.base = base;
  }

  static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  String put(String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .PUT(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    return send(request).body();
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
  }

  CompletableFuture<HttpResponse<byte[]>> getAsync(String path) {
    return client.sendAsync(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(request.method() + " " + request.uri() + " -> " + response.statusCode()
            + " " + response.body());
      }
      return response;
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static long index(HttpResponse<?> response) {
    return Long.parseLong(response.headers().firstValue("X-Consul-Index").orElseThrow());
  }

  /** A service registration with one TTL check long enough not to expire during a run. */
  static String registration(String id, String name) {
    return "{\"ID\":\"" + id + "\",\"Name\":\"" + name + "\",\"Address\":\"10.0.0.5\",\"Port\":8080,"
        + "\"Tags\":[\"v1\",\"bench\"],\"Meta\":{\"version\":\"1\"},"
        + "\"Check\":{\"CheckID\":\"" + id + "-ttl\",\"TTL\":\"10m\"}}";
  }
}
