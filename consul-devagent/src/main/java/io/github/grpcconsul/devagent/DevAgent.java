package io.github.grpcconsul.devagent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * An in-memory agent that speaks Consul's HTTP API like {@code consul agent -dev}: one node of one datacenter,
 * agent, health, catalog, KV and status endpoints, blocking queries, checks run by the agent (TTL, gRPC, HTTP, TCP),
 * optional ACLs and TLS. For tests, demos and benchmarks.
 *
 * <pre>{@code
 * try (DevAgent agent = DevAgent.builder().build()) {
 *   agent.start();
 *   String addr = agent.httpAddress();   // "127.0.0.1:PORT", what CONSUL_HTTP_ADDR takes
 * }
 * }</pre>
 *
 * <p>Thread-safe. Embedded use never prints and never exits the JVM; {@link #close()} leaves no threads behind.
 */
public final class DevAgent implements AutoCloseable {
  private final AgentConfig config;
  private final Faults faults = new Faults(new CopyOnWriteArrayList<>(), "");
  private final RequestCounter counter = new RequestCounter();
  private final Map<String, Supplier<URI>> wanPeers = WanPeers.newPeerMap();
  private AgentRun run;
  private int boundPort;

  private DevAgent(AgentConfig config) {
    this.config = config;
  }

  /** A builder with Consul dev-mode defaults: 127.0.0.1, an OS-chosen port, datacenter dc1, ACLs and TLS off. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts serving (idempotent) and returns the bound address.
   *
   * @throws UncheckedIOException if the host and port cannot be bound (the message says why and what to change)
   */
  public synchronized InetSocketAddress start() {
    if (run == null) {
      int port = boundPort != 0 ? boundPort : config.httpPort();
      run = startOn(port, boundPort != 0);
      boundPort = run.address().getPort();
    }
    return run.address();
  }

  private AgentRun startOn(int port, boolean rebind) {
    IOException last = null;
    // A restart re-binds the port it had, which the old listener may hold for a moment.
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        return AgentRun.start(config, port, faults, counter, wanPeers);
      } catch (IOException e) {
        last = e;
        if (!AgentRun.isBindFailure(e) || !rebind) {
          break;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    String why = last == null || last.getMessage() == null ? "" : ": " + last.getMessage();
    String fix = why.contains("already in use")
        ? " (is another agent running there? choose another port, or 0 for any free port)"
        : " (expected: a host that is an address of this machine, such as 127.0.0.1 or 0.0.0.0)";
    throw new UncheckedIOException("cannot listen on " + config.host() + ":" + port + why + fix, last);
  }

  /** Stops serving; all state is dropped. Idempotent. */
  public synchronized void stop() {
    if (run != null) {
      run.stop();
      run = null;
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Stops and starts again on the same port with empty state, like restarting {@code consul agent -dev}: every
   * registration is lost and the index starts low again, so clients see it go backwards.
   */
  public synchronized void restart() {
    stop();
    start();
  }

  /** Whether the agent is serving. */
  public synchronized boolean isRunning() {
    return run != null;
  }

  /** "host:port" of the HTTP API, as {@code CONSUL_HTTP_ADDR} takes it. The agent must have been started. */
  public synchronized String httpAddress() {
    InetSocketAddress a = requireRun().address();
    String host = config.advertiseAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** {@code http://host:port} or {@code https://host:port}. The agent must have been started. */
  public synchronized URI baseUri() {
    return URI.create((config.tls() ? "https://" : "http://") + httpAddress());
  }

  /**
   * Federates this agent with {@code peers} over a simulated WAN, both ways, as {@code consul join -wan} does: each
   * agent stands for its own datacenter, lists the others in {@code /v1/catalog/datacenters}, and forwards requests
   * whose {@code ?dc=} names another's datacenter to that agent (catalog, health and KV; agent endpoints stay local).
   * A stopped peer answers Consul's 500 {@code No path to datacenter} until it runs again; a restarted peer is
   * reached at its new address. Call before or after {@link #start()}.
   *
   * @throws IllegalArgumentException when a peer has this agent's datacenter (or two peers share one): give each
   *     agent its own with {@code DevAgent.builder().datacenter("dc2")}
   */
  public void joinWan(DevAgent... peers) {
    for (DevAgent peer : peers) {
      Objects.requireNonNull(peer, "peer");
      if (peer == this || peer.datacenter().equals(datacenter())) {
        throw new IllegalArgumentException("cannot join datacenter \"" + peer.datacenter() + "\" over the WAN: it"
            + " is this agent's own; give each agent its own datacenter, e.g. DevAgent.builder().datacenter(\"dc2\")");
      }
      Supplier<URI> known = wanPeers.get(peer.datacenter());
      if (known != null && known != peer.wanAddress) {
        throw new IllegalArgumentException("another agent already stands for datacenter \"" + peer.datacenter()
            + "\" in this WAN; give each agent its own datacenter");
      }
    }
    for (DevAgent peer : peers) {
      wanPeers.put(peer.datacenter(), peer.wanAddress);
      peer.wanPeers.put(datacenter(), wanAddress);
    }
  }

  /** The base URI while running, null while stopped: what a WAN peer forwards to. */
  private final Supplier<URI> wanAddress = () -> {
    synchronized (this) {
      return run == null ? null : baseUri();
    }
  };

  /** The datacenter name. */
  public String datacenter() {
    return config.datacenter();
  }

  /** The node name. */
  public String nodeName() {
    return config.nodeName();
  }

  private AgentRun requireRun() {
    if (run == null) {
      throw new IllegalStateException("the dev agent is not started; call start() first");
    }
    return run;
  }

  /** HTTP requests received so far (over restarts), faulted ones included. */
  public long requestCount() {
    return counter.total();
  }

  /** HTTP requests received so far whose path starts with {@code pathPrefix}, e.g. "/v1/health/service/". */
  public long requestCount(String pathPrefix) {
    return counter.withPrefix(Objects.requireNonNull(pathPrefix, "pathPrefix"));
  }

  /** Fault injection for {@code /v1/} requests, to test how clients cope with a failing agent. */
  public Faults faults() {
    return faults;
  }

  /** Blocking queries currently parked (waiting for a change or their timeout); 0 when stopped. */
  public synchronized int parkedQueries() {
    return run == null ? 0 : run.store.waiterCount();
  }

  synchronized StateStore store() {
    return requireRun().store;
  }

  synchronized AgentRun run() {
    return requireRun();
  }

  /**
   * Injected faults. Each call adds a rule for the paths this object covers ({@code /v1/} unless narrowed with
   * {@link #forPath}); the newest matching rule wins. Rules survive restarts until {@link #clear()}.
   */
  public static final class Faults {
    private final List<FaultRule> rules;
    private final String prefix;

    Faults(List<FaultRule> rules, String prefix) {
      this.rules = rules;
      this.prefix = prefix;
    }

    /** The same faults, narrowed to request paths starting with {@code pathPrefix} (e.g. "/v1/health/"). */
    public Faults forPath(String pathPrefix) {
      return new Faults(rules, Objects.requireNonNull(pathPrefix, "pathPrefix"));
    }

    /** Answer matching requests with this status and plain-text body instead of handling them. */
    public Faults respond(int status, String body) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
      }
      rules.add(new FaultRule(prefix, FaultRule.Kind.RESPOND, status, body == null ? "" : body, null));
      return this;
    }

    /** Answer matching requests with 200 and a body that is not valid JSON. */
    public Faults malformedBody() {
      rules.add(new FaultRule(prefix, FaultRule.Kind.MALFORMED, 200, "", null));
      return this;
    }

    /** Delay matching requests by {@code delay} before handling them (without holding a server thread). */
    public Faults delay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
      }
      rules.add(new FaultRule(prefix, FaultRule.Kind.DELAY, 0, "", delay));
      return this;
    }

    /** Removes the rules of this path prefix, or every rule when called on {@code agent.faults()}. */
    public Faults clear() {
      if (prefix.isEmpty()) {
        rules.clear();
      } else {
        rules.removeIf(r -> r.prefix().equals(prefix));
      }
      return this;
    }

    FaultRule responseFor(String path) {
      for (int i = rules.size() - 1; i >= 0; i--) {
        FaultRule r = rules.get(i);
        if (r.kind() != FaultRule.Kind.DELAY && r.applies(path)) {
          return r;
        }
      }
      return null;
    }

    Duration delayFor(String path) {
      for (int i = rules.size() - 1; i >= 0; i--) {
        FaultRule r = rules.get(i);
        if (r.kind() == FaultRule.Kind.DELAY && r.applies(path)) {
          return r.delay();
        }
      }
      return null;
    }
  }

  /** Configures a {@link DevAgent}; every setting is optional. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int httpPort = 0;
    private String datacenter = "dc1";
    private String nodeName = "devagent";
    private String aclManagementToken;
    private String aclReadOnlyToken;
    private Path tlsCert;
    private Path tlsKey;
    private Path tlsClientCa;
    private Duration checkReapInterval = Duration.ofSeconds(30);
    private Duration deregisterCriticalServiceAfterMin = Duration.ofMinutes(1);
    private Duration requestTimeout = Duration.ofSeconds(20);
    private String nodeAddress;
    private Map<String, String> nodeMeta = Map.of();
    private boolean aclDefaultAllow;
    private List<ServiceDef> services = List.of();
    private List<CheckDef> checks = List.of();

    private Builder() {}

    /** The address to listen on; default 127.0.0.1. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The HTTP port; 0 (the default) lets the OS choose a free port. */
    public Builder httpPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("httpPort: " + port + " (expected: 0..65535)");
      }
      this.httpPort = port;
      return this;
    }

    /** The datacenter name; default "dc1". */
    public Builder datacenter(String datacenter) {
      this.datacenter = requireName(datacenter, "datacenter");
      return this;
    }

    /** The node name; default "devagent". */
    public Builder nodeName(String nodeName) {
      this.nodeName = requireName(nodeName, "nodeName");
      return this;
    }

    /**
     * Enables ACLs with default policy deny: this secret may do everything, requests without a token are
     * anonymous (writes denied, lists empty), unknown tokens get 403 "ACL not found". Null (default) = ACLs off.
     */
    public Builder aclManagementToken(String secret) {
      this.aclManagementToken = blankToNull(secret);
      return this;
    }

    /** With ACLs on, a token that may read everything and write nothing. */
    public Builder aclReadOnlyToken(String secret) {
      this.aclReadOnlyToken = blankToNull(secret);
      return this;
    }

    /** Serve HTTPS with this PEM certificate (chain) and unencrypted PKCS#8 PEM key. */
    public Builder tls(Path certPem, Path keyPem) {
      this.tlsCert = Objects.requireNonNull(certPem, "certPem");
      this.tlsKey = Objects.requireNonNull(keyPem, "keyPem");
      return this;
    }

    /** With {@link #tls}, also require client certificates signed by this PEM CA (mutual TLS). */
    public Builder tlsClientCa(Path caPem) {
      this.tlsClientCa = Objects.requireNonNull(caPem, "caPem");
      return this;
    }

    /** How often critical checks are examined for DeregisterCriticalServiceAfter; default 30 s like Consul. */
    public Builder checkReapInterval(Duration interval) {
      this.checkReapInterval = requirePositive(interval, "checkReapInterval");
      return this;
    }

    /** The floor of DeregisterCriticalServiceAfter; default 1 min like Consul. Tests lower it. */
    public Builder deregisterCriticalServiceAfterMin(Duration min) {
      Objects.requireNonNull(min, "deregisterCriticalServiceAfterMin");
      if (min.isNegative()) {
        throw new IllegalArgumentException("deregisterCriticalServiceAfterMin: " + min + " (expected: >= 0)");
      }
      this.deregisterCriticalServiceAfterMin = min;
      return this;
    }

    /**
     * How long a client may take to send one request, from its first byte to its last (headers and body); a slower
     * client is disconnected. Default 20 s. Idle keep-alive connections and parked blocking queries are not limited.
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = requirePositive(timeout, "requestTimeout");
      return this;
    }

    /** The node's catalog Address (config bind_addr / -bind); default the listen address. */
    Builder nodeAddress(String address) {
      this.nodeAddress = address;
      return this;
    }

    /** Extra node metadata (config node_meta). */
    Builder nodeMeta(Map<String, String> meta) {
      this.nodeMeta = Map.copyOf(meta);
      return this;
    }

    /** With ACLs on, default policy allow instead of deny (config acl.default_policy). */
    Builder aclDefaultAllow(boolean allow) {
      this.aclDefaultAllow = allow;
      return this;
    }

    /** Services and checks registered at every start (config files' definitions). */
    Builder definitions(List<ServiceDef> services, List<CheckDef> checks) {
      this.services = List.copyOf(services);
      this.checks = List.copyOf(checks);
      return this;
    }

    /** Builds a stopped agent; call {@link DevAgent#start()}. */
    public DevAgent build() {
      if (tlsClientCa != null && tlsCert == null) {
        throw new IllegalStateException("tlsClientCa needs tls(certPem, keyPem) too");
      }
      if (aclReadOnlyToken != null && aclManagementToken == null) {
        throw new IllegalStateException("aclReadOnlyToken needs aclManagementToken (ACLs are off without it)");
      }
      return new DevAgent(new AgentConfig(host, httpPort, datacenter, nodeName, aclManagementToken,
          aclReadOnlyToken, tlsCert, tlsKey, tlsClientCa, checkReapInterval, deregisterCriticalServiceAfterMin,
          requestTimeout, nodeAddress, nodeMeta, aclDefaultAllow, services, checks));
    }

    private static String requireName(String s, String what) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException(what + ": \"" + s + "\" (expected: a non-empty name)");
      }
      return s;
    }

    private static String blankToNull(String s) {
      return s == null || s.isEmpty() ? null : s;
    }

    private static Duration requirePositive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
