package io.github.grpcconsul.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of grpc-consul in a Spring Boot application, under the prefix {@code grpc-consul} ({@code spring.*}
 * belongs to Spring Boot).
 *
 * <p>Connection settings ({@code grpc-consul.address}, {@code token}, {@code token-file}, {@code tls.*}) that are not
 * set fall back to Consul's environment variables ({@code CONSUL_HTTP_ADDR}, {@code CONSUL_HTTP_TOKEN}, ...), then to
 * the defaults: a property wins over its environment variable, which wins over the default.
 */
@ConfigurationProperties(prefix = GrpcConsulProperties.PREFIX)
public class GrpcConsulProperties {

  /** The prefix of every property of grpc-consul. */
  public static final String PREFIX = "grpc-consul";

  /**
   * Consul agent address(es): host:port, http://host:port or https://host:port; several (comma-separated) are tried
   * in order. Unset: CONSUL_HTTP_ADDR, else 127.0.0.1:8500.
   */
  private List<String> address = new ArrayList<>();

  /** ACL token sent as X-Consul-Token (never logged). Unset: CONSUL_HTTP_TOKEN_FILE / CONSUL_HTTP_TOKEN. */
  private String token;

  /** File holding the ACL token, re-read when it changes; wins over token (as in Consul). */
  private Path tokenFile;

  /** Connect timeout to the agent. */
  private Duration connectTimeout;

  /** Timeout of non-blocking calls to the agent. */
  private Duration requestTimeout;

  private final Tls tls = new Tls();

  private final Client client = new Client();

  private final Registration registration = new Registration();

  public List<String> getAddress() {
    return address;
  }

  public void setAddress(List<String> address) {
    this.address = address;
  }

  public String getToken() {
    return token;
  }

  public void setToken(String token) {
    this.token = token;
  }

  public Path getTokenFile() {
    return tokenFile;
  }

