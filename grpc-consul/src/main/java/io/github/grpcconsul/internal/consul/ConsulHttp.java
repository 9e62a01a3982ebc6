package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.metrics.ConsulMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one request with failover over the configured addresses: on a transport error the next address is tried,
 * each at most once per call, and the address that answered is remembered for the next calls. Cancelling the returned
 * future cancels the in-flight exchange (since JDK 16 that aborts the HTTP exchange and closes its connection).
 *
 * <p>Threading: thread-safe and lock-free (the preferred address is an atomic); {@code send} is called on any
 * thread, never blocks but for the per-request {@link TokenSource} and {@link HttpClients} look-ups, and continues
 * failover in the HTTP client's completion callbacks on the client's {@code grpc-consul-http-N} threads.
 */
final class ConsulHttp {
  private static final Logger logger = Logger.getLogger(ConsulHttp.class.getName());

  private final ConsulConfig config;
  private final HttpClients clients;
  private final TlsProblems tlsProblems;
  private final List<ConsulAddress> addresses;
  private final boolean forceTls;
  private final ConsulMetrics metrics;
  private final AtomicInteger preferred = new AtomicInteger();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  /** Every HTTP exchange started (each address tried counts), probes included. */
  private final LongAdder attempts = new LongAdder();
  /** The same, over every client in the JVM (what an agent sees from this process; for the benchmarks). */
  private static final LongAdder ATTEMPTS_IN_JVM = new LongAdder();

  ConsulHttp(ConsulConfig config, HttpClients clients) {
    this.config = config;
    this.clients = clients;
    this.tlsProblems = new TlsProblems(config, clients.observations(), this::sendPlain, clients::clientChain);
    this.addresses = ConfigAccess.addresses(config);
    this.forceTls = config.tls();
    this.metrics = ConsulMetrics.of(config);
  }

  /** A request: method, raw path (already encoded), query string (encoded, may be empty), body, timeout. */
  record Request(String method, String path, String query, byte[] body, Duration timeout) {
    String target() {
      return query.isEmpty() ? path : path + "?" + query;
    }
  }

  CompletableFuture<HttpResponse<byte[]>> send(Request req) {
    return send(req, true);
  }

  /**
   * Sends {@code req}; without the ACL token when {@code withToken} is false (for endpoints that need none, such as
   * {@code /v1/status/leader}, so the token travels no more often than it must).
   */
  CompletableFuture<HttpResponse<byte[]>> send(Request req, boolean withToken) {
    CompletableFuture<HttpResponse<byte[]>> result = new CompletableFuture<>();
    String token = "";
    HttpClient http;
    try {
      if (withToken) {
        token = ConfigAccess.token(config).get();
      }
      http = clients.current(); // a new client when a TLS file changed
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(e);
      return result;
    }
    AtomicReference<CompletableFuture<?>> current = new AtomicReference<>();
    inFlight.add(result);
    result.whenComplete((r, e) -> {
      inFlight.remove(result);
      if (result.isCancelled()) {
        CompletableFuture<?> f = current.get();
        if (f != null) {
          f.cancel(true);
        }
      }
    });
    attempt(http, req, token, result, current, preferred.get(), 0, null);
    return result;
  }

