package io.github.grpcconsul.consul;

import io.github.grpcconsul.internal.consul.ConfigAccess;
import io.github.grpcconsul.internal.consul.ConsulAddress;
import io.github.grpcconsul.internal.consul.TokenSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to reach the Consul agent: addresses (tried in order, the next one on a transport error), ACL token, TLS.
 *
 * <p>{@link #fromEnvironment()} reads Consul's own environment variables with Consul's semantics;
 * {@link #newBuilder()} starts from the defaults (agent at {@code 127.0.0.1:8500}, no token, plain HTTP); and
 * {@code fromEnvironment().toBuilder()} lets code override what the environment says. A value: two equal configs
 * share connections and watches. {@link #toString()} never shows the token.
 *
 * <p>Threading: immutable and thread-safe (a {@link Builder} is not; use it on one thread). {@link
 * #fromEnvironment()} only reads environment variables; no method does I/O (token and TLS files are read by the
 * client, per request or when it is created).
 */
public final class ConsulConfig {
  static {
    ConfigAccess.install(new ConfigAccess.Accessor() {
      @Override
      public List<ConsulAddress> addresses(ConsulConfig config) {
        return config.addresses;
      }

      @Override
      public TokenSource token(ConsulConfig config) {
        return config.token;
      }

      @Override
      public boolean usesTls(ConsulConfig config) {
        return config.usesTls();
      }

      @Override
      public Object openTelemetry(ConsulConfig config) {
        return config.openTelemetry;
      }

      @Override
      public ConsulConfig fromEnvironment(Map<String, String> env) {
        return ConsulConfig.fromEnvironment(env);
      }
    });
  }

  static final String ENV_ADDR = "CONSUL_HTTP_ADDR";
  static final String ENV_TOKEN = "CONSUL_HTTP_TOKEN";
  static final String ENV_TOKEN_FILE = "CONSUL_HTTP_TOKEN_FILE";
  static final String ENV_SSL = "CONSUL_HTTP_SSL";
  static final String ENV_SSL_VERIFY = "CONSUL_HTTP_SSL_VERIFY";
  static final String ENV_CACERT = "CONSUL_CACERT";
  static final String ENV_CLIENT_CERT = "CONSUL_CLIENT_CERT";
  static final String ENV_CLIENT_KEY = "CONSUL_CLIENT_KEY";
  static final String ENV_TLS_SERVER_NAME = "CONSUL_TLS_SERVER_NAME";

  static final String DEFAULT_ADDRESS = "127.0.0.1:8500";

  private final List<ConsulAddress> addresses;
  private final TokenSource token;
  private final boolean tls;
  private final boolean tlsVerify;
  private final Path caCertFile;
  private final Path clientCertFile;
  private final Path clientKeyFile;
  private final String tlsServerName;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  /** An io.opentelemetry.api.OpenTelemetry, or null (the global one); Object so this class loads without the API. */
  private final Object openTelemetry;

  private ConsulConfig(Builder b) {
    if ((b.clientCertFile == null) != (b.clientKeyFile == null)) {
      throw new IllegalArgumentException(b.clientCertFile == null
          ? "a client key (" + ENV_CLIENT_KEY + " / clientKeyFile) is set but no client certificate: set "
              + ENV_CLIENT_CERT + " / clientCertFile too, or neither"
          : "a client certificate (" + ENV_CLIENT_CERT + " / clientCertFile) is set but no client key: set "
              + ENV_CLIENT_KEY + " / clientKeyFile too, or neither");
    }
    requirePositive(b.connectTimeout, "connectTimeout");
    requirePositive(b.requestTimeout, "requestTimeout");
    this.addresses = List.copyOf(b.addresses);
    this.token = b.token;
    this.tls = b.tls;
    this.tlsVerify = b.tlsVerify;
    this.caCertFile = b.caCertFile;
    this.clientCertFile = b.clientCertFile;
    this.clientKeyFile = b.clientKeyFile;
    this.tlsServerName = b.tlsServerName;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.openTelemetry = b.openTelemetry;
  }

  /** The defaults: agent at {@code 127.0.0.1:8500}, no token, plain HTTP, certificate verification on. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Reads {@code CONSUL_HTTP_ADDR} ({@code host:port}, {@code http://…}, {@code https://…}; a comma-separated list
   * gives failover addresses, an extension of ours), {@code CONSUL_HTTP_TOKEN}, {@code CONSUL_HTTP_TOKEN_FILE}
   * (wins over the token, as in Consul), {@code CONSUL_HTTP_SSL}, {@code CONSUL_HTTP_SSL_VERIFY},
   * {@code CONSUL_CACERT}, {@code CONSUL_CLIENT_CERT}, {@code CONSUL_CLIENT_KEY} and {@code CONSUL_TLS_SERVER_NAME}.
   *
   * @throws IllegalArgumentException naming the variable, its value and the fix, when a value is malformed
   */
  public static ConsulConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static ConsulConfig fromEnvironment(Map<String, String> env) {
    Builder b = new Builder();
    String addr = env(env, ENV_ADDR);
    if (addr != null) {
      List<ConsulAddress> list = new ArrayList<>();
      for (String part : addr.split(",")) {
        list.add(ConsulAddress.parse(part, ENV_ADDR));
      }
      b.addresses = list;
    }
    String tokenFile = env(env, ENV_TOKEN_FILE);
    String token = env(env, ENV_TOKEN);
    if (tokenFile != null) {
      b.tokenFile(Path.of(tokenFile));
    } else if (token != null) {
      b.token(token);
    }
    String ssl = env(env, ENV_SSL);
    if (ssl != null && parseBool(ENV_SSL, ssl)) {
      b.tls = true;
    }
    String verify = env(env, ENV_SSL_VERIFY);
    if (verify != null) {
      b.tlsVerify = parseBool(ENV_SSL_VERIFY, verify);
    }
    String ca = env(env, ENV_CACERT);
    if (ca != null) {
      b.caCertFile = Path.of(ca);
    }
    String cert = env(env, ENV_CLIENT_CERT);
    if (cert != null) {
      b.clientCertFile = Path.of(cert);
    }
    String key = env(env, ENV_CLIENT_KEY);
    if (key != null) {
      b.clientKeyFile = Path.of(key);
    }
    b.tlsServerName(env(env, ENV_TLS_SERVER_NAME));
    return b.build();
  }

  private static String env(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** Go's {@code strconv.ParseBool}, which is what Consul uses for these variables. */
  static boolean parseBool(String source, String value) {
    switch (value) {
      case "1": case "t": case "T": case "true": case "TRUE": case "True":
        return true;
      case "0": case "f": case "F": case "false": case "FALSE": case "False":
        return false;
      default:
        throw new IllegalArgumentException(source + " \"" + value + "\" is not a boolean: use true or false");
    }
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " " + d + " must be > 0: e.g. Duration.ofSeconds(10)");
    }
  }

  /** Starts a builder from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.addresses = new ArrayList<>(addresses);
    b.token = token;
    b.tls = tls;
    b.tlsVerify = tlsVerify;
    b.caCertFile = caCertFile;
    b.clientCertFile = clientCertFile;
    b.clientKeyFile = clientKeyFile;
    b.tlsServerName = tlsServerName;
    b.connectTimeout = connectTimeout;
    b.requestTimeout = requestTimeout;
    b.openTelemetry = openTelemetry;
    return b;
  }

  /** The agent addresses in failover order, as {@code [scheme://]host:port}. */
  public List<String> addresses() {
    List<String> out = new ArrayList<>();
    addresses.forEach(a -> out.add(a.toString()));
    return out;
  }

  /** Whether HTTPS is forced for addresses without an explicit scheme ({@code CONSUL_HTTP_SSL}). */
  public boolean tls() {
    return tls;
  }

  private boolean usesTls() {
    return tls || addresses.stream().anyMatch(a -> "https".equals(a.explicitScheme()));
  }

  public boolean tlsVerify() {
    return tlsVerify;
  }

  /** PEM CA bundle; null means the JVM's default trust store. */
  public Path caCertFile() {
    return caCertFile;
  }

  public Path clientCertFile() {
    return clientCertFile;
  }

  public Path clientKeyFile() {
    return clientKeyFile;
  }

  /** The name the agent's certificate must carry, when it differs from the address's host; null if unset. */
  public String tlsServerName() {
    return tlsServerName;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Timeout of non-blocking calls; blocking queries use {@code wait * 17/16 + 5s}. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ConsulConfig)) {
      return false;
    }
    ConsulConfig c = (ConsulConfig) o;
    return tls == c.tls && tlsVerify == c.tlsVerify && addresses.equals(c.addresses) && token.equals(c.token)
        && Objects.equals(caCertFile, c.caCertFile) && Objects.equals(clientCertFile, c.clientCertFile)
        && Objects.equals(clientKeyFile, c.clientKeyFile) && Objects.equals(tlsServerName, c.tlsServerName)
        && connectTimeout.equals(c.connectTimeout) && requestTimeout.equals(c.requestTimeout)
        && openTelemetry == c.openTelemetry;
  }

  @Override
  public int hashCode() {
    return Objects.hash(addresses, token, tls, tlsVerify, caCertFile, clientCertFile, clientKeyFile, tlsServerName);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ConsulConfig{addresses=").append(addresses)
        .append(", token=").append(token.describe());
    if (usesTls()) {
      sb.append(", tls, verify=").append(tlsVerify);
      if (caCertFile != null) {
        sb.append(", caCert=").append(caCertFile);
      }
      if (clientCertFile != null) {
        sb.append(", clientCert=").append(clientCertFile).append(", clientKey=").append(clientKeyFile);
      }
      if (tlsServerName != null) {
        sb.append(", tlsServerName=").append(tlsServerName);
      }
    }
    return sb.append('}').toString();
  }

  /** Builds a {@link ConsulConfig}. Every setter overrides what the environment said. */
  public static final class Builder {
    private List<ConsulAddress> addresses = List.of(ConsulAddress.parse(DEFAULT_ADDRESS, "default address"));
    private TokenSource token = TokenSource.NONE;
    private boolean tls;
    private boolean tlsVerify = true;
    private Path caCertFile;
    private Path clientCertFile;
    private Path clientKeyFile;
    private String tlsServerName;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Object openTelemetry;

    private Builder() {}

    /** One agent: {@code host[:port]}, {@code http://host:port} or {@code https://host:port}. */
    public Builder address(String address) {
      this.addresses = List.of(ConsulAddress.parse(address, "address"));
      return this;
    }

    /** Several agents, tried in this order; the one that answers is kept until it fails. */
    public Builder addresses(List<String> addresses) {
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("addresses is empty: give at least one host:port");
      }
      List<ConsulAddress> list = new ArrayList<>();
      for (String a : addresses) {
        list.add(ConsulAddress.parse(a, "addresses"));
      }
      this.addresses = list;
      return this;
    }

    /** A fixed ACL token (replaces any token file or supplier). Null or empty means none. */
    public Builder token(String token) {
      this.token = TokenSource.of(token);
      return this;
    }

    /** A file holding the token, re-read when it changes (replaces any token value or supplier). */
    public Builder tokenFile(Path file) {
      this.token = TokenSource.file(file);
      return this;
    }

    /**
     * A supplier asked for the token on every request, for rotation (replaces any token value or file). It must be
     * fast and must not block.
     */
    public Builder tokenSupplier(Supplier<String> supplier) {
      this.token = TokenSource.supplier(supplier);
      return this;
    }

    /** Use HTTPS for addresses without an explicit {@code http://}/{@code https://}. */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** Verify the agent's certificate and host name (default true). False is for tests only. */
    public Builder tlsVerify(boolean verify) {
      this.tlsVerify = verify;
      return this;
    }

    /**
     * PEM file with the CA certificates to trust (default: the JVM's trust store). Re-read when it changes.
     */
    public Builder caCertFile(Path file) {
      this.caCertFile = file;
      return this;
    }

    /** PEM client certificate (chain) for mTLS; needs {@link #clientKeyFile}. Re-read when it changes. */
    public Builder clientCertFile(Path file) {
      this.clientCertFile = file;
      return this;
    }

    /**
     * Unencrypted PEM key of the client certificate: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA
     * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}, as {@code consul tls cert create}
     * writes it). Re-read when it changes.
     */
    public Builder clientKeyFile(Path file) {
      this.clientKeyFile = file;
      return this;
    }

    /** Verify the agent's certificate against this name instead of the address's host. */
    public Builder tlsServerName(String name) {
      this.tlsServerName = name == null || name.isBlank() ? null : name.strip().toLowerCase(Locale.ROOT);
      return this;
    }

    /** TCP/TLS connect timeout (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /** Timeout of non-blocking calls (default 10 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Where the library's metrics go (the README's Observability section lists them): the resolver's watches, the
     * requests to Consul and the registrations made with this configuration. Default (or null):
     * {@code GlobalOpenTelemetry} as it is when a connection to the agent is made (by the OpenTelemetry Java agent
     * or {@code GlobalOpenTelemetry.set}); the library never calls {@code GlobalOpenTelemetry.get()}, which would
     * fix the global instance to a no-op. Needs {@code io.opentelemetry:opentelemetry-api} on the class path, an
     * optional dependency: without it the library records nothing. Two configurations are equal only with the same
     * instance.
     */
    public Builder openTelemetry(io.opentelemetry.api.OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
      return this;
    }

    public ConsulConfig build() {
      return new ConsulConfig(this);
    }
  }
}
