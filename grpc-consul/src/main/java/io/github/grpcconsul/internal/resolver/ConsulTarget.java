package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.internal.consul.GoDuration;
import io.github.grpcconsul.internal.consul.HealthQuery;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed {@code consul://[agent-host[:port]]/service-name[?query]} target: the Consul {@link HealthQuery} it asks
 * for ({@link #query()}: service, first datacenter, tags, near, node-meta, filter, consistency, and whether Consul
 * may drop non-passing instances itself), plus the resolver's own options, which are not part of Consul's query:
 * the agent, the datacenter failover order, the {@link HealthFilter} and empty policy applied to the answer, the
 * blocking {@code wait}, and the KV key of a service config.
 *
 * <p>Threading: immutable once parsed; parsed on the thread that calls {@code newNameResolver} (grpc's channel
 * builder), then read from any thread. Parsing never blocks.
 *
 * <p>Every user mistake is an {@link IllegalArgumentException} that names the target, the part at fault and what is
 * accepted, because it surfaces from {@code ManagedChannelBuilder.build()} far from where the string was written.
 */
public final class ConsulTarget {

  public static final String SCHEME = "consul";
  public static final int DEFAULT_AGENT_PORT = 8500;
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  /** Consul clamps longer waits to this; accepting more would only hide the clamp. */
  public static final Duration MAX_WAIT = Duration.ofMinutes(10);

  /**
   * The {@code health} parameter: which instances, by their checks' status, the resolver hands to the load balancer.
   * A filter applied to Consul's answer, not a status (that is {@link io.github.grpcconsul.registration.CheckStatus}).
   */
  enum HealthFilter {
    /** Only instances whose every check passes (Consul's {@code ?passing}). */
    PASSING,
    /** Instances with no critical or maintenance check: passing and warning. */
    WARNING,
    /** Every registered instance, whatever its checks say. */
    ANY
  }

  /** What to do when the health selection leaves no instance. */
  enum EmptyPolicy {
    /** Report UNAVAILABLE, so calls fail fast with a message naming the service. */
    FAIL,
    /** Use all instances, unhealthy ones included, while none is healthy. */
    UNHEALTHY
  }

  private static final Set<String> PARAMETERS =
      Set.of("dc", "tag", "health", "near", "node-meta", "filter", "wait", "consistency", "empty", "config",
          "config-key");
  /** Where {@code config=kv} looks for a service's gRPC service config. */
  public static final String SERVICE_CONFIG_PREFIX = "grpc/service-config/";

  private final String text;
  private final String agentAddress;
  private final HealthQuery query;
  private final List<String> datacenters;
  private final HealthFilter healthFilter;
  private final Duration wait;
  private final EmptyPolicy emptyPolicy;
  private final String configKey;

  private ConsulTarget(TargetParser p) {
    this.text = p.text;
    this.agentAddress = p.agentAddress;
    this.datacenters = List.copyOf(p.datacenters);
    this.healthFilter = p.healthFilter;
    this.wait = p.wait;
    this.emptyPolicy = p.emptyPolicy;
    this.configKey = p.configKey != null ? p.configKey
        : p.configFromKv ? SERVICE_CONFIG_PREFIX + p.service : null;
    // Consul may drop non-passing instances itself unless the filter or the fallback to unhealthy ones needs them.
    p.query.passingOnly(healthFilter == HealthFilter.PASSING && emptyPolicy == EmptyPolicy.FAIL);
    if (!datacenters.isEmpty()) {
      p.query.datacenter(datacenters.get(0));
    }
    try {
      this.query = p.query.build();
    } catch (IllegalArgumentException e) {
      throw p.fail(e.getMessage());
    }
  }

  /** Parses a target string, as given to {@code Grpc.newChannelBuilder}. */
  public static ConsulTarget parse(String target) {
    URI uri;
    try {
      uri = new URI(target);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "consul target \"" + target + "\": not a valid URI (" + e.getReason()
              + "); percent-encode spaces, quotes and other special characters in the query, e.g. with"
              + " URLEncoder.encode(filter, UTF_8)",
          e);
    }
    return parse(uri);
  }

  /** Parses a target URI, as grpc hands it to the provider. */
  public static ConsulTarget parse(URI uri) {
    return new ConsulTarget(new TargetParser(uri).parse());
  }

  /** The target as written, for messages. */
  public String text() {
    return text;
  }

  /** {@code host:port} of the agent named in the authority, or null to use the environment's agent. */
  public String agentAddress() {
    return agentAddress;
  }

  /**
   * The Consul health query this target asks for; with a failover list its datacenter is the first one, and the
   * watch of each further datacenter uses {@code query().toBuilder().datacenter(dc)}.
   */
  public HealthQuery query() {
    return query;
  }

  public String service() {
    return query.service();
  }

  /** The datacenter asked for (the first of a failover list), or null for the agent's own. */
  public String datacenter() {
    return datacenters.isEmpty() ? null : datacenters.get(0);
  }

  /**
   * {@code dc=dc1,dc2,dc3}: the datacenters in failover order, the first preferred; empty for the agent's own
   * datacenter, one element without failover.
   */
  public List<String> datacenters() {
    return datacenters;
  }

  /** The {@code health} parameter, applied to Consul's answer. */
  public HealthFilter healthFilter() {
    return healthFilter;
  }

  public Duration waitTime() {
    return wait;
  }

  public EmptyPolicy emptyPolicy() {
    return emptyPolicy;
  }

  /**
   * The KV key holding the gRPC service config ({@code config=kv}: {@code grpc/service-config/<service>};
   * {@code config-key=path}: that key), or null when the target does not ask for one.
   */
  public String configKey() {
    return configKey;
  }

  @Override
  public String toString() {
    return text;
  }

  private static final class TargetParser {
    final URI uri;
    final String text;
    String agentAddress;
    String service;
    HealthQuery.Builder query;
    final List<String> datacenters = new ArrayList<>();
    HealthFilter healthFilter = HealthFilter.PASSING;
    Duration wait = DEFAULT_WAIT;
    EmptyPolicy emptyPolicy = EmptyPolicy.FAIL;
    boolean configFromKv;
    String configKey;

    TargetParser(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      this.text = uri.toString();
    }

    TargetParser parse() {
      if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
        throw fail("the scheme must be \"consul\"");
      }
      if (uri.isOpaque()) {
        throw fail("expected consul://[agent-host[:port]]/service-name, e.g. consul:///helloserver");
      }
      if (uri.getRawFragment() != null) {
        throw fail("a fragment (#" + uri.getRawFragment() + ") is not allowed");
      }
      parseAuthority(uri.getRawAuthority());
      parsePath(uri.getRawPath());
      parseQuery(uri.getRawQuery());
      return this;
    }

    private void parseAuthority(String authority) {
      if (authority == null || authority.isEmpty()) {
        return;
      }
      if (authority.contains("@")) {
        throw fail("user info in the authority is not supported; give the ACL token through CONSUL_HTTP_TOKEN"
            + " or CONSUL_HTTP_TOKEN_FILE");
      }
      String host;
      String port;
      if (authority.startsWith("[")) {
        int close = authority.indexOf(']');
        if (close < 0) {
          throw fail("agent address \"" + authority + "\" has an unclosed IPv6 bracket, e.g. [::1]:8500");
        }
        host = authority.substring(0, close + 1);
        String rest = authority.substring(close + 1);
        if (rest.isEmpty()) {
          port = null;
        } else if (rest.startsWith(":")) {
          port = rest.substring(1);
        } else {
          throw fail("agent address \"" + authority + "\" must be [ipv6]:port");
        }
      } else {
        int colon = authority.indexOf(':');
        if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
          throw fail("agent address \"" + authority + "\": put an IPv6 address in brackets, e.g. [::1]:8500");
        }
        host = colon < 0 ? authority : authority.substring(0, colon);
        port = colon < 0 ? null : authority.substring(colon + 1);
      }
      if (host.isEmpty() || host.equals("[]")) {
        throw fail("agent address \"" + authority + "\" has an empty host");
      }
      int portNumber = DEFAULT_AGENT_PORT;
      if (port != null) {
        if (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9') || port.length() > 5) {
          throw fail("port \"" + port + "\" is not a number");
        }
        portNumber = Integer.parseInt(port);
        if (portNumber < 1 || portNumber > 65535) {
          throw fail("port " + portNumber + " is out of range (1-65535)");
        }
      }
      agentAddress = decode(host, "the agent host") + ":" + portNumber;
    }

    private void parsePath(String rawPath) {
      if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
        throw fail("the service name is missing, e.g. consul:///helloserver");
      }
      String name = decode(rawPath.substring(1), "the service name");
      if (name.contains("/")) {
        throw fail("service name \"" + name + "\" must be a single path segment (no '/')");
      }
      if (name.isBlank()) {
        throw fail("the service name is missing, e.g. consul:///helloserver");
      }
      service = name;
      query = HealthQuery.newBuilder(name);
    }

    private void parseQuery(String rawQuery) {
      if (rawQuery == null || rawQuery.isEmpty()) {
        return;
      }
      Set<String> seen = new HashSet<>();
      for (String pair : rawQuery.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq), "a parameter name");
        if (!PARAMETERS.contains(name)) {
          throw fail("unknown parameter \"" + name + "\"; accepted: dc, tag, health, near, node-meta, filter, wait,"
              + " consistency, empty, config, config-key");
        }
        if (eq < 0) {
          throw fail("parameter \"" + name + "\" needs a value (" + name + "=...)");
        }
        String value = decode(pair.substring(eq + 1), "parameter \"" + name + "\"");
        boolean repeatable = name.equals("tag") || name.equals("node-meta");
        if (!repeatable && !seen.add(name)) {
          throw fail("parameter \"" + name + "\" is given more than once; only tag and node-meta repeat");
        }
        if (value.isEmpty()) {
          throw fail("parameter \"" + name + "\" has an empty value");
        }
        apply(name, value);
      }
    }

    private void apply(String name, String value) {
      switch (name) {
        case "dc":
          for (String dc : value.split(",", -1)) {
            String dcName = dc.strip();
            if (dcName.isEmpty()) {
              throw fail("dc \"" + value + "\" has an empty datacenter name; list them comma-separated in"
                  + " failover order, e.g. dc=dc1,dc2");
            }
            if (datacenters.contains(dcName)) {
              throw fail("dc \"" + value + "\" names datacenter \"" + dcName + "\" twice");
            }
            datacenters.add(dcName);
          }
          break;
        case "tag":
          query.tag(value);
          break;
        case "near":
          query.near(value);
          break;
        case "filter":
          query.filter(value);
          break;
        case "node-meta":
          int colon = value.indexOf(':');
          if (colon <= 0) {
            throw fail("node-meta \"" + value + "\" must be key:value, e.g. node-meta=rack:r1");
          }
          query.nodeMeta(value);
          break;
        case "health":
          healthFilter = oneOf(name, value, HealthFilter.class, "passing (default), warning, any");
          break;
        case "consistency":
          query.consistency(
              oneOf(name, value, HealthQuery.Consistency.class, "default, stale, consistent, cached"));
          break;
        case "empty":
          emptyPolicy = oneOf(name, value, EmptyPolicy.class, "fail (default), unhealthy");
          break;
        case "wait":
          wait = parseWait(value);
          break;
        case "config":
          if (!value.equals("kv")) {
            throw fail("config \"" + value + "\" is not accepted; use config=kv (reads " + SERVICE_CONFIG_PREFIX
                + "<service>) or config-key=<KV path>");
          }
          configFromKv = true;
          break;
        case "config-key":
          if (value.startsWith("/")) {
            throw fail("config-key \"" + value + "\" must not start with '/'; give the KV path as Consul lists it,"
                + " e.g. config-key=grpc/service-config/helloserver");
          }
          configKey = value;
          break;
        default:
          throw new AssertionError(name);
      }
    }

    private Duration parseWait(String value) {
      Duration d;
      try {
        d = GoDuration.parse(value);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw fail("wait \"" + value + "\" is not a duration (" + e.getMessage() + "); use e.g. wait=30s, 5m, 1m30s");
      }
      if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX_WAIT) > 0) {
        throw fail("wait \"" + value + "\" is out of range; accepted: 1s to 10m (Consul's maximum)");
      }
      return d;
    }

    private <E extends Enum<E>> E oneOf(String name, String value, Class<E> type, String accepted) {
      for (E e : type.getEnumConstants()) {
        if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
          return e;
        }
      }
      throw fail(name + " \"" + value + "\" is not accepted; use one of: " + accepted);
    }

    private String decode(String raw, String what) {
      try {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw fail(what + " has a bad percent-encoding: \"" + raw + "\"");
      }
    }

    IllegalArgumentException fail(String problem) {
      return new IllegalArgumentException("consul target \"" + text + "\": " + problem);
    }
  }
}
