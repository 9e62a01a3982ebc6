package io.github.grpcconsul.devagent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The other datacenters this agent reaches over its "WAN": other dev agents, each standing for its datacenter. As a
 * Consul server forwards a request for another datacenter to a server there, a request whose {@code ?dc=} names a
 * peer goes to that peer unchanged (path, query, token, body) and its answer comes back as the peer gave it, blocking
 * queries included; {@code /v1/catalog/datacenters} lists this datacenter and every peer's. A peer that is not
 * running answers Consul's 500 {@code No path to datacenter}, as an unknown datacenter does.
 *
 * <p>Forwarding is asynchronous (the JDK HTTP client, on the agent's handler threads), so a parked remote query holds
 * no thread. The client is created with the first forwarded request and dropped when the agent stops.
 */
final class WanPeers {
  /** Longer than Consul's longest blocking wait (10 min plus its jitter): the peer itself ends every query. */
  private static final Duration FORWARD_TIMEOUT = Duration.ofMinutes(11);
  private static final List<String> FORWARDED_REQUEST_HEADERS = List.of("X-Consul-Token", "Authorization",
      "Content-Type");

  /** Datacenter name to the base URI of the agent standing for it; null while that agent is stopped. */
  private final Map<String, Supplier<URI>> peers;
  private final String datacenter;
  private final Executor executor;
  private volatile HttpClient client;

  /** @param peers a live view: peers joined later are reached too */
  WanPeers(String datacenter, Map<String, Supplier<URI>> peers, Executor executor) {
    this.datacenter = datacenter;
    this.peers = peers;
    this.executor = executor;
  }

  /** Answers {@code req} when it is for a peer's datacenter, or is the datacenter list; false to route it here. */
  boolean handle(ApiRequest req) {
    if (peers.isEmpty() || !req.path.startsWith("/v1/")) {
      return false;
    }
    if (req.path.equals("/v1/catalog/datacenters") && req.method.equals("GET")) {
      List<String> all = new ArrayList<>();
      all.add(datacenter); // the local datacenter first, as Consul's round-trip-time order puts it
      all.addAll(new TreeMap<>(peers).keySet());
      req.respondJson(200, Json.strings(all));
      return true;
    }
    String dc = req.param("dc");
    // Agent endpoints answer for this agent whatever ?dc says, as Consul's do.
    if (dc == null || dc.isEmpty() || dc.equals(datacenter) || req.path.startsWith("/v1/agent/")) {
      return false;
    }
    Supplier<URI> peer = peers.get(dc);
    if (peer == null) {
      return false; // the endpoint answers No path to datacenter
    }
    URI base = peer.get();
    if (base == null) {
      req.respondText(500, Texts.NO_PATH_TO_DC);
      return true;
    }
    forward(req, base);
    return true;
  }

  private void forward(ApiRequest req, URI base) {
    byte[] body = req.body();
    HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(base + req.rawTarget))
        .timeout(FORWARD_TIMEOUT)
        .method(req.method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String name : FORWARDED_REQUEST_HEADERS) {
      String value = req.header(name);
      if (value != null) {
        out.header(name, value);
      }
    }
    CompletableFuture<HttpResponse<byte[]>> answer = client().sendAsync(out.build(),
        HttpResponse.BodyHandlers.ofByteArray());
    req.onCancel(() -> answer.cancel(true));
    answer.whenComplete((resp, failure) -> {
      if (failure != null) {
        req.respondText(500, Texts.NO_PATH_TO_DC);
        return;
      }
      resp.headers().map().forEach((name, values) -> {
        if (name.regionMatches(true, 0, "X-Consul-", 0, 9) && !values.isEmpty()) {
          req.responseHeaders().set(name, values.get(0));
        }
      });
      byte[] bytes = resp.body();
      req.respond(resp.statusCode(), bytes.length == 0 ? null : bytes,
          resp.headers().firstValue("Content-Type").orElse(null));
    });
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          c = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(5)).build();
          client = c;
        }
      }
    }
    return c;
  }

  /** Drops the HTTP client (JDK 17's has no close: its selector thread ends once it is unreachable and idle). */
  void stop() {
    client = null;
  }

  /** A live map for one agent's peers. */
  static Map<String, Supplier<URI>> newPeerMap() {
    return new ConcurrentHashMap<>();
  }
}
