package io.github.grpcconsul.benchmarks.scenario;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The harness's own writes to the agent: it plays every instance's registrar, the same way for every contender. It
 * speaks raw HTTP (not the library's client) so that what is measured is only the contenders' resolution, and counts
 * its own requests so that they can be subtracted from the agent's total.
 */
final class Registrar {
  /**
   * A TTL far longer than any run: instances stay passing until the harness says otherwise, whatever the machine's
   * load does to heartbeats.
   */
  private static final String TTL = "1h";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI agent;
  private final String service;
  private final AtomicLong requests = new AtomicLong();

  Registrar(URI agent, String service) {
    this.agent = agent;
    this.service = service;
  }

  void register(ProbeInstance instance) throws IOException, InterruptedException {
    String body = "{\"ID\":\"" + instance.id + "\",\"Name\":\"" + service + "\",\"Address\":\"127.0.0.1\",\"Port\":"
        + instance.port() + ",\"Check\":{\"CheckID\":\"" + checkId(instance.id) + "\",\"Name\":\"probe ttl\","
        + "\"TTL\":\"" + TTL + "\",\"Status\":\"passing\"}}";
    put("/v1/agent/service/register", body);
  }

  void deregister(ProbeInstance instance) throws IOException, InterruptedException {
    put("/v1/agent/service/deregister/" + instance.id, "");
  }

  /** @param status {@code passing}, {@code warning} or {@code critical} */
  void status(ProbeInstance instance, String status) throws IOException, InterruptedException {
    put("/v1/agent/check/update/" + checkId(instance.id), "{\"Status\":\"" + status + "\",\"Output\":\"bench\"}");
  }

  /** HTTP requests this registrar sent (answered or not). */
  long requests() {
    return requests.get();
  }

  private static String checkId(String serviceId) {
    return "probe:" + serviceId;
  }

  private void put(String path, String body) throws IOException, InterruptedException {
    requests.incrementAndGet();
    HttpRequest request = HttpRequest.newBuilder(agent.resolve(path))
        .timeout(Duration.ofSeconds(10))
        .PUT(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("agent answered " + response.statusCode() + " to PUT " + path + ": " + response.body());
    }
  }
}
