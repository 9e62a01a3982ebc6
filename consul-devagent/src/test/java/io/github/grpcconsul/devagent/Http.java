package io.github.grpcconsul.devagent;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A raw HTTP client for tests: what a Consul client sends on the wire, nothing more. */
final class Http {
  final HttpClient client;
  final URI base;

  Http(DevAgent agent) {
    this(agent, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  Http(DevAgent agent, HttpClient client) {
    this.client = client;
    this.base = agent.baseUri();
  }

  HttpResponse<String> send(String method, String pathAndQuery, String body) {
    return send(method, pathAndQuery, body, new String[0]);
  }

  HttpResponse<String> send(String method, String pathAndQuery, String body, String... headers) {
    try {
      return client.send(request(method, pathAndQuery, body, headers), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  CompletableFuture<HttpResponse<String>> sendAsync(String method, String pathAndQuery, String body) {
    return client.sendAsync(request(method, pathAndQuery, body), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest request(String method, String pathAndQuery, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  HttpResponse<String> get(String path) {
    return send("GET", path, null);
  }

  HttpResponse<String> put(String path, String body) {
    return send("PUT", path, body);
  }

  static JsonElement json(HttpResponse<String> r) {
    return JsonParser.parseString(r.body());
  }

  static long index(HttpResponse<String> r) {
    return Long.parseLong(r.headers().firstValue("X-Consul-Index").orElseThrow());
  }
}