  /** A request without token for {@link TlsProblems}' plain-HTTP probe; {@link #cancelAll()} aborts it too. */
  private CompletableFuture<HttpResponse<byte[]>> sendPlain(HttpRequest probe) {
    CompletableFuture<HttpResponse<byte[]>> f;
    try {
      f = clients.current().sendAsync(probe, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    inFlight.add(f);
    f.whenComplete((r, e) -> inFlight.remove(f));
    return f;
  }

  private void attempt(HttpClient http, Request req, String token, CompletableFuture<HttpResponse<byte[]>> result,
      AtomicReference<CompletableFuture<?>> current, int start, int tried, IOException previous) {
    int idx = (start + tried) % addresses.size();
    ConsulAddress address = addresses.get(idx);
    URI uri = URI.create(address.baseUri(forceTls) + req.target());
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(req.timeout())
        .method(req.method(), req.body() == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(req.body()));
    if (!token.isEmpty()) {
      b.header(ConsulJson.HEADER_TOKEN, token);
    }
    if (req.body() != null) {
      b.header("Content-Type", "application/json");
    }
    // The JDK's own future, kept for cancel(), which aborts the exchange; the body is detached from what the pooled
    // connection keeps (DetachedBody).
    CompletableFuture<HttpResponse<DetachedBody>> exchange;
    attempts.increment();
    ATTEMPTS_IN_JVM.increment();
    long sent = System.nanoTime();
    try {
      exchange = http.sendAsync(b.build(), DetachedBody.HANDLER);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    current.set(exchange);
    if (result.isCancelled()) {
      exchange.cancel(true);
      return;
    }
    String what = req.method() + " " + req.path();
    exchange.thenApply(DetachedBody::detach).whenComplete((resp, err) -> {
      record(req, address, sent, resp, err);
      if (err == null) {
        IOException wrongProtocol = tlsProblems.wrongProtocolAnswer(uri, what, resp);
        if (wrongProtocol == null) {
          preferred.set(idx);
          result.complete(resp);
        } else {
          failed(http, req, token, result, current, start, tried, previous, wrongProtocol);
        }
        return;
      }
      Throwable cause = ConsulFailures.unwrap(err);
      if (result.isDone()) {
        return;
      }
      if (!(cause instanceof IOException)) {
        result.completeExceptionally(cause);
        return;
      }
      // A transport failure (refused, reset, timed out) unless TlsProblems recognises a TLS mistake, which is no
      // outage: ConsulUnreachableException.isTlsFailure keeps such failures on the backoff, off the agent probe.
      IOException generic = new ConsulUnreachableException(
          "cannot reach Consul at " + address + " (" + what + "): " + cause, cause);
      tlsProblems.explain(uri, what, cause, generic, sent).thenAccept(io ->
          failed(http, req, token, result, current, start, tried, previous, io));
    });
  }

  /** One exchange for the request-duration metric; a cancelled one (a closed watch) is no request that failed. */
  private void record(Request req, ConsulAddress address, long sent, HttpResponse<byte[]> resp, Throwable err) {
    if (metrics.isNoop()) {
      return;
    }
    long nanos = System.nanoTime() - sent;
    Throwable cause = err == null ? null : ConsulFailures.unwrap(err);
    if (cause instanceof java.util.concurrent.CancellationException) {
      return;
    }
    metrics.request(req.method(), Endpoints.template(req.path()), address.host(), address.port(), nanos,
        resp == null ? 0 : resp.statusCode(), cause);
  }

  /** Tries the next address, or fails the call when every address was tried. */
  private void failed(HttpClient http, Request req, String token, CompletableFuture<HttpResponse<byte[]>> result,
      AtomicReference<CompletableFuture<?>> current, int start, int tried, IOException previous, IOException io) {
    if (result.isDone()) {
      return;
    }
    if (previous != null) {
      io.addSuppressed(previous);
    }
    if (tried + 1 < addresses.size()) {
      logger.log(Level.FINE, "{0}; trying the next address", io.getMessage());
      attempt(http, req, token, result, current, start, tried + 1, io);
    } else {
      logger.log(Level.FINE, "{0}", io.getMessage()); // every attempt; callers log once per streak
      result.completeExceptionally(io);
    }
  }

  /** Cancels every in-flight request (their connections are closed). */
  void cancelAll() {
    for (CompletableFuture<?> f : List.copyOf(inFlight)) {
      f.cancel(true);
    }
  }

  int preferredIndex() {
    return preferred.get();
  }

  long attempts() {
    return attempts.sum();
  }

  static long attemptsInJvm() {
    return ATTEMPTS_IN_JVM.sum();
  }

  int inFlightCount() {
    return inFlight.size();
  }

  /** Encodes one path segment (a service ID, check ID or key segment). */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Encodes a KV key, keeping its slashes. */
  static String keyPath(String key) {
    StringBuilder sb = new StringBuilder();
    String[] parts = key.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append('/');
      }
      sb.append(segment(parts[i]));
    }
    return sb.toString();
  }

  /** Builds an encoded query string. */
  static final class Query {
    private final StringBuilder sb = new StringBuilder();

    Query add(String name, String value) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(URLEncoder.encode(name, StandardCharsets.UTF_8));
      if (value != null) {
        sb.append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
      return this;
    }

    @Override
    public String toString() {
      return sb.toString();
    }
  }
}