  public void setTokenFile(Path tokenFile) {
    this.tokenFile = tokenFile;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  public Tls getTls() {
    return tls;
  }

  public Client getClient() {
    return client;
  }

  public Registration getRegistration() {
    return registration;
  }

  /** TLS to the Consul agent. */
  public static class Tls {
    /** Use HTTPS for addresses without a scheme. Unset: CONSUL_HTTP_SSL, else false. */
    private Boolean enabled;

    /** Verify the agent's certificate and host name (false: tests only). Unset: CONSUL_HTTP_SSL_VERIFY, else true. */
    private Boolean verify;

    /** PEM bundle of CA certificates to trust. Unset: CONSUL_CACERT, else the JVM's trust store. */
    private Path caFile;

    /** PEM client certificate for mutual TLS. Unset: CONSUL_CLIENT_CERT. */
    private Path clientCertFile;

    /** Unencrypted PKCS#8 PEM key of the client certificate. Unset: CONSUL_CLIENT_KEY. */
    private Path clientKeyFile;

    /** Name the agent's certificate must carry. Unset: CONSUL_TLS_SERVER_NAME, else the address's host. */
    private String serverName;

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    public Boolean getVerify() {
      return verify;
    }

    public void setVerify(Boolean verify) {
      this.verify = verify;
    }

    public Path getCaFile() {
      return caFile;
    }

    public void setCaFile(Path caFile) {
      this.caFile = caFile;
    }

    public Path getClientCertFile() {
      return clientCertFile;
    }

    public void setClientCertFile(Path clientCertFile) {
      this.clientCertFile = clientCertFile;
    }

    public Path getClientKeyFile() {
      return clientKeyFile;
    }

    public void setClientKeyFile(Path clientKeyFile) {
      this.clientKeyFile = clientKeyFile;
    }

    public String getServerName() {
      return serverName;
    }

    public void setServerName(String serverName) {
      this.serverName = serverName;
    }
  }

  /** The consul:/// name resolver for Spring Boot's gRPC channels. */
  public static class Client {
    /** Whether channels with consul: targets resolve through the grpc-consul.* connection. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** Registration of Spring Boot's gRPC server in Consul. */
  public static class Registration {
    /** Whether the gRPC server is registered in Consul once it has started. */
    private boolean enabled = true;

    /** Consul service name. Unset: spring.application.name. */
    private String serviceName;

    /** Service ID, unique per instance. Unset: service-name-address-port. */
    private String instanceId;

    /** Address clients dial. Unset: detected (a non-loopback site-local, else global address of this host). */
    private String address;

    /** Service tags. */
    private List<String> tags = new ArrayList<>();

    /** Service meta (keys: letters, digits, '_' or '-'). */
    private Map<String, String> meta = new LinkedHashMap<>();

    /** Consul weight while passing (1..65535). */
    private int weightPassing = 1;

    /** Consul weight while warning (0..65535). */
    private int weightWarning = 1;

    /** Consul's EnableTagOverride. */
    private boolean enableTagOverride;

    /** TTL of a TTL check whose heartbeat carries the application's health. Unset: no TTL check. */
    private Duration ttl;

    private final GrpcCheck grpcCheck = new GrpcCheck();

    /** How long a check may stay critical before Consul removes the instance (Consul's floor: 1m). */
    private Duration deregisterCriticalServiceAfter = Duration.ofMinutes(1);

    /**
     * On shutdown, how long the instance keeps serving after it turned NOT_SERVING and went into maintenance, so
     * clients drop it before it deregisters and the gRPC server stops.
     */
    private Duration drainTime = Duration.ofSeconds(5);

    /** Bound on each Consul call of the shutdown (maintenance, deregistration). */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    /** How often the application's health (actuator, via Spring Boot's gRPC health) is copied to Consul. */
    private Duration healthInterval = Duration.ofSeconds(2);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getServiceName() {
      return serviceName;
    }

    public void setServiceName(String serviceName) {
      this.serviceName = serviceName;
    }

    public String getInstanceId() {
      return instanceId;
    }

    public void setInstanceId(String instanceId) {
      this.instanceId = instanceId;
    }

    public String getAddress() {
      return address;
    }

    public void setAddress(String address) {
      this.address = address;
    }

    public List<String> getTags() {
      return tags;
    }

    public void setTags(List<String> tags) {
      this.tags = tags;
    }

    public Map<String, String> getMeta() {
      return meta;
    }

    public void setMeta(Map<String, String> meta) {
      this.meta = meta;
    }

    public int getWeightPassing() {
      return weightPassing;
    }

    public void setWeightPassing(int weightPassing) {
      this.weightPassing = weightPassing;
    }

    public int getWeightWarning() {
      return weightWarning;
    }

    public void setWeightWarning(int weightWarning) {
      this.weightWarning = weightWarning;
    }

    public boolean isEnableTagOverride() {
      return enableTagOverride;
    }

    public void setEnableTagOverride(boolean enableTagOverride) {
      this.enableTagOverride = enableTagOverride;
    }

    public Duration getTtl() {
      return ttl;
    }

    public void setTtl(Duration ttl) {
      this.ttl = ttl;
    }

    public GrpcCheck getGrpcCheck() {
      return grpcCheck;
    }

    public Duration getDeregisterCriticalServiceAfter() {
      return deregisterCriticalServiceAfter;
    }

    public void setDeregisterCriticalServiceAfter(Duration deregisterCriticalServiceAfter) {
      this.deregisterCriticalServiceAfter = deregisterCriticalServiceAfter;
    }

    public Duration getDrainTime() {
      return drainTime;
    }

    public void setDrainTime(Duration drainTime) {
      this.drainTime = drainTime;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }

    public Duration getHealthInterval() {
      return healthInterval;
    }

    public void setHealthInterval(Duration healthInterval) {
      this.healthInterval = healthInterval;
    }
  }

  /** Consul's gRPC check, answered by Spring Boot's grpc.health.v1 service. */
  public static class GrpcCheck {
    /** Whether Consul probes grpc.health.v1 (needs Spring Boot's gRPC health service, on by default). */
    private boolean enabled = true;

    /** How often Consul probes. */
    private Duration interval = Duration.ofSeconds(5);

    /** Timeout of one probe. Unset: the smaller of the interval and 5s. */
    private Duration timeout;

    /** Whether the probe uses TLS (the server serves TLS). */
    private boolean useTls;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public boolean isUseTls() {
      return useTls;
    }

    public void setUseTls(boolean useTls) {
      this.useTls = useTls;
    }
  }
}
