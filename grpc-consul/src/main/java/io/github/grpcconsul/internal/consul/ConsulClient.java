package io.github.grpcconsul.internal.consul;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.consul.ConsulConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An asynchronous client for the part of Consul's HTTP API this library uses. One JDK {@link HttpClient} at a time per
 * instance (a new one when the TLS files change: {@link HttpClients}), running on a small executor of daemon threads named {@code grpc-consul-http-N} that the client owns (it
 * also serves as the {@link #scheduler() scheduler} for {@link BlockingQuery} loops, so watches need no thread of
 * their own). No method blocks the caller. {@link #close()} aborts in-flight requests and leaves no thread behind.
 *
 * <p>Failures complete the futures with {@link ConsulException} (Consul answered an HTTP error) or an
 * {@link IOException} (no configured address could be reached, or the body was not what Consul sends; a
 * {@link ConsulTlsException} when TLS is misconfigured, naming the fix). The ACL token
 * travels only in the {@code X-Consul-Token} header and is never logged. {@code ns}/{@code partition} are never sent
 * (Consul CE rejects them).
 *
 * <p>Threading: thread-safe; every method may be called from any thread and returns a future at once (the TLS and
 * token look-ups of {@link HttpClients} and {@link TokenSource} aside), whose callbacks run on the client's {@code
 * grpc-consul-http-N} threads, so they must not block. {@link #create} may block reading TLS files; {@link #close()}
 * takes the client's lock only to mark it closed, then cancels in-flight requests and stops the threads without
 * waiting for callbacks.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class ConsulClient implements AutoCloseable {
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  private static final int THREADS = 2;
  /** Slack on top of Consul's {@code wait + wait/16} before a blocking query is declared timed out. */
  static final Duration BLOCKING_SLACK = Duration.ofSeconds(5);

  private final ConsulConfig config;
  private final ScheduledThreadPoolExecutor executor;
  private final Object lock = new Object();
  private final HttpClients clients; // rebuilt when TLS files change; dropped on close so selector threads can end
  private ConsulHttp http; // guarded by lock
  private boolean closed; // guarded by lock
  private AgentProbe agentProbe; // guarded by lock; created on first use
  private long closedAttempts; // guarded by lock: requestAttempts() once closed

  private final List<Thread> threads; // the executor's threads, so tests can check they are gone

  private ConsulClient(ConsulConfig config, HttpClients clients, ScheduledThreadPoolExecutor executor,
      List<Thread> threads) {
    this.config = config;
    this.clients = clients;
    this.executor = executor;
    this.threads = threads;
    this.http = new ConsulHttp(config, clients);
  }

  /**
   * Creates a client. TLS files are read here, and again whenever one of them changes (see {@link HttpClients}).
   *
   * @throws IllegalArgumentException when a TLS file cannot be read or parsed; the message names the file, the
   *     setting and the fix
   */
  public static ConsulClient create(ConsulConfig config) {
    Objects.requireNonNull(config, "config");
    List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(THREADS, daemonThreads(threads));
    executor.setRemoveOnCancelPolicy(true);
    try {
      return new ConsulClient(config, new HttpClients(config, executor), executor, threads);
    } catch (IOException e) {
      executor.shutdownNow();
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (RuntimeException e) {
      executor.shutdownNow();
      throw e;
    }
  }

  private static ThreadFactory daemonThreads(List<Thread> created) {
    return r -> {
      Thread t = new Thread(r, "grpc-consul-http-" + THREAD_IDS.incrementAndGet());
      t.setDaemon(true);
      created.add(t);
      return t;
    };
  }

  /** The threads this client's executor created (alive or not). */
  List<Thread> threadsForTest() {
    return List.copyOf(threads);
  }

  /** The JDK HttpClient's {@code toString()}, which carries the id its selector thread is named after. */
  String httpClientName() {
    return clients.names().get(0);
  }

  /** Every JDK HttpClient's {@code toString()}: one more per change of the TLS files. */
  List<String> httpClientNamesForTest() {
    return clients.names();
  }

  /** The index in the config's address list that answered last. */
  int preferredAddressForTest() {
    synchronized (lock) {
      return http == null ? -1 : http.preferredIndex();
    }
  }

  public ConsulConfig config() {
    return config;
  }

  /**
   * The client's executor, for scheduling {@link BlockingQuery} loops and their timers. Tasks must not block. Owned
   * by the client: do not shut it down, {@link #close()} does.
   */
  public ScheduledExecutorService scheduler() {
    return executor;
  }

  /**
   * The probe every loop of this client waits on after a transport failure ({@link RetryWait}): one per client, so
   * one per agent address list, shared by all its watches and registration loops. Created on first use; it sends
   * nothing while nobody waits, and {@link #close()} closes it.
   */
  public AgentProbe agentProbe() {
    synchronized (lock) {
      if (agentProbe == null) {
        agentProbe = new AgentProbe(this::probeOnce, executor, AgentProbe.DEFAULT_INTERVAL);
        if (closed) {
          agentProbe.close();
        }
      }
      return agentProbe;
    }
  }

  /**
   * One reachability probe: {@code GET /v1/status/leader} without the token (it needs no ACL), over the same
   * addresses, failover and TLS as every other call. Any HTTP answer counts as reachable, even an error status, and
   * so does a TLS failure: the loops' own retries then meet that error and back off.
   */
  private CompletableFuture<?> probeOnce() {
    ConsulHttp h;
    synchronized (lock) {
      h = http;
    }
    if (h == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("ConsulClient is closed"));
    }
    CompletableFuture<HttpResponse<byte[]>> sent = h.send(new ConsulHttp.Request("GET",
        ConsulJson.PATH_STATUS_LEADER, "", null, AgentProbe.DEFAULT_TIMEOUT), false);
    // A TLS failure means something answers there: release the loops, whose own requests then fail the same way and
    // back off, rather than probe a live agent with handshakes forever.
    CompletableFuture<Void> reached = sent.handle((resp, error) -> {
      if (error == null || ConsulUnreachableException.isTlsFailure(error)) {
        return null;
      }
      throw new java.util.concurrent.CompletionException(ConsulFailures.unwrap(error));
    });
    reached.whenComplete((r, e) -> {
      if (reached.isCancelled()) {
        sent.cancel(true);
      }
    });
    return reached;
  }

  /** HTTP exchanges this client started (each address tried counts once), probes included. */
  public long requestAttempts() {
    synchronized (lock) {
      return http == null ? closedAttempts : http.attempts();
    }
  }

  /** HTTP exchanges started by every client of this JVM so far: what Consul sees from this process (benchmarks). */
  public static long requestAttemptsInJvm() {
    return ConsulHttp.attemptsInJvm();
  }

  /**
   * {@code GET /v1/health/service/:name}. Blocks on the server (up to {@code wait}, plus Consul's jitter) when
   * {@code index > 0}; the request times out after {@code wait * 17/16 + 5 s}.
   */
  public CompletableFuture<QueryResult<List<HealthEntry>>> healthService(HealthQuery q, long index, Duration wait) {
    ConsulHttp.Query query = new ConsulHttp.Query();
    q.datacenter().ifPresent(dc -> query.add(ConsulJson.Q_DC, dc));
    q.tags().forEach(t -> query.add(ConsulJson.Q_TAG, t));
    if (q.passingOnly()) {
      query.add(ConsulJson.Q_PASSING, null);
    }
    q.near().ifPresent(n -> query.add(ConsulJson.Q_NEAR, n));
    q.nodeMeta().forEach(m -> query.add(ConsulJson.Q_NODE_META, m));
    q.filter().ifPresent(f -> query.add(ConsulJson.Q_FILTER, f));
    switch (q.consistency()) {
      case STALE:
        query.add(ConsulJson.Q_STALE, null);
        break;
      case CONSISTENT:
        query.add(ConsulJson.Q_CONSISTENT, null);
        break;
      case CACHED:
        query.add(ConsulJson.Q_CACHED, null);
        break;
      default:
        break;
    }
    return map(read("GET", ConsulJson.PATH_HEALTH_SERVICE + ConsulHttp.segment(q.service()), query, index, wait),
        resp -> {
          if (resp.statusCode() != 200) {
            throw error(resp);
          }
          List<HealthEntry> entries = parse(resp, HealthResponseParser::parse);
          return meta(resp.headers(), entries);
        });
  }

  /** {@code PUT /v1/agent/service/register}, optionally with {@code replace-existing-checks}. */
  public CompletableFuture<Void> registerService(ServiceDefinition def, boolean replaceExistingChecks) {
    ConsulHttp.Query query = new ConsulHttp.Query();
    if (replaceExistingChecks) {
      query.add(ConsulJson.Q_REPLACE_EXISTING_CHECKS, "true");
    }
    return write("PUT", ConsulJson.PATH_REGISTER, query, def.toJson().getBytes(StandardCharsets.UTF_8));
  }

  /** {@code PUT /v1/agent/service/deregister/:id}; an unknown ID fails with a 404 {@link ConsulException}. */
  public CompletableFuture<Void> deregisterService(String serviceId) {
    return write("PUT", ConsulJson.PATH_DEREGISTER + ConsulHttp.segment(requireId(serviceId, "serviceId")),
        new ConsulHttp.Query(), null);
  }

  /** {@code PUT /v1/agent/check/update/:id}: sets a TTL check's status and output, resetting its timer. */
  public CompletableFuture<Void> updateTtl(String checkId, CheckStatus status, String output) {
    if (status == CheckStatus.MAINTENANCE) {
      throw new IllegalArgumentException("status MAINTENANCE cannot be set on a TTL check: use serviceMaintenance,"
          + " or PASSING, WARNING, CRITICAL");
    }
    byte[] body = ConsulJsonWriter.ttlUpdateToJson(status, output).getBytes(StandardCharsets.UTF_8);
    return write("PUT", ConsulJson.PATH_CHECK_UPDATE + ConsulHttp.segment(requireId(checkId, "checkId")),
        new ConsulHttp.Query(), body);
  }

  /** {@code GET /v1/agent/service/:id}; empty when the agent does not know the ID. */
  public CompletableFuture<Optional<AgentService>> agentService(String serviceId) {
    return map(read("GET", ConsulJson.PATH_AGENT_SERVICE + ConsulHttp.segment(requireId(serviceId, "serviceId")),
        new ConsulHttp.Query(), 0, Duration.ZERO),
        resp -> {
          if (resp.statusCode() == 404) {
            return Optional.empty();
          }
          if (resp.statusCode() != 200) {
            throw error(resp);
          }
          return Optional.of(parse(resp, AgentResponseParser::agentService));
        });
  }

  /**
   * {@code GET /v1/agent/service/:id?hash=…&wait=…} (Consul's hash-based blocking): the content hash of the agent's
   * registration of {@code serviceId}, empty when the agent does not know the ID. With a non-empty {@code hash} the
   * agent holds the request until the registration's hash differs from it, the service is removed (then 404, i.e.
   * empty) or {@code wait} has passed (then the same hash). A null or empty {@code hash} answers at once. An agent
   * that goes away breaks the held request at once, which is how a registration notices an agent restart.
   */
  public CompletableFuture<Optional<String>> agentServiceHash(String serviceId, String hash, Duration wait) {
    ConsulHttp.Query query = new ConsulHttp.Query();
    Duration timeout = config.requestTimeout();
    if (hash != null && !hash.isEmpty()) {
      Objects.requireNonNull(wait, "wait");
      query.add(ConsulJson.Q_HASH, hash);
      query.add(ConsulJson.Q_WAIT, GoDuration.formatWait(wait));
      timeout = blockingTimeout(wait);
    }
    String path = ConsulJson.PATH_AGENT_SERVICE + ConsulHttp.segment(requireId(serviceId, "serviceId"));
    return map(send(new ConsulHttp.Request("GET", path, query.toString(), null, timeout)), resp -> {
      if (resp.statusCode() == 404) {
        return Optional.empty();
      }
      if (resp.statusCode() != 200) {
        throw error(resp);
      }
      return Optional.of(resp.headers().firstValue(ConsulJson.HEADER_CONTENT_HASH).orElse(""));
    });
  }

  /** {@code PUT /v1/agent/service/maintenance/:id?enable=…&reason=…}. */
  public CompletableFuture<Void> serviceMaintenance(String serviceId, boolean enable, String reason) {
    ConsulHttp.Query query = new ConsulHttp.Query().add(ConsulJson.Q_ENABLE, Boolean.toString(enable));
    if (reason != null && !reason.isEmpty()) {
      query.add(ConsulJson.Q_REASON, reason);
    }
    return write("PUT", ConsulJson.PATH_MAINTENANCE + ConsulHttp.segment(requireId(serviceId, "serviceId")), query,
        null);
  }

  /** {@code GET /v1/agent/self}: datacenter, node name and version of the agent. */
  public CompletableFuture<AgentSelf> agentSelf() {
    return map(read("GET", ConsulJson.PATH_AGENT_SELF, new ConsulHttp.Query(), 0, Duration.ZERO),
        resp -> {
          if (resp.statusCode() != 200) {
            throw error(resp);
          }
          return parse(resp, AgentResponseParser::agentSelf);
        });
  }

  /** {@code GET /v1/kv/:key}, blocking when {@code index > 0}; empty value when the key does not exist. */
  public CompletableFuture<QueryResult<Optional<KvPair>>> kvGet(String key, long index, Duration wait) {
    return map(read("GET", ConsulJson.PATH_KV + ConsulHttp.keyPath(requireId(key, "key")), new ConsulHttp.Query(),
        index, wait),
        resp -> {
          if (resp.statusCode() == 404) {
            return meta(resp.headers(), Optional.<KvPair>empty());
          }
          if (resp.statusCode() != 200) {
            throw error(resp);
          }
          return meta(resp.headers(), Optional.ofNullable(parse(resp, AgentResponseParser::kvPair)));
        });
  }

  /** {@code PUT /v1/kv/:key}; completes with Consul's answer (true when written). */
  public CompletableFuture<Boolean> kvPut(String key, byte[] value) {
    ConsulHttp.Request req = new ConsulHttp.Request("PUT", ConsulJson.PATH_KV + ConsulHttp.keyPath(requireId(key, "key")),
        "", value.clone(), config.requestTimeout());
    return map(send(req), resp -> {
      if (resp.statusCode() != 200) {
        throw error(resp);
      }
      return new String(resp.body(), StandardCharsets.UTF_8).strip().equals("true");
    });
  }

  /** {@code DELETE /v1/kv/:key}. */
  public CompletableFuture<Void> kvDelete(String key) {
    return write("DELETE", ConsulJson.PATH_KV + ConsulHttp.keyPath(requireId(key, "key")), new ConsulHttp.Query(),
        null);
  }

  /**
   * Aborts in-flight requests, stops the executor and drops the HTTP client. Idempotent.
   *
   * <p>JDK 17's HttpClient has no {@code close()}: its selector thread ends by itself once the client is unreachable
   * and has no pending exchange, which is what dropping the reference and cancelling every request achieves (a
   * garbage collection later). On JDK 21+ we also call its {@code shutdownNow()}.
   */
  @Override
  public void close() {
    ConsulHttp h;
    AgentProbe probe;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      h = http;
      probe = agentProbe;
      closedAttempts = h.attempts();
      http = null;
    }
    if (probe != null) {
      probe.close();
    }
    h.cancelAll();
    clients.close();
    executor.shutdownNow();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private CompletableFuture<HttpResponse<byte[]>> send(ConsulHttp.Request req) {
    ConsulHttp h;
    synchronized (lock) {
      h = http;
    }
    if (h == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("ConsulClient is closed"));
    }
    return h.send(req);
  }

  private CompletableFuture<HttpResponse<byte[]>> read(String method, String path, ConsulHttp.Query query, long index,
      Duration wait) {
    Duration timeout = config.requestTimeout();
    if (index > 0) {
      Objects.requireNonNull(wait, "wait");
      query.add(ConsulJson.Q_INDEX, Long.toString(index));
      query.add(ConsulJson.Q_WAIT, GoDuration.formatWait(wait));
      timeout = blockingTimeout(wait);
    }
    return send(new ConsulHttp.Request(method, path, query.toString(), null, timeout));
  }

  /** Consul answers within {@code wait + wait/16}; we allow that plus slack before giving up. */
  static Duration blockingTimeout(Duration wait) {
    return Duration.ofMillis(wait.toMillis() * 17 / 16).plus(BLOCKING_SLACK);
  }

  private CompletableFuture<Void> write(String method, String path, ConsulHttp.Query query, byte[] body) {
    return map(send(new ConsulHttp.Request(method, path, query.toString(), body, config.requestTimeout())),
        resp -> {
          if (resp.statusCode() != 200) {
            throw error(resp);
          }
          return null;
        });
  }

  /** Cancelling the returned future cancels {@code source} too (plain thenApply does not). */
  private static <S, T> CompletableFuture<T> map(CompletableFuture<S> source,
      java.util.function.Function<? super S, ? extends T> fn) {
    CompletableFuture<T> derived = source.thenApply(fn);
    derived.whenComplete((r, e) -> {
      if (derived.isCancelled()) {
        source.cancel(true);
      }
    });
    return derived;
  }

  private static ConsulException error(HttpResponse<byte[]> resp) {
    return new ConsulException(resp.statusCode(), new String(resp.body(), StandardCharsets.UTF_8),
        resp.request().method(), resp.request().uri().getRawPath());
  }

  private interface Parser<T> {
    T parse(byte[] body) throws IOException;
  }

  private static <T> T parse(HttpResponse<byte[]> resp, Parser<T> parser) {
    try {
      return parser.parse(resp.body());
    } catch (IOException | RuntimeException e) {
      String body = new String(resp.body(), StandardCharsets.UTF_8);
      if (body.length() > 200) {
        body = body.substring(0, 200) + "...";
      }
      throw new java.util.concurrent.CompletionException(new IOException("Consul answered "
          + resp.request().method() + " " + resp.request().uri().getRawPath()
          + " with a body that is not the expected JSON (" + e.getMessage() + "): " + body, e));
    }
  }

  private static <T> QueryResult<T> meta(HttpHeaders headers, T value) {
    long index = headers.firstValue(ConsulJson.HEADER_INDEX).map(ConsulClient::parseLong).orElse(1L);
    boolean knownLeader = headers.firstValue(ConsulJson.HEADER_KNOWN_LEADER).map("true"::equals).orElse(false);
    long lastContact = headers.firstValue(ConsulJson.HEADER_LAST_CONTACT).map(ConsulClient::parseLong).orElse(0L);
    return new QueryResult<>(value, index, knownLeader, Duration.ofMillis(Math.max(lastContact, 0)));
  }

  private static long parseLong(String s) {
    try {
      return Long.parseUnsignedLong(s.strip());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static String requireId(String id, String what) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty: give the " + what + " Consul knows");
    }
    return id;
  }

  @Override
  public String toString() {
    return "ConsulClient{" + config + "}";
  }
}
